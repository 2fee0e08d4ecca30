// Retention (issue 17, part 4) with an injected clock: sessions archived after SESSION_ARCHIVE_DAYS
// (off the list, still openable and searchable, back with one call), history kept to HISTORY_KEEP,
// the audit log to AUDIT_RETENTION_DAYS, each a bounded batch per sweeper tick.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApplication } from '../server/app.ts';
import { systemWriter } from '../server/gate.ts';
import { createRetention } from '../server/safety/retention.ts';
import { api, startTestServer, TEST_STORE, waitFor, type TestServer } from './helpers.ts';
import { freshPgDatabase } from './pg-helpers.ts';

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
const DAY = 86_400_000;
let clock: number;
let s: TestServer;

const put = (key: string, value: unknown) =>
  api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: 'team', key, value: JSON.stringify(value) } });
const startSession = async (id: string) =>
  expect((await put(`session/${id}/init`, { session_id: id, developer_id: 'ana', goals: [`ship ${id}`] })).status).toBe(201);
const setStatus = async (id: string, status: string) =>
  expect((await api(s.url, `/api/v1/sessions/${id}`, { method: 'PATCH', json: { status } })).status).toBe(200);
const listed = async (query = '') =>
  ((await api(s.url, `/api/v1/sessions${query}`)).body.items as { id: string; archivedAt?: string }[]).map((x) => x.id).sort();

describe('sessions are archived after SESSION_ARCHIVE_DAYS', () => {
  beforeEach(async () => {
    clock = T0;
    s = await startTestServer({ now: () => clock, sessionIdleMinutes: 10_000_000, sweepIntervalMs: 10, data: { sessionArchiveDays: 30 } });
  });
  afterEach(() => s.close());

  it('finished and inactive: off the list, still openable and searchable, back with one click', async () => {
    await startSession('old-done');
    await setStatus('old-done', 'completed');
    await startSession('old-active');
    clock = T0 + 20 * DAY;
    await startSession('recent-done');
    await setStatus('recent-done', 'completed');
    expect(await listed()).toEqual(['old-active', 'old-done', 'recent-done']);

    clock = T0 + 31 * DAY;
    await waitFor(() => s.app.sessions.board('old-done')?.details.archivedAt !== undefined, 5000, 'the sweeper to archive old-done');
    // Active sessions and those inactive for less than 30 days stay.
    expect(await listed()).toEqual(['old-active', 'recent-done']);
    const all = (await api(s.url, '/api/v1/sessions?archived=true')).body.items as { id: string; archivedAt?: string }[];
    expect(all.find((x) => x.id === 'old-done')?.archivedAt).toBe(new Date(T0 + 31 * DAY).toISOString());
    expect(all.find((x) => x.id === 'old-active')?.archivedAt).toBeUndefined();
    expect(await listed('?archived=only')).toEqual(['old-done']);

    // Openable and searchable.
    const board = await api(s.url, '/api/v1/sessions/old-done');
    expect(board.status).toBe(200);
    expect(board.body.details.archivedAt).toBe(new Date(T0 + 31 * DAY).toISOString());
    const found = await api(s.url, '/api/v1/memory/search?q=old-done');
    expect((found.body.items as { key: string }[]).map((x) => x.key)).toContain('session/old-done/init');

    // A viewer may not bring it back; an owner may, in one call, through the gate (audited).
    const viewer = s.app.identity.createToken(s.admin, { name: 'viewer', scopes: [{ access: 'read', namespaces: '*' }] }, null).token;
    expect((await api(s.url, '/api/v1/sessions/old-done/unarchive', { method: 'POST', token: viewer })).status).toBe(403);
    const back = await api(s.url, '/api/v1/sessions/old-done/unarchive', { method: 'POST' });
    expect(back.status).toBe(200);
    expect(back.body.details.archivedAt).toBeUndefined();
    expect(await listed()).toEqual(['old-active', 'old-done', 'recent-done']);
    const audit = await api(s.url, '/api/v1/audit?action=session.unarchive');
    expect(audit.body.items.map((r: { target: string; outcome: string }) => [r.target, r.outcome])).toEqual([
      ['old-done', 'ok'],
      ['old-done', 'denied'],
    ]);
    // Its inactivity clock started again: the next sweeps leave it alone.
    await new Promise((r) => setTimeout(r, 700));
    expect(await listed()).toContain('old-done');
  });

  it('new work on an archived session brings it back', async () => {
    await startSession('revived');
    await setStatus('revived', 'completed');
    clock = T0 + 40 * DAY;
    await waitFor(() => s.app.sessions.board('revived')?.details.archivedAt !== undefined, 5000, 'archived');
    await put('session/revived/init', { session_id: 'revived', developer_id: 'ana', goals: ['more'] });
    expect(s.app.sessions.board('revived')!.details.archivedAt).toBeUndefined();
  });

  it('does a bounded batch per tick', async () => {
    for (const id of ['b1', 'b2', 'b3', 'b4', 'b5']) {
      await startSession(id);
      await setStatus(id, 'completed');
    }
    // The server's own sweeper archives nothing yet (not 30 days); a retention with a batch of 2 does 2 per tick.
    clock = T0 + 31 * DAY;
    const retention = createRetention(s.app.db, s.app.sessions, {
      sessionArchiveDays: 30,
      historyKeep: 20,
      auditRetentionDays: 0,
      now: () => clock,
      batch: { sessions: 2 },
    });
    expect(retention.tick().archived).toHaveLength(2);
    expect(retention.tick().archived.length).toBeLessThanOrEqual(2);
  });
});

describe('HISTORY_KEEP and AUDIT_RETENTION_DAYS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-retention-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('history beyond HISTORY_KEEP is trimmed by the sweeper, after the limit was lowered too', async () => {
    const databasePath = join(dir, 'history.db');
    // The same store twice: the file, or (BATON_TEST_STORE=postgres) one PostgreSQL database.
    const pgDb = TEST_STORE === 'postgres' ? await freshPgDatabase('baton_it') : null;
    const databaseUrl = pgDb?.url;
    const first = await createApplication({
      databasePath,
      databaseUrl,
      web: false,
      authSecret: 'x'.repeat(40),
      sweepIntervalMs: 3_600_000,
      data: { historyKeep: 10 },
    });
    for (let v = 1; v <= 8; v++) first.memory.store({ namespace: 'h', key: 'k', value: `v${v}` }, systemWriter('test'));
    for (let v = 1; v <= 2; v++) first.memory.store({ namespace: 'h', key: 'short', value: `v${v}` }, systemWriter('test'));
    expect(first.memory.history({ namespace: 'h', key: 'k' })).toHaveLength(8);
    await first.close();

    const second = await createApplication({
      databasePath,
      databaseUrl,
      web: false,
      authSecret: 'x'.repeat(40),
      sweepIntervalMs: 10,
      data: { historyKeep: 3 },
    });
    try {
      const count = (key: string) =>
        second.db.sqlite.prepare<[string], { n: number }>("SELECT count(*) AS n FROM memory_history WHERE namespace = 'h' AND key = ?").get(key)!.n;
      await waitFor(() => count('k') === 3, 5000, 'history trimmed to 3');
      expect(second.memory.history({ namespace: 'h', key: 'k' }).map((h) => h.version)).toEqual([8, 7, 6]);
      expect(count('short')).toBe(2);
      // New writes keep to the limit as they happen.
      second.memory.store({ namespace: 'h', key: 'k', value: 'v9' }, systemWriter('test'));
      expect(count('k')).toBe(3);
    } finally {
      await second.close();
      await pgDb?.drop();
    }
  });

  it('audit rows older than AUDIT_RETENTION_DAYS are deleted', async () => {
    clock = T0;
    s = await startTestServer({ now: () => clock, sweepIntervalMs: 10, data: { auditRetentionDays: 30 } });
    try {
      await put('old', 1);
      clock = T0 + 20 * DAY;
      await put('newer', 1);
      const rows = async () => (await api(s.url, '/api/v1/audit?action=memory.store')).body.items.map((r: { target: string }) => r.target) as string[];
      expect(await rows()).toEqual(['team/newer', 'team/old']);
      clock = T0 + 31 * DAY;
      await waitFor(
        () => s.app.db.sqlite.prepare<[number], { n: number }>('SELECT count(*) AS n FROM audit_log WHERE at < ?').get(T0 + DAY)!.n === 0,
        5000,
        'old audit rows pruned',
      );
      expect(await rows()).toEqual(['team/newer']);
    } finally {
      await s.close();
    }
  });
});
