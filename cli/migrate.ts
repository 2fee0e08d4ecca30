// `baton migrate --to postgres://…` (issue 19): copies a SQLite database into an empty PostgreSQL
// database (every table: memory with its history, the change feed, boards, handoffs, identities, the
// audit log, analytics, notifications), moves each identity sequence past what was copied, then
// verifies the copy: per table the row count and a SHA-256 over canonical JSON lines (read back from
// PostgreSQL), and the portable export (server/safety/portable.ts) of both sides, line for line.
import { NON_DATA_TABLES } from '../db/pg/schema.ts';
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { z } from 'zod';
import { BatonError } from '../lib/errors.ts';

/** A postgres:// or postgresql:// URL (the same rule as DATABASE_URL in server/env.ts). */
export const postgresUrlSchema = z
  .string()
  .url('must be a URL such as postgres://user@host:5432/baton')
  .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must be a postgres:// or postgresql:// URL');

/** The URL without its password, for messages and printed commands. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '';
    // node-postgres also reads a password (and an SSL key's passphrase) from the query string.
    for (const name of [...u.searchParams.keys()]) if (/pass/i.test(name)) u.searchParams.set(name, '***');
    return u.toString().replace(/:@/, '@');
  } catch {
    return '(not a URL)';
  }
}

type Kind = 'int' | 'bool' | 'time' | 'text';
interface TableSpec {
  name: string;
  columns: { name: string; kind: Kind }[];
  /** The primary key's columns: the order rows are compared in. */
  key: string[];
  /** A column filled by an identity sequence, if any. */
  identity: string | null;
}

const kindOf = (c: PgColumn): Kind => {
  switch (c.columnType) {
    case 'PgBigInt53':
    case 'PgInteger':
      return 'int';
    case 'PgBoolean':
      return 'bool';
    case 'PgTimestamp':
      return 'time';
    case 'PgText':
      return 'text';
    default:
      throw new Error(`db/pg/schema.ts: column ${c.name} has a type (${c.columnType}) baton migrate does not know how to copy`);
  }
};

/** Every table of the PostgreSQL schema, parents before the tables whose foreign keys point at them. */
export async function tableSpecs(): Promise<TableSpec[]> {
  // Loaded here, not at the top: every `baton` command imports this file to register `migrate`.
  const { getTableConfig, PgTable } = await import('drizzle-orm/pg-core');
  const schema = await import('../db/pg/schema.ts');
  const configs = (Object.values(schema) as unknown[]).filter((v): v is PgTable => v instanceof PgTable).map((t) => getTableConfig(t));
  const byName = new Map(configs.map((c) => [c.name, c]));
  const ordered: string[] = [];
  const visit = (name: string) => {
    if (ordered.includes(name)) return;
    for (const fk of byName.get(name)!.foreignKeys) {
      const parent = getTableConfig(fk.reference().foreignTable).name;
      if (parent !== name) visit(parent);
    }
    ordered.push(name);
  };
  for (const c of [...configs].sort((a, b) => a.name.localeCompare(b.name))) visit(c.name);
  return ordered.map((name) => {
    const cfg = byName.get(name)!;
    const composite = cfg.primaryKeys[0]?.columns.map((c) => c.name);
    return {
      name,
      columns: cfg.columns.map((c) => ({ name: c.name, kind: kindOf(c) })),
      key: composite ?? cfg.columns.filter((c) => c.primary).map((c) => c.name),
      identity: cfg.columns.find((c) => (c as { generatedIdentity?: unknown }).generatedIdentity)?.name ?? null,
    };
  });
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** PostgreSQL's side of the canonical form: every value as text (times as ms), in the order SQLite's BINARY collation sorts (by the table's columns: a bare name would sort the text output). */
const pgSelect = (t: TableSpec) =>
  `SELECT ${t.columns
    .map((c) => (c.kind === 'time' ? `(extract(epoch from ${q(c.name)}) * 1000)::numeric(20,0)::text` : c.kind === 'text' ? q(c.name) : `${q(c.name)}::text`))
    .join(
      ', ',
    )} FROM ${q(t.name)} ORDER BY ${t.key.map((k) => `${q(t.name)}.${q(k)}${t.columns.find((c) => c.name === k)!.kind === 'text' ? ' COLLATE "C"' : ''}`).join(', ')}`;

/** SQLite's side of the canonical form (statements read with safeIntegers: integers arrive as BigInt). */
function canonicalSqlite(t: TableSpec, row: unknown[]): (string | null)[] {
  return row.map((v, i) => {
    if (v === null) return null;
    const kind = t.columns[i]!.kind;
    if (kind === 'bool') return v === 0n || v === 0 ? 'false' : 'true';
    if (typeof v === 'string' || typeof v === 'bigint' || typeof v === 'number') return String(v);
    throw new BatonError('invalid_input', `${t.name}.${t.columns[i]!.name} holds a binary value, which has no place in Baton's schema: nothing was copied`);
  });
}

/** A SQLite value as a PostgreSQL parameter. */
function toPg(kind: Kind, v: unknown): unknown {
  if (v === null) return null;
  if (kind === 'bool') return !(v === 0n || v === 0);
  if (kind === 'time') return new Date(Number(v)).toISOString();
  return typeof v === 'bigint' ? v.toString() : v;
}

/** A canonical value (text) as a SQLite parameter, for the read-back copy the export comparison uses. */
function toSqlite(kind: Kind, v: string | null): unknown {
  if (v === null) return null;
  if (kind === 'bool') return v === 'true' ? 1 : 0;
  if (kind === 'int' || kind === 'time') return BigInt(v);
  return v;
}

export interface MigrateTable {
  table: string;
  rows: number;
  sha256: string;
}
export interface MigrateReport {
  source: string;
  target: string;
  tables: MigrateTable[];
  rows: number;
  /** Wall time in all, and of the copy, the per-table checks and the export comparison. */
  ms: number;
  phases: { copyMs: number; checkMs: number; exportMs: number };
  verified: { tables: number; rows: number; export: { lines: number; sha256: string } };
}

/** What went wrong connecting, in words: PostgreSQL's own codes for a refused login and a missing database first. */
function whyNotReached(err: unknown): string {
  const code = (err as { code?: string }).code;
  const what = code ?? (err as Error).message;
  if (code === '28P01' || code === '28000') return `(${what}): PostgreSQL refused the login; check the user and password`;
  if (code === '3D000') return `(${what}): the database does not exist; create it first (createdb)`;
  return `(${what}): is it running, and does the database exist?`;
}

const cannotReach = (url: string, err: unknown) => new BatonError('internal', `Cannot reach PostgreSQL at ${redactUrl(url)} ${whyNotReached(err)}`);

/** Refuses a target that holds anything: tables outside Baton's schema, or rows in Baton's. */
async function assertEmpty(client: pg.PoolClient, url: string, tables: TableSpec[]): Promise<void> {
  const found = (
    await client.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
       ORDER BY 1, 2`,
    )
  ).rows;
  const ours = new Set<string>([...tables.map((t) => t.name), ...NON_DATA_TABLES]);
  const foreign = found.filter((r) => !(r.schema === 'public' && ours.has(r.name)) && !(r.schema === 'drizzle' && r.name === '__drizzle_migrations'));
  if (foreign.length)
    throw new BatonError(
      'invalid_input',
      `to: ${redactUrl(url)} is not empty: it has ${foreign.length} table${foreign.length === 1 ? '' : 's'} Baton did not create (${foreign
        .slice(0, 10)
        .map((r) => `${r.schema}.${r.name}`)
        .join(', ')}${foreign.length > 10 ? ', …' : ''}); migrate into a new database (createdb)`,
      { field: 'to' },
    );
  const withRows: string[] = [];
  for (const r of found.filter((r) => r.schema === 'public')) {
    const n = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${q(r.name)}`)).rows[0]!.n);
    if (n > 0) withRows.push(`${r.name}: ${n} row${n === 1 ? '' : 's'}`);
  }
  if (withRows.length)
    throw new BatonError('invalid_input', `to: ${redactUrl(url)} already holds Baton data (${withRows.join(', ')}); migrate into an empty database`, {
      field: 'to',
    });
}

/** Rows per INSERT: PostgreSQL takes at most 65,535 parameters in one statement. */
const batchRows = (t: TableSpec) => Math.max(1, Math.min(1000, Math.floor(60_000 / t.columns.length)));

async function copyTable(sqlite: Database.Database, client: pg.PoolClient, t: TableSpec): Promise<number> {
  const cols = t.columns.map((c) => q(c.name)).join(', ');
  const read = sqlite
    .prepare(`SELECT ${cols} FROM ${q(t.name)}`)
    .raw(true)
    .safeIntegers(true);
  const per = batchRows(t);
  let batch: unknown[][] = [];
  let rows = 0;
  const flush = async () => {
    if (!batch.length) return;
    const params: unknown[] = [];
    const tuples = batch.map((row) => `(${row.map((v, i) => (params.push(toPg(t.columns[i]!.kind, v)), `$${params.length}`)).join(', ')})`);
    try {
      await client.query(`INSERT INTO ${q(t.name)} (${cols}) VALUES ${tuples.join(', ')}`, params);
    } catch (err) {
      throw new BatonError('internal', `copying ${t.name} failed near row ${rows - batch.length + 1}: ${(err as Error).message}; nothing was kept`);
    }
    batch = [];
  };
  for (const row of read.iterate() as IterableIterator<unknown[]>) {
    batch.push(row);
    rows++;
    if (batch.length >= per) await flush();
  }
  await flush();
  return rows;
}

/** Moves an identity past the copied rows (and past SQLite's AUTOINCREMENT high-water mark, so no id is ever reused). */
async function advanceSequence(sqlite: Database.Database, client: pg.PoolClient, t: TableSpec): Promise<void> {
  if (!t.identity) return;
  const hasSeqTable = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'`).get();
  const autoinc = hasSeqTable ? (sqlite.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').pluck().get(t.name) as number | undefined) : undefined;
  const max = Number((await client.query<{ m: string | null }>(`SELECT max(${q(t.identity)})::text AS m FROM ${q(t.name)}`)).rows[0]!.m ?? 0);
  const high = Math.max(max, autoinc ?? 0);
  await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), $3, $4)`, [q(t.name), t.identity, Math.max(high, 1), high > 0]);
}

async function sqliteDigest(sqlite: Database.Database, t: TableSpec): Promise<MigrateTable> {
  const order = t.key.map(q).join(', ');
  const read = sqlite
    .prepare(`SELECT ${t.columns.map((c) => q(c.name)).join(', ')} FROM ${q(t.name)} ORDER BY ${order}`)
    .raw(true)
    .safeIntegers(true);
  const hash = createHash('sha256').update(`${JSON.stringify(t.columns.map((c) => c.name))}\n`);
  let rows = 0;
  for (const row of read.iterate() as IterableIterator<unknown[]>) {
    hash.update(`${JSON.stringify(canonicalSqlite(t, row))}\n`);
    rows++;
  }
  return { table: t.name, rows, sha256: hash.digest('hex') };
}

/** Reads a table back from PostgreSQL through a cursor: its digest, and each row into the read-back SQLite copy. */
async function pgDigest(client: pg.PoolClient, t: TableSpec, readBack: Database.Database): Promise<MigrateTable> {
  const hash = createHash('sha256').update(`${JSON.stringify(t.columns.map((c) => c.name))}\n`);
  const insert = readBack.prepare(`INSERT INTO ${q(t.name)} (${t.columns.map((c) => q(c.name)).join(', ')}) VALUES (${t.columns.map(() => '?').join(', ')})`);
  let rows = 0;
  await client.query(`DECLARE baton_verify NO SCROLL CURSOR FOR ${pgSelect(t)}`);
  for (;;) {
    const page = await client.query<(string | null)[]>({ text: 'FETCH 2000 FROM baton_verify', rowMode: 'array' });
    if (!page.rows.length) break;
    readBack.transaction(() => {
      for (const row of page.rows) {
        hash.update(`${JSON.stringify(row)}\n`);
        insert.run(...row.map((v, i) => toSqlite(t.columns[i]!.kind, v)));
      }
    })();
    rows += page.rows.length;
  }
  await client.query('CLOSE baton_verify');
  return { table: t.name, rows, sha256: hash.digest('hex') };
}

/**
 * A session record with its files in path order. Session files have no id: SQLite's export lists them in
 * insertion (rowid) order, which PostgreSQL has no equivalent of, so both sides are compared with the list sorted.
 */
function withSortedFiles(line: string): string {
  if (!line.startsWith('{"type":"session"')) return line;
  const record = JSON.parse(line) as { files?: { path: string }[] };
  record.files?.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  return JSON.stringify(record);
}

/**
 * The exports of two database files compared line by line, read in step (nothing held in memory), with one clock
 * (expiry is judged at `now` on both sides): the line count and digest, or the first line that differs.
 */
async function compareExports(a: string, b: string, now: number): Promise<{ lines: number; sha256: string; differsAt: number | null }> {
  const { exportLines } = await import('../server/safety/portable.ts');
  const left = exportLines(a, { now });
  const right = exportLines(b, { now });
  const hash = createHash('sha256');
  let lines = 0;
  try {
    for (;;) {
      const [x, y] = [left.next(), right.next()];
      if (x.done && y.done) return { lines, sha256: hash.digest('hex'), differsAt: null };
      lines++;
      const line = x.done ? null : withSortedFiles(x.value);
      if (x.done || y.done || line !== withSortedFiles(y.value)) return { lines, sha256: '', differsAt: lines };
      hash.update(`${line}\n`);
    }
  } finally {
    left.return(undefined);
    right.return(undefined);
  }
}

/**
 * Copies the SQLite database at `sqlitePath` (migrated forward first, as a server start would) into
 * the empty PostgreSQL database at `url` in one transaction, then verifies it. Throws a BatonError
 * with a plain sentence on a connection error, a non-empty target, or any difference.
 */
export async function migrateToPostgres(sqlitePath: string, url: string, options: { now?: number } = {}): Promise<MigrateReport> {
  const started = performance.now();
  const parsedUrl = postgresUrlSchema.safeParse(url);
  if (!parsedUrl.success) throw new BatonError('invalid_input', `to: ${parsedUrl.error.issues[0]!.message}`, { field: 'to' });
  const source = resolve(sqlitePath);
  if (!existsSync(source)) throw new BatonError('not_found', `db: ${source} does not exist (say which SQLite file to copy with --db <path>)`, { field: 'db' });
  const { openDatabase } = await import('../db/client.ts');
  try {
    openDatabase(source).close();
  } catch (err) {
    throw new BatonError('invalid_input', `db: ${source} could not be opened as a Baton database: ${(err as Error).message}`, { field: 'db' });
  }

  const tables = await tableSpecs();
  const { default: SqliteDatabase } = await import('better-sqlite3');
  const sqlite = new SqliteDatabase(source, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  const { openPg, migratePg } = await import('../db/pg/client.ts');
  const h = openPg(url, { max: 1, connectionTimeoutMillis: 5000 });
  const tmp = mkdtempSync(join(tmpdir(), 'baton-migrate-'));
  try {
    let client: pg.PoolClient;
    try {
      client = await h.pool.connect();
    } catch (err) {
      throw cannotReach(url, err);
    }
    try {
      await assertEmpty(client, url, tables);
      // The migrator takes its own connection: release ours for it (the pool holds one).
      client.release();
      await migratePg(h.pool);
      client = await h.pool.connect();

      // Every column the target has must be in the source, with nothing left over.
      for (const t of tables) {
        const have = (sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(t.name) as string[]).sort();
        const want = t.columns.map((c) => c.name).sort();
        if (JSON.stringify(have) !== JSON.stringify(want))
          throw new BatonError(
            'internal',
            `${t.name}: the SQLite table's columns (${have.join(', ') || 'none'}) are not PostgreSQL's (${want.join(', ')}); this baton's two schemas disagree`,
          );
      }

      // One read snapshot of the source, one transaction on the target: all of it or nothing.
      sqlite.exec('BEGIN');
      const copied: { table: string; rows: number }[] = [];
      await client.query('BEGIN');
      try {
        for (const t of tables) {
          copied.push({ table: t.name, rows: await copyTable(sqlite, client, t) });
          await advanceSequence(sqlite, client, t);
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }

      const copiedAt = performance.now();
      // Verify: per table, count and digest on both sides (the target read back in one snapshot).
      const readBackPath = join(tmp, 'read-back.db');
      const readBack = openDatabase(readBackPath);
      const mismatches: string[] = [];
      const report: MigrateTable[] = [];
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        readBack.sqlite.pragma('foreign_keys = OFF');
        for (const t of tables) {
          const lite = await sqliteDigest(sqlite, t);
          const pgSide = await pgDigest(client, t, readBack.sqlite);
          report.push(lite);
          if (lite.rows !== pgSide.rows) mismatches.push(`${t.name}: ${lite.rows} rows in SQLite, ${pgSide.rows} in PostgreSQL`);
          else if (lite.sha256 !== pgSide.sha256) mismatches.push(`${t.name}: the same ${lite.rows} rows, different contents`);
        }
      } finally {
        await client.query('COMMIT').catch(() => {});
        readBack.close();
      }
      sqlite.exec('COMMIT');
      if (mismatches.length) throw new BatonError('internal', `the copy differs from the source: ${mismatches.join('; ')}`);

      const checkedAt = performance.now();
      // And the portable export of both sides, line for line (the target's through its read-back copy).
      const now = options.now ?? Date.now();
      const exports = await compareExports(source, readBackPath, now);
      if (exports.differsAt !== null)
        throw new BatonError(
          'internal',
          `the exports of the two sides differ from line ${exports.differsAt}: the source changed during the copy, or the copy is wrong; stop the server and migrate into a new database`,
        );
      const rows = copied.reduce((n, t) => n + t.rows, 0);
      return {
        source,
        target: redactUrl(url),
        tables: report,
        rows,
        ms: Math.round(performance.now() - started),
        phases: {
          copyMs: Math.round(copiedAt - started),
          checkMs: Math.round(checkedAt - copiedAt),
          exportMs: Math.round(performance.now() - checkedAt),
        },
        verified: { tables: report.length, rows: report.reduce((n, t) => n + t.rows, 0), export: { lines: exports.lines, sha256: exports.sha256 } },
      };
    } finally {
      client.release();
    }
  } catch (err) {
    if (err instanceof BatonError) throw err;
    const code = (err as { code?: string }).code;
    if (code && /^(ECONN|ENOTFOUND|EAI_|ETIMEDOUT|57P|08|3D000|28)/.test(code)) throw cannotReach(url, err);
    throw new BatonError('internal', `baton migrate failed: ${(err as Error).message}`);
  } finally {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    sqlite.close();
    await h.close().catch(() => {});
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function migrateText(r: MigrateReport): string {
  const width = Math.max(...r.tables.map((t) => t.table.length));
  return [
    `Copied ${r.source} to ${r.target} in ${(r.ms / 1000).toFixed(1)} s (copy ${(r.phases.copyMs / 1000).toFixed(1)} s, checks ${(r.phases.checkMs / 1000).toFixed(1)} s, exports ${(r.phases.exportMs / 1000).toFixed(1)} s):`,
    ...r.tables.map((t) => `  ${`${t.table}:`.padEnd(width + 1)} ${t.rows}`),
    `Verified: ${r.verified.tables} tables, ${r.verified.rows} rows; row counts and checksums match, and the exports of both sides are identical (${r.verified.export.lines} lines).`,
  ].join('\n');
}

interface GlobalOptions {
  db?: string;
  json?: boolean;
}

/** `baton migrate --to <url>`: the SQLite file is the global --db, else DATABASE_PATH, else the server's default. */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('copy a SQLite database (--db, else DATABASE_PATH) into an empty PostgreSQL database, then verify the copy')
    .requiredOption('--to <url>', 'the PostgreSQL database, postgres://user@host:5432/name (it must be empty)')
    .addHelpText('after', '\nStop the server first: writes made during the copy are not in it (the verification then fails).')
    .action(async (o: { to: string }) => {
      const opts = program.opts<GlobalOptions>();
      const path = opts.db ?? process.env.DATABASE_PATH ?? './data/baton.db';
      const r = await migrateToPostgres(path, o.to);
      process.stdout.write(`${opts.json ? JSON.stringify(r, null, 2) : migrateText(r)}\n`);
    });
}

/** A value for a POSIX shell, in single quotes. */
const sh = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
/** An argv as a shell command line: the program, bare flags and one-word flag values as they are, other values (also after `--flag=`) quoted. */
const commandLine = (argv: string[]) =>
  argv
    .map((a, i) => {
      if (i === 0) return a;
      const eq = a.startsWith('--') ? a.indexOf('=') : -1;
      if (eq > 0) return /^[a-z]+$/.test(a.slice(eq + 1)) ? a : `${a.slice(0, eq + 1)}${sh(a.slice(eq + 1))}`;
      return a.startsWith('-') ? a : sh(a);
    })
    .join(' ');

/**
 * `baton backup` on PostgreSQL: pg_dump is the backup (online, consistent, any size), so Baton prints the
 * command rather than copying anything itself; the password is left out (PGPASSWORD or ~/.pgpass supply it).
 */
export function postgresBackupCommands(url: string, file: string, field: string): { database: string; pgDump: string[]; pgRestore: string[]; text: string } {
  const parsed = postgresUrlSchema.safeParse(url);
  if (!parsed.success) throw new BatonError('invalid_input', `${field}: ${parsed.error.issues[0]!.message}`, { field });
  const database = redactUrl(url);
  const u = new URL(database);
  u.pathname = `${u.pathname.replace(/\/$/, '') || '/baton'}_restored`;
  const pgDump = ['pg_dump', '--format=custom', `--file=${file}`, database];
  const pgRestore = ['pg_restore', '--no-owner', `--dbname=${u.toString()}`, file];
  const text = [
    `Baton is on PostgreSQL (${database}): back it up with pg_dump, online and consistent while the nodes run:`,
    `  ${commandLine(pgDump)}`,
    'Restore into a new, empty database (createdb it first), then point every node’s DATABASE_URL at it:',
    `  ${commandLine(pgRestore)}`,
    'The password comes from PGPASSWORD or ~/.pgpass, never the command line. See docs/operations.md#postgresql-several-nodes.',
  ].join('\n');
  return { database, pgDump, pgRestore, text };
}
