import { z } from 'zod';
import { DEFAULT_MAX_VALUE_BYTES } from '../lib/memory-schema.ts';
import { DEFAULT_MAX_JSON_DEPTH } from '../lib/json-depth.ts';

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

/** Every setting Baton reads from the environment, validated once at start. See .env.example. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: int(3000, 0, 65535),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_PATH: z.string().min(1).default('./data/baton.db'),
  /** PostgreSQL for several nodes (issue 19); unset: SQLite at DATABASE_PATH, the default. */
  DATABASE_URL: z
    .string()
    .url('must be a URL such as postgres://baton@db.internal:5432/baton')
    .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** This node's name among several; setting it (or BATON_CLUSTER=true) says several nodes share one database. */
  BATON_NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 letters, digits, dots, dashes or underscores')
    .optional(),
  BATON_CLUSTER: z.enum(['true', 'false']).default('false'),
  MAX_VALUE_BYTES: int(DEFAULT_MAX_VALUE_BYTES, 1, 64 * 1024 * 1024),
  MAX_JSON_DEPTH: int(DEFAULT_MAX_JSON_DEPTH, 8, 1000),
  SWEEP_INTERVAL_MS: int(1000, 50, 3_600_000),
  FEED_POLL_MS: int(50, 5, 10_000),
  FEED_RETENTION: int(100_000, 100, 100_000_000),
  SESSION_IDLE_MINUTES: int(120, 1, 60 * 24 * 30),
  BATON_ADMIN_EMAIL: z.string().email('must be an email address').optional(),
  BATON_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  BATON_ADMIN_NAME: z.string().min(1).max(80).optional(),
  BATON_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  BATON_SECURE_COOKIES: z.enum(['true', 'false']).default('false'),
  RATE_LIMIT_WRITES_PER_MINUTE: int(12_000, 1, 100_000_000),
  RATE_LIMIT_SIGNIN_PER_MINUTE: int(20, 1, 100_000),
  WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  BATON_PUBLIC_URL: z
    .string()
    .url('must be a URL such as https://baton.example.com')
    .refine((u) => /^https?:\/\//.test(u), 'must be an http or https URL')
    .optional(),
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_INTERVAL_MINUTES: int(60, 1, 60 * 24 * 7),
  BACKUP_KEEP: int(24, 1, 10_000),
  IMPORT_MAX_BYTES: int(512 * 1024 * 1024, 1024, 8 * 1024 * 1024 * 1024),
  HISTORY_KEEP: int(20, 1, 100_000),
  SESSION_ARCHIVE_DAYS: int(30, 0, 36_500),
  AUDIT_RETENTION_DAYS: int(365, 0, 36_500),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Env = z.output<typeof envSchema>;

// The owner bootstrap needs both halves; several nodes need PostgreSQL, and every node the same secret.
const refinedEnvSchema = envSchema
  .refine((e) => !e.BATON_ADMIN_EMAIL === !e.BATON_ADMIN_PASSWORD, {
    path: ['BATON_ADMIN_PASSWORD'],
    message: 'BATON_ADMIN_EMAIL and BATON_ADMIN_PASSWORD must be set together',
  })
  .refine((e) => e.DATABASE_URL || (!e.BATON_NODE_ID && e.BATON_CLUSTER !== 'true'), {
    path: ['DATABASE_URL'],
    message:
      'several nodes (BATON_NODE_ID or BATON_CLUSTER=true) need one shared PostgreSQL database: set DATABASE_URL; SQLite (DATABASE_PATH) serves one node only',
  })
  .refine((e) => !e.DATABASE_URL || e.BATON_AUTH_SECRET, {
    path: ['BATON_AUTH_SECRET'],
    message:
      'must be set with DATABASE_URL: every node needs the same secret, or a sign-in made on one node is refused by the others (openssl rand -base64 48)',
  });

/**
 * Why this server must not start with this environment, or null. On PostgreSQL the database's own tools
 * back it up (`pg_dump`; `baton backup` prints the command), so BACKUP_DIR, which copies a SQLite file, is refused
 * rather than silently doing nothing.
 */
export function serverStartRefusal(env: Env): string | null {
  if (env.DATABASE_URL && env.BACKUP_DIR)
    return 'BACKUP_DIR copies the SQLite file and does nothing on PostgreSQL (DATABASE_URL): back it up with pg_dump (`npm run baton -- backup` prints the command) and unset BACKUP_DIR. See docs/operations.md#postgresql-several-nodes.';
  return null;
}

/** Parses the environment; on a bad value returns a message naming each variable, never a stack. */
export function parseEnv(source: Record<string, string | undefined>): { ok: true; env: Env } | { ok: false; message: string } {
  const result = refinedEnvSchema.safeParse(source);
  if (result.success) return { ok: true, env: result.data };
  const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  return { ok: false, message: `Invalid environment:\n${lines.join('\n')}` };
}
