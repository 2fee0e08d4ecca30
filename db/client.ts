import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.ts';
import { startBackgroundCheckpoint } from './checkpointer.ts';
import type { TextIndex } from './text-index.ts';
import type { Cluster } from './pg/cluster.ts';

export type Db = BetterSQLite3Database<typeof schema>;
export interface DbHandle {
  sqlite: Database.Database;
  db: Db;
  path: string;
  /** Which store this is: SQLite (the default) or PostgreSQL through db/pg/compat.ts (db/store.ts). */
  dialect?: 'sqlite' | 'postgres';
  /** The PostgreSQL connection string, for what needs connections of its own (LISTEN, the chores lock). */
  url?: string;
  /** Memory's ranked text search for this store (SQLite's FTS5 when absent). */
  textIndex?: TextIndex;
  /** Several nodes on one database (PostgreSQL): wake-ups, the chores lock, the Socket.IO adapter's pool. */
  cluster?: Cluster;
  close(): void;
}

/** Runs `fn` in a transaction (`.immediate(fn)`, `.deferred(fn)`; nested: a savepoint). */
export type TxRunner = Database.Transaction<(fn: () => unknown) => unknown>;
const runners = new WeakMap<Database.Database, TxRunner>();

/**
 * The connection's one transaction runner. better-sqlite3's `transaction(fn)` builds five closures
 * per call, which showed up on the write path; this wrapper is built once per connection and takes
 * the work as its argument.
 */
export function txRunner(sqlite: Database.Database): TxRunner {
  let runner = runners.get(sqlite);
  if (!runner) {
    runner = sqlite.transaction((fn: () => unknown) => fn());
    runners.set(sqlite, runner);
  }
  return runner;
}

const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Opens (creating if needed) the SQLite file, sets WAL and a busy timeout so a CLI or stdio MCP
 * process can write the same file while the server runs, and applies committed migrations.
 */
/**
 * The database holds sign-in sessions: only its owner may read it. A folder Baton creates is 0700
 * (an existing one is left alone: it may be shared); the file is created 0600 before SQLite opens
 * it, and SQLite gives its -wal and -shm files the database file's mode.
 */
function prepareDataFiles(path: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** Tightens files an older version (or another tool) left readable by others. */
function restrictDataFiles(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    } catch (err) {
      // A missing -wal/-shm is fine; a file we may not chmod (another owner) is not ours to fix.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EPERM') throw err;
    }
  }
}

export function openDatabase(
  path: string,
  options: { migrate?: boolean; backgroundCheckpoint?: boolean | { intervalMs?: number; restartFrames?: number } } = {},
): DbHandle {
  if (path !== ':memory:') prepareDataFiles(path);
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  if (path !== ':memory:') restrictDataFiles(path);
  sqlite.pragma('busy_timeout = 5000');
  // NORMAL in WAL mode is durable across application crashes; only an OS crash can lose the last commits.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite, { schema });
  if (options.migrate !== false) migrate(db, { migrationsFolder });
  // Long-running writers (the server, `baton mcp`) checkpoint from a worker thread: see checkpointer.ts.
  const checkpoint =
    options.backgroundCheckpoint && path !== ':memory:'
      ? startBackgroundCheckpoint(sqlite, resolve(path), options.backgroundCheckpoint === true ? {} : options.backgroundCheckpoint)
      : null;
  return {
    sqlite,
    db,
    path,
    dialect: 'sqlite',
    close: () => {
      checkpoint?.stop();
      sqlite.close();
    },
  };
}
