import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import seed from '../server/seed/seed-calls.json' with { type: 'json' };
import { followFeed } from '../lib/feed-client.ts';
import type { Change } from '../lib/events.ts';
import type { SessionBoard } from '../lib/session-types.ts';
import { durationMinutes } from '../server/sessions/service.ts';
import { projectWrite, parseSessionKey } from '../server/sessions/projection.ts';
import { api, connectClient, startTestServer, waitFor, type TestServer } from './helpers.ts';

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
let clock: number;
let s: TestServer;

beforeEach(async () => {
  clock = T0;
  // No background sweeps: the tests drive tick() with their own clock.
  s = await startTestServer({ now: () => clock, sessionIdleMinutes: 100, sweepIntervalMs: 3_600_000 });
});
afterEach(() => s.close());

const put = (namespace: string, key: string, value: unknown, ttl?: number) =>
  api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace, key, value: typeof value === 'string' ? value : JSON.stringify(value), ttl } });
const board = async (id: string): Promise<SessionBoard> => {
  const r = await api(s.url, `/api/v1/sessions/${encodeURIComponent(id)}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
/** Every memory_usage call of the seed, sent as an agent sends it: through MCP, with an API token. */
const replaySeed = async () => {
  const client = new Client({ name: 'seed-replay', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${s.token}` } } }));
  try {
    for (const call of seed.memoryCalls) {
      const { section: _section, ...args } = call;
      const r = (await client.callTool({ name: 'memory_usage', arguments: args })) as { isError?: boolean; content: { text: string }[] };
      const body = JSON.parse(r.content[0]!.text);
      expect([r.isError ?? false, body.success], `${call.action} ${call.key}: ${r.content[0]!.text}`).toEqual([false, true]);
      if (call.action === 'retrieve') expect(body.found).toBe(true);
    }
  } finally {
    await client.close();
  }
};
const DEV = 'dev-session-1767225600000';

describe('the seed becomes sessions', () => {
  it('projects every session-shaped store of the seed, sent through MCP, into the typed session it describes', async () => {
    await replaySeed();
    const { items } = (await api(s.url, '/api/v1/sessions')).body as { items: SessionBoard[] };
    const byId = new Map(items.map((i) => [i.id, i]));
    expect([...byId.values()].map((i) => [i.type, i.subtype]).sort()).toEqual(
      [
        ['coordination', 'cross-project'],
        ['coordination', 'team'],
        ['development', null],
        ['development', null],
        ['development', null],
        ['planning', 'architecture'],
        ['planning', 'sprint'],
        ['review', 'code'],
        ['review', 'qa'],
      ].sort(),
    );

    const dev = await board(DEV);
    expect(dev).toMatchObject({
      type: 'development',
      project: 'e-commerce-platform',
      owner: 'developer-001',
      focusArea: 'backend-api',
      expectedDuration: '4 hours',
      expectedMinutes: 240,
      branch: 'feature/user-auth',
      lastCommit: 'abc123def',
      status: 'active',
      resumeCount: 1,
    });
    expect(dev.goals.map((g) => g.text)).toEqual([
      'Complete user authentication API',
      'Implement product catalog endpoints',
      'Write integration tests',
      'Update API documentation',
    ]);
    expect(dev.workstreams.map((w) => [w.name, w.status, w.progress])).toEqual([
      ['user-authentication', 'completed', 100],
      ['product-catalog', 'in-progress', 65],
    ]);
    expect(dev.workstreams[1]!.nextSteps).toContain('Add product search functionality');
    expect(dev.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['/src/controllers/authController.js', '/tests/auth.test.js', '/src/models/Product.js']),
    );
    expect(dev.files.find((f) => f.path === '/tests/integration/auth.test.js')?.kind).toBe('test');
    expect(dev.blockers).toEqual([
      expect.objectContaining({
        description: 'Database migration for product categories needs approval',
        kind: 'technical',
        severity: 'medium',
        resolvedAt: null,
      }),
    ]);
    expect(dev.decisions).toEqual([
      expect.objectContaining({ topic: 'Authentication strategy', decision: 'JWT with refresh tokens', rationale: 'Balances security and user experience' }),
    ]);
    expect(dev.metrics).toMatchObject({ lines_of_code: 1247, tests_written: 23, test_coverage: 0.89 });
    // The periodic save is an agent checkpoint; the recovery write is a recovery checkpoint with the validation results.
    expect(dev.checkpoints.map((c) => c.kind)).toEqual(['recovery', 'agent']);
    const recovery = (await api(s.url, `/api/v1/sessions/${DEV}/checkpoints/${dev.checkpoints[0]!.id}`)).body;
    expect(recovery.validation).toEqual({ existing_tests_pass: true, code_compiles: true, database_connection: true, dependencies_installed: true });

    const coord = items.find((i) => i.subtype === 'team')!;
    const coordBoard = await board(coord.id);
    expect(coordBoard.owner).toBe('team-lead-001');
    expect(coordBoard.agents.map((a) => a.name)).toEqual(['backend-dev-001', 'devops-engineer-001', 'frontend-dev-001', 'qa-engineer-001']);
    expect(coordBoard.details.agenda).toHaveLength(5);
    expect((await board(items.find((i) => i.subtype === 'cross-project')!.id)).details.projects).toHaveLength(3);
    expect((await board(items.find((i) => i.subtype === 'code')!.id)).owner).toBe('senior-dev-001');
    expect((await board(items.find((i) => i.subtype === 'sprint')!.id)).details.sprint_capacity).toMatchObject({ total_story_points: 45 });
    expect((await board(items.find((i) => i.subtype === 'architecture')!.id)).goals).toHaveLength(4);

    // Handoff then ownership: the handed-off session and its continuation, linked, with the open work carried over.
    const handed = await board('current-session-id');
    expect(handed).toMatchObject({ status: 'handed-off', owner: 'developer-001' });
    expect(handed.goals.filter((g) => g.done).map((g) => g.text)).toContain('Implemented user registration endpoint');
    expect(handed.blockers[0]).toMatchObject({ description: 'Database migration pending DBA approval', owner: 'tech-lead-001' });
    const continued = await board('restored-session-1767225600000');
    expect(continued).toMatchObject({ owner: 'developer-002', status: 'active', parentId: 'current-session-id' });
    expect(continued.lineage.parent?.id).toBe('current-session-id');
    expect(handed.lineage.children.map((c) => c.id)).toEqual(['restored-session-1767225600000']);
    expect(continued.workstreams.map((w) => [w.name, w.progress])).toEqual([['User login endpoint implementation', 70]]);
    // Analytics land on the session they name.
    expect(handed.metrics).toMatchObject({ goals_completed: 3, productivity_score: 0.82 });

    // The team metrics describe a team, not a session: plain memory, no warning.
    const team = (await api(s.url, '/api/v1/memory/entry?namespace=team-coordination-analytics&key=session/team-coordination/metrics')).body;
    expect(team.projectionWarning).toBeNull();
  });

  it('tolerates extra fields, missing fields, other ids, more workstreams and keys that carry the id', async () => {
    expect(
      (await put('proj-x', 'session/alpha-7/init', { session_id: 'alpha-7', project_name: 'x', goals: ['a', 'b'], surprise: { nested: true } })).status,
    ).toBe(201);
    // No session_id in the value: the key carries it.
    await put('proj-x', 'session/alpha-7/state', {
      progress: { one: { status: 'in-progress', completion_percentage: 10 }, two: { completion_percentage: '55%' }, three: { status: 'completed' } },
      goals_completed: ['a'],
    });
    const b = await board('alpha-7');
    expect(b.workstreams.map((w) => [w.name, w.progress])).toEqual([
      ['one', 10],
      ['two', 55],
      ['three', 100],
    ]);
    expect(b.goals.map((g) => [g.text, g.done])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    expect(b.details.surprise).toEqual({ nested: true });
    // A state with nothing recognisable still updates activity and makes a checkpoint, never an error.
    expect((await put('proj-x', 'session/alpha-7/state', { unexpected: 1 })).status).toBe(200);
    expect((await board('alpha-7')).checkpoints).toHaveLength(2);
  });

  it('keeps two sessions apart when both write at once', async () => {
    await Promise.all([
      put('ns-a', 'session/development/init', { session_id: 'a-1', developer_id: 'ana', goals: ['ga'] }),
      put('ns-b', 'session/development/init', { session_id: 'b-1', developer_id: 'ben', goals: ['gb'] }),
    ]);
    await Promise.all([
      put('ns-a', 'session/development/state', { session_id: 'a-1', blockers: [{ description: 'A is blocked', priority: 'high' }] }),
      put('ns-b', 'session/development/state', { session_id: 'b-1', decisions: [{ topic: 'B', decision: 'go' }] }),
    ]);
    const [a, b] = [await board('a-1'), await board('b-1')];
    expect([a.owner, a.blockers.map((x) => x.severity), a.decisions.length]).toEqual(['ana', ['high'], 0]);
    expect([b.owner, b.blockers.length, b.decisions.map((x) => x.decision)]).toEqual(['ben', 0, ['go']]);
  });

  it('leaves a value that does not fit as plain memory, with a warning and no error for the writer', async () => {
    const r = await put('proj-y', 'session/development/state', 'just some notes, not JSON');
    expect(r.status).toBe(201);
    const entry = (await api(s.url, '/api/v1/memory/entry?namespace=proj-y&key=session/development/state')).body;
    expect(entry.raw).toBe('just some notes, not JSON');
    expect(entry.projectionWarning).toMatch(/not a JSON object/);
    // A recovery for a session that never started: stored, warned, no session made up.
    await put('proj-z', 'session/development/recovery', { recovery_status: 'successful' });
    expect((await api(s.url, '/api/v1/memory/entry?namespace=proj-z&key=session/development/recovery')).body.projectionWarning).toMatch(/no session/);
    expect((await api(s.url, '/api/v1/sessions')).body.items).toHaveLength(0);
  });
});

describe('projection rules', () => {
  it('recognises the seed keys and keys that carry an id, and nothing else', () => {
    expect(parseSessionKey('session/development/state')).toEqual({ section: 'development', kind: 'state', idFromKey: null });
    expect(parseSessionKey('session/dev-42/state')).toEqual({ section: 'development', kind: 'state', idFromKey: 'dev-42' });
    expect(parseSessionKey('session/dev/progress')).toBeNull();
    expect(parseSessionKey('notes/session/development/state')).toBeNull();
    expect(projectWrite('n', 'coordination/decisions', '{}', 1)).toEqual({ kind: 'none' });
  });
  it('reads durations', () => {
    expect([durationMinutes('4 hours'), durationMinutes('90 minutes'), durationMinutes('2 weeks'), durationMinutes('6 months')]).toEqual([
      240,
      90,
      20160,
      null,
    ]);
  });
});

describe('boards, checkpoints and recovery', () => {
  const init = () =>
    put('team', 'session/development/init', {
      session_id: 'd-1',
      developer_id: 'ana',
      goals: ['ship it'],
      context: { current_branch: 'main', active_files: ['a.ts'] },
    });

  it('streams every board change to room session:<id> with the whole board', async () => {
    await init();
    const socket = connectClient(s.url);
    const boards: SessionBoard[] = [];
    // The board comes with the seq it is consistent with; a share link (which cannot list sessions) follows from there.
    const share = s.app.identity.createShareLink(s.admin, { sessionId: 'd-1' }, null).token;
    const snapshot = await api(s.url, '/api/v1/sessions/d-1', { token: null, headers: { 'x-baton-share': share } });
    expect(snapshot.status).toBe(200);
    expect(snapshot.body.seq).toBeGreaterThan(0);
    const feed = followFeed(socket, {
      rooms: ['session:d-1'],
      sinceSeq: snapshot.body.seq,
      onChanges: (cs: Change[]) => boards.push(...cs.map((c) => JSON.parse(c.value!))),
      onResync: async () => 0,
    });
    await waitFor(() => feed.status === 'live');
    await api(s.url, '/api/v1/sessions/d-1/blockers', { method: 'POST', json: { description: 'CI is red', severity: 'high' } });
    await put('team', 'session/d-1/state', { progress: { api: { completion_percentage: 40 } } });
    await waitFor(() => boards.length >= 2);
    expect(boards[0]!.blockers.map((b) => b.description)).toEqual(['CI is red']);
    expect(boards.at(-1)!.workstreams[0]).toMatchObject({ name: 'api', progress: 40 });
    expect(boards.every((b, i) => i === 0 || b.version > boards[i - 1]!.version)).toBe(true);
    feed.close();
    socket.close();
  });

  it('edits through the service: goals, blockers, decisions, each validated', async () => {
    await init();
    let b = await board('d-1');
    b = (await api(s.url, `/api/v1/sessions/d-1/goals/${b.goals[0]!.id}`, { method: 'PATCH', json: { done: true } })).body;
    expect(b.goals[0]!.done).toBe(true);
    b = (await api(s.url, '/api/v1/sessions/d-1/blockers', { method: 'POST', json: { description: 'waiting on review', owner: 'ben' } })).body;
    b = (await api(s.url, `/api/v1/sessions/d-1/blockers/${b.blockers[0]!.id}/resolve`, { method: 'POST' })).body;
    expect(b.blockers[0]!.resolvedAt).not.toBeNull();
    expect((await api(s.url, `/api/v1/sessions/d-1/blockers/${b.blockers[0]!.id}/resolve`, { method: 'POST' })).status).toBe(404);
    b = (await api(s.url, '/api/v1/sessions/d-1/decisions', { method: 'POST', json: { topic: 'DB', decision: 'SQLite', alternatives: ['Postgres'] } })).body;
    expect(b.decisions[0]).toMatchObject({ topic: 'DB', decision: 'SQLite', alternatives: ['Postgres'], decidedBy: 'token:tests' });
    const bad = await api(s.url, '/api/v1/sessions/d-1/blockers', { method: 'POST', json: { description: '', severity: 'apocalyptic' } });
    expect([bad.status, bad.body.error.field]).toEqual([422, 'description']);
    expect((await api(s.url, '/api/v1/sessions/nope/goals', { method: 'POST', json: { text: 'x' } })).status).toBe(404);
  });

  it('autosaves a changed session every autosaveMinutes and not an unchanged one', async () => {
    await init();
    expect(s.app.sessions.tick().autosaved).toEqual([]);
    clock += 31 * 60_000;
    expect(s.app.sessions.tick().autosaved).toEqual(['d-1']);
    clock += 31 * 60_000;
    expect(s.app.sessions.tick().autosaved).toEqual([]); // nothing changed since
    await api(s.url, '/api/v1/sessions/d-1/goals', { method: 'POST', json: { text: 'one more' } });
    clock += 31 * 60_000;
    expect(s.app.sessions.tick().autosaved).toEqual(['d-1']);
    const kinds = (await board('d-1')).checkpoints.map((c) => c.kind);
    expect(kinds).toEqual(['auto', 'auto']);
    // Autosave off: no more checkpoints.
    await api(s.url, '/api/v1/sessions/d-1', { method: 'PATCH', json: { autosaveMinutes: 0 } });
    await api(s.url, '/api/v1/sessions/d-1/goals', { method: 'POST', json: { text: 'later' } });
    clock += 120 * 60_000;
    expect(s.app.sessions.tick().autosaved).toEqual([]);
  });

  it('marks a silent session interrupted, then recovers it as a linked continuation with the validation results', async () => {
    await init();
    await put('team', 'session/d-1/state', {
      progress: { api: { completion_percentage: 40, next_steps: ['write tests'] } },
      blockers: [{ description: 'flaky test' }],
    });
    await api(s.url, '/api/v1/sessions/d-1/agents', { method: 'POST', json: { name: 'claude-1', role: 'backend-dev' } });
    clock += 99 * 60_000;
    expect(s.app.sessions.tick().interrupted).toEqual([]);
    clock += 2 * 60_000;
    expect(s.app.sessions.tick().interrupted).toEqual(['d-1']);
    expect((await board('d-1')).status).toBe('interrupted');

    const resume = (await api(s.url, '/api/v1/sessions/d-1/resume')).body;
    expect(resume.lastCheckpoint).not.toBeNull();
    expect(resume.openBlockers.map((b: { description: string }) => b.description)).toEqual(['flaky test']);
    expect(resume.nextSteps).toContain('api: write tests');

    const r = await api(s.url, '/api/v1/sessions/d-1/recover', {
      method: 'POST',
      json: { validation: { files_present: true, branch: 'main', tests_pass: false } },
    });
    expect(r.status).toBe(201);
    const child: SessionBoard = r.body;
    expect(child).toMatchObject({ id: 'd-1-r1', status: 'active', parentId: 'd-1', resumeCount: 1, branch: 'main' });
    expect(child.blockers.map((b) => b.description)).toEqual(['flaky test']);
    expect(child.workstreams[0]).toMatchObject({ name: 'api', progress: 40 });
    const cp = (await api(s.url, `/api/v1/sessions/d-1-r1/checkpoints/${child.checkpoints[0]!.id}`)).body;
    expect(cp).toMatchObject({ kind: 'recovery', validation: { files_present: true, branch: 'main', tests_pass: false } });
    const original = await board('d-1');
    expect(original.lineage.children.map((c) => c.id)).toEqual(['d-1-r1']);
    expect(original.status).not.toBe('interrupted');
    // An active session cannot be recovered.
    const again = await api(s.url, '/api/v1/sessions/d-1-r1/recover', { method: 'POST', json: {} });
    expect([again.status, again.body.error.field]).toEqual([422, 'status']);
  });
});
