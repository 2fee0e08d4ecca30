// `baton migrate --to postgres://…` and `baton backup` on PostgreSQL (issue 19): the seed's data (its
// memory_usage stores replayed through the memory service, as an install loads its examples) plus
// accounts, a webhook and a deleted key, copied into a fresh PostgreSQL database and compared table by
// table through each dialect's own drizzle schema; refusals and errors said plainly, with exit codes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../db/store.ts';
import { openDatabase } from '../db/client.ts';
import * as sqliteSchema from '../db/schema.ts';
import * as pgSchema from '../db/pg/schema.ts';
import { openPg, type PgHandle } from '../db/pg/client.ts';
import { migrateToPostgres, redactUrl, type MigrateReport } from '../cli/migrate.ts';
import { openLocalServices } from '../server/local.ts';
import { exampleStores } from '../server/sessions/examples.ts';
import { describePg, freshPgDatabase, withDatabase, PG_TEST_URL, type FreshPgDatabase } from './pg-helpers.ts';

const root = new URL('..', import.meta.url).pathname;

function baton(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(BATON_|DATABASE_)/.test(k)));
    const child = spawn(process.execPath, ['cli/bin.mjs', ...args], {
      cwd: root,
      env: { ...clean, ...env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const NOW = Date.now();

/** A SQLite database with the seed's stores, a second version and a deletion, two accounts and a webhook. */
async function seededSqlite(path: string): Promise<void> {
  const local = openLocalServices(path, 'seed');
  try {
    for (const s of exampleStores(NOW)) await local.memory.store({ namespace: s.namespace, key: s.key, value: s.value, ...(s.ttl ? { ttl: s.ttl } : {}) });
    await local.memory.store({ namespace: 'notes', key: 'unicode', value: '{ "spaced" :  "keeps its bytes", "emoji": "✓ 🚀", "n": 1.50 }' });
    await local.memory.store({ namespace: 'notes', key: 'unicode', value: 'plain text, second version' });
    await local.memory.store({ namespace: 'notes', key: 'gone', value: 'soon deleted' });
    await local.memory.delete({ namespace: 'notes', key: 'gone' });
  } finally {
    local.close();
  }
  const h = openDatabase(path);
  try {
    const insUser = h.sqlite.prepare(
      `INSERT INTO auth_user (id, name, email, email_verified, role, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    insUser.run('u1', 'Ada Owner', 'ada@example.test', 1, 'admin', 0, NOW - 5_000, NOW - 4_321);
    insUser.run('u2', 'Bo Viewer', 'bo@example.test', 0, 'viewer', 1, NOW - 3_000, NOW - 2_999);
    h.sqlite
      .prepare(
        `INSERT INTO auth_account (id, account_id, provider_id, user_id, password, access_token_expires_at, created_at, updated_at) VALUES ('a1', 'u1', 'credential', 'u1', 'scrypt$x', NULL, ?, ?)`,
      )
      .run(NOW - 5_000, NOW - 5_000);
    h.sqlite
      .prepare(
        `INSERT INTO webhooks (id, url, events, format, secret, enabled, created_by, created_at, updated_at) VALUES ('w1', 'https://hooks.example.test/x', '["*"]', 'json', 's3cret', 0, 'u1', ?, ?)`,
      )
      .run(NOW, NOW);
  } finally {
    h.close();
  }
}

const sqliteTables = (Object.values(sqliteSchema) as unknown[]).filter((v): v is SQLiteTable => v instanceof SQLiteTable);
const pgTableByName = new Map((Object.values(pgSchema) as unknown[]).filter((v): v is PgTable => v instanceof PgTable).map((t) => [pgTableConfig(t).name, t]));
const sorted = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();

describePg('baton migrate --to postgres:// (a SQLite database into an empty PostgreSQL database)', () => {
  let dir: string;
  let source: string;
  let fresh: FreshPgDatabase;
  let report: MigrateReport;
  let h: PgHandle;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-pg-migrate-'));
    source = join(dir, 'baton.db');
    await seededSqlite(source);
    fresh = await freshPgDatabase('baton_test_migrate');
    report = await migrateToPostgres(source, fresh.url);
    h = openPg(fresh.url, { max: 2 });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await fresh?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies every table, history and the change feed included, and says how many rows each had', () => {
    const lite = openDatabase(source);
    try {
      for (const t of sqliteTables) {
        const name = sqliteTableConfig(t).name;
        const n = lite.sqlite.prepare(`SELECT count(*) FROM "${name}"`).pluck().get() as number;
        expect(report.tables.find((r) => r.table === name)?.rows, name).toBe(n);
      }
    } finally {
      lite.close();
    }
    const rows = Object.fromEntries(report.tables.map((t) => [t.table, t.rows]));
    expect(rows.memory_entries).toBeGreaterThanOrEqual(14);
    expect(rows.memory_history).toBeGreaterThan(rows.memory_entries!);
    expect(rows.changes).toBeGreaterThan(15);
    expect(rows.work_sessions).toBeGreaterThan(3);
    expect(rows.handoffs).toBeGreaterThanOrEqual(1);
    expect(rows.audit_log).toBeGreaterThan(10);
    expect(rows.auth_user).toBe(2);
    expect(report.verified.tables).toBe(sqliteTables.length);
    expect(report.verified.export.lines).toBeGreaterThan(15);
    expect(report.target).toBe(redactUrl(fresh.url));
  });

  it('holds identical contents, table by table, as the services read them on each store', async () => {
    const lite = openDatabase(source);
    // The services read PostgreSQL through the same drizzle (SQLite dialect) schema, over db/pg/compat.ts.
    const store = await openPostgresStore(fresh.url, { migrate: false });
    try {
      for (const t of sqliteTables) {
        const name = sqliteTableConfig(t).name;
        const a = lite.db.select().from(t).all() as Record<string, unknown>[];
        const b = store.db.select().from(t).all() as Record<string, unknown>[];
        expect(sorted(b), name).toEqual(sorted(a));
        expect(pgTableByName.has(name), name).toBe(true);
      }
    } finally {
      lite.close();
      store.close();
    }
    // Spot checks on types: flags as 0/1 and dates as ms (SQLite's shapes, db/columns.ts), text byte for byte.
    const [ada] = await h.db
      .select()
      .from(pgSchema.authUser)
      .where((await import('drizzle-orm')).eq(pgSchema.authUser.id, 'u1'));
    expect(ada).toMatchObject({ emailVerified: 1, disabled: 0, role: 'admin' });
    expect(ada!.updatedAt).toBe(NOW - 4_321);
    const first = (await h.pool.query(`SELECT value FROM memory_history WHERE namespace = 'notes' AND key = 'unicode' ORDER BY seq LIMIT 1`)).rows[0];
    expect(first.value).toBe('{ "spaced" :  "keeps its bytes", "emoji": "✓ 🚀", "n": 1.50 }');
  });

  it('moves every identity past the copied rows: the next change gets the next seq', async () => {
    const max = (await h.pool.query('SELECT max(seq) AS m FROM changes')).rows[0].m as number;
    const next = await h.pool.query(
      `INSERT INTO changes (topic, namespace, key, op, version, actor, at) VALUES ('memory', 'n', 'k', 'store', 1, 'test', 1) RETURNING seq`,
    );
    expect(next.rows[0].seq).toBe(max + 1);
    const audit = (await h.pool.query('SELECT max(id) AS m FROM audit_log')).rows[0].m as number;
    const a = await h.pool.query(`INSERT INTO audit_log (at, actor_kind, actor_label, action, outcome) VALUES (1, 'system', 'test', 'x', 'ok') RETURNING id`);
    expect(a.rows[0].id).toBe(audit + 1);
  });

  it('refuses a database that is not empty, naming what it found, and leaves it alone', async () => {
    await expect(migrateToPostgres(source, fresh.url)).rejects.toThrow(/already holds Baton data \(.*changes: \d+ rows/);
    const other = await freshPgDatabase('baton_test_migrate_foreign');
    try {
      const c = openPg(other.url, { max: 1 });
      await c.pool.query('CREATE TABLE invoices (id int)');
      await c.close();
      await expect(migrateToPostgres(source, other.url)).rejects.toThrow(/not empty: it has 1 table Baton did not create \(public\.invoices\)/);
    } finally {
      await other.drop();
    }
  });

  it('a copy that fails midway keeps nothing (one transaction), says which table, and can be run again', async () => {
    const broken = join(dir, 'broken.db');
    await seededSqlite(broken);
    const lite = openDatabase(broken);
    // PostgreSQL text cannot hold NUL; SQLite's can. notify_state comes late in the copy, after the memory tables.
    lite.sqlite.prepare(`INSERT INTO notify_state (key, value) VALUES ('cursor', ?)`).run('12\u00003');
    lite.close();
    const target = await freshPgDatabase('baton_test_migrate_broken');
    try {
      await expect(migrateToPostgres(broken, target.url)).rejects.toThrow(/^copying notify_state failed near row 1: .*; nothing was kept$/);
      const c = openPg(target.url, { max: 1 });
      try {
        const counts = await c.pool.query(`SELECT (SELECT count(*) FROM memory_entries)::int AS entries, (SELECT count(*) FROM changes)::int AS changes`);
        expect(counts.rows[0]).toEqual({ entries: 0, changes: 0 });
      } finally {
        await c.close();
      }
      const fixed = openDatabase(broken);
      fixed.sqlite.prepare(`UPDATE notify_state SET value = '123' WHERE key = 'cursor'`).run();
      fixed.close();
      const again = await migrateToPostgres(broken, target.url);
      expect(again.tables.find((t) => t.table === 'notify_state')?.rows).toBe(1);
    } finally {
      await target.drop();
    }
  }, 60_000);

  it('the CLI prints table: rows and the verification, exits 0; then refuses the same target with exit 2; unreachable exits 5, no stack', async () => {
    const target = await freshPgDatabase('baton_test_migrate_cli');
    try {
      const ok = await baton(['--db', source, 'migrate', '--to', target.url]);
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(
        /^Copied .*baton\.db to postgres:\/\/postgres@127\.0\.0\.1:\d+\/baton_test_migrate_cli_\w+ in [\d.]+ s \(copy [\d.]+ s, checks [\d.]+ s, exports [\d.]+ s\):\n/,
      );
      expect(ok.stdout).toMatch(/\n {2}memory_history: +\d+\n/);
      expect(ok.stdout).toMatch(/Verified: \d+ tables, \d+ rows; row counts and checksums match, and the exports of both sides are identical \(\d+ lines\)\./);

      const again = await baton(['--db', source, 'migrate', '--to', target.url]);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/^baton: to: .* already holds Baton data/);
    } finally {
      await target.drop();
    }
    const down = await baton(['--db', source, 'migrate', '--to', 'postgres://postgres:hunter2@127.0.0.1:1/nowhere']);
    expect(down.code).toBe(5);
    expect(down.stderr).toMatch(/^baton: Cannot reach PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/nowhere \(ECONNREFUSED\)/);
    expect(down.stderr).not.toContain('hunter2');
    expect(down.stderr).not.toMatch(/\bat .+\.ts:\d+/);

    const missing = await baton(['--db', source, 'migrate', '--to', withDatabase(PG_TEST_URL, 'baton_test_no_such_db_x')]);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toMatch(/Cannot reach PostgreSQL .*\(3D000\): the database does not exist/);

    // node-postgres also takes a password from the query string: it is never printed either.
    const inQuery = await baton(['--db', source, 'migrate', '--to', 'postgres://postgres@127.0.0.1:1/nowhere?password=S3cretQ&sslpassword=K3y']);
    expect(inQuery.code).toBe(5);
    expect(inQuery.stderr).not.toContain('S3cretQ');
    expect(inQuery.stderr).not.toContain('K3y');
    expect(inQuery.stderr).toMatch(/password=\*\*\*/);

    // A refused login says so, rather than asking whether the database exists.
    const stranger = new URL(withDatabase(PG_TEST_URL, 'postgres'));
    stranger.username = 'baton_no_such_role';
    stranger.password = '';
    const refused = await baton(['--db', source, 'migrate', '--to', stranger.toString()]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/\(28(000|P01)\): PostgreSQL refused the login/);

    const bad = await baton(['--db', source, 'migrate', '--to', 'mysql://localhost/x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('to: must be a postgres:// or postgresql:// URL');
  }, 90_000);
});

describe('baton backup on PostgreSQL prints the pg_dump and pg_restore to use', () => {
  it('from DATABASE_URL, with the target file and without the password', async () => {
    const r = await baton(['backup', '/tmp/baton-backup.dump'], { DATABASE_URL: 'postgres://baton:s3cret@db.internal:5433/baton' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`pg_dump --format=custom --file='/tmp/baton-backup.dump' 'postgres://baton@db.internal:5433/baton'`);
    expect(r.stdout).toContain(`pg_restore --no-owner --dbname='postgres://baton@db.internal:5433/baton_restored' '/tmp/baton-backup.dump'`);
    expect(r.stdout).not.toContain('s3cret');
    // A server named with --url (or BATON_URL) is still asked for its backup.
    const viaServer = await baton(['--url', 'http://127.0.0.1:1', 'backup', '/tmp/baton-backup.dump'], { DATABASE_URL: 'postgres://baton@db.internal/baton' });
    expect(viaServer.code).toBe(5);
    expect(viaServer.stderr).toMatch(/^baton: Cannot reach Baton at http:\/\/127\.0\.0\.1:1/);
  });

  it('from --db postgres://…, as JSON too; a SQLite --db still backs up the file', async () => {
    const r = await baton(['--db', 'postgresql://u@localhost/b', '--json', 'backup', 'out.dump']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { pgDump: string[]; pgRestore: string[] };
    expect(j.pgDump).toEqual(['pg_dump', '--format=custom', `--file=${join(root, 'out.dump')}`, 'postgresql://u@localhost/b']);
    expect(j.pgRestore[0]).toBe('pg_restore');

    const dir = mkdtempSync(join(tmpdir(), 'baton-backup-lite-'));
    try {
      openDatabase(join(dir, 'a.db')).close();
      const lite = await baton(['--db', join(dir, 'a.db'), 'backup', join(dir, 'b.db')]);
      expect(lite.code).toBe(0);
      expect(lite.stdout).toMatch(/quick_check ok/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
