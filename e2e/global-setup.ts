import { request, type FullConfig } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { E2E_ADMIN, AUTH_DIR, ADMIN_STATE, TOKEN_FILE } from './auth-files';

/**
 * Signs the owner in once (the server created the account from BATON_ADMIN_* env) and saves the
 * cookie for pages, and creates an admin API token for the tests' REST calls (agents' view).
 */
export default async function globalSetup(config: FullConfig) {
  const baseURL = config.projects[0]!.use.baseURL!;
  mkdirSync(AUTH_DIR, { recursive: true });
  const ctx = await request.newContext({ baseURL });
  const signIn = await ctx.post('/api/auth/sign-in/email', { data: { email: E2E_ADMIN.email, password: E2E_ADMIN.password } });
  if (!signIn.ok()) throw new Error(`e2e owner sign-in failed: ${signIn.status()} ${await signIn.text()}`);
  await ctx.storageState({ path: ADMIN_STATE });
  const token = await ctx.post('/api/v1/tokens', {
    data: { name: 'e2e', scopes: [{ access: 'admin', namespaces: '*' }] },
    headers: { origin: baseURL },
  });
  if (!token.ok()) throw new Error(`e2e token creation failed: ${token.status()} ${await token.text()}`);
  writeFileSync(TOKEN_FILE, (await token.json()).token);
  await ctx.dispose();
}
