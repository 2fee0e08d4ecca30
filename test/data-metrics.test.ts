// GET /metrics (issue 17, part 5): Prometheus text that moves when writes happen, behind
// METRICS_TOKEN or an admin token.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectClient, startTestServer, TEST_STORE, waitFor, type TestServer, itOn } from './helpers.ts';

const METRICS_TOKEN = 'metrics-secret-0123456789';
let s: TestServer;
let viewerToken: string;

beforeAll(async () => {
  s = await startTestServer({ rateLimits: { writesPerMinute: 8 }, data: { metricsToken: METRICS_TOKEN } });
  viewerToken = s.app.identity.createToken(s.admin, { name: 'viewer', scopes: [{ access: 'read', namespaces: '*' }] }, null).token;
});
afterAll(() => s?.close());

const scrape = async (token: string | null = METRICS_TOKEN) => {
  const res = await fetch(`${s.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
};

// The exposition format, strictly: HELP and TYPE comments, then samples `name{label="v",…} value`.
const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const VALUE = '(?:[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[+-]Inf|NaN)';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?\\})? (${VALUE})$`);
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text, failing on any line that is not valid exposition format or a sample without its TYPE. */
function parse(text: string): Sample[] {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const type = TYPE.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (HELP.test(line)) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`line ${i + 1} is not Prometheus text: ${line}`);
    const name = m[1]!;
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    if (!types.has(family)) throw new Error(`line ${i + 1}: ${name} has no # TYPE`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name, labels, value: Number(m[3]) });
  }
  return samples;
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v)).reduce((sum, x) => sum + x.value, 0);

const store = (key: string) => api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: 'metrics', key, value: { n: key } } });

describe('GET /metrics', () => {
  it('is refused without credentials (401), with a wrong token (401) and to a non-admin (403)', async () => {
    const none = await scrape(null);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.text).error.code).toBe('unauthorized');
    expect((await scrape('not-the-metrics-token-at-all')).status).toBe(401);
    const viewer = await scrape(viewerToken);
    expect(viewer.status).toBe(403);
    expect(JSON.parse(viewer.text).error.code).toBe('forbidden');
  });

  it('answers METRICS_TOKEN and an admin token with Prometheus text', async () => {
    const byToken = await scrape();
    expect(byToken.status).toBe(200);
    expect(byToken.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parse(byToken.text);
    for (const name of [
      'baton_feed_lag',
      'baton_socket_connections',
      'baton_socket_rooms',
      'baton_mcp_sessions',
      'baton_database_bytes',
      'baton_wal_bytes',
      'baton_backup_age_seconds',
    ]) {
      expect(
        samples.some((x) => x.name === name),
        name,
      ).toBe(true);
    }
    expect(value(samples, 'baton_database_bytes')).toBeGreaterThan(0);
    expect(value(samples, 'baton_backup_age_seconds')).toBe(-1);
    expect((await scrape(s.token)).status).toBe(200);
  });

  it('write counters, the HTTP counter by route pattern and rate-limit refusals move when writes happen', async () => {
    const before = parse((await scrape()).text);
    const writesBefore = value(before, 'baton_write_duration_seconds_count', { action: 'memory.store', outcome: 'ok' });
    const httpBefore = value(before, 'baton_http_requests_total', { route: '/api/v1/memory/entry', method: 'PUT', status: '201' });
    for (const key of ['a', 'b', 'c']) expect((await store(key)).status).toBe(201);
    const after = parse((await scrape()).text);
    expect(value(after, 'baton_write_duration_seconds_count', { action: 'memory.store', outcome: 'ok' })).toBe(writesBefore + 3);
    expect(value(after, 'baton_write_duration_seconds_sum', { action: 'memory.store', outcome: 'ok' })).toBeGreaterThan(0);
    expect(value(after, 'baton_write_duration_seconds_bucket', { action: 'memory.store', outcome: 'ok', le: '+Inf' })).toBe(writesBefore + 3);
    expect(value(after, 'baton_http_requests_total', { route: '/api/v1/memory/entry', method: 'PUT', status: '201' })).toBe(httpBefore + 3);
    // The pattern, not the raw path: a session id never becomes a label.
    await api(s.url, '/api/v1/sessions/no-such-session-xyz');
    const patterns = parse((await scrape()).text)
      .filter((x) => x.name === 'baton_http_requests_total')
      .map((x) => x.labels.route);
    expect(patterns.some((r) => r?.includes('no-such-session-xyz'))).toBe(false);
    expect(patterns).toContain('/api/v1/sessions/:id');

    // The limit is 8 writes a minute per caller: the rest are refused and counted.
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await store(`over-${i}`)).status);
    expect(statuses).toContain(429);
    const limited = parse((await scrape()).text);
    expect(value(limited, 'baton_rate_limited_total', { action: 'memory.store' })).toBe(statuses.filter((x) => x === 429).length);
    expect(value(limited, 'baton_write_duration_seconds_count', { action: 'memory.store', outcome: 'rate_limited' })).toBeGreaterThan(0);
  });

  it('counts connected sockets', async () => {
    const client = connectClient(s.url);
    try {
      await waitFor(() => client.connected, 5000, 'socket connected');
      expect(value(parse((await scrape()).text), 'baton_socket_connections')).toBeGreaterThanOrEqual(1);
    } finally {
      client.close();
    }
  });
});

describe('backup age', () => {
  let b: TestServer;
  afterAll(() => b?.close());
  it('is the time since the last good backup (on PostgreSQL, where backups are pg_dump, -1)', async () => {
    b = await startTestServer({ data: { backupDir: join(mkdtempSync(join(tmpdir(), 'baton-metrics-')), 'backups') } });
    const taken = await api(b.url, '/api/v1/backups', { method: 'POST' });
    const age = async () =>
      value(parse(await (await fetch(`${b.url}/metrics`, { headers: { authorization: `Bearer ${b.token}` } })).text()), 'baton_backup_age_seconds');
    if (TEST_STORE === 'postgres') {
      expect(taken.status).toBe(409);
      expect(taken.body.error.message).toContain('pg_dump');
      expect(await age()).toBe(-1);
      return;
    }
    expect(taken.status).toBe(201);
    expect(await age()).toBeGreaterThanOrEqual(0);
    expect(await age()).toBeLessThan(60);
  });
});

/** The real `baton` binary, run asynchronously (the test server answers it from this process). */
function baton(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BATON_') && k !== 'BACKUP_DIR'));
    const child = spawn(process.execPath, ['cli/bin.mjs', ...args], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...clean, ...env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

describe('baton doctor', () => {
  it('against the server: backup age from health, WAL size from /metrics', async () => {
    const ran = await baton(['--url', s.url, 'doctor'], { BATON_TOKEN: s.token });
    expect(ran.code, ran.stdout).toBe(0);
    expect(ran.stdout).toMatch(/✓ backup {4}none yet on the server/);
    expect(ran.stdout).toMatch(/✓ wal {7}\d+\.\d MiB \(database \d+\.\d MiB\)/);
  });

  // Reads the server's SQLite file and its backups: a PostgreSQL server has neither.
  itOn('sqlite')('on a file: quick_check, WAL size and the newest backup in BACKUP_DIR; a corrupt file fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-doctor-'));
    const backups = join(dir, 'backups');
    const b = await startTestServer({ data: { backupDir: backups } });
    try {
      expect((await api(b.url, '/api/v1/backups', { method: 'POST' })).status).toBe(201);
      const ran = await baton(['doctor', '--db', b.dbPath], { BACKUP_DIR: backups });
      expect(ran.code, ran.stdout).toBe(0);
      expect(ran.stdout).toContain('✓ integrity quick_check ok');
      expect(ran.stdout).toMatch(/✓ wal {7}\d+\.\d MiB/);
      expect(ran.stdout).toMatch(/✓ backup {4}last good \d+ min ago/);
    } finally {
      await b.close();
    }
    // A file whose pages are garbage past the header: not a database doctor can pass.
    const bad = join(dir, 'bad.db');
    writeFileSync(bad, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(8192, 0x5a)]));
    const broken = await baton(['doctor', '--db', bad]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/✗ (database|integrity)/);
  });
});
