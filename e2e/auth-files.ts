import { join } from 'node:path';

/** The owner account the e2e server creates from its environment (see playwright.config.ts). */
export const E2E_ADMIN = { email: 'owner@e2e.test', password: 'e2e-owner-password', name: 'Owner' };
export const AUTH_DIR = join(process.cwd(), 'test-results', '.auth');
export const ADMIN_STATE = join(AUTH_DIR, 'owner.json');
export const TOKEN_FILE = join(AUTH_DIR, 'token.txt');
