// Opening Baton's store: SQLite (DATABASE_PATH, the embedded default) or PostgreSQL (DATABASE_URL, shared by
// several nodes). Both give the services the same handle; the PostgreSQL one is db/pg/compat.ts.
import type Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import pg from 'pg';
import { openDatabase, type DbHandle } from './client.ts';
import { PgCompatDatabase } from './pg/compat.ts';
import { migratePg } from './pg/client.ts';
import * as schema from './schema.ts';
import { createCluster } from './pg/cluster.ts';
import { pgTextIndex } from './text-index.ts';

export interface StoreLocation {
  /** SQLite file (or ':memory:'). */
  databasePath?: string;
  /** postgres://… : when set, the store is PostgreSQL and databasePath is ignored. */
  databaseUrl?: string;
}

export const isPostgresUrl = (url: string | undefined): url is string => !!url && /^postgres(ql)?:\/\//.test(url);

/**
 * Opens PostgreSQL at `url`: applies its migrations (db/migrations-pg; several nodes starting at once
 * serialise on drizzle's migration transaction), then one synchronous connection for the services.
 */
export async function openPostgresStore(url: string, options: { name?: string; migrate?: boolean; cluster?: boolean } = {}): Promise<DbHandle> {
  if (options.migrate !== false) {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on('error', () => {});
    try {
      // Two nodes migrating at once: the second waits here, then finds nothing left to apply.
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock(4351961)');
        await migratePg(pool);
      } finally {
        await client.query('SELECT pg_advisory_unlock(4351961)').catch(() => {});
        client.release();
      }
    } finally {
      await pool.end();
    }
  }
  const compat = new PgCompatDatabase(url, { name: options.name });
  const sqlite = compat as unknown as Database.Database;
  // A reader of its own (the search worker) sends no wake-ups and competes for nothing: no cluster.
  const cluster = options.cluster === false ? undefined : createCluster(url);
  if (cluster) {
    compat.onCommit = cluster.committed;
    const opened = compat.prepare('INSERT INTO mcp_sessions (id, owner, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING');
    const closed = compat.prepare('UPDATE mcp_sessions SET closed_at = ? WHERE id = ?');
    const find = compat.prepare('SELECT owner, closed_at AS closedAt FROM mcp_sessions WHERE id = ?');
    cluster.mcpSessions = {
      opened: (id, owner, at) => void opened.run(id, owner, at),
      closed: (id, at) => void closed.run(at, id),
      find: (id) => {
        const row = find.get(id) as { owner: string; closedAt: number | null } | undefined;
        return row ? { owner: row.owner, closed: row.closedAt !== null } : null;
      },
    };
  }
  return {
    sqlite,
    db: drizzle(sqlite, { schema }),
    path: compat.name,
    dialect: 'postgres',
    url,
    textIndex: pgTextIndex(sqlite),
    cluster,
    close: () => {
      compat.close();
      void cluster?.close();
    },
  };
}

/** The store at `location`: PostgreSQL when databaseUrl is a postgres:// URL, else the SQLite file. */
export async function openStore(
  location: StoreLocation,
  options: Parameters<typeof openDatabase>[1] = {},
  pgOptions: { cluster?: boolean } = {},
): Promise<DbHandle> {
  if (isPostgresUrl(location.databaseUrl)) return openPostgresStore(location.databaseUrl, { migrate: options.migrate, cluster: pgOptions.cluster });
  return openDatabase(location.databasePath ?? './data/baton.db', options);
}
