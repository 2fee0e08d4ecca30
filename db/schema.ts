import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { BLOCKER_SEVERITIES, CHECKPOINT_KINDS, SESSION_STATUSES, SESSION_TYPES } from '../lib/session-types.ts';
import { WRITER_KINDS } from '../lib/analytics-types.ts';

/**
 * Live memory entries. An entry whose expiresAt has passed is invisible and purged by the sweeper.
 * `id` is a rowid alias (INTEGER PRIMARY KEY), so VACUUM never renumbers it: the full-text index
 * `memory_fts` (FTS5, trigram, external content; migration 0008, hand-written: drizzle-kit cannot
 * express virtual tables or triggers) is keyed by it and kept in step by triggers on this table, in
 * the writing transaction, whoever writes. (namespace, key) is unique: the same B-tree the old
 * composite primary key had, so a write touches no more pages than before.
 */
export const memoryEntries = sqliteTable(
  'memory_entries',
  {
    id: integer('id').primaryKey(),
    namespace: text('namespace').notNull(),
    key: text('key').notNull(),
    value: text('value').notNull(),
    version: integer('version').notNull(),
    size: integer('size').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
    expiresAt: integer('expires_at'),
    /** Set when a session-shaped key held a value that could not become a session (shown in the explorer). */
    projectionWarning: text('projection_warning'),
  },
  (t) => [
    uniqueIndex('memory_entries_namespace_key').on(t.namespace, t.key),
    index('memory_entries_expires_at').on(t.expiresAt),
    // Covers the per-namespace live counts (namespaces()): without it, counting reads every row of the table.
    index('memory_entries_namespace_expires').on(t.namespace, t.expiresAt),
  ],
);

/**
 * The last N versions (and deletions) of each key; `seq` is the change that wrote it.
 * Stored WITHOUT ROWID (migration 0004, hand-written: drizzle-kit cannot express it), so a write adds
 * to one B-tree keyed (namespace, key, seq) instead of a table plus an index: one page less per write.
 * If drizzle-kit ever regenerates this table, put `WITHOUT ROWID` back in the generated SQL.
 */
export const memoryHistory = sqliteTable(
  'memory_history',
  {
    namespace: text('namespace').notNull(),
    key: text('key').notNull(),
    seq: integer('seq').notNull(),
    op: text('op', { enum: ['store', 'delete', 'expire'] }).notNull(),
    version: integer('version').notNull(),
    value: text('value'),
    actor: text('actor').notNull(),
    at: integer('at').notNull(),
    expiresAt: integer('expires_at'),
  },
  (t) => [primaryKey({ columns: [t.namespace, t.key, t.seq] })],
);

/**
 * The change feed: one row per mutation, written in the same transaction as the mutation.
 * `seq` is the global order every client follows. It is the rowid without AUTOINCREMENT (which
 * rewrote sqlite_sequence on every write) and the table has no secondary index: every reader walks
 * it by seq (catch-up after a seq, the newest first), and each index cost a page per write. The
 * feed never deletes its newest row (ChangeFeed.prune), so max(seq) never goes back and a seq is
 * never reused.
 */
export const changes = sqliteTable('changes', {
  seq: integer('seq').primaryKey(),
  topic: text('topic').notNull(),
  namespace: text('namespace').notNull(),
  key: text('key').notNull(),
  op: text('op', { enum: ['store', 'delete', 'expire'] }).notNull(),
  version: integer('version').notNull(),
  value: text('value'),
  actor: text('actor').notNull(),
  at: integer('at').notNull(),
  expiresAt: integer('expires_at'),
});

/** The feed's head: the last seq assigned (pruning always keeps the newest row). */
export const HEAD_SEQ_SQL = 'SELECT coalesce(max(seq), 0) AS seq FROM changes';

/** An entry as the services read it (its `id` only keys the full-text index). */
export type MemoryEntryRow = Omit<typeof memoryEntries.$inferSelect, 'id'>;
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

/**
 * Who did what, when, from where: writes, deletes, sign-ins, token and role changes. Rows are never
 * deleted, so the plain rowid id is already monotonic; no AUTOINCREMENT and no secondary index
 * (migration 0005): every query walks it newest first by id, and each index cost a page per write.
 */
export const auditLog = sqliteTable('audit_log', {
  id: integer('id').primaryKey(),
  at: integer('at').notNull(),
  actorKind: text('actor_kind').notNull(),
  actorId: text('actor_id'),
  actorLabel: text('actor_label').notNull(),
  action: text('action').notNull(),
  target: text('target'),
  outcome: text('outcome', { enum: ['ok', 'denied', 'failed'] }).notNull(),
  ip: text('ip'),
  detail: text('detail'),
});

// ---- Work sessions (the boards) --------------------------------------------------------------
// A core shared by every session type plus typed child tables. Written only by SessionService,
// each change with a `session` row in the change feed (room session:<id>).

export { SESSION_TYPES, SESSION_STATUSES };

export const workSessions = sqliteTable(
  'work_sessions',
  {
    id: text('id').primaryKey(),
    type: text('type', { enum: SESSION_TYPES }).notNull(),
    subtype: text('subtype'),
    title: text('title').notNull(),
    project: text('project'),
    owner: text('owner'),
    status: text('status', { enum: SESSION_STATUSES }).notNull(),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
    expectedDuration: text('expected_duration'),
    expectedMinutes: integer('expected_minutes'),
    focusArea: text('focus_area'),
    tags: text('tags').notNull().default('[]'),
    branch: text('branch'),
    lastCommit: text('last_commit'),
    /** JSON list of next steps for the session as a whole. */
    nextSteps: text('next_steps').notNull().default('[]'),
    /** JSON: lines of code, tests, coverage… from the latest state or checkpoint. */
    metrics: text('metrics').notNull().default('{}'),
    /** JSON: type-specific content (agenda, projects, review scope, capacity…). */
    details: text('details').notNull().default('{}'),
    parentId: text('parent_id'),
    resumeCount: integer('resume_count').notNull().default(0),
    autosaveMinutes: integer('autosave_minutes').notNull().default(30),
    lastActivityAt: integer('last_activity_at').notNull(),
    lastCheckpointAt: integer('last_checkpoint_at'),
    /** Bumped by every change; a checkpoint records the version it saw. */
    version: integer('version').notNull().default(1),
    checkpointVersion: integer('checkpoint_version').notNull().default(0),
    sourceNamespace: text('source_namespace'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('work_sessions_status').on(t.status, t.lastActivityAt), index('work_sessions_parent').on(t.parentId)],
);

const sessionRef = () =>
  text('session_id')
    .notNull()
    .references(() => workSessions.id, { onDelete: 'cascade' });

export const sessionGoals = sqliteTable(
  'session_goals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sessionId: sessionRef(),
    position: integer('position').notNull(),
    text: text('text').notNull(),
    done: integer('done', { mode: 'boolean' }).notNull().default(false),
    doneAt: integer('done_at'),
  },
  (t) => [index('session_goals_session').on(t.sessionId, t.position)],
);

export const sessionWorkstreams = sqliteTable(
  'session_workstreams',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sessionId: sessionRef(),
    name: text('name').notNull(),
    status: text('status').notNull(),
    progress: integer('progress').notNull().default(0),
    nextSteps: text('next_steps').notNull().default('[]'),
    files: text('files').notNull().default('[]'),
    position: integer('position').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('session_workstreams_session').on(t.sessionId, t.position)],
);

export const sessionFiles = sqliteTable(
  'session_files',
  {
    sessionId: sessionRef(),
    path: text('path').notNull(),
    kind: text('kind', { enum: ['active', 'modified', 'test'] }).notNull(),
    touchedAt: integer('touched_at').notNull(),
    touchedBy: text('touched_by'),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.path] })],
);

export const sessionBlockers = sqliteTable(
  'session_blockers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sessionId: sessionRef(),
    description: text('description').notNull(),
    kind: text('kind'),
    severity: text('severity', { enum: BLOCKER_SEVERITIES }).notNull().default('medium'),
    owner: text('owner'),
    impact: text('impact'),
    expectedResolution: text('expected_resolution'),
    createdAt: integer('created_at').notNull(),
    resolvedAt: integer('resolved_at'),
    resolvedBy: text('resolved_by'),
  },
  (t) => [index('session_blockers_session').on(t.sessionId)],
);

export const sessionDecisions = sqliteTable(
  'session_decisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sessionId: sessionRef(),
    topic: text('topic').notNull(),
    decision: text('decision').notNull(),
    rationale: text('rationale'),
    alternatives: text('alternatives').notNull().default('[]'),
    decidedAt: integer('decided_at').notNull(),
    decidedBy: text('decided_by'),
  },
  (t) => [index('session_decisions_session').on(t.sessionId)],
);

export const sessionAgents = sqliteTable(
  'session_agents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sessionId: sessionRef(),
    name: text('name').notNull(),
    role: text('role'),
    status: text('status').notNull().default('active'),
    currentTask: text('current_task'),
    lastActivityAt: integer('last_activity_at').notNull(),
    /** While the agent's status is `waiting`: what it is waiting for ("Needs you"), and since when. */
    waitingMessage: text('waiting_message'),
    waitingSince: integer('waiting_since'),
  },
  (t) => [uniqueIndex('session_agents_name').on(t.sessionId, t.name)],
);

export const sessionCheckpoints = sqliteTable(
  'session_checkpoints',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sessionId: sessionRef(),
    kind: text('kind', { enum: CHECKPOINT_KINDS }).notNull(),
    label: text('label'),
    /** JSON snapshot of the board (goals, workstreams, blockers, decisions, files, metrics) at that moment. */
    snapshot: text('snapshot').notNull(),
    sessionVersion: integer('session_version').notNull(),
    createdAt: integer('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [index('session_checkpoints_session').on(t.sessionId, t.createdAt)],
);

// ---- Board items and handoffs -----------------------------------------------------------------

/** Typed items of coordination, review and planning boards (kinds and their data: lib/board-items.ts). */
export const sessionItems = sqliteTable(
  'session_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sessionId: sessionRef(),
    kind: text('kind').notNull(),
    position: integer('position').notNull(),
    /** JSON, validated by the kind's schema on every write. */
    data: text('data').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    createdBy: text('created_by'),
  },
  (t) => [index('session_items_session').on(t.sessionId, t.kind, t.position)],
);

export const HANDOFF_STATUS_VALUES = ['pending', 'changes-requested', 'accepted', 'declined', 'expired', 'cancelled'] as const;

/** A session passed from one owner to the next (lib/handoff-types.ts). */
export const handoffs = sqliteTable(
  'handoffs',
  {
    id: text('id').primaryKey(),
    sessionId: sessionRef(),
    continuationId: text('continuation_id'),
    status: text('status', { enum: HANDOFF_STATUS_VALUES }).notNull(),
    handoffType: text('handoff_type'),
    fromLabel: text('from_label').notNull(),
    fromUserId: text('from_user_id'),
    toKind: text('to_kind', { enum: ['user', 'agent', 'team'] }).notNull(),
    toUserId: text('to_user_id'),
    toLabel: text('to_label').notNull(),
    /** JSON HandoffSummary / HandoffContext. */
    summary: text('summary').notNull(),
    context: text('context').notNull(),
    checkpointId: integer('checkpoint_id'),
    baseCheckpointId: integer('base_checkpoint_id'),
    /** JSON list of { namespace, key }. */
    memoryKeys: text('memory_keys').notNull().default('[]'),
    source: text('source', { enum: ['board', 'api', 'mcp', 'cli', 'memory'] }).notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    decidedAt: integer('decided_at'),
    decidedBy: text('decided_by'),
    reason: text('reason'),
    renewedFrom: text('renewed_from'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('handoffs_session').on(t.sessionId),
    index('handoffs_to_user').on(t.toUserId, t.status),
    index('handoffs_from_user').on(t.fromUserId, t.status),
    index('handoffs_status_expiry').on(t.status, t.expiresAt),
  ],
);

const handoffRef = () =>
  text('handoff_id')
    .notNull()
    .references(() => handoffs.id, { onDelete: 'cascade' });

export const handoffChecklist = sqliteTable(
  'handoff_checklist',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    handoffId: handoffRef(),
    position: integer('position').notNull(),
    text: text('text').notNull(),
    done: integer('done', { mode: 'boolean' }).notNull().default(false),
    doneBy: text('done_by'),
    doneAt: integer('done_at'),
  },
  (t) => [index('handoff_checklist_handoff').on(t.handoffId, t.position)],
);

/** The handoff's timeline: comments and each step. */
export const handoffEvents = sqliteTable(
  'handoff_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    handoffId: handoffRef(),
    kind: text('kind').notNull(),
    author: text('author').notNull(),
    body: text('body'),
    at: integer('at').notNull(),
  },
  (t) => [index('handoff_events_handoff').on(t.handoffId, t.at)],
);

export type SessionItemRow = typeof sessionItems.$inferSelect;
export type HandoffRow = typeof handoffs.$inferSelect;

// ---- Analytics ----------------------------------------------------------------------------------

/**
 * Memory writes per 15-minute bucket (`at / 900000`) and writer, folded in from the change feed by
 * WriteStats (server/analytics/write-stats.ts) in batches, so counts outlive the feed's retention and
 * analytics never groups the whole feed. 15 minutes: every time zone's offset is a multiple of it.
 */
export const writeStats = sqliteTable(
  'write_stats',
  {
    bucket: integer('bucket').notNull(),
    actor: text('actor').notNull(),
    writes: integer('writes').notNull(),
    lastAt: integer('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.actor] })],
);

/**
 * The same writes per UTC day (`bucket / 96`) and writer, kept in step by the same fold (issue 20): the
 * writers of a 90-day window read ~90 rows each instead of ~8,600 buckets. WITHOUT ROWID (migration 0009).
 */
export const writeStatsDays = sqliteTable(
  'write_stats_days',
  {
    day: integer('day').notNull(),
    actor: text('actor').notNull(),
    writes: integer('writes').notNull(),
    lastAt: integer('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.actor] })],
);

/**
 * The same writes per 15-minute bucket and kind of writer (`agent`, `person`, `cli`, `system`:
 * writerKind), kept in step by the same fold: the per-local-day chart of any time zone reads one
 * row per bucket and kind instead of one per bucket and writer. WITHOUT ROWID (migration 0009).
 */
export const writeStatsKinds = sqliteTable(
  'write_stats_kinds',
  {
    bucket: integer('bucket').notNull(),
    kind: text('kind', { enum: WRITER_KINDS }).notNull(),
    writes: integer('writes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.kind] })],
);

/** How far WriteStats has read the feed (one row), and from when it has counted. */
export const writeStatsCursor = sqliteTable('write_stats_cursor', {
  id: integer('id').primaryKey(),
  seq: integer('seq').notNull(),
  countingSince: integer('counting_since'),
});

// ---- Notifications (issue 18) ------------------------------------------------------------------

/** Outgoing webhooks (Settings → Webhooks). The secret signs deliveries, so it is kept as is. */
export const webhooks = sqliteTable('webhooks', {
  id: text('id').primaryKey(),
  url: text('url').notNull(),
  /** JSON list of event types, or `["*"]`. */
  events: text('events').notNull(),
  /** Blocker events below this severity are not sent (null: all). */
  minSeverity: text('min_severity', { enum: BLOCKER_SEVERITIES }),
  format: text('format', { enum: ['json', 'slack'] }).notNull(),
  description: text('description'),
  secret: text('secret').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  /** Why it was disabled (20 consecutive failures), shown as a banner until it is enabled again. */
  disabledReason: text('disabled_reason'),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** The outbox: one row per event and webhook, written by the notifier with its feed position. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    /** `Baton-Delivery`: the same on every attempt and on Redeliver. */
    id: text('id').primaryKey(),
    webhookId: text('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    /** The exact body sent (signed as is). */
    body: text('body').notNull(),
    state: text('state', { enum: ['pending', 'delivered', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** When the next attempt is due (pending only). */
    nextAttemptAt: integer('next_attempt_at'),
    createdAt: integer('created_at').notNull(),
    lastAttemptAt: integer('last_attempt_at'),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
  },
  (t) => [index('webhook_deliveries_due').on(t.state, t.nextAttemptAt), index('webhook_deliveries_hook').on(t.webhookId, t.createdAt)],
);

/** Every attempt of a delivery: the delivery log (status, duration, the first 1 KB of the response). */
export const webhookAttempts = sqliteTable(
  'webhook_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    at: integer('at').notNull(),
    status: integer('status'),
    durationMs: integer('duration_ms').notNull(),
    response: text('response'),
    error: text('error'),
  },
  (t) => [index('webhook_attempts_delivery').on(t.deliveryId, t.at)],
);

/**
 * The notifier's state: `cursor` (the last change seq it turned into events), and per session and
 * handoff the digest it last saw (`session:<id>`, `handoff:<id>`, `expiring:<id>`), so events are
 * derived from differences and survive restarts.
 */
export const notifyState = sqliteTable('notify_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** Per-person notification preferences (JSON, lib/notify.ts). */
export const notifyPrefs = sqliteTable('notify_prefs', {
  userId: text('user_id').primaryKey(),
  prefs: text('prefs').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
