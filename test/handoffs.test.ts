// Handoffs end to end against the real server: the seed's handoff and restoration calls through MCP,
// a person-to-person handoff delivered live and accepted, the decline and request-changes paths,
// expiry with an injected clock and renewal, and bad input that changes nothing.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import seed from '../server/seed/seed-calls.json' with { type: 'json' };
import { userRoom, type Change } from '../lib/events.ts';
import type { Handoff, HandoffListItem } from '../lib/handoff-types.ts';
import type { SessionBoard } from '../lib/session-types.ts';
import { cookieHeaders, invitedUser, rawSocket, type TestUser } from './auth-helpers.ts';
import { api, startTestServer, waitFor, type TestServer } from './helpers.ts';

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
let clock: number;
let s: TestServer;

beforeEach(async () => {
  clock = T0;
  s = await startTestServer({ now: () => clock, sessionIdleMinutes: 10_000, sweepIntervalMs: 3_600_000 });
});
afterEach(() => s.close());

const as = (u: TestUser) => ({ token: null, headers: cookieHeaders(s.url, u.cookie) });
const board = async (id: string): Promise<SessionBoard> => {
  const r = await api(s.url, `/api/v1/sessions/${encodeURIComponent(id)}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const startSession = async (id: string, extra: Record<string, unknown> = {}) => {
  const r = await api(s.url, '/api/v1/memory/entry', {
    method: 'PUT',
    json: {
      namespace: 'session-management',
      key: `session/${id}/init`,
      value: JSON.stringify({
        session_id: id,
        title: 'Auth API',
        developer_id: 'Owner',
        goals: ['Registration endpoint', 'Login endpoint'],
        context: { current_branch: 'feature/auth', active_files: ['src/auth.ts'] },
        ...extra,
      }),
    },
  });
  expect(r.status).toBe(201);
  await api(s.url, `/api/v1/sessions/${id}/agents`, { method: 'POST', json: { name: 'coder-1', role: 'coder', status: 'busy', currentTask: 'JWT' } });
  await api(s.url, `/api/v1/sessions/${id}/checkpoints`, { method: 'POST', json: { label: 'Before' } });
  await api(s.url, `/api/v1/sessions/${id}/blockers`, { method: 'POST', json: { description: 'DBA approval', severity: 'high' } });
};

describe('handoffs from the seed', () => {
  it('opens a handoff from session/handoff/preparation and accepts it with session/current/ownership, through MCP', async () => {
    const client = new Client({ name: 'seed-replay', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${s.token}` } } }));
    const calls = seed.memoryCalls as { action: string; key: string; namespace?: string }[];
    const upTo = calls.findIndex((c) => c.key === 'session/current/ownership');
    try {
      for (const [i, call] of calls.entries()) {
        const { section: _s, ...args } = call as typeof call & { section?: string };
        const r = (await client.callTool({ name: 'memory_usage', arguments: args })) as { isError?: boolean; content: { text: string }[] };
        expect(JSON.parse(r.content[0]!.text).success, r.content[0]!.text).toBe(true);
        if (i === upTo - 1) {
          // Prepared, not yet taken over: a pending handoff to developer-002 (not a member: an agent name).
          const { items } = (await api(s.url, '/api/v1/handoffs')).body as { items: HandoffListItem[] };
          expect(items).toHaveLength(1);
          expect(items[0]).toMatchObject({
            sessionId: 'current-session-id',
            status: 'pending',
            source: 'memory',
            handoffType: 'end-of-shift',
            from: { label: 'developer-001', userId: s.admin.id },
            to: { kind: 'agent', label: 'developer-002' },
          });
          expect(Date.parse(items[0]!.expiresAt) - Date.parse(items[0]!.createdAt)).toBe(259_200_000);
          const full = (await api(s.url, `/api/v1/handoffs/${items[0]!.id}`)).body as Handoff & { diff: unknown; permissions: Record<string, boolean> };
          expect(full.summary.completed).toEqual([
            'Implemented user registration endpoint',
            'Added input validation for user data',
            'Created unit tests for registration flow',
          ]);
          expect(full.summary.inProgress[0]).toMatchObject({
            task: 'User login endpoint implementation',
            progress: 70,
            nextSteps: ['Add password validation', 'Implement JWT generation'],
            estimatedCompletion: '1 hour',
          });
          expect(full.summary.blockers[0]).toMatchObject({
            description: 'Database migration pending DBA approval',
            owner: 'tech-lead-001',
            expectedResolution: 'tomorrow morning',
          });
          expect(full.summary.notes).toHaveLength(3);
          expect(full.context).toMatchObject({
            branch: 'feature/user-authentication',
            priorities: ['Complete user login endpoint', 'Add password reset functionality', 'Write integration tests for complete auth flow'],
          });
          expect(full.context.environment).toMatchObject({ node_version: '18.17.0' });
          expect(full.memoryKeys).toEqual([{ namespace: 'session-handoff', key: 'session/handoff/preparation' }]);
          expect(full.checklist.map((c) => c.text)).toContain('Check out feature/user-authentication');
          expect(full.permissions.decide).toBe(true);
          expect((await board('current-session-id')).handoffs).toEqual([
            expect.objectContaining({ id: items[0]!.id, status: 'pending', from: 'developer-001', to: 'developer-002' }),
          ]);
        }
      }
    } finally {
      await client.close();
    }
    const { items } = (await api(s.url, '/api/v1/handoffs')).body as { items: HandoffListItem[] };
    expect(items[0]).toMatchObject({ status: 'accepted', continuationId: 'restored-session-1767225600000', decidedBy: 'developer-002' });
    expect(items[0]!.memoryKeys).toContainEqual({ namespace: 'session-management', key: 'session/current/ownership' });
    const continued = await board('restored-session-1767225600000');
    expect(continued).toMatchObject({ owner: 'developer-002', status: 'active', parentId: 'current-session-id' });
    expect(continued.handoffs.map((h) => h.id)).toEqual([items[0]!.id]);
    const full = (await api(s.url, `/api/v1/handoffs/${items[0]!.id}`)).body as Handoff;
    expect(full.events.map((e) => e.kind)).toEqual(['created', 'accepted']);
  });
});

describe('a handoff between two signed-in people', () => {
  it('is delivered live to the recipient, reviewed (checklist, comment) and accepted: the session continues under the new owner', async () => {
    const mia = await invitedUser(s, 'member', 'Mia');
    const vic = await invitedUser(s, 'viewer', 'Vic');
    await startSession('auth-1');

    // Mia follows her inbox room with her browser cookie.
    const socket = rawSocket(s.url, { cookie: mia.cookie });
    const seen: HandoffListItem[] = [];
    socket.on('feed:changes', (changes: Change[]) => {
      for (const c of changes) if (c.topic === 'handoff') seen.push(JSON.parse(c.value!));
    });
    await new Promise<void>((ok) => socket.on('connect', () => ok()));
    const sub = await socket.emitWithAck('subscribe', { rooms: [userRoom(mia.id)], sinceSeq: 0 });
    expect(sub, JSON.stringify(sub)).toMatchObject({ ok: true });
    // Nobody else's inbox: Vic may not follow Mia's room.
    const spy = rawSocket(s.url, { cookie: vic.cookie });
    await new Promise<void>((ok) => spy.on('connect', () => ok()));
    expect(await spy.emitWithAck('subscribe', { rooms: [userRoom(mia.id)], sinceSeq: 0 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    spy.close();

    const created = await api(s.url, '/api/v1/sessions/auth-1/handoffs', {
      method: 'POST',
      json: {
        to: { kind: 'user', userId: mia.id },
        handoffType: 'end-of-shift',
        summary: { notes: ['JWT secret is in the env'] },
        context: { decisionsNeeded: ['Token lifetime'], testStatus: 'unit green' },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const h = created.body as Handoff;
    // Pre-filled from the board, with what the sender wrote on top.
    expect(h).toMatchObject({
      status: 'pending',
      source: 'api',
      from: { label: 'token:tests', userId: s.admin.id },
      to: { kind: 'user', userId: mia.id, label: 'Mia' },
    });
    expect(h.summary.notes).toEqual(['JWT secret is in the env']);
    expect(h.summary.blockers.map((b) => b.description)).toEqual(['DBA approval']);
    expect(h.context).toMatchObject({ branch: 'feature/auth', decisionsNeeded: ['Token lifetime'], testStatus: 'unit green', filesToReview: ['src/auth.ts'] });
    expect(h.context.priorities).toEqual(['Registration endpoint', 'Login endpoint']);
    expect(h.checklist.map((c) => c.text)).toContain('Decide: Token lifetime');
    await waitFor(() => seen.some((x) => x.id === h.id && x.status === 'pending'), 5000, 'the handoff in Mia’s inbox room');
    expect(await board('auth-1')).toMatchObject({ status: 'handed-off' });

    // The review page: a diff since the checkpoint before the handoff, and what each caller may do.
    const view = await api(s.url, `/api/v1/handoffs/${h.id}`, as(mia));
    expect(view.status).toBe(200);
    expect(view.body.permissions).toMatchObject({ decide: true, check: true, comment: true, cancel: false });
    expect(view.body.diff).toMatchObject({ blockersOpened: ['DBA approval'] });
    expect((await api(s.url, `/api/v1/handoffs/${h.id}`, as(vic))).body.permissions).toMatchObject({ decide: false, comment: false });
    // Only Mia decides: not the sender, not a viewer.
    expect((await api(s.url, `/api/v1/handoffs/${h.id}/accept`, { method: 'POST' })).status).toBe(403);
    expect((await api(s.url, `/api/v1/handoffs/${h.id}/accept`, { method: 'POST', ...as(vic) })).status).toBe(403);
    // A second open handoff of the same session is refused.
    expect((await api(s.url, '/api/v1/sessions/auth-1/handoffs', { method: 'POST', json: { to: { kind: 'team' } } })).status).toBe(409);

    const first = h.checklist[0]!;
    const ticked = await api(s.url, `/api/v1/handoffs/${h.id}/checklist/${first.id}`, { method: 'PATCH', json: { done: true }, ...as(mia) });
    expect(ticked.body.checklist[0]).toMatchObject({ done: true, doneBy: 'Mia' });
    const commented = await api(s.url, `/api/v1/handoffs/${h.id}/comments`, { method: 'POST', json: { body: 'Which DBA?' }, ...as(mia) });
    expect(commented.body.events.at(-1)).toMatchObject({ kind: 'comment', author: 'Mia', body: 'Which DBA?' });

    const accepted = await api(s.url, `/api/v1/handoffs/${h.id}/accept`, { method: 'POST', ...as(mia) });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const done = accepted.body as Handoff;
    expect(done).toMatchObject({ status: 'accepted', decidedBy: 'Mia', continuationId: 'auth-1-h1' });
    await waitFor(() => seen.some((x) => x.id === h.id && x.status === 'accepted'), 5000, 'the acceptance in Mia’s room');

    const original = await board('auth-1');
    const next = await board('auth-1-h1');
    expect(original).toMatchObject({ status: 'handed-off' });
    expect(original.lineage.children.map((c) => c.id)).toEqual(['auth-1-h1']);
    expect(original.agents.find((a) => a.name === 'coder-1')?.status).toBe('reassigned');
    expect(next).toMatchObject({ owner: 'Mia', status: 'active', parentId: 'auth-1', branch: 'feature/auth' });
    expect(next.agents.find((a) => a.name === 'coder-1')).toMatchObject({ role: 'coder', currentTask: 'JWT' });
    expect(next.blockers.map((b) => b.description)).toEqual(['DBA approval']);
    expect(next.checkpoints[0]).toMatchObject({ kind: 'handoff', createdBy: 'Mia' });
    expect(next.handoffs.map((x) => x.id)).toEqual([h.id]);
    // The seed's restoration step, written to memory for agents.
    const ownership = (await api(s.url, '/api/v1/memory/entry?namespace=session-management&key=session/current/ownership')).body;
    expect(typeof ownership.value === 'string' ? JSON.parse(ownership.value) : ownership.value).toMatchObject({
      session_id: 'auth-1-h1',
      current_owner: 'Mia',
      previous_owner: 'token:tests',
      handoff_id: h.id,
      handoff_completed: true,
    });
    expect(ownership.projectionWarning).toBeNull();
    // Once decided, nothing more to decide.
    expect((await api(s.url, `/api/v1/handoffs/${h.id}/decline`, { method: 'POST', json: { reason: 'late' }, ...as(mia) })).status).toBe(409);
    // Every step is audited.
    const audit = (await api(s.url, '/api/v1/audit?action=handoff.')).body.items as { action: string; outcome: string }[];
    const actions = audit.map((a) => `${a.action}:${a.outcome}`);
    for (const a of ['handoff.create:ok', 'handoff.check:ok', 'handoff.comment:ok', 'handoff.accept:ok', 'handoff.accept:denied']) expect(actions).toContain(a);
    socket.close();
  });

  it('declines with a reason (the session is paused, the sender sees why), takes change requests, and renews', async () => {
    const mia = await invitedUser(s, 'member', 'Mia');
    await startSession('auth-2');
    const h = (await api(s.url, '/api/v1/sessions/auth-2/handoffs', { method: 'POST', json: { to: { kind: 'user', userId: mia.id } } })).body as Handoff;

    const noReason = await api(s.url, `/api/v1/handoffs/${h.id}/request-changes`, { method: 'POST', json: {}, ...as(mia) });
    expect(noReason).toMatchObject({ status: 422, body: { error: { field: 'reason' } } });
    const sentBack = await api(s.url, `/api/v1/handoffs/${h.id}/request-changes`, { method: 'POST', json: { reason: 'Add the test status' }, ...as(mia) });
    expect(sentBack.body).toMatchObject({ status: 'changes-requested', reason: 'Add the test status' });
    const edited = await api(s.url, `/api/v1/handoffs/${h.id}`, { method: 'PATCH', json: { context: { testStatus: 'integration red' } } });
    expect(edited.body).toMatchObject({ status: 'pending', reason: null, context: { testStatus: 'integration red', branch: 'feature/auth' } });

    expect((await api(s.url, `/api/v1/handoffs/${h.id}/decline`, { method: 'POST', json: { reason: '' }, ...as(mia) })).body.error.field).toBe('reason');
    const declined = await api(s.url, `/api/v1/handoffs/${h.id}/decline`, { method: 'POST', json: { reason: 'On leave tomorrow' }, ...as(mia) });
    expect(declined.body).toMatchObject({ status: 'declined', reason: 'On leave tomorrow', decidedBy: 'Mia' });
    expect((await board('auth-2')).status).toBe('paused');
    const sent = (await api(s.url, '/api/v1/handoffs?box=sent')).body.items as HandoffListItem[];
    expect(sent.map((x) => [x.id, x.status])).toEqual([[h.id, 'declined']]);
    expect((await api(s.url, '/api/v1/handoffs?box=inbox', as(mia))).body.items.map((x: HandoffListItem) => x.id)).toEqual([h.id]);
    // A handoff to an agent is in that agent's inbox (its token's name), not in a person's.
    await startSession('auth-2b');
    const toAgent = (await api(s.url, '/api/v1/sessions/auth-2b/handoffs', { method: 'POST', json: { to: { kind: 'agent', name: 'claude' } } }))
      .body as Handoff;
    expect((await api(s.url, '/api/v1/handoffs?box=inbox', as(mia))).body.items.map((x: HandoffListItem) => x.id)).toEqual([h.id]);
    const claude = s.app.identity.createToken(s.admin, { name: 'claude', scopes: [{ access: 'read', namespaces: '*' }] }, null).token;
    expect((await api(s.url, '/api/v1/handoffs?box=inbox', { token: claude })).body.items.map((x: HandoffListItem) => x.id)).toEqual([toAgent.id]);

    // Only the sender renews; then it is pending again and the session handed off.
    expect((await api(s.url, `/api/v1/handoffs/${h.id}/renew`, { method: 'POST', ...as(mia) })).status).toBe(403);
    const renewed = await api(s.url, `/api/v1/handoffs/${h.id}/renew`, { method: 'POST', json: { ttl: 3600 } });
    expect(renewed.body).toMatchObject({ status: 'pending', reason: null });
    expect(Date.parse(renewed.body.expiresAt)).toBe(clock + 3_600_000);
    expect((await board('auth-2')).status).toBe('handed-off');
    const cancelled = await api(s.url, `/api/v1/handoffs/${h.id}/cancel`, { method: 'POST' });
    expect(cancelled.body.status).toBe('cancelled');
    expect((await board('auth-2')).status).toBe('active');
    expect((await api(s.url, `/api/v1/handoffs/${h.id}`)).body.events.map((e: { kind: string }) => e.kind)).toEqual([
      'created',
      'changes-requested',
      'updated',
      'declined',
      'renewed',
      'cancelled',
    ]);
  });

  it('expires on the injected clock: the session is paused, accepting is refused, the sender can renew', async () => {
    const mia = await invitedUser(s, 'member', 'Mia');
    await startSession('auth-3');
    const h = (await api(s.url, '/api/v1/sessions/auth-3/handoffs', { method: 'POST', json: { to: { kind: 'user', userId: mia.id }, ttl: 600 } }))
      .body as Handoff;
    expect(s.app.handoffs.sweep()).toEqual([]);
    clock += 601_000;
    expect((await api(s.url, `/api/v1/handoffs/${h.id}/accept`, { method: 'POST', ...as(mia) })).body.error).toMatchObject({ field: 'expiresAt' });
    expect(s.app.handoffs.sweep()).toEqual([h.id]);
    expect((await api(s.url, `/api/v1/handoffs/${h.id}`)).body).toMatchObject({ status: 'expired', decidedBy: 'system:expiry' });
    expect((await board('auth-3')).status).toBe('paused');
    expect((await api(s.url, `/api/v1/handoffs/${h.id}/accept`, { method: 'POST', ...as(mia) })).status).toBe(409);
    expect((await api(s.url, `/api/v1/handoffs/${h.id}/renew`, { method: 'POST' })).body.status).toBe('pending');
    expect((await api(s.url, `/api/v1/handoffs/${h.id}/accept`, { method: 'POST', ...as(mia) })).body).toMatchObject({
      status: 'accepted',
      continuationId: 'auth-3-h1',
    });
  });

  it('goes from an agent (a token) to anyone on the team, and the first member to accept owns it', async () => {
    const mia = await invitedUser(s, 'member', 'Mia');
    await startSession('auth-4');
    const agent = s.app.identity.createToken(s.admin, { name: 'claude', scopes: [{ access: 'write', namespaces: 'session-*' }] }, null).token;
    const h = await api(s.url, '/api/v1/sessions/auth-4/handoffs', {
      method: 'POST',
      token: agent,
      json: { to: { kind: 'team' } },
      headers: { 'x-baton-client': 'cli' },
    });
    expect(h.status, JSON.stringify(h.body)).toBe(201);
    expect(h.body).toMatchObject({ source: 'cli', from: { label: 'token:claude' }, to: { kind: 'team' } });
    const accepted = await api(s.url, `/api/v1/handoffs/${h.body.id}/accept`, { method: 'POST', ...as(mia) });
    expect(accepted.body).toMatchObject({ status: 'accepted', decidedBy: 'Mia' });
    expect((await board(accepted.body.continuationId)).owner).toBe('Mia');
  });
});

describe('handoffs through MCP (session_handoff)', () => {
  const mcp = async (token: string) => {
    const client = new Client({ name: 'agent', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    const call = async (args: Record<string, unknown>) => {
      const r = (await client.callTool({ name: 'session_handoff', arguments: args })) as { isError?: boolean; content: { text: string }[] };
      return { isError: r.isError ?? false, body: JSON.parse(r.content[0]!.text) };
    };
    return { client, call };
  };

  it('an agent hands its session to a person by email; the person accepts on the review page', async () => {
    const mia = await invitedUser(s, 'member', 'Mia');
    await startSession('agent-1');
    const agent = await mcp(s.token);
    const listed = (await agent.client.listTools()).tools.map((t) => t.name);
    expect(listed).toContain('session_handoff');
    const created = await agent.call({
      sessionId: 'agent-1',
      to: mia.email,
      notes: ['Half-way through JWT'],
      decisionsNeeded: ['Refresh tokens?'],
      testStatus: 'unit green',
    });
    expect(created.isError, JSON.stringify(created.body)).toBe(false);
    expect(created.body.handoff).toMatchObject({ status: 'pending', to: 'Mia', sessionId: 'agent-1', reviewPath: expect.stringMatching(/^\/handoffs\/ho_/) });
    expect(created.body.checklist).toContain('Decide: Refresh tokens?');
    const h = (await api(s.url, `/api/v1/handoffs/${created.body.handoff.id}`, as(mia))).body as Handoff;
    expect(h).toMatchObject({ source: 'mcp', summary: { notes: ['Half-way through JWT'] }, context: { testStatus: 'unit green' } });
    expect((await api(s.url, `/api/v1/handoffs/${h.id}/accept`, { method: 'POST', ...as(mia) })).body).toMatchObject({
      status: 'accepted',
      continuationId: 'agent-1-h1',
    });
    expect((await agent.call({ action: 'list', box: 'sent' })).body.handoffs).toEqual([expect.objectContaining({ id: h.id, status: 'accepted' })]);
    await agent.client.close();
  });

  it('a person hands a session to an agent; the agent accepts through MCP and gets what it needs to resume', async () => {
    await startSession('human-1');
    const created = await api(s.url, '/api/v1/sessions/human-1/handoffs', {
      method: 'POST',
      json: { to: { kind: 'agent', name: 'claude' }, context: { priorities: ['Finish login'] } },
    });
    expect(created.status).toBe(201);
    const token = s.app.identity.createToken(
      s.admin,
      {
        name: 'claude',
        scopes: [
          { access: 'write', namespaces: 'session-management' },
          { access: 'read', namespaces: '*' },
        ],
      },
      null,
    ).token;
    const agent = await mcp(token);
    const inbox = await agent.call({ action: 'list', box: 'inbox', status: 'pending' });
    expect(inbox.body.handoffs.map((x: { id: string }) => x.id)).toEqual([created.body.id]);
    const accepted = await agent.call({ action: 'accept', handoffId: created.body.id });
    expect(accepted.isError, JSON.stringify(accepted.body)).toBe(false);
    expect(accepted.body).toMatchObject({ sessionId: 'human-1-h1', handoff: { status: 'accepted', to: 'claude' }, context: { priorities: ['Finish login'] } });
    expect(accepted.body.resume.openBlockers.map((b: { description: string }) => b.description)).toEqual(['DBA approval']);
    expect((await board('human-1-h1')).owner).toBe('claude');
    // Bad arguments are tool errors naming the field, and the connection survives them.
    const noId = await agent.call({ action: 'accept' });
    expect(noId.isError).toBe(true);
    expect(JSON.stringify(noId.body)).toContain('handoffId');
    const missing = await agent.call({ action: 'decline', handoffId: created.body.id });
    expect(missing.isError).toBe(true);
    expect(JSON.stringify(missing.body)).toContain('reason');
    const badKind = await agent.call({ action: 'teleport' });
    expect(badKind.isError).toBe(true);
    expect(JSON.stringify(badKind.body)).toContain('action');
    expect((await agent.call({ action: 'list' })).isError).toBe(false);
    await agent.client.close();
  });
});

describe('bad handoff input changes nothing', () => {
  it('names the field and leaves the session as it was', async () => {
    const vic = await invitedUser(s, 'viewer', 'Vic');
    await startSession('auth-5');
    const before = await board('auth-5');
    const cases: [unknown, string][] = [
      [{}, 'to'],
      [{ to: { kind: 'user' } }, 'to.userId'],
      [{ to: { kind: 'user', userId: 'nobody' } }, 'to.userId'],
      [{ to: { kind: 'user', userId: vic.id } }, 'to.userId'],
      [{ to: { kind: 'robot' } }, 'to.kind'],
      [{ to: { kind: 'team' }, ttl: 5 }, 'ttl'],
      [{ to: { kind: 'team' }, summary: { inProgress: [{ task: 'x', progress: 140 }] } }, 'summary.inProgress.0.progress'],
      [{ to: { kind: 'team' }, checklist: [''] }, 'checklist.0'],
    ];
    for (const [json, field] of cases) {
      const r = await api(s.url, '/api/v1/sessions/auth-5/handoffs', { method: 'POST', json });
      expect(r.status, JSON.stringify(json)).toBe(422);
      expect(r.body.error.field, JSON.stringify(r.body)).toBe(field);
    }
    expect((await api(s.url, '/api/v1/sessions/auth-5/handoffs', { method: 'POST', body: '[1,2]' })).body.error.field).toBe('body');
    expect((await api(s.url, '/api/v1/sessions/nope/handoffs', { method: 'POST', json: { to: { kind: 'team' } } })).status).toBe(404);
    expect((await api(s.url, '/api/v1/handoffs/ho_missing')).status).toBe(404);
    const after = await board('auth-5');
    expect(after).toMatchObject({ status: before.status, version: before.version, handoffs: [] });
    expect((await api(s.url, '/api/v1/handoffs')).body.items).toEqual([]);
  });
});
