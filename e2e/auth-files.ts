import { join } from 'node:path';

/** The owner account the e2e server creates from its environment (see playwright.config.ts). */
export const E2E_ADMIN = { email: 'owner@e2e.test', password: 'e2e-owner-password', name: 'Owner' };
// One per e2e port, so runs against different servers at once never share a sign-in or token.
export const AUTH_DIR = join(process.cwd(), 'test-results', `.auth-${Number(process.env.E2E_PORT ?? 3210)}`);
export const ADMIN_STATE = join(AUTH_DIR, 'owner.json');
export const TOKEN_FILE = join(AUTH_DIR, 'token.txt');

/**
 * A second server, started with no account at all (no BATON_ADMIN_* env), for the first-run setup
 * test: it listens on E2E_PORT + 1 (3211 by default).
 */
export const FIRST_RUN_PORT = Number(process.env.E2E_PORT ?? 3210) + 1;
export const FIRST_RUN_URL = `http://127.0.0.1:${FIRST_RUN_PORT}`;
