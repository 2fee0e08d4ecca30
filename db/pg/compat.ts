// The PostgreSQL store behind the same interface the services use on SQLite: a better-sqlite3-shaped
// connection (prepare → run/get/all/raw/pluck, transaction(fn) with .immediate/.deferred, exec) over
// one synchronous PostgreSQL connection (sync-client.ts). drizzle's better-sqlite3 driver runs on it
// unchanged, so every service, better-auth and the gate see one store; the dialect stays in db/.
//
// What it translates, statement by statement (cached per SQL text):
//   - parameters: `?` and `@name` / `:name` / `$name` become `$1…`, values in order;
//   - `x GLOB p` becomes `x #~# p` (operator over baton_glob(), migration 0004: SQLite's GLOB, case-sensitive);
//   - `LIKE` becomes `ILIKE` (SQLite's LIKE ignores ASCII case);
//   - a bare `NULL` in an INSERT's VALUES becomes `DEFAULT` (drizzle's SQLite dialect writes null for a value not given);
//   - a conflict target's columns lose their table (`on conflict ("t"."c")` → `("c")`);
//   - an unquoted alias with capitals (`AS createdAt`) is quoted, since PostgreSQL folds it to lower case.
// Everything else must already be SQL both databases accept (INSERT … ON CONFLICT, RETURNING, json_extract
// (a function migration 0004 adds), coalesce, …); the integration suite on PostgreSQL
// (BATON_TEST_STORE=postgres, run by npm test) and test/pg-nodes.test.ts check it.
//
// Transactions: every transaction takes one database-wide advisory lock at BEGIN (WRITE_LOCK_ID), so
// writers from all nodes run one at a time, as SQLite's single writer does. That keeps the services'
// read-then-write steps (versions, compare-and-set, projections) correct across nodes without
// retries, and makes the change feed's seq follow commit order: a seq is drawn under the lock and
// committed before the next writer can draw one (docs/architecture.md, "Several nodes").
import { PgSyncError, SyncPgClient } from './sync-client.ts';

/** The advisory lock every transaction takes ("Baton" and 1, the feed's key: the feed's order is the writers' order). */
export const WRITE_LOCK_ID = 0x426174_6f6e01;

interface Translated {
  sql: string;
  /** For named parameters: the name of each $n in order; null for positional. */
  names: string[] | null;
  isInsert: boolean;
  reader: boolean;
}

const cache = new Map<string, Translated>();

const isIdentStart = (c: string) => /[A-Za-z_]/.test(c);
const isIdent = (c: string) => /[A-Za-z0-9_]/.test(c);

/** SQLite SQL (as the services and drizzle's SQLite dialect write it) to PostgreSQL. */
export function translate(sqlText: string): Translated {
  const hit = cache.get(sqlText);
  if (hit) return hit;
  let out = '';
  let positional = 0;
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  let lastWord = '';
  const s = sqlText;
  // In an INSERT's VALUES, a bare NULL is drizzle's "no value given" (its SQLite dialect writes null where its
  // PostgreSQL one writes default): DEFAULT, so identity ids are drawn and column defaults apply as in SQLite.
  const isInsert = /^\s*INSERT\b/i.test(sqlText);
  let inValues = false;
  let depth = 0;
  for (let i = 0; i < s.length;) {
    const c = s[i]!;
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < s.length) {
        if (s[j] === c) {
          if (s[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      out += s.slice(i, j + 1);
      i = j + 1;
      lastWord = '';
      continue;
    }
    if (c === '-' && s[i + 1] === '-') {
      const j = s.indexOf('\n', i);
      i = j < 0 ? s.length : j;
      continue;
    }
    if (c === '?') {
      let j = i + 1;
      while (j < s.length && /[0-9]/.test(s[j]!)) j++;
      if (j > i + 1) {
        const n = Number(s.slice(i + 1, j));
        out += `$${n}`;
        positional = Math.max(positional, n);
      } else out += `$${++positional}`;
      i = j;
      lastWord = '';
      continue;
    }
    if ((c === '@' || c === ':' || c === '$') && i + 1 < s.length && isIdentStart(s[i + 1]!) && !(c === ':' && s[i - 1] === ':')) {
      let j = i + 1;
      while (j < s.length && isIdent(s[j]!)) j++;
      const name = s.slice(i + 1, j);
      let n = nameIndex.get(name);
      if (n === undefined) {
        names.push(name);
        n = names.length;
        nameIndex.set(name, n);
      }
      out += `$${n}`;
      i = j;
      lastWord = '';
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < s.length && isIdent(s[j]!)) j++;
      const word = s.slice(i, j);
      const upper = word.toUpperCase();
      if (upper === 'VALUES' && isInsert) inValues = true;
      else if (inValues && depth === 0 && (upper === 'ON' || upper === 'RETURNING' || upper === 'SELECT')) inValues = false;
      if (upper === 'NULL' && inValues) out += 'DEFAULT';
      else if (upper === 'GLOB') out += '#~#';
      // SQLite's LIKE ignores ASCII case; PostgreSQL's does not.
      else if (upper === 'LIKE') out += 'ILIKE';
      else if (lastWord === 'AS' && /[A-Z]/.test(word) && /[a-z]/.test(word)) out += `"${word}"`;
      else out += word;
      lastWord = upper;
      i = j;
      continue;
    }
    if (!/\s/.test(c)) lastWord = '';
    if (c === '(') depth++;
    else if (c === ')') depth--;
    out += c;
    i++;
  }
  if (names.length > 0 && positional > 0) throw new Error('a statement may not mix named and positional parameters');
  // drizzle's SQLite dialect names conflict targets with their table ("t"."c"); PostgreSQL takes bare columns.
  if (isInsert) out = out.replace(/(on conflict \()([^)]*)\)/gi, (_m, open: string, cols: string) => `${open}${cols.replace(/"[^"]+"\./g, '')})`);
  const head = sqlText.trimStart().slice(0, 10).toUpperCase();
  const t: Translated = {
    sql: out,
    names: names.length > 0 ? names : null,
    isInsert,
    reader: /^(SELECT|WITH|VALUES|PRAGMA)/.test(head) || /\bRETURNING\b/i.test(sqlText),
  };
  if (cache.size > 5000) cache.clear();
  cache.set(sqlText, t);
  return t;
}

const toParam = (v: unknown): unknown => {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
};

/** better-sqlite3's arguments (values, arrays of values, or one object of named values) as $1… values. */
function bindParams(t: Translated, args: unknown[]): unknown[] {
  if (t.names) {
    const obj = (args[0] ?? {}) as Record<string, unknown>;
    return t.names.map((name) => {
      if (!(name in obj)) throw new RangeError(`Missing named parameter "${name}"`);
      return toParam(obj[name]);
    });
  }
  const flat = args.flat();
  return flat.map(toParam);
}

export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export class PgStatement {
  readonly reader: boolean;
  private rawMode = false;
  private pluckMode = false;
  private readonly t: Translated;

  constructor(
    private readonly db: PgCompatDatabase,
    readonly source: string,
  ) {
    this.t = translate(source);
    this.reader = this.t.reader;
  }

  raw(on = true): this {
    this.rawMode = on;
    return this;
  }

  pluck(on = true): this {
    this.pluckMode = on;
    return this;
  }

  private exec(args: unknown[]) {
    return this.db.query(this.t.sql, bindParams(this.t, args), this.rawMode || this.pluckMode);
  }

  private shape(row: unknown): unknown {
    if (row === undefined) return undefined;
    return this.pluckMode ? (row as unknown[])[0] : row;
  }

  run(...args: unknown[]): RunResult {
    const res = this.exec(args);
    let lastInsertRowid: number = 0;
    if (this.t.isInsert && res.rows.length > 0) {
      const first = res.rows[0] as Record<string, unknown> | unknown[];
      const v = Array.isArray(first) ? first[0] : Object.values(first)[0];
      if (typeof v === 'number') lastInsertRowid = v;
    }
    return { changes: res.rowCount, lastInsertRowid };
  }

  get(...args: unknown[]): unknown {
    return this.shape(this.exec(args).rows[0]);
  }

  all(...args: unknown[]): unknown[] {
    const rows = this.exec(args).rows;
    return this.pluckMode ? rows.map((r) => (r as unknown[])[0]) : rows;
  }

  iterate(...args: unknown[]): IterableIterator<unknown> {
    return this.all(...args)[Symbol.iterator]();
  }
}

type TxFn = ((...args: unknown[]) => unknown) & {
  deferred: (...args: unknown[]) => unknown;
  immediate: (...args: unknown[]) => unknown;
  exclusive: (...args: unknown[]) => unknown;
};

/** A better-sqlite3-shaped database on one synchronous PostgreSQL connection. */
export class PgCompatDatabase {
  readonly memory = false;
  readonly readonly = false;
  readonly dialect = 'postgres' as const;
  open = true;
  private depth = 0;
  private savepoints = 0;
  readonly client: SyncPgClient;

  constructor(
    readonly url: string,
    options: { name?: string } = {},
  ) {
    this.client = new SyncPgClient(url, { name: options.name ?? 'baton-store' });
  }

  get name(): string {
    return this.url.replace(/\/\/[^@/]*@/, '//***@');
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  query(sql: string, params: unknown[] = [], array = false) {
    try {
      return this.client.query(sql, params, array);
    } catch (err) {
      if (err instanceof PgSyncError) {
        // The statement as PostgreSQL saw it, for the server's log (never sent to a client).
        Object.assign(err, { statement: sql.length > 2000 ? `${sql.slice(0, 2000)}…` : sql });
        if (process.env.BATON_PG_DEBUG) console.error(`[pg] ${err.message}\n  ${sql}`);
        // The same words better-sqlite3 uses for constraint failures, which callers may match.
        if (err.code === '23505') Object.assign(err, { code: 'SQLITE_CONSTRAINT_UNIQUE', pgCode: err.code });
        else if (err.code === '23503') Object.assign(err, { code: 'SQLITE_CONSTRAINT_FOREIGNKEY', pgCode: err.code });
      }
      throw err;
    }
  }

  prepare(sql: string): PgStatement {
    return new PgStatement(this, sql);
  }

  exec(sql: string): this {
    const word = sql.trim().replace(/;$/, '').toUpperCase();
    if (/^BEGIN( (DEFERRED|IMMEDIATE|EXCLUSIVE))?( TRANSACTION)?$/.test(word)) this.begin();
    else if (word === 'COMMIT' || word === 'END') this.finish('COMMIT');
    else if (word === 'ROLLBACK') this.finish('ROLLBACK');
    else this.query(translate(sql).sql);
    return this;
  }

  private begin(): void {
    if (this.depth > 0) throw new PgSyncError('cannot start a transaction within a transaction', '25001');
    this.query(`BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK_ID})`);
    this.depth = 1;
  }

  private finish(how: 'COMMIT' | 'ROLLBACK'): void {
    if (this.depth === 0) {
      if (how === 'ROLLBACK') return;
      throw new PgSyncError('cannot commit - no transaction is active', '25P01');
    }
    this.depth = 0;
    this.savepoints = 0;
    this.query(how);
    if (how === 'COMMIT') this.onCommit?.();
  }

  /** Called after every COMMIT (the store's NOTIFY wake-up is sent from here, after the commit, never inside it). */
  onCommit: (() => void) | null = null;

  transaction(fn: (...args: unknown[]) => unknown): TxFn {
    const run = (...args: unknown[]) => {
      if (this.depth === 0) {
        this.begin();
        try {
          const result = fn(...args);
          if (result && typeof (result as Promise<unknown>).then === 'function') {
            throw new TypeError('Transaction function cannot return a promise');
          }
          this.finish('COMMIT');
          return result;
        } catch (err) {
          if (this.depth > 0) {
            try {
              this.finish('ROLLBACK');
            } catch {
              // the connection is gone; the server rolled the transaction back itself
            }
          }
          throw err;
        }
      }
      const name = `baton_sp${++this.savepoints}`;
      this.query(`SAVEPOINT ${name}`);
      this.depth++;
      try {
        const result = fn(...args);
        this.query(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (err) {
        this.query(`ROLLBACK TO SAVEPOINT ${name}`);
        this.query(`RELEASE SAVEPOINT ${name}`);
        throw err;
      } finally {
        this.depth--;
      }
    };
    const tx: TxFn = Object.assign(run, { deferred: run, immediate: run, exclusive: run });
    return tx;
  }

  /** SQLite pragmas that tune the file have no PostgreSQL meaning; anything else is refused plainly. */
  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    const name = source
      .trim()
      .split(/[\s=(]/)[0]!
      .toLowerCase();
    const tuning = ['journal_mode', 'busy_timeout', 'synchronous', 'foreign_keys', 'wal_autocheckpoint', 'journal_size_limit', 'wal_checkpoint'];
    if (tuning.includes(name)) return options.simple ? undefined : [];
    throw new PgSyncError(`PRAGMA ${name} is SQLite's; this store is PostgreSQL`, '0A000');
  }

  function(): this {
    throw new PgSyncError('user-defined SQL functions are SQLite-only', '0A000');
  }

  close(): this {
    if (!this.open) return this;
    this.open = false;
    this.client.close();
    return this;
  }
}
