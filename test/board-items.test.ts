// Board items and fields (#7): the seed's coordination, review and planning writes projected onto the
// six boards, and the item/field routes members edit them with. A real server, a real database, a
// real socket; nothing mocked.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import seed from '../server/seed/seed-calls.json' with { type: 'json' };
import type { BoardItem } from '../lib/board-items.ts';
import type { Change } from '../lib/events.ts';
import { followFeed } from '../lib/feed-client.ts';
import type { SessionBoard } from '../lib/session-types.ts';
import { criterionCategory, MAX_ITEMS_PER_SESSION, seedBoardOf } from '../server/sessions/items.ts';
import { projectWrite } from '../server/sessions/projection.ts';
import { cookieHeaders, invitedUser } from './auth-helpers.ts';
import { api, connectClient, startTestServer, waitFor, type TestServer } from './helpers.ts';

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
let clock: number;
let s: TestServer;

beforeEach(async () => {
  clock = T0;
  s = await startTestServer({ now: () => clock, sessionIdleMinutes: 100_000, sweepIntervalMs: 3_600_000 });
});
afterEach(() => s.close());

const put = (namespace: string, key: string, value: unknown) =>
  api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace, key, value: typeof value === 'string' ? value : JSON.stringify(value) } });
const board = async (id: string): Promise<SessionBoard> => {
  const r = await api(s.url, `/api/v1/sessions/${encodeURIComponent(id)}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const ofKind = (b: SessionBoard, kind: string) => b.items.filter((i) => i.kind === kind);
const data = (b: SessionBoard, kind: string) => ofKind(b, kind).map((i) => i.data as Record<string, unknown>);

/** Every memory_usage call of the seed, as an agent sends it: through MCP, with an API token. */
const replaySeed = async () => {
  const client = new Client({ name: 'seed-replay', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${s.token}` } } }));
  try {
    for (const call of seed.memoryCalls) {
      const { section: _section, ...args } = call;
      const r = (await client.callTool({ name: 'memory_usage', arguments: args })) as { isError?: boolean; content: { text: string }[] };
      const body = JSON.parse(r.content[0]!.text);
      expect([r.isError ?? false, body.success, body.warning ?? null], `${call.action} ${call.key}: ${r.content[0]!.text}`).toEqual([false, true, null]);
    }
  } finally {
    await client.close();
  }
};

const COORD = 'coord-session-1767225600000';
const MULTI = 'multi-proj-1767225600000';
const REVIEW = 'review-session-1767225600000';
const QA = 'qa-review-1767225600000';
const SPRINT = 'sprint-planning-1767225600000';
const ARCH = 'arch-planning-1767225600000';

describe('the seed fills the six boards', () => {
  it('projects agenda, projects, resources, dependencies, criteria, QA results, capacity and horizon', async () => {
    await replaySeed();

    const coord = await board(COORD);
    expect([coord.type, coord.subtype]).toEqual(['coordination', 'team']);
    expect(ofKind(coord, 'agenda').map((i) => [i.position, i.data])).toEqual([
      [0, { title: 'Sprint planning for week 3', timeboxMinutes: 18, status: 'pending', notes: null }],
      [1, { title: 'Review blockers and dependencies', timeboxMinutes: 18, status: 'pending', notes: null }],
      [2, { title: 'Architecture decisions review', timeboxMinutes: 18, status: 'pending', notes: null }],
      [3, { title: 'Resource allocation and priorities', timeboxMinutes: 18, status: 'pending', notes: null }],
      [4, { title: 'Risk assessment and mitigation', timeboxMinutes: 18, status: 'pending', notes: null }],
    ]);
    // 90 minutes over five items; the participants are on the board's roster.
    expect(ofKind(coord, 'agenda').reduce((n, i) => n + (i.data as { timeboxMinutes: number }).timeboxMinutes, 0)).toBe(90);
    expect(coord.agents.map((a) => a.name)).toHaveLength(4);

    const multi = await board(MULTI);
    expect([multi.type, multi.subtype]).toEqual(['coordination', 'cross-project']);
    expect(data(multi, 'project')).toEqual([
      { name: 'e-commerce-platform', status: 'active-development', teamSize: 6, sprint: 3, blockers: 2, priority: 'high' },
      { name: 'analytics-dashboard', status: 'testing-phase', teamSize: 4, sprint: 5, blockers: 0, priority: 'medium' },
      { name: 'mobile-app', status: 'planning', teamSize: 3, sprint: 1, blockers: 1, priority: 'low' },
    ]);
    expect(data(multi, 'resource').map((r) => r.name)).toEqual(['devops-team', 'qa-team', 'ui-ux-designer']);
    expect(data(multi, 'dependency')).toEqual([
      { from: 'mobile-app', to: 'e-commerce-platform', type: 'api-dependency', description: 'Mobile app requires stable API from platform' },
    ]);

    const review = await board(REVIEW);
    expect([review.type, review.subtype]).toEqual(['review', 'code']);
    expect(data(review, 'criterion').map((c) => [c.category, c.text, c.checked])).toEqual([
      ['quality', 'Code quality and readability', false],
      ['security', 'Security best practices', false],
      ['tests', 'Test coverage and quality', false],
      ['performance', 'Performance considerations', false],
      ['docs', 'Documentation completeness', false],
    ]);
    // The PR scope stays in details for the board's header.
    expect(review.details.review_scope).toMatchObject({ pull_request: 'PR-123', files_changed: 12, lines_added: 247, lines_deleted: 18 });

    const qa = await board(QA);
    expect([qa.type, qa.subtype]).toEqual(['review', 'qa']);
    expect(data(qa, 'result')).toEqual(
      ['Functional testing', 'Integration testing', 'Security testing', 'Performance testing', 'Usability testing'].map((area) => ({
        area,
        environment: 'staging',
        outcome: 'pending',
        notes: null,
      })),
    );
    expect(data(qa, 'environment')).toEqual([{ name: 'staging', status: 'ready' }]);

    const sprint = await board(SPRINT);
    expect([sprint.type, sprint.subtype]).toEqual(['planning', 'sprint']);
    expect(sprint.details.fields).toEqual({ capacity: { points: 45, developerDays: 50, buffer: 0.2 } });
    expect(sprint.items).toEqual([]);

    const arch = await board(ARCH);
    expect([arch.type, arch.subtype]).toEqual(['planning', 'architecture']);
    expect(arch.details.fields).toEqual({ horizon: '6 months' });
    expect(arch.goals.map((g) => g.text)).toEqual([
      'Migrate monolith to microservices',
      'Improve system scalability',
      'Enhance deployment flexibility',
      'Reduce technical debt',
    ]);

    // A development session gets no board items.
    expect((await board('dev-session-1767225600000')).items).toEqual([]);
  });

  it('is idempotent: replaying the seed again neither duplicates items nor undoes edits made on the board', async () => {
    await replaySeed();
    const before = await board(COORD);
    const first = ofKind(before, 'agenda')[0]!;
    const edited = await api(s.url, `/api/v1/sessions/${COORD}/items/${first.id}`, { method: 'PATCH', json: { data: { status: 'done' } } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const added = await api(s.url, `/api/v1/sessions/${COORD}/items`, {
      method: 'POST',
      json: { kind: 'action', data: { title: 'Send notes', owner: 'team-lead-001' } },
    });
    expect(added.status).toBe(201);

    await replaySeed();
    const after = await board(COORD);
    expect(ofKind(after, 'agenda')).toHaveLength(5);
    expect(ofKind(after, 'agenda')[0]).toMatchObject({ id: first.id, data: { status: 'done' } });
    expect(data(after, 'action')).toEqual([{ title: 'Send notes', owner: 'team-lead-001', due: null, status: 'open' }]);
    for (const id of [MULTI, REVIEW, QA]) {
      const b = await board(id);
      expect(new Set(b.items.map((i) => JSON.stringify([i.kind, i.data]))).size, id).toBe(b.items.length);
    }
    expect(ofKind(await board(MULTI), 'project')).toHaveLength(3);
    expect(ofKind(await board(REVIEW), 'criterion')).toHaveLength(5);
  });

  it('maps the seed shapes tolerantly (pure projection)', () => {
    expect(
      ['Security best practices', 'Check for SQL injection', 'Latency under load', 'Unit test coverage', 'README updated', 'Naming'].map(criterionCategory),
    ).toEqual(['security', 'security', 'performance', 'tests', 'docs', 'quality']);
    // Bad elements are left out (they stay in details), never failing the write; own timeboxes are kept.
    const out = seedBoardOf({
      agenda: ['Intro', { title: 'Deep dive', timebox: '40 minutes' }, 42, '', { nothing: true }],
      meeting_duration: '1 hour',
      projects: [{ name: 'p', priority: 'URGENT', blockers: ['a', 'b'] }, { status: 'no name' }],
      sprint_capacity: { total_story_points: 30, available_developer_days: 20, capacity_buffer: 15 },
    });
    expect(out.items?.filter((i) => i.kind === 'agenda').map((i) => [i.data.title, i.data.timeboxMinutes])).toEqual([
      ['Intro', 20],
      ['Deep dive', 40],
      ['42', 20],
    ]);
    expect(out.items?.filter((i) => i.kind === 'project').map((i) => i.data)).toEqual([
      { name: 'p', status: 'active', teamSize: null, sprint: null, blockers: 2, priority: 'medium' },
    ]);
    expect(out.fields).toEqual({ capacity: { points: 30, developerDays: 20, buffer: 0.15 } });
    const patch = projectWrite('ns', 'session/coordination/init', JSON.stringify({ session_id: 'x', agenda: ['a', 'b'], meeting_duration: '30 minutes' }), 1);
    expect(patch.kind === 'patch' && patch.patch.items?.map((i) => i.data.timeboxMinutes)).toEqual([15, 15]);
  });
});

describe('editing board items and fields', () => {
  const SPRINT_ID = 'sp-1';
  const init = () =>
    put('team', 'session/sprint-planning/init', {
      session_id: SPRINT_ID,
      sprint_number: 9,
      sprint_capacity: { total_story_points: 20, available_developer_days: 10, capacity_buffer: 0.1 },
    });
  const add = (kind: string, d: unknown, id = SPRINT_ID) => api(s.url, `/api/v1/sessions/${id}/items`, { method: 'POST', json: { kind, data: d } });
  const patchItem = (itemId: number | string, json: unknown, id = SPRINT_ID) => api(s.url, `/api/v1/sessions/${id}/items/${itemId}`, { method: 'PATCH', json });

  it('adds at the end of the kind, merges and validates updates, reorders within the kind, deletes and closes the gap', async () => {
    expect((await init()).status).toBe(201);
    const titles = (b: SessionBoard) => ofKind(b, 'backlog').map((i) => [i.position, (i.data as { title: string }).title]);
    let r = await add('backlog', { title: 'Login', points: 5 });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0]).toMatchObject({
      kind: 'backlog',
      position: 0,
      data: { title: 'Login', points: 5, inSprint: false, owner: null },
      createdBy: 'token:tests',
    });
    await add('backlog', { title: 'Search', points: 8 });
    clock += 60_000;
    r = await add('risk', { title: 'Vendor API late', impact: 'high' });
    r = await add('backlog', { title: 'Checkout', points: 13 });
    let b: SessionBoard = r.body;
    expect(titles(b)).toEqual([
      [0, 'Login'],
      [1, 'Search'],
      [2, 'Checkout'],
    ]);
    expect(data(b, 'risk')).toEqual([{ title: 'Vendor API late', likelihood: 'medium', impact: 'high', mitigation: null }]);
    const [login, search, checkout] = ofKind(b, 'backlog') as BoardItem<'backlog'>[];

    // A data patch merges into the item: the title survives, points and inSprint change.
    clock += 60_000;
    r = await patchItem(search!.id, { data: { points: 3, inSprint: true } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    b = r.body;
    expect(ofKind(b, 'backlog').find((i) => i.id === search!.id)).toMatchObject({
      data: { title: 'Search', points: 3, inSprint: true },
      updatedAt: new Date(clock).toISOString(),
    });

    // Move Checkout to the top, then Login past the end (= last).
    b = (await patchItem(checkout!.id, { position: 0 })).body;
    expect(titles(b)).toEqual([
      [0, 'Checkout'],
      [1, 'Login'],
      [2, 'Search'],
    ]);
    b = (await patchItem(login!.id, { position: 99 })).body;
    expect(titles(b)).toEqual([
      [0, 'Checkout'],
      [1, 'Search'],
      [2, 'Login'],
    ]);
    // Data and position at once.
    b = (await patchItem(login!.id, { data: { owner: 'ana' }, position: 1 })).body;
    expect(titles(b)).toEqual([
      [0, 'Checkout'],
      [1, 'Login'],
      [2, 'Search'],
    ]);
    expect(ofKind(b, 'backlog')[1]!.data).toMatchObject({ owner: 'ana', points: 5 });
    expect(ofKind(b, 'risk')[0]!.position).toBe(0);

    r = await api(s.url, `/api/v1/sessions/${SPRINT_ID}/items/${checkout!.id}`, { method: 'DELETE' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    b = r.body;
    expect(titles(b)).toEqual([
      [0, 'Login'],
      [1, 'Search'],
    ]);
    // A new item goes after the last one, not onto a reused position.
    b = (await add('backlog', { title: 'Profile' })).body;
    expect(titles(b)).toEqual([
      [0, 'Login'],
      [1, 'Search'],
      [2, 'Profile'],
    ]);

    // Every edit bumped the version, was audited, and the GET board agrees with the last answer.
    expect(await board(SPRINT_ID)).toMatchObject({ version: b.version, items: b.items });
    const audit = s.app.audit.list({ action: 'session.item', limit: 50 }).items;
    expect(audit.map((a) => a.action).sort()).toEqual(
      [
        'session.item.add',
        'session.item.add',
        'session.item.add',
        'session.item.add',
        'session.item.add',
        'session.item.remove',
        'session.item.update',
        'session.item.update',
        'session.item.update',
        'session.item.update',
      ].sort(),
    );
    expect(audit.every((a) => a.target === SPRINT_ID && a.outcome === 'ok')).toBe(true);
  });

  it('sets board fields, merged into details.fields, keeping what the projection put there', async () => {
    await init();
    let r = await api(s.url, `/api/v1/sessions/${SPRINT_ID}/fields`, { method: 'PATCH', json: { sprintGoal: '  Ship checkout  ' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.details.fields).toEqual({ capacity: { points: 20, developerDays: 10, buffer: 0.1 }, sprintGoal: 'Ship checkout' });
    expect(r.body.details.sprint_number).toBe(9);
    r = await api(s.url, `/api/v1/sessions/${SPRINT_ID}/fields`, {
      method: 'PATCH',
      json: { capacity: { points: 30, developerDays: 12, buffer: 0.25 }, verdict: { outcome: 'approved' } },
    });
    expect(r.body.details.fields).toEqual({
      capacity: { points: 30, developerDays: 12, buffer: 0.25 },
      sprintGoal: 'Ship checkout',
      verdict: { outcome: 'approved', note: null },
    });
    // A later memory write of the session (re-init) merges its details but keeps the fields members set.
    await put('team', 'session/sprint-planning/init', { session_id: SPRINT_ID, sprint_number: 10 });
    const b = await board(SPRINT_ID);
    expect(b.details.sprint_number).toBe(10);
    expect(b.details.fields).toMatchObject({ sprintGoal: 'Ship checkout', capacity: { points: 30 } });
  });

  it('marks agenda items through the service (the meeting mode)', async () => {
    await put('team', 'session/coordination/init', { session_id: 'c-1', agenda: ['One', 'Two'], meeting_duration: '30 minutes' });
    const [one] = ofKind(await board('c-1'), 'agenda');
    expect(one!.data).toMatchObject({ timeboxMinutes: 15, status: 'pending' });
    s.app.sessions.edit(() => s.app.items.markAgenda('c-1', one!.id, 'active', Date.now()));
    expect(ofKind(await board('c-1'), 'agenda').map((i) => (i.data as { status: string }).status)).toEqual(['active', 'pending']);
    const action = s.app.items.add('c-1', { kind: 'action', data: { title: 'x' } }, 'presenter');
    expect(() => s.app.items.markAgenda('c-1', ofKind(action, 'action')[0]!.id, 'done', Date.now())).toThrow(/item: .* not an agenda item/);
  });

  it('refuses bad input with the field named, and changes nothing', async () => {
    await init();
    await put('team', 'session/coordination/init', { session_id: 'other', agenda: ['Elsewhere'] });
    const item = ofKind((await add('backlog', { title: 'Login', points: 5 })).body, 'backlog')[0]!;
    const foreign = ofKind(await board('other'), 'agenda')[0]!;
    const before = await board(SPRINT_ID);
    const otherBefore = await board('other');

    // One at a time: each must fail on its own, not because an earlier one removed what it points at.
    const cases: [string, () => Promise<{ status: number; body: any }>, number, string][] = [
      ['unknown kind', () => add('meme', { title: 'x' }), 422, 'kind'],
      ['no data', () => api(s.url, `/api/v1/sessions/${SPRINT_ID}/items`, { method: 'POST', json: { kind: 'backlog' } }), 422, 'data'],
      ['bad points', () => add('backlog', { title: 'x', points: 'lots' }), 422, 'data.points'],
      ['negative points', () => add('backlog', { title: 'x', points: -1 }), 422, 'data.points'],
      ['empty title', () => add('agenda', { title: '   ' }), 422, 'data.title'],
      ['bad enum', () => add('adr', { title: 'Use SQLite', status: 'maybe' }), 422, 'data.status'],
      ['bad date', () => add('action', { title: 'x', due: 'next-ish' }), 422, 'data.due'],
      ['bad update merges into an invalid item', () => patchItem(item.id, { data: { points: 5000 } }), 422, 'data.points'],
      ['empty update', () => patchItem(item.id, {}), 422, 'body'],
      ['bad position', () => patchItem(item.id, { position: -2 }), 422, 'position'],
      ['not an item id', () => patchItem('abc', { position: 0 }), 422, 'item'],
      ['wrong item id', () => patchItem(999_999, { data: { points: 1 } }), 404, 'item'],
      ['item of another session', () => patchItem(foreign.id, { data: { title: 'hijack' } }), 404, 'item'],
      ['delete item of another session', () => api(s.url, `/api/v1/sessions/${SPRINT_ID}/items/${foreign.id}`, { method: 'DELETE' }), 404, 'item'],
      ['unknown session', () => add('backlog', { title: 'x' }, 'nope'), 404, 'id'],
      ['fields: unknown key', () => api(s.url, `/api/v1/sessions/${SPRINT_ID}/fields`, { method: 'PATCH', json: { velocity: 3 } }), 422, 'velocity'],
      [
        'fields: bad buffer',
        () => api(s.url, `/api/v1/sessions/${SPRINT_ID}/fields`, { method: 'PATCH', json: { capacity: { points: 1, developerDays: 1, buffer: 2 } } }),
        422,
        'capacity.buffer',
      ],
      ['fields: nothing', () => api(s.url, `/api/v1/sessions/${SPRINT_ID}/fields`, { method: 'PATCH', json: {} }), 422, 'fields'],
      ['not JSON', () => api(s.url, `/api/v1/sessions/${SPRINT_ID}/items`, { method: 'POST', body: '{nope' }), 400, 'body'],
    ];
    for (const [what, send, status, field] of cases) {
      const r = await send();
      expect([r.status, r.body?.error?.field], `${what}: ${JSON.stringify(r.body)}`).toEqual([status, field]);
      expect(r.body.error.message, what).toMatch(new RegExp(`^${field.replace('.', '\\.')}: `));
      expect(JSON.stringify(r.body), what).not.toMatch(/at .*\.ts:\d+/);
    }
    expect(await board(SPRINT_ID)).toEqual({ ...before, seq: expect.any(Number) });
    expect(await board('other')).toEqual({ ...otherBefore, seq: expect.any(Number) });
  });

  it(`holds at most ${MAX_ITEMS_PER_SESSION} items per session`, async () => {
    await init();
    // Fill up to one short of the limit directly (setup), then the API takes the last one and refuses the next.
    const insert = s.app.db.sqlite.prepare(
      `INSERT INTO session_items (session_id, kind, position, data, created_at, updated_at) VALUES (?, 'backlog', ?, ?, ?, ?)`,
    );
    s.app.db.sqlite.transaction(() => {
      for (let i = 0; i < MAX_ITEMS_PER_SESSION - 1; i++)
        insert.run(SPRINT_ID, i, JSON.stringify({ title: `item ${i}`, points: 1, inSprint: false, owner: null }), T0, T0);
    })();
    expect((await add('risk', { title: 'the last one' })).status).toBe(201);
    const r = await add('risk', { title: 'one too many' });
    expect([r.status, r.body.error.field]).toEqual([422, 'items']);
    expect(r.body.error.message).toMatch(/at most 500 board items/);
    expect((await board(SPRINT_ID)).items).toHaveLength(MAX_ITEMS_PER_SESSION);
  });

  it('streams the board with the new item to room session:<id>', async () => {
    await init();
    const snapshot = await api(s.url, `/api/v1/sessions/${SPRINT_ID}`);
    const socket = connectClient(s.url);
    const boards: SessionBoard[] = [];
    const feed = followFeed(socket, {
      rooms: [`session:${SPRINT_ID}`],
      sinceSeq: snapshot.body.seq,
      onChanges: (cs: Change[]) => boards.push(...cs.map((c) => JSON.parse(c.value!))),
      onResync: async () => 0,
    });
    try {
      await waitFor(() => feed.status === 'live');
      const r = await add('backlog', { title: 'Live one', points: 2 });
      await waitFor(() => boards.some((b) => b.version === r.body.version), 5000, 'the board with the new item');
      const live = boards.find((b) => b.version === r.body.version)!;
      expect(data(live, 'backlog')).toEqual([{ title: 'Live one', points: 2, inSprint: false, owner: null }]);
      await api(s.url, `/api/v1/sessions/${SPRINT_ID}/fields`, { method: 'PATCH', json: { sprintGoal: 'Live goal' } });
      await waitFor(
        () => boards.some((b) => (b.details.fields as { sprintGoal?: string } | undefined)?.sprintGoal === 'Live goal'),
        5000,
        'the board with the new field',
      );
    } finally {
      feed.close();
      socket.close();
    }
  });

  it('a viewer may read the board but not edit it (403, audited, nothing changed)', async () => {
    await init();
    const item = ofKind((await add('backlog', { title: 'Login' })).body, 'backlog')[0]!;
    const before = await board(SPRINT_ID);
    const viewer = await invitedUser(s, 'viewer', 'Vic Viewer');
    const as = { token: null, headers: cookieHeaders(s.url, viewer.cookie) };
    expect((await api(s.url, `/api/v1/sessions/${SPRINT_ID}`, as)).status).toBe(200);
    const attempts = [
      api(s.url, `/api/v1/sessions/${SPRINT_ID}/items`, { ...as, method: 'POST', json: { kind: 'backlog', data: { title: 'sneaky' } } }),
      api(s.url, `/api/v1/sessions/${SPRINT_ID}/items/${item.id}`, { ...as, method: 'PATCH', json: { data: { points: 99 } } }),
      api(s.url, `/api/v1/sessions/${SPRINT_ID}/items/${item.id}`, { ...as, method: 'DELETE' }),
      api(s.url, `/api/v1/sessions/${SPRINT_ID}/fields`, { ...as, method: 'PATCH', json: { sprintGoal: 'sneaky' } }),
    ];
    for (const r of await Promise.all(attempts)) expect([r.status, r.body.error.code]).toEqual([403, 'forbidden']);
    expect(await board(SPRINT_ID)).toEqual({ ...before, seq: expect.any(Number) });
    expect(
      s.app.audit
        .list({ outcome: 'denied', limit: 10 })
        .items.map((a) => a.action)
        .sort(),
    ).toEqual(['session.fields', 'session.item.add', 'session.item.remove', 'session.item.update']);
  });
});
