import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Live memory entries. An entry whose expiresAt has passed is invisible and purged by the sweeper. */
export const memoryEntries = sqliteTable(
  'memory_entries',
  {
    namespace: text('namespace').notNull(),
    key: text('key').notNull(),
    value: text('value').notNull(),
    version: integer('version').notNull(),
    size: integer('size').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
    expiresAt: integer('expires_at'),
  },
  (t) => [primaryKey({ columns: [t.namespace, t.key] }), index('memory_entries_expires_at').on(t.expiresAt)],
);

/** The last N versions (and deletions) of each key; `seq` is the change that wrote it. */
export const memoryHistory = sqliteTable(
  'memory_history',
  {
    seq: integer('seq').primaryKey(),
    namespace: text('namespace').notNull(),
    key: text('key').notNull(),
    op: text('op', { enum: ['store', 'delete', 'expire'] }).notNull(),
    version: integer('version').notNull(),
    value: text('value'),
    actor: text('actor').notNull(),
    at: integer('at').notNull(),
    expiresAt: integer('expires_at'),
  },
  (t) => [index('memory_history_key').on(t.namespace, t.key, t.seq)],
);

/**
 * The change feed: one row per mutation, written in the same transaction as the mutation.
 * `seq` is the global order every client follows; AUTOINCREMENT keeps it monotonic even after pruning.
 */
export const changes = sqliteTable(
  'changes',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    topic: text('topic').notNull(),
    namespace: text('namespace').notNull(),
    key: text('key').notNull(),
    op: text('op', { enum: ['store', 'delete', 'expire'] }).notNull(),
    version: integer('version').notNull(),
    value: text('value'),
    actor: text('actor').notNull(),
    at: integer('at').notNull(),
    expiresAt: integer('expires_at'),
  },
  (t) => [index('changes_namespace_seq').on(t.namespace, t.seq)],
);

export type MemoryEntryRow = typeof memoryEntries.$inferSelect;
export type MemoryHistoryRow = typeof memoryHistory.$inferSelect;
export type ChangeRow = typeof changes.$inferSelect;

// ---- Identity and access ----------------------------------------------------------------------
// better-auth's tables (users, their sign-in sessions, credentials, verifications), prefixed so
// they never clash with Baton's own work sessions. Field names are what better-auth expects.

export const ROLES = ['admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const authUser = sqliteTable('auth_user', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email').notNull().unique(),
  emailVerified: integer('email_verified', { mode: 'boolean' }).notNull().default(false),
  image: text('image'),
  role: text('role', { enum: ROLES }).notNull().default('viewer'),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

export const authSession = sqliteTable(
  'auth_session',
  {
    id: text('id').primaryKey(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    token: text('token').notNull().unique(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    userId: text('user_id')
      .notNull()
      .references(() => authUser.id, { onDelete: 'cascade' }),
  },
  (t) => [index('auth_session_user').on(t.userId)],
);

export const authAccount = sqliteTable(
  'auth_account',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    providerId: text('provider_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => authUser.id, { onDelete: 'cascade' }),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    accessTokenExpiresAt: integer('access_token_expires_at', { mode: 'timestamp_ms' }),
    refreshTokenExpiresAt: integer('refresh_token_expires_at', { mode: 'timestamp_ms' }),
    scope: text('scope'),
    password: text('password'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('auth_account_user').on(t.userId)],
);

export const authVerification = sqliteTable('auth_verification', {
  id: text('id').primaryKey(),
  identifier: text('identifier').notNull(),
  value: text('value').notNull(),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }),
});

/** Invitations: a link with a role, used once, until it expires. Only the hash of its secret is kept. */
export const invites = sqliteTable('invites', {
  id: text('id').primaryKey(),
  tokenHash: text('token_hash').notNull().unique(),
  role: text('role', { enum: ROLES }).notNull(),
  email: text('email'),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  acceptedBy: text('accepted_by'),
  acceptedAt: integer('accepted_at'),
  revokedAt: integer('revoked_at'),
});

/** API tokens for agents and the CLI: shown once, stored as a SHA-256 hash, scoped per namespace pattern. */
export const apiTokens = sqliteTable('api_tokens', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  /** The first characters of the token, to recognise it in lists. */
  prefix: text('prefix').notNull(),
  /** JSON: [{ access: 'read' | 'write' | 'admin', namespaces: '<glob>' }]. */
  scopes: text('scopes').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at'),
  revokedAt: integer('revoked_at'),
  lastUsedAt: integer('last_used_at'),
});

/** Read-only links to one board (the meeting-room screen). */
export const shareLinks = sqliteTable('share_links', {
  id: text('id').primaryKey(),
  tokenHash: text('token_hash').notNull().unique(),
  sessionId: text('session_id').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  revokedAt: integer('revoked_at'),
});

/** Who did what, when, from where: writes, deletes, sign-ins, token and role changes. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id'),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    outcome: text('outcome', { enum: ['ok', 'denied', 'failed'] }).notNull(),
    ip: text('ip'),
    detail: text('detail'),
  },
  (t) => [index('audit_log_at').on(t.at), index('audit_log_action').on(t.action, t.at)],
);
