import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analytics } from '../lib/analytics-types.ts';
import { median, writerKind } from '../server/analytics/service.ts';
import { cookieHeaders, signIn } from './auth-helpers.ts';
import { api, startTestServer, TEST_ADMIN, type TestServer } from './helpers.ts';

const at = (iso: string) => Date.parse(iso);
let clock = at('2026-02-20T12:00:00Z');
let s: TestServer;
let agent: Client;

const mcp = async (name: string, args: Record<string, unknown>) => {
  const r = (await agent.callTool({ name, arguments: args })) as { isError?: boolean; content: { text: string }[] };
  expect(r.isError ?? false, r.content[0]!.text).toBe(false);
  return JSON.parse(r.content[0]!.text);
};
/** What session_start stores, with the test's clock as its start (session_start itself stamps the wall clock). */
const start = (id: string, title: string, project: string, goals: string[], type = 'development') =>
  mcp('memory_usage', {
    action: 'store',
    namespace: 'session-management',
    key: `session/${id}/init`,
    value: JSON.stringify({ session_id: id, session_type: type, title, project_name: project, started_at: new Date(clock).toISOString(), goals }),
  });
const ok = async (path: string, init: Parameters<typeof api>[2]) => {
  const r = await api(s.url, path, init);
  expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body;
};
const analytics = async (query = 'days=7&tz=UTC'): Promise<Analytics> => ok(`/api/v1/analytics?${query}`, {});

beforeAll(async () => {
  s = await startTestServer({ now: () => clock, sessionIdleMinutes: 1_000_000, sweepIntervalMs: 3_600_000 });
  agent = new Client({ name: 'analytics-agent', version: '1' });
  await agent.connect(new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${s.token}` } } }));

  // Before the window: a session and a memory write that a 7-day window must not count.
  await start('old-1', 'Old work', 'shop', ['a']);

  // Monday: two sessions started by the agent, a goal ticked and a blocker raised by it.
  clock = at('2026-03-02T09:00:00Z');
  await start('dev-1', 'Auth API', 'shop', ['login', 'register', 'logout']);
  await start('rev-1', 'Review auth', 'web', ['read diff'], 'review');
  clock = at('2026-03-02T10:00:00Z');
  const dev = await ok('/api/v1/sessions/dev-1', {});
  await ok(`/api/v1/sessions/dev-1/goals/${dev.goals[0].id}`, { method: 'PATCH', json: { done: true } });
  const raised = await ok('/api/v1/sessions/dev-1/blockers', { method: 'POST', json: { description: 'no staging DB', severity: 'high' } });

  // Tuesday: the blocker resolved 23 h later, another raised, a checkpoint, and a person writes memory.
  clock = at('2026-03-03T09:00:00Z');
  const blockerId = raised.blockers.find((b: { description: string }) => b.description === 'no staging DB').id;
  await ok(`/api/v1/sessions/dev-1/blockers/${blockerId}/resolve`, { method: 'POST', json: {} });
  await ok('/api/v1/sessions/dev-1/blockers', { method: 'POST', json: { description: 'flaky CI', severity: 'critical' } });
  await ok('/api/v1/sessions/dev-1/checkpoints', { method: 'POST', json: { label: 'tuesday' } });
  const cookie = await signIn(s.url, TEST_ADMIN.email, TEST_ADMIN.password);
  await ok('/api/v1/memory/entry', {
    method: 'PUT',
    token: null,
    headers: cookieHeaders(s.url, cookie),
    json: { namespace: 'notes', key: 'standup', value: 'auth half done' },
  });

  // Wednesday: dev-1 handed to the team and accepted 6 h later; rev-1 handed to an agent and declined.
  clock = at('2026-03-04T08:00:00Z');
  const toTeam = await ok('/api/v1/sessions/dev-1/handoffs', { method: 'POST', json: { to: { kind: 'team' } } });
  const toAgent = await ok('/api/v1/sessions/rev-1/handoffs', { method: 'POST', json: { to: { kind: 'agent', name: 'claude' } } });
  clock = at('2026-03-04T10:00:00Z');
  await ok(`/api/v1/handoffs/${toAgent.id}/decline`, { method: 'POST', json: { reason: 'not my area' } });
  clock = at('2026-03-04T14:00:00Z');
  await ok(`/api/v1/handoffs/${toTeam.id}/accept`, { method: 'POST', json: {} });
  clock = at('2026-03-04T15:00:00Z');
});
afterAll(async () => {
  await agent?.close();
  await s?.close();
});

describe('analytics from what Baton recorded', () => {
  it('counts sessions, goals, blockers, checkpoints, handoffs and writes in the window, by local day', async () => {
    const a = await analytics();
    expect(a.window).toEqual({ from: '2026-02-26T00:00:00.000Z', to: '2026-03-04T15:00:00.000Z' });
    expect(a.daily.map((d) => d.date)).toEqual(['2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04']);

    // Sessions: the three started in the window plus the continuation the accepted handoff opened.
    const listed = (await ok('/api/v1/sessions?limit=100', {})).items as { id: string; status: string; parentId: string | null }[];
    const continuation = listed.find((x) => x.parentId === 'dev-1')!;
    expect(continuation).toBeDefined();
    expect(a.sessions.total).toBe(listed.length);
    expect(a.sessions.total).toBe(4);
    expect(a.sessions.byType).toEqual({ development: 3, review: 1, coordination: 0, planning: 0 });
    expect(a.sessions.startedInWindow).toBe(3);
    expect(a.sessions.byStatus['handed-off']).toBe(1);
    expect(a.sessions.byStatus.paused).toBe(1); // a declined handoff pauses the sender's session
    // dev-1 ran from Monday 09:00 until its owner handed it off on Wednesday 08:00 (accepted at 14:00).
    expect(a.sessions.medianHoursToFinish).toBe(47);

    const byDate = new Map(a.daily.map((d) => [d.date, d]));
    expect(byDate.get('2026-03-02')).toMatchObject({ sessionsStarted: 2, goalsDone: 1, blockersRaised: 1 });
    expect(byDate.get('2026-03-03')).toMatchObject({ sessionsStarted: 0, blockersRaised: 1, checkpoints: 1, peopleWrites: 1 });
    expect(byDate.get('2026-03-04')).toMatchObject({ sessionsStarted: 1, handoffs: 2 });
    expect(byDate.get('2026-02-26')).toMatchObject({ writes: 0, checkpoints: 0, sessionsStarted: 0 });

    // The continuation copied dev-1's goals and its open blocker: each is counted once. Goals: old-1's,
    // rev-1's and the continuation's three (login done there, carried from dev-1, where it was ticked).
    expect(a.goals).toEqual({ total: 5, done: 1, completionRate: 0.2, doneInWindow: 1 });
    expect(a.blockers).toEqual({
      open: 1,
      openBySeverity: { low: 0, medium: 0, high: 0, critical: 1 },
      raisedInWindow: 2,
      resolvedInWindow: 1,
      medianHoursToResolve: 23,
    });

    expect(a.handoffs).toMatchObject({ createdInWindow: 2, accepted: 1, declined: 1, open: 0, acceptanceRate: 0.5, medianHoursToAccept: 6 });
    expect(a.checkpoints.byKind.manual).toBe(1);
    expect(a.checkpoints.inWindow).toBe(a.daily.reduce((n, d) => n + d.checkpoints, 0));

    // Writes: the agent's session stores (old-1's is before the window) and the person's note.
    expect(a.writes.byKind.person).toBe(1);
    expect(a.writes.byKind.agent).toBeGreaterThanOrEqual(2);
    expect(a.writes.total).toBe(Object.values(a.writes.byKind).reduce((x, y) => x + y, 0));
    expect(a.daily.reduce((n, d) => n + d.writes, 0)).toBe(a.writes.total);
    expect(a.writers.find((w) => w.actor === 'token:tests')).toMatchObject({ kind: 'agent' });
    expect(a.writers.find((w) => w.actor === 'Owner')).toMatchObject({ kind: 'person', writes: 1, lastAt: '2026-03-03T09:00:00.000Z' });

    // Sessions active in the window, newest first; old-1 went quiet before it.
    expect(a.sessionRows.map((r) => r.id)).not.toContain('old-1');
    const row = a.sessionRows.find((r) => r.id === 'dev-1')!;
    expect(row).toMatchObject({ status: 'handed-off', goalsDone: 1, goalsTotal: 3, handoffs: 1, hours: 47 });
    expect(a.sessionRows[0]!.lastActivityAt >= a.sessionRows.at(-1)!.lastActivityAt).toBe(true);
  });

  it('filters by session type and project, and buckets days in the caller’s time zone', async () => {
    const review = await analytics('days=7&tz=UTC&type=review');
    expect(review.sessions).toMatchObject({ total: 1, byType: { review: 1, development: 0 } });
    expect(review.handoffs).toMatchObject({ createdInWindow: 1, declined: 1, accepted: 0, acceptanceRate: 0 });
    expect(review.sessionRows.map((r) => r.id)).toEqual(['rev-1']);

    const web = await analytics('days=7&tz=UTC&project=web');
    expect(web.sessionRows.map((r) => r.id)).toEqual(['rev-1']);

    // 09:00 UTC on Monday is still Monday in Los Angeles (01:00) but the blocker resolved at Tuesday
    // 09:00 UTC is Tuesday 01:00 there; in Tokyo the Monday 09:00 start is Monday 18:00.
    const la = await analytics('days=7&tz=America/Los_Angeles');
    expect(la.window.from).toBe('2026-02-26T08:00:00.000Z');
    expect(la.daily.at(-1)!.date).toBe('2026-03-04');
    expect(new Map(la.daily.map((d) => [d.date, d])).get('2026-03-02')).toMatchObject({ sessionsStarted: 2 });
    const tokyo = await analytics('days=1&tz=Asia/Tokyo');
    // Wednesday 15:00 UTC is Thursday 00:00 in Tokyo: a one-day window there is empty so far.
    expect(tokyo.daily.map((d) => d.date)).toEqual(['2026-03-05']);
    expect(tokyo.window.from).toBe('2026-03-04T15:00:00.000Z');
    expect(tokyo.handoffs.createdInWindow).toBe(0);
  });

  it('moves with new work: a write and a ticked goal show at once', async () => {
    const before = await analytics();
    await mcp('memory_usage', { action: 'store', namespace: 'notes', key: 'agent-note', value: 'x' });
    const dev = await ok('/api/v1/sessions/dev-1', {});
    const continuation = (await ok('/api/v1/sessions?limit=100', {})).items.find((x: { parentId: string | null }) => x.parentId === 'dev-1');
    const board = await ok(`/api/v1/sessions/${continuation.id}`, {});
    const open = board.goals.find((g: { done: boolean }) => !g.done);
    await ok(`/api/v1/sessions/${continuation.id}/goals/${open.id}`, { method: 'PATCH', json: { done: true } });
    const after = await analytics();
    expect(after.seq).toBeGreaterThan(before.seq);
    expect(after.writes.byKind.agent).toBe(before.writes.byKind.agent + 1);
    expect(after.goals.done).toBe(before.goals.done + 1);
    expect(after.goals.doneInWindow).toBe(before.goals.doneInWindow + 1);
    expect(dev.status).toBe('handed-off');
  });

  it('shows what agents reported about themselves at the seed’s metrics keys, beside what was measured', async () => {
    const team = { team_id: 'development-team-001', period: 'sprint-4', coordination_metrics: { handoff_success_rate: 0.94 } };
    await mcp('memory_usage', {
      action: 'store',
      namespace: 'team-coordination-analytics',
      key: 'session/team-coordination/metrics',
      value: JSON.stringify(team),
    });
    clock += 1000;
    await mcp('memory_usage', { action: 'store', namespace: 'other-team', key: 'session/team-coordination/metrics', value: 'not json' });
    await mcp('memory_usage', {
      action: 'store',
      namespace: 'session-analytics',
      key: 'session/analytics/productivity',
      value: JSON.stringify({ session_id: 'dev-1', metrics: { completion_rate: 0.75 } }),
    });
    await mcp('memory_usage', { action: 'store', namespace: 'gone', key: 'session/analytics/productivity', value: JSON.stringify({ metrics: {} }), ttl: 1 });
    clock += 2000;
    const a = await analytics();
    expect(a.reported.team).toEqual([
      {
        namespace: 'team-coordination-analytics',
        key: 'session/team-coordination/metrics',
        updatedAt: new Date(clock - 3000).toISOString(),
        updatedBy: 'token:tests',
        value: team,
      },
    ]);
    expect(a.reported.sessions.map((r) => [r.namespace, r.value.metrics])).toEqual([['session-analytics', { completion_rate: 0.75 }]]);
    // Measured beside it: the one decided handoff of two was accepted.
    expect(a.handoffs.acceptanceRate).toBe(0.5);
  });

  it('agents get the same figures through MCP (session_analytics), with tool errors naming the field', async () => {
    const rest = await analytics('days=7&tz=UTC&type=development');
    const r = (await agent.callTool({ name: 'session_analytics', arguments: { days: 7, tz: 'UTC', type: 'development' } })) as {
      isError?: boolean;
      content: { text: string }[];
    };
    expect(r.isError ?? false).toBe(false);
    const viaMcp = JSON.parse(r.content[0]!.text).analytics as Analytics;
    expect({ ...viaMcp, generatedAt: null }).toEqual({ ...rest, generatedAt: null });
    const bad = (await agent.callTool({ name: 'session_analytics', arguments: { days: 0 } })) as { isError?: boolean; content: { text: string }[] };
    expect([bad.isError, JSON.parse(bad.content[0]!.text).field]).toEqual([true, 'days']);
  });

  it('bad query parameters are 422 naming the field; callers who may not read all memory are refused', async () => {
    for (const [query, field] of [
      ['days=0', 'days'],
      ['days=91', 'days'],
      ['days=abc', 'days'],
      ['tz=Mars/Olympus_Mons', 'tz'],
      ['type=blob', 'type'],
    ] as const) {
      const r = await api(s.url, `/api/v1/analytics?${query}`);
      expect([r.status, r.body.error?.field], query).toEqual([422, field]);
    }
    const { token } = s.app.identity.createToken(s.admin, { name: 'narrow', scopes: [{ access: 'write', namespaces: 'notes' }] }, null);
    expect((await api(s.url, '/api/v1/analytics', { token })).status).toBe(403);
    expect((await api(s.url, '/api/v1/analytics', { token: null })).status).toBe(401);
  });
});

describe('analytics helpers', () => {
  it('classifies writers and takes medians', () => {
    expect(['token:ci', 'mcp:agent', 'cli:mia', 'system', 'Mia Chen'].map(writerKind)).toEqual(['agent', 'agent', 'cli', 'system', 'person']);
    expect([median([]), median([5]), median([3, 1, 2]), median([4, 1, 3, 2])]).toEqual([null, 5, 2, 2.5]);
  });
});

describe('write counts outlive the feed', () => {
  it('folds each change once, keeps counting after the feed is pruned, and skips expiries', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openDatabase } = await import('../db/client.ts');
    const { MemoryService } = await import('../server/memory/service.ts');
    const { ChangeFeed } = await import('../server/feed/feed.ts');
    const { WriteStats } = await import('../server/analytics/write-stats.ts');
    const dir = mkdtempSync(join(tmpdir(), 'baton-stats-'));
    const db = openDatabase(join(dir, 'stats.db'));
    let now = at('2026-03-02T09:00:00Z');
    try {
      const memory = new MemoryService(db, { now: () => now });
      const feed = new ChangeFeed(db);
      const stats = new WriteStats(db);
      const total = () => stats.since(0).reduce((n, r) => n + r.writes, 0);
      for (let i = 0; i < 30; i++) memory.store({ namespace: 'n', key: `k${i % 7}`, value: 'v' }, i % 3 ? 'token:bot' : 'Mia');
      memory.store({ namespace: 'n', key: 'short', value: 'v', ttl: 1 }, 'Mia');
      expect(stats.catchUp(now)).toBe(31);
      expect(stats.catchUp(now)).toBe(0); // nothing new: nothing counted twice
      expect(total()).toBe(31);
      expect(stats.countingSince()).toBe(at('2026-03-02T09:00:00Z'));

      // The feed keeps only its newest row; the counts keep everything, and go on from there.
      feed.prune(1);
      now += 20 * 60_000;
      memory.delete({ namespace: 'n', key: 'k1' }, 'Mia');
      now += 10_000;
      expect(memory.sweep(100)).toBe(1); // the expired entry: Baton's own change, not a write
      stats.catchUp(now);
      expect(total()).toBe(32);
      const rows = stats.since(0);
      expect(rows.filter((r) => r.actor === 'token:bot').reduce((n, r) => n + r.writes, 0)).toBe(20);
      expect(
        rows
          .filter((r) => r.actor === 'Mia')
          .map((r) => [r.bucket, r.writes])
          .sort(),
      ).toEqual([
        [Math.floor(at('2026-03-02T09:00:00Z') / 900_000), 11],
        [Math.floor(at('2026-03-02T09:20:00Z') / 900_000), 1],
      ]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
