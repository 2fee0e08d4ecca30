#!/usr/bin/env node
// The `baton` command: loads the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('./baton.ts');
