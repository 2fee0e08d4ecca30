/**
 * PostgreSQL for the tests: where it is (PG_TEST_URL, or the machine's 127.0.0.1:5432 with trust auth for
 * `postgres`), a fresh database per suite, and `describePg`, which skips a suite with its reason when nothing
 * answers, except under CI=true, where a missing PostgreSQL is a failing test and never a skip.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/** The server the tests use: PG_TEST_URL, or the machine's PostgreSQL. Any database on it; suites make their own. */
export const PG_TEST_URL = process.env.PG_TEST_URL || DEFAULT_PG_URL;

/** host:port of a connection string, for messages (never its password). */
export function pgWhere(url = PG_TEST_URL): string {
  try {
    const u = new URL(url);
    return `${u.hostname || '127.0.0.1'}:${u.port || '5432'}`;
  } catch {
    return 'PG_TEST_URL (not a URL)';
  }
}

/** The sentence printed when the PostgreSQL suites cannot run. */
export function pgSkipReason(url = PG_TEST_URL): string {
  return `PostgreSQL suite skipped: nothing answered on ${pgWhere(url)} (set PG_TEST_URL, or run .ci/run which starts one)`;
}

/** Whether a PostgreSQL server answers a query at `url` within `timeoutMs`. */
export async function pgAvailable(url = PG_TEST_URL, timeoutMs = 1500): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** `url` with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface FreshPgDatabase {
  /** A connection string to the new, empty database. */
  url: string;
  name: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

/** Creates a uniquely named empty database on the test server. */
export async function freshPgDatabase(prefix = 'baton_test'): Promise<FreshPgDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  return {
    url: withDatabase(PG_TEST_URL, name),
    name,
    drop: () => admin(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
  };
}

/** Whether PostgreSQL answered when this module loaded (once per test file). */
export const pgUp = await pgAvailable();
const ci = process.env.CI === 'true';
let told = false;

/**
 * `describe` for a suite that needs PostgreSQL. It runs when PostgreSQL answers; otherwise, under CI=true, it is one
 * failing test naming what is missing, and elsewhere it is skipped with the reason printed once.
 */
export function describePg(name: string, body: () => void): void {
  if (pgUp) {
    describe(name, body);
    return;
  }
  if (ci) {
    describe(name, () => {
      it('has a PostgreSQL server to run against (CI=true: a missing PostgreSQL fails, never skips)', () => {
        throw new Error(`Nothing answered on ${pgWhere()}: CI=true needs PostgreSQL (set PG_TEST_URL, or run .ci/run which starts one)`);
      });
    });
    return;
  }
  if (!told) {
    told = true;
    console.warn(pgSkipReason());
  }
  describe.skip(`${name} (${pgSkipReason()})`, body);
}
