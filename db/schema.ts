import { index, integer, primaryKey, sqliteTable, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { BLOCKER_SEVERITIES, CHECKPOINT_KINDS, SESSION_STATUSES, SESSION_TYPES } from '../lib/session-types.ts';
import { WRITER_KINDS } from '../lib/analytics-types.ts';
import {
  AUDIT_OUTCOMES,
  CHANGE_OPS,
  DELIVERY_STATES,
  HANDOFF_SOURCES,
  HANDOFF_TO_KINDS,
  SESSION_FILE_KINDS,
  sqliteCols as c,
  WEBHOOK_FORMATS,
} from './columns.ts';

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
    // A rowid alias without AUTOINCREMENT (see above), so not `c.id()`, which would add it.
    id: integer('id').primaryKey(),
    namespace: c.text('namespace').notNull(),
    key: c.text('key').notNull(),
    value: c.text('value').notNull(),
    version: c.int('version').notNull(),
    size: c.int('size').notNull(),
    createdAt: c.ms('created_at').notNull(),
    updatedAt: c.ms('updated_at').notNull(),
    updatedBy: c.text('updated_by').notNull(),
    expiresAt: c.ms('expires_at'),
    /** Set when a session-shaped key held a value that could not become a session (shown in the explorer). */
    projectionWarning: c.text('projection_warning'),
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
    namespace: c.text('namespace').notNull(),
    key: c.text('key').notNull(),
    seq: c.int64('seq').notNull(),
    op: c.enum('op', CHANGE_OPS).notNull(),
    version: c.int('version').notNull(),
    value: c.text('value'),
    actor: c.text('actor').notNull(),
    at: c.ms('at').notNull(),
    expiresAt: c.ms('expires_at'),
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
  // A rowid alias without AUTOINCREMENT (see above), so not `c.id()`, which would add it.
  seq: integer('seq').primaryKey(),
  topic: c.text('topic').notNull(),
  namespace: c.text('namespace').notNull(),
  key: c.text('key').notNull(),
  op: c.enum('op', CHANGE_OPS).notNull(),
  version: c.int('version').notNull(),
  value: c.text('value'),
  actor: c.text('actor').notNull(),
  at: c.ms('at').notNull(),
  expiresAt: c.ms('expires_at'),
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
  id: c.text('id').primaryKey(),
  name: c.text('name').notNull(),
  email: c.text('email').notNull().unique(),
  emailVerified: c.bool('email_verified').notNull().default(false),
  image: c.text('image'),
  role: c.enum('role', ROLES).notNull().default('viewer'),
  disabled: c.bool('disabled').notNull().default(false),
  createdAt: c.authTime('created_at').notNull(),
  updatedAt: c.authTime('updated_at').notNull(),
});

export const authSession = sqliteTable(
  'auth_session',
  {
    id: c.text('id').primaryKey(),
    expiresAt: c.authTime('expires_at').notNull(),
    token: c.text('token').notNull().unique(),
    createdAt: c.authTime('created_at').notNull(),
    updatedAt: c.authTime('updated_at').notNull(),
    ipAddress: c.text('ip_address'),
    userAgent: c.text('user_agent'),
    userId: c
      .text('user_id')
      .notNull()
      .references(() => authUser.id, { onDelete: 'cascade' }),
  },
  (t) => [index('auth_session_user').on(t.userId)],
);

export const authAccount = sqliteTable(
  'auth_account',
  {
    id: c.text('id').primaryKey(),
    accountId: c.text('account_id').notNull(),
    providerId: c.text('provider_id').notNull(),
    userId: c
      .text('user_id')
      .notNull()
      .references(() => authUser.id, { onDelete: 'cascade' }),
    accessToken: c.text('access_token'),
    refreshToken: c.text('refresh_token'),
    idToken: c.text('id_token'),
    accessTokenExpiresAt: c.authTime('access_token_expires_at'),
    refreshTokenExpiresAt: c.authTime('refresh_token_expires_at'),
    scope: c.text('scope'),
    password: c.text('password'),
    createdAt: c.authTime('created_at').notNull(),
    updatedAt: c.authTime('updated_at').notNull(),
  },
  (t) => [index('auth_account_user').on(t.userId)],
);

export const authVerification = sqliteTable('auth_verification', {
  id: c.text('id').primaryKey(),
  identifier: c.text('identifier').notNull(),
  value: c.text('value').notNull(),
  expiresAt: c.authTime('expires_at').notNull(),
  createdAt: c.authTime('created_at'),
  updatedAt: c.authTime('updated_at'),
});

/** Invitations: a link with a role, used once, until it expires. Only the hash of its secret is kept. */
export const invites = sqliteTable('invites', {
  id: c.text('id').primaryKey(),
  tokenHash: c.text('token_hash').notNull().unique(),
  role: c.enum('role', ROLES).notNull(),
  email: c.text('email'),
  createdBy: c.text('created_by').notNull(),
  createdAt: c.ms('created_at').notNull(),
  expiresAt: c.ms('expires_at').notNull(),
  acceptedBy: c.text('accepted_by'),
  acceptedAt: c.ms('accepted_at'),
  revokedAt: c.ms('revoked_at'),
});

/** API tokens for agents and the CLI: shown once, stored as a SHA-256 hash, scoped per namespace pattern. */
export const apiTokens = sqliteTable('api_tokens', {
  id: c.text('id').primaryKey(),
  name: c.text('name').notNull(),
  tokenHash: c.text('token_hash').notNull().unique(),
  /** The first characters of the token, to recognise it in lists. */
  prefix: c.text('prefix').notNull(),
  /** JSON: [{ access: 'read' | 'write' | 'admin', namespaces: '<glob>' }]. */
  scopes: c.json('scopes').notNull(),
  createdBy: c.text('created_by').notNull(),
  createdAt: c.ms('created_at').notNull(),
  expiresAt: c.ms('expires_at'),
  revokedAt: c.ms('revoked_at'),
  lastUsedAt: c.ms('last_used_at'),
});

/** Read-only links to one board (the meeting-room screen). */
export const shareLinks = sqliteTable('share_links', {
  id: c.text('id').primaryKey(),
  tokenHash: c.text('token_hash').notNull().unique(),
  sessionId: c.text('session_id').notNull(),
  createdBy: c.text('created_by').notNull(),
  createdAt: c.ms('created_at').notNull(),
  expiresAt: c.ms('expires_at').notNull(),
  revokedAt: c.ms('revoked_at'),
});

/**
 * Who did what, when, from where: writes, deletes, sign-ins, token and role changes. Rows are never
 * deleted, so the plain rowid id is already monotonic; no AUTOINCREMENT and no secondary index
 * (migration 0005): every query walks it newest first by id, and each index cost a page per write.
 */
export const auditLog = sqliteTable('audit_log', {
  // A rowid alias without AUTOINCREMENT (see above), so not `c.id()`, which would add it.
  id: integer('id').primaryKey(),
  at: c.ms('at').notNull(),
  actorKind: c.text('actor_kind').notNull(),
  actorId: c.text('actor_id'),
  actorLabel: c.text('actor_label').notNull(),
  action: c.text('action').notNull(),
  target: c.text('target'),
  outcome: c.enum('outcome', AUDIT_OUTCOMES).notNull(),
  ip: c.text('ip'),
  detail: c.text('detail'),
});

// ---- Work sessions (the boards) --------------------------------------------------------------
// A core shared by every session type plus typed child tables. Written only by SessionService,
// each change with a `session` row in the change feed (room session:<id>).

export { SESSION_TYPES, SESSION_STATUSES };

export const workSessions = sqliteTable(
  'work_sessions',
  {
    id: c.text('id').primaryKey(),
    type: c.enum('type', SESSION_TYPES).notNull(),
    subtype: c.text('subtype'),
    title: c.text('title').notNull(),
    project: c.text('project'),
    owner: c.text('owner'),
    status: c.enum('status', SESSION_STATUSES).notNull(),
    startedAt: c.ms('started_at').notNull(),
    endedAt: c.ms('ended_at'),
    expectedDuration: c.text('expected_duration'),
    expectedMinutes: c.int('expected_minutes'),
    focusArea: c.text('focus_area'),
    tags: c.json('tags').notNull().default('[]'),
    branch: c.text('branch'),
    lastCommit: c.text('last_commit'),
    /** JSON list of next steps for the session as a whole. */
    nextSteps: c.json('next_steps').notNull().default('[]'),
    /** JSON: lines of code, tests, coverage… from the latest state or checkpoint. */
    metrics: c.json('metrics').notNull().default('{}'),
    /** JSON: type-specific content (agenda, projects, review scope, capacity…). */
    details: c.json('details').notNull().default('{}'),
    parentId: c.text('parent_id'),
    resumeCount: c.int('resume_count').notNull().default(0),
    autosaveMinutes: c.int('autosave_minutes').notNull().default(30),
    lastActivityAt: c.ms('last_activity_at').notNull(),
    lastCheckpointAt: c.ms('last_checkpoint_at'),
    /** Bumped by every change; a checkpoint records the version it saw. */
    version: c.int('version').notNull().default(1),
    checkpointVersion: c.int('checkpoint_version').notNull().default(0),
    sourceNamespace: c.text('source_namespace'),
    createdAt: c.ms('created_at').notNull(),
    updatedAt: c.ms('updated_at').notNull(),
  },
  (t) => [index('work_sessions_status').on(t.status, t.lastActivityAt), index('work_sessions_parent').on(t.parentId)],
);

const sessionRef = () =>
  c
    .text('session_id')
    .notNull()
    .references(() => workSessions.id, { onDelete: 'cascade' });

export const sessionGoals = sqliteTable(
  'session_goals',
  {
    id: c.id(),
    sessionId: sessionRef(),
    position: c.int('position').notNull(),
    text: c.text('text').notNull(),
    done: c.bool('done').notNull().default(false),
    doneAt: c.ms('done_at'),
  },
  (t) => [index('session_goals_session').on(t.sessionId, t.position)],
);

export const sessionWorkstreams = sqliteTable(
  'session_workstreams',
  {
    id: c.id(),
    sessionId: sessionRef(),
    name: c.text('name').notNull(),
    status: c.text('status').notNull(),
    progress: c.int('progress').notNull().default(0),
    nextSteps: c.json('next_steps').notNull().default('[]'),
    files: c.json('files').notNull().default('[]'),
    position: c.int('position').notNull(),
    updatedAt: c.ms('updated_at').notNull(),
  },
  (t) => [index('session_workstreams_session').on(t.sessionId, t.position)],
);

export const sessionFiles = sqliteTable(
  'session_files',
  {
    sessionId: sessionRef(),
    path: c.text('path').notNull(),
    kind: c.enum('kind', SESSION_FILE_KINDS).notNull(),
    touchedAt: c.ms('touched_at').notNull(),
    touchedBy: c.text('touched_by'),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.path] })],
);

export const sessionBlockers = sqliteTable(
  'session_blockers',
  {
    id: c.id(),
    sessionId: sessionRef(),
    description: c.text('description').notNull(),
    kind: c.text('kind'),
    severity: c.enum('severity', BLOCKER_SEVERITIES).notNull().default('medium'),
    owner: c.text('owner'),
    impact: c.text('impact'),
    expectedResolution: c.text('expected_resolution'),
    createdAt: c.ms('created_at').notNull(),
    resolvedAt: c.ms('resolved_at'),
    resolvedBy: c.text('resolved_by'),
  },
  (t) => [index('session_blockers_session').on(t.sessionId)],
);

export const sessionDecisions = sqliteTable(
  'session_decisions',
  {
    id: c.id(),
    sessionId: sessionRef(),
    topic: c.text('topic').notNull(),
    decision: c.text('decision').notNull(),
    rationale: c.text('rationale'),
    alternatives: c.json('alternatives').notNull().default('[]'),
    decidedAt: c.ms('decided_at').notNull(),
    decidedBy: c.text('decided_by'),
  },
  (t) => [index('session_decisions_session').on(t.sessionId)],
);

export const sessionAgents = sqliteTable(
  'session_agents',
  {
    id: c.id(),
    sessionId: sessionRef(),
    name: c.text('name').notNull(),
    role: c.text('role'),
    status: c.text('status').notNull().default('active'),
    currentTask: c.text('current_task'),
    lastActivityAt: c.ms('last_activity_at').notNull(),
    /** While the agent's status is `waiting`: what it is waiting for ("Needs you"), and since when. */
    waitingMessage: c.text('waiting_message'),
    waitingSince: c.ms('waiting_since'),
  },
  (t) => [uniqueIndex('session_agents_name').on(t.sessionId, t.name)],
);

export const sessionCheckpoints = sqliteTable(
  'session_checkpoints',
  {
    id: c.id(),
    sessionId: sessionRef(),
    kind: c.enum('kind', CHECKPOINT_KINDS).notNull(),
    label: c.text('label'),
    /** JSON snapshot of the board (goals, workstreams, blockers, decisions, files, metrics) at that moment. */
    snapshot: c.json('snapshot').notNull(),
    sessionVersion: c.int('session_version').notNull(),
    createdAt: c.ms('created_at').notNull(),
    createdBy: c.text('created_by').notNull(),
  },
  (t) => [index('session_checkpoints_session').on(t.sessionId, t.createdAt)],
);

// ---- Board items and handoffs -----------------------------------------------------------------

/** Typed items of coordination, review and planning boards (kinds and their data: lib/board-items.ts). */
export const sessionItems = sqliteTable(
  'session_items',
  {
    id: c.id(),
    sessionId: sessionRef(),
    kind: c.text('kind').notNull(),
    position: c.int('position').notNull(),
    /** JSON, validated by the kind's schema on every write. */
    data: c.json('data').notNull(),
    createdAt: c.ms('created_at').notNull(),
    updatedAt: c.ms('updated_at').notNull(),
    createdBy: c.text('created_by'),
  },
  (t) => [index('session_items_session').on(t.sessionId, t.kind, t.position)],
);

export const HANDOFF_STATUS_VALUES = ['pending', 'changes-requested', 'accepted', 'declined', 'expired', 'cancelled'] as const;

/** A session passed from one owner to the next (lib/handoff-types.ts). */
export const handoffs = sqliteTable(
  'handoffs',
  {
    id: c.text('id').primaryKey(),
    sessionId: sessionRef(),
    continuationId: c.text('continuation_id'),
    status: c.enum('status', HANDOFF_STATUS_VALUES).notNull(),
    handoffType: c.text('handoff_type'),
    fromLabel: c.text('from_label').notNull(),
    fromUserId: c.text('from_user_id'),
    toKind: c.enum('to_kind', HANDOFF_TO_KINDS).notNull(),
    toUserId: c.text('to_user_id'),
    toLabel: c.text('to_label').notNull(),
    /** JSON HandoffSummary / HandoffContext. */
    summary: c.json('summary').notNull(),
    context: c.json('context').notNull(),
    checkpointId: c.int64('checkpoint_id'),
    baseCheckpointId: c.int64('base_checkpoint_id'),
    /** JSON list of { namespace, key }. */
    memoryKeys: c.json('memory_keys').notNull().default('[]'),
    source: c.enum('source', HANDOFF_SOURCES).notNull(),
    createdAt: c.ms('created_at').notNull(),
    expiresAt: c.ms('expires_at').notNull(),
    decidedAt: c.ms('decided_at'),
    decidedBy: c.text('decided_by'),
    reason: c.text('reason'),
    renewedFrom: c.text('renewed_from'),
    version: c.int('version').notNull().default(1),
  },
  (t) => [
    index('handoffs_session').on(t.sessionId),
    index('handoffs_to_user').on(t.toUserId, t.status),
    index('handoffs_from_user').on(t.fromUserId, t.status),
    index('handoffs_status_expiry').on(t.status, t.expiresAt),
  ],
);

const handoffRef = () =>
  c
    .text('handoff_id')
    .notNull()
    .references(() => handoffs.id, { onDelete: 'cascade' });

export const handoffChecklist = sqliteTable(
  'handoff_checklist',
  {
    id: c.id(),
    handoffId: handoffRef(),
    position: c.int('position').notNull(),
    text: c.text('text').notNull(),
    done: c.bool('done').notNull().default(false),
    doneBy: c.text('done_by'),
    doneAt: c.ms('done_at'),
  },
  (t) => [index('handoff_checklist_handoff').on(t.handoffId, t.position)],
);

/** The handoff's timeline: comments and each step. */
export const handoffEvents = sqliteTable(
  'handoff_events',
  {
    id: c.id(),
    handoffId: handoffRef(),
    kind: c.text('kind').notNull(),
    author: c.text('author').notNull(),
    body: c.text('body'),
    at: c.ms('at').notNull(),
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
    bucket: c.int64('bucket').notNull(),
    actor: c.text('actor').notNull(),
    writes: c.int64('writes').notNull(),
    lastAt: c.ms('last_at').notNull(),
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
    day: c.int64('day').notNull(),
    actor: c.text('actor').notNull(),
    writes: c.int64('writes').notNull(),
    lastAt: c.ms('last_at').notNull(),
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
    bucket: c.int64('bucket').notNull(),
    kind: c.enum('kind', WRITER_KINDS).notNull(),
    writes: c.int64('writes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.kind] })],
);

/** How far WriteStats has read the feed (one row), and from when it has counted. */
export const writeStatsCursor = sqliteTable('write_stats_cursor', {
  id: c.int('id').primaryKey(),
  seq: c.int64('seq').notNull(),
  countingSince: c.ms('counting_since'),
});

// ---- Notifications (issue 18) ------------------------------------------------------------------

/** Outgoing webhooks (Settings → Webhooks). The secret signs deliveries, so it is kept as is. */
export const webhooks = sqliteTable('webhooks', {
  id: c.text('id').primaryKey(),
  url: c.text('url').notNull(),
  /** JSON list of event types, or `["*"]`. */
  events: c.json('events').notNull(),
  /** Blocker events below this severity are not sent (null: all). */
  minSeverity: c.enum('min_severity', BLOCKER_SEVERITIES),
  format: c.enum('format', WEBHOOK_FORMATS).notNull(),
  description: c.text('description'),
  secret: c.text('secret').notNull(),
  enabled: c.bool('enabled').notNull().default(true),
  /** Why it was disabled (20 consecutive failures), shown as a banner until it is enabled again. */
  disabledReason: c.text('disabled_reason'),
  consecutiveFailures: c.int('consecutive_failures').notNull().default(0),
  createdBy: c.text('created_by').notNull(),
  createdAt: c.ms('created_at').notNull(),
  updatedAt: c.ms('updated_at').notNull(),
});

/** The outbox: one row per event and webhook, written by the notifier with its feed position. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    /** `Baton-Delivery`: the same on every attempt and on Redeliver. */
    id: c.text('id').primaryKey(),
    webhookId: c
      .text('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: c.text('event_id').notNull(),
    eventType: c.text('event_type').notNull(),
    /** The exact body sent (signed as is). */
    body: c.text('body').notNull(),
    state: c.enum('state', DELIVERY_STATES).notNull(),
    attempts: c.int('attempts').notNull().default(0),
    /** When the next attempt is due (pending only). */
    nextAttemptAt: c.ms('next_attempt_at'),
    createdAt: c.ms('created_at').notNull(),
    lastAttemptAt: c.ms('last_attempt_at'),
    lastStatus: c.int('last_status'),
    lastError: c.text('last_error'),
  },
  (t) => [index('webhook_deliveries_due').on(t.state, t.nextAttemptAt), index('webhook_deliveries_hook').on(t.webhookId, t.createdAt)],
);

/** Every attempt of a delivery: the delivery log (status, duration, the first 1 KB of the response). */
export const webhookAttempts = sqliteTable(
  'webhook_attempts',
  {
    id: c.id(),
    deliveryId: c
      .text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    at: c.ms('at').notNull(),
    status: c.int('status'),
    durationMs: c.int('duration_ms').notNull(),
    response: c.text('response'),
    error: c.text('error'),
  },
  (t) => [index('webhook_attempts_delivery').on(t.deliveryId, t.at)],
);

/**
 * The notifier's state: `cursor` (the last change seq it turned into events), and per session and
 * handoff the digest it last saw (`session:<id>`, `handoff:<id>`, `expiring:<id>`), so events are
 * derived from differences and survive restarts.
 */
export const notifyState = sqliteTable('notify_state', {
  key: c.text('key').primaryKey(),
  value: c.text('value').notNull(),
});

/** Per-person notification preferences (JSON, lib/notify.ts). */
export const notifyPrefs = sqliteTable('notify_prefs', {
  userId: c.text('user_id').primaryKey(),
  prefs: c.json('prefs').notNull(),
  updatedAt: c.ms('updated_at').notNull(),
});
