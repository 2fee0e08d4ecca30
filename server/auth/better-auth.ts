import { drizzleAdapter } from '@better-auth/drizzle-adapter';
import { betterAuth } from 'better-auth';
import type { Db } from '../../db/client.ts';
import { authAccount, authSession, authUser, authVerification } from '../../db/schema.ts';

/**
 * better-auth does passwords (scrypt), sign-in sessions and their httpOnly cookies. Baton keeps
 * its own rules (roles, tokens, share links) in server/auth; public sign-up is closed: accounts
 * are made by the first-run setup, the env bootstrap or an invitation, through our own routes.
 */
export function createBetterAuth(db: Db, secret: string, secureCookies: boolean) {
  return betterAuth({
    appName: 'Baton',
    secret,
    basePath: '/api/auth',
    database: drizzleAdapter(db, {
      provider: 'sqlite',
      schema: { auth_user: authUser, auth_session: authSession, auth_account: authAccount, auth_verification: authVerification },
    }),
    user: {
      modelName: 'auth_user',
      additionalFields: {
        role: { type: 'string', required: false, defaultValue: 'viewer', input: false },
        disabled: { type: 'boolean', required: false, defaultValue: false, input: false },
      },
    },
    session: { modelName: 'auth_session', expiresIn: 60 * 60 * 24 * 14, updateAge: 60 * 60 * 24 },
    account: { modelName: 'auth_account' },
    verification: { modelName: 'auth_verification' },
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 256, autoSignIn: true },
    // Baton rate-limits sign-in itself (429 + Retry-After, per IP and per email).
    rateLimit: { enabled: false },
    // Same-origin checks are Baton's (every cookie-authenticated mutation); any host may serve Baton.
    trustedOrigins: (request) => {
      const host = request?.headers.get('host');
      return host ? [`http://${host}`, `https://${host}`] : [];
    },
    advanced: {
      useSecureCookies: secureCookies,
      cookiePrefix: 'baton',
      database: { generateId: () => crypto.randomUUID() },
    },
    telemetry: { enabled: false },
    // It warns that no baseURL is set: on purpose, Baton derives it from each request's host.
    logger: { level: 'error' },
  });
}

export type BetterAuth = ReturnType<typeof createBetterAuth>;
