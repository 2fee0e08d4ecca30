import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sqliteSchema from '../db/schema.ts';
import * as pgSchema from '../db/pg/schema.ts';
import { migratePg, openPg, type PgHandle } from '../db/pg/client.ts';
import { describePg, freshPgDatabase, type FreshPgDatabase } from './pg-helpers.ts';

interface Shape {
  columns: Record<string, { notNull: boolean; enumValues: string[] | null; primary: boolean }>;
  primaryKey: string[];
  indexes: string[];
  foreignKeys: string[];
}

const shapeOf = (cfg: ReturnType<typeof pgTableConfig> | ReturnType<typeof sqliteTableConfig>): Shape => ({
  columns: Object.fromEntries(
    cfg.columns.map((c) => [c.name, { notNull: c.notNull, enumValues: (c as { enumValues?: string[] }).enumValues ?? null, primary: c.primary }]),
  ),
  primaryKey: cfg.primaryKeys.flatMap((pk) => pk.columns.map((c) => c.name)),
  indexes: cfg.indexes.map((i) => i.config.name ?? '(unnamed)').sort(),
  foreignKeys: cfg.foreignKeys
    .map((fk) => {
      const r = fk.reference();
      return `${r.columns.map((c) => c.name).join(',')}->${(r.foreignTable as unknown as { [k: symbol]: string })[Symbol.for('drizzle:Name')]}(${r.foreignColumns.map((c) => c.name).join(',')}) ${fk.onDelete ?? ''}`;
    })
    .sort(),
});

const sqliteTables = new Map(
  (Object.values(sqliteSchema) as unknown[])
    .filter((v): v is SQLiteTable => v instanceof SQLiteTable)
    .map((t) => [sqliteTableConfig(t).name, shapeOf(sqliteTableConfig(t))]),
);
const pgTables = new Map(
  (Object.values(pgSchema) as unknown[]).filter((v): v is PgTable => v instanceof PgTable).map((t) => [pgTableConfig(t).name, shapeOf(pgTableConfig(t))]),
);

/** Indexes only one dialect has, each for a reason. memory_fts (SQLite's FTS5 table) is a virtual table outside drizzle's schema. */
const PG_ONLY_INDEXES: Record<string, string[]> = { memory_entries: ['memory_entries_search'] };

describe('the PostgreSQL schema mirrors the SQLite schema (db/pg/schema.ts, db/schema.ts)', () => {
  it('has the same tables', () => {
    expect(sqliteTables.size).toBeGreaterThanOrEqual(30);
    expect([...pgTables.keys()].sort()).toEqual([...sqliteTables.keys()].sort());
  });

  it('has, table by table, the same columns, nullability, enum values, keys, indexes and foreign keys', () => {
    for (const [name, lite] of sqliteTables) {
      const pgShape = pgTables.get(name);
      expect(pgShape, name).toBeDefined();
      expect(Object.keys(pgShape!.columns).sort(), `${name}: columns`).toEqual(Object.keys(lite.columns).sort());
      expect(pgShape!.columns, `${name}: column details`).toEqual(lite.columns);
      expect(pgShape!.primaryKey, `${name}: primary key`).toEqual(lite.primaryKey);
      expect(
        pgShape!.indexes.filter((i) => !(PG_ONLY_INDEXES[name] ?? []).includes(i)),
        `${name}: indexes`,
      ).toEqual(lite.indexes);
      expect(pgShape!.foreignKeys, `${name}: foreign keys`).toEqual(lite.foreignKeys);
    }
  });
});

describePg('PostgreSQL migrations (db/migrations-pg)', () => {
  let fresh: FreshPgDatabase;
  let h: PgHandle;
  beforeAll(async () => {
    fresh = await freshPgDatabase('baton_test_schema');
    h = openPg(fresh.url, { max: 2 });
  });
  afterAll(async () => {
    await h?.close();
    await fresh?.drop();
  });

  const columnsInDb = async () => {
    const r = await h.pool.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    );
    const tables = new Map<string, string[]>();
    for (const row of r.rows) tables.set(row.table_name, [...(tables.get(row.table_name) ?? []), row.column_name]);
    return tables;
  };

  it('create every table of the schema, with its columns, on a fresh database', async () => {
    expect((await columnsInDb()).size).toBe(0);
    await migratePg(h.pool);
    const tables = await columnsInDb();
    expect([...tables.keys()].sort()).toEqual([...pgTables.keys(), ...pgSchema.NON_DATA_TABLES].sort());
    for (const [name, shape] of pgTables) expect(tables.get(name)!.sort(), name).toEqual(Object.keys(shape.columns).sort());
  });

  it('applied twice, change nothing the second time', async () => {
    const before = await h.pool.query('SELECT id, hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id');
    const ddl = async () =>
      (await h.pool.query(`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE nspname = 'public'`)).rows[0]
        .n as number;
    const relations = await ddl();
    await migratePg(h.pool);
    expect((await h.pool.query('SELECT id, hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id')).rows).toEqual(before.rows);
    expect(await ddl()).toBe(relations);
    expect(before.rows.length).toBeGreaterThanOrEqual(2);
  });

  it('read bigints as numbers and take explicit identity values (a copy keeps its seqs)', async () => {
    await h.pool.query(`INSERT INTO changes (seq, topic, namespace, key, op, version, actor, at) VALUES (41, 't', 'n', 'k', 'store', 1, 'a', 1767225600000)`);
    const row = (await h.pool.query('SELECT seq, at FROM changes')).rows[0] as { seq: unknown; at: unknown };
    expect(row).toEqual({ seq: 41, at: 1767225600000 });
  });

  it('search memory by word from the GIN index: case and accents folded, no stemming, a 2 MB value included', async () => {
    const big = `${'lorem ipsum '.repeat(180_000)}Crème Brûlée`;
    const insert = `INSERT INTO memory_entries (namespace, key, value, version, size, created_at, updated_at, updated_by) VALUES ($1, $2, $3, 1, $4, 1, 1, 'test')`;
    await h.pool.query(insert, ['ns', 'big', big, big.length]);
    await h.pool.query(insert, ['ns', 'Deploy-Checklist', 'Rollback the CANARY first', 10]);
    for (let i = 0; i < 300; i++) await h.pool.query(insert, ['ns', `k${i}`, `value number ${i}`, 10]);
    await h.pool.query('ANALYZE memory_entries');
    const client = await h.pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const q = `SELECT key FROM memory_entries WHERE baton_search_text(key, value) @@ to_tsquery('simple', public.unaccent($1)) ORDER BY key`;
      // The 2 MB value is indexed up to its first 128 Ki characters (a tsvector holds at most 1 MB).
      expect((await client.query(q, ['lorem & ipsum'])).rows).toEqual([{ key: 'big' }]);
      expect((await client.query(q, ['canary'])).rows).toEqual([{ key: 'Deploy-Checklist' }]);
      expect((await client.query(q, ['checklist & rollback'])).rows).toEqual([{ key: 'Deploy-Checklist' }]);
      expect((await client.query(q, ['Canar:*'])).rows).toEqual([{ key: 'Deploy-Checklist' }]);
      expect((await client.query(q, ['canaries'])).rows).toEqual([]);
      const plan = (await client.query(`EXPLAIN ${q.replace('$1', `'canary'`)}`)).rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
      expect(plan).toContain('memory_entries_search');
      await h.pool.query(insert, ['ns', 'dessert', 'Crème brûlée, naïve café', 10]);
      expect((await client.query(q, ['creme & brulee & naive & cafe'])).rows).toEqual([{ key: 'dessert' }]);
    } finally {
      client.release();
    }
  });
});
