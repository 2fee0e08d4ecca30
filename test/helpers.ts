import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import { describe, it } from 'vitest';
import { createApplication, type Application, type ApplicationOptions } from '../server/app.ts';
import { openDatabase, type DbHandle } from '../db/client.ts';
import { openPostgresStore } from '../db/store.ts';
import { PROTOCOL_VERSION, type Change } from '../lib/events.ts';
import type { MemoryEntry } from '../lib/memory-types.ts';
import type { BatonSocket } from '../lib/feed-client.ts';
import type { Principal } from '../lib/access.ts';
import { freshPgDatabase } from './pg-helpers.ts';
import { createLogger } from '../server/logger.ts';

/** Which store the integration suite runs on: sqlite (default) or postgres (BATON_TEST_STORE=postgres). */
export const TEST_STORE: 'sqlite' | 'postgres' = process.env.BATON_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

const notDefined = (() => {}) as unknown;
/**
 * describe / it for one store's own mechanism (SQLite's file backup, FTS5's query plan, PostgreSQL's pg_dump
 * answer): on the other store the test does not apply, so it is not defined at all, rather than reported skipped.
 */
export const describeOn = (store: 'sqlite' | 'postgres'): typeof describe => (store === TEST_STORE ? describe : (notDefined as typeof describe));
export const itOn = (store: 'sqlite' | 'postgres'): typeof it => (store === TEST_STORE ? it : (notDefined as typeof it));

export interface TestServer {
  app: Application;
  url: string;
  dbPath: string;
  dir: string;
  /** An admin-scoped API token; api() and connectClient() use it unless told otherwise. */
  token: string;
  admin: Principal & { kind: 'user' };
  close(): Promise<void>;
}

export const TEST_ADMIN = { email: 'owner@example.test', password: 'correct horse battery', name: 'Owner' };
const tokensByUrl = new Map<string, string>();

/** A real Baton server on port 0 with a fresh temp database, an owner account and an admin token. */
export async function startTestServer(options: Partial<ApplicationOptions> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-test-'));
  const dbPath = join(dir, 'baton.db');
  // BATON_TEST_STORE=postgres runs the same suite on a fresh PostgreSQL database per server (dropped on close).
  const pgDb = TEST_STORE === 'postgres' && !options.databaseUrl ? await freshPgDatabase('baton_it') : null;
  const app = await createApplication({
    databasePath: dbPath,
    databaseUrl: pgDb?.url,
    // BATON_TEST_LOG=error (or warn, info…) prints the server's log: what a 500 hid.
    ...(process.env.BATON_TEST_LOG ? { logger: createLogger(process.env.BATON_TEST_LOG) } : {}),
    web: false,
    admin: TEST_ADMIN,
    authSecret: 'test-secret-test-secret-test-secret-00',
    ...options,
  });
  const url = await app.listen(0, '127.0.0.1');
  const adminId = app.identity.listUsers()[0]!.id;
  const admin = app.identity.userPrincipal(adminId) as Principal & { kind: 'user' };
  const { token } = app.identity.createToken(admin, { name: 'tests', scopes: [{ access: 'admin', namespaces: '*' }] }, null);
  tokensByUrl.set(url, token);
  return {
    app,
    url,
    dbPath,
    dir,
    token,
    admin,
    async close() {
      tokensByUrl.delete(url);
      await app.close();
      await pgDb?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A socket.io client; by default authenticated with the server's admin token. */
export function connectClient(url: string, auth: { token?: string; share?: string } | null = {}): BatonSocket {
  const credentials = auth === null ? {} : { token: auth.token ?? (auth.share ? undefined : tokensByUrl.get(url)), share: auth.share };
  return connect(url, { transports: ['websocket'], auth: { protocol: PROTOCOL_VERSION, ...credentials }, forceNew: true });
}

export function waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (predicate()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 5);
    };
    tick();
  });
}

/** fetch with JSON in and out; sends the server's admin token unless `token` (or null: none) is given. */
export async function api(url: string, path: string, init: RequestInit & { json?: unknown; token?: string | null } = {}) {
  const { json, token, ...rest } = init;
  const bearer = token === null ? undefined : (token ?? tokensByUrl.get(url));
  const res = await fetch(url + path, {
    ...rest,
    headers: {
      'content-type': 'application/json',
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(rest.headers ?? {}),
    },
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, headers: res.headers };
}

/** A migrated database in a fresh temp file, for service-level tests without a server. */
export function openTempDatabase(): { handle: DbHandle; path: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'baton-unit-'));
  const path = join(dir, 'baton.db');
  const handle = openDatabase(path);
  return {
    handle,
    path,
    cleanup() {
      handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A migrated store for service-level tests: a temp SQLite file, or (BATON_TEST_STORE=postgres) a fresh PostgreSQL
 * database through the same DbHandle the server uses.
 */
export async function openTempStore(): Promise<{ handle: DbHandle; cleanup(): Promise<void> }> {
  if (TEST_STORE === 'postgres') {
    const fresh = await freshPgDatabase('baton_unit');
    const handle = await openPostgresStore(fresh.url);
    return {
      handle,
      async cleanup() {
        handle.close();
        await fresh.drop();
      },
    };
  }
  const db = openTempDatabase();
  return { handle: db.handle, cleanup: async () => db.cleanup() };
}

/** What a client holds for one namespace: key → the raw value and version it last saw. */
export type ClientState = Map<string, { raw: string; version: number }>;

/** Loads a namespace snapshot over REST, as a browser does before following the feed. */
export async function loadSnapshot(url: string, namespace: string): Promise<{ state: ClientState; seq: number }> {
  const res = await api(url, `/api/v1/memory?namespace=${encodeURIComponent(namespace)}&limit=1000`);
  if (res.status !== 200) throw new Error(`snapshot failed: ${res.status} ${JSON.stringify(res.body)}`);
  if (res.body.nextCursor !== null) throw new Error('snapshot does not fit in one page');
  const state: ClientState = new Map();
  for (const entry of res.body.items as MemoryEntry[]) state.set(entry.key, { raw: entry.raw, version: entry.version });
  return { state, seq: res.body.seq };
}

/** Applies feed changes to a client's state the way the UI does. */
export function applyChanges(state: ClientState, changes: Change[]): void {
  for (const change of changes) {
    if (change.op === 'store') state.set(change.key, { raw: change.value!, version: change.version });
    else state.delete(change.key);
  }
}

/** Resolves on the socket's next `connect` (or at once when already connected). */
export function connected(socket: BatonSocket): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve) => socket.once('connect', () => resolve()));
}
