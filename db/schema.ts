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
