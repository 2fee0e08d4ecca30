// What the data-safety features (server/safety: export, import, backups) need of the store, for either
// dialect, so the dialect stays in db/:
//   - openSnapshot: a read of the whole store as of one moment, on a connection of its own, that never
//     blocks the writers (the export);
//   - idsInserted: after rows were written with explicit ids (an import keeping them), the ids the store
//     draws next stay above them;
//   - onlineBackupSource: the connection SQLite's online backup copies from, or null when the store has
//     no file of its own (PostgreSQL is backed up with pg_dump, docs/operations.md);
//   - storeBytes: how big the store is (the metrics' baton_database_bytes).
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import type { DbHandle } from './client.ts';
import { PgCompatDatabase } from './pg/compat.ts';

export interface ReadSnapshot {
  /** Statements in SQLite's SQL, as on the services' connection (PostgreSQL translates them the same way). */
  readonly sqlite: Database.Database;
  /** Ends the read and closes the connection. */
  close(): void;
}

/** A SQLite file read in one read transaction (WAL: writers go on; the snapshot is taken at the first read). */
function sqliteSnapshot(path: string): ReadSnapshot {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN');
  } catch (err) {
    db.close();
    throw err;
  }
  return {
    sqlite: db,
    close: () => {
      try {
        if (db.inTransaction) db.exec('COMMIT');
      } finally {
        db.close();
      }
    },
  };
}

/**
 * A consistent read of the store on a connection of its own: the whole read sees the store as of its
 * first statement while the writers go on. `source` is the store's handle, or the path of a SQLite file.
 *
 * PostgreSQL: a REPEATABLE READ, READ ONLY transaction, begun directly rather than through the compat
 * connection's BEGIN, which would take the write lock and hold every writer up for the whole read.
 * An in-memory SQLite database has no second connection: its reads go to the handle's own connection,
 * outside any transaction (no snapshot; used by tests only).
 */
export function openSnapshot(source: DbHandle | string): ReadSnapshot {
  if (typeof source === 'string') return sqliteSnapshot(source);
  if (source.dialect === 'postgres') {
    if (!source.url) throw new Error('the PostgreSQL store has no connection string');
    const pg = new PgCompatDatabase(source.url, { name: 'baton-snapshot' });
    try {
      pg.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    } catch (err) {
      pg.close();
      throw err;
    }
    return {
      sqlite: pg as unknown as Database.Database,
      close: () => {
        try {
          pg.query('COMMIT');
        } catch {
          // the connection is gone: the server ended the read itself
        } finally {
          pg.close();
        }
      },
    };
  }
  if (source.path === ':memory:') return { sqlite: source.sqlite, close: () => {} };
  return sqliteSnapshot(source.path);
}

/**
 * Called after rows were inserted into `table` with explicit values of its `id` column. SQLite draws the
 * next rowid above the largest there is; a PostgreSQL identity draws from its sequence, which is moved up
 * past them here (never down: ids of deleted rows are not drawn again). Run it in the inserting transaction.
 */
export function idsInserted(handle: DbHandle, table: string): void {
  if (handle.dialect !== 'postgres') return;
  if (!/^[a-z_]+$/.test(table)) throw new Error(`not a table name: ${table}`);
  handle.sqlite
    .prepare(
      `SELECT setval(s.seq::regclass, greatest((SELECT max(id) FROM ${table}), pg_sequence_last_value(s.seq::regclass)))
       FROM (SELECT pg_get_serial_sequence('${table}', 'id') AS seq) s
       WHERE (SELECT max(id) FROM ${table}) IS NOT NULL`,
    )
    .get();
}

/** The store's size in bytes: the SQLite file (0 in memory), or PostgreSQL's database (pg_database_size). */
export function storeBytes(handle: DbHandle): number {
  if (handle.dialect === 'postgres') {
    return handle.sqlite.prepare<[], { n: number }>('SELECT pg_database_size(current_database()) AS n').get()!.n;
  }
  if (handle.path === ':memory:') return 0;
  try {
    return statSync(handle.path).size;
  } catch {
    return 0;
  }
}

/**
 * The connection SQLite's online backup copies from (server/safety/backup.ts), or null when the store is
 * not a file Baton can copy: PostgreSQL, backed up with `pg_dump` (docs/operations.md).
 */
export function onlineBackupSource(handle: DbHandle): Database.Database | null {
  return handle.dialect === 'postgres' ? null : handle.sqlite;
}
