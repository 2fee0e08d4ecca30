// Column helpers shared by the two schemas (db/schema.ts for SQLite, db/pg/schema.ts for PostgreSQL).
// Each dialect has the same helper names with its own column types, so a table reads the same in
// both files and the comparison test (test/pg-schema.test.ts) keeps their columns in step.
//
// Both schemas use them (`pgCols as c`, `sqliteCols as c`), with the shared enum value lists below. One
// exception, on purpose: SQLite's rowid aliases without AUTOINCREMENT (memory_entries.id, changes.seq,
// audit_log.id) stay `integer(...).primaryKey()` in db/schema.ts, because `sqliteCols.id` adds AUTOINCREMENT
// (their PostgreSQL twins are `c.id`). Changing a SQLite helper changes db/migrations: it must not happen here.
import { bigint, integer as pgInteger, text as pgText } from 'drizzle-orm/pg-core';
import { integer as sqliteInteger, text as sqliteText } from 'drizzle-orm/sqlite-core';

/** The operations of the change feed and of memory history. */
export const CHANGE_OPS = ['store', 'delete', 'expire'] as const;
export const AUDIT_OUTCOMES = ['ok', 'denied', 'failed'] as const;
export const SESSION_FILE_KINDS = ['active', 'modified', 'test'] as const;
export const HANDOFF_TO_KINDS = ['user', 'agent', 'team'] as const;
export const HANDOFF_SOURCES = ['board', 'api', 'mcp', 'cli', 'memory'] as const;
export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;

/**
 * PostgreSQL. JSON stays `text` in both dialects: the portable export must give back the stored
 * bytes, and `jsonb` would reorder keys, drop duplicates and respace; memory values need not be JSON.
 */
export const pgCols = {
  /** A time in ms since the epoch (Date.now()): bigint, read as a JS number. */
  ms: (name: string) => bigint(name, { mode: 'number' }),
  /** A 64-bit integer that is not a time (a feed seq, a row id referred to from elsewhere). */
  int64: (name: string) => bigint(name, { mode: 'number' }),
  /** A small count, a position, a version. */
  int: (name: string) => pgInteger(name),
  /** A row id the database assigns (SQLite: the rowid); explicit values are accepted (copies, imports). */
  id: (name = 'id') => bigint(name, { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
  /**
   * better-auth's dates: ms since the epoch, as in SQLite (`timestamp_ms`). Not timestamptz: the services and
   * better-auth run on PostgreSQL through drizzle's SQLite dialect (db/pg/compat.ts), which sends a date as ms.
   */
  authTime: (name: string) => bigint(name, { mode: 'number' }),
  /** A flag stored as 0/1, as in SQLite, so the same SQL (`done = 0`) reads it in both stores. */
  bool: (name: string) => pgInteger(name),
  json: (name: string) => pgText(name),
  text: (name: string) => pgText(name),
  /** Text limited to these values by the application (as in SQLite, no database constraint). */
  enum: <U extends string, T extends Readonly<[U, ...U[]]>>(name: string, values: T) => pgText(name, { enum: values }),
};

/** SQLite: the same shapes, exactly as db/schema.ts declared them before it used these helpers (same DDL). */
export const sqliteCols = {
  ms: (name: string) => sqliteInteger(name),
  int64: (name: string) => sqliteInteger(name),
  int: (name: string) => sqliteInteger(name),
  id: (name = 'id') => sqliteInteger(name).primaryKey({ autoIncrement: true }),
  authTime: (name: string) => sqliteInteger(name, { mode: 'timestamp_ms' }),
  bool: (name: string) => sqliteInteger(name, { mode: 'boolean' }),
  json: (name: string) => sqliteText(name),
  text: (name: string) => sqliteText(name),
  enum: <U extends string, T extends Readonly<[U, ...U[]]>>(name: string, values: T) => sqliteText(name, { enum: values }),
};
