import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieFrom, cookieHeaders, emitAck, invitedUser, rawSocket, handshake, type TestUser } from './auth-helpers.ts';
import { api, startTestServer, type TestServer } from './helpers.ts';

// Issue 14: findings 2, 3, 4 and 7, and the one write gate behind them, over real transports.

const NS = 'session-management';
const deep = (n: number, leaf: unknown = 1): unknown => {
  let v: unknown = leaf;
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
};
const deepText = (n: number) => '['.repeat(n) + ']'.repeat(n);
/** JSON text of an object nested n deep, built as text: JSON.stringify itself would overflow on it. */
const deepObjectText = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

/** Raw MCP over HTTP (no SDK on the client side, which would itself overflow on what is sent). */
async function mcpRaw(url: string, token: string, body: string) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const init = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
    }),
  });
  const session = init.headers.get('mcp-session-id')!;
  const res = await fetch(`${url}/mcp`, { method: 'POST', headers: { ...headers, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' }, body });
  return { status: res.status, text: await res.text() };
}

async function mcpClient(url: string, token: string) {
  const client = new Client({ name: 'write-gate', version: '0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}
const toolResult = (r: unknown) => JSON.parse((r as { content: { text: string }[] }).content[0]!.text);

async function tokenFor(s: TestServer, scopes: { access: string; namespaces: string }[], cookie?: string) {
  const res = await api(s.url, '/api/v1/tokens', {
    method: 'POST',
    ...(cookie ? { token: null, headers: cookieHeaders(s.url, cookie) } : {}),
    json: { name: `t-${Math.random().toString(36).slice(2, 8)}`, scopes },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; token: string };
}

async function namedToken(s: TestServer, name: string, scopes: { access: string; namespaces: string }[], cookie?: string) {
  const res = await api(s.url, '/api/v1/tokens', {
    method: 'POST',
    ...(cookie ? { token: null, headers: cookieHeaders(s.url, cookie) } : {}),
    json: { name, scopes },
  });
  expect(res.status).toBe(201);
  return res.body.token as string;
}

async function startSession(s: TestServer, id: string) {
  const res = await api(s.url, '/api/v1/memory/entry', {
    method: 'PUT',
    json: { namespace: NS, key: `session/${id}/init`, value: JSON.stringify({ session_id: id, title: `Session ${id}`, goals: ['One goal'] }) },
  });
  expect(res.status).toBe(201);
}

describe('finding 2: a handoff sender is decided by id, never by a display name', () => {
  let s: TestServer;
  let impostor: TestUser & { cookie: string };
  beforeAll(async () => {
    s = await startTestServer();
    // A member who picks the admin's display name ("Owner").
    const invite = await api(s.url, '/api/v1/invites', { method: 'POST', json: { role: 'member' } });
    const accepted = await api(s.url, `/api/v1/invites/${invite.body.token}/accept`, {
      method: 'POST',
      token: null,
      json: { name: s.admin.name, email: 'impostor@example.test', password: 'impostor password 1' },
    });
    expect(accepted.status).toBe(200);
    const id = s.app.identity.listUsers().find((u) => u.email === 'impostor@example.test')!.id;
    impostor = {
      id,
      name: s.admin.name,
      email: 'impostor@example.test',
      password: 'impostor password 1',
      role: 'member',
      cookie: cookieFrom(accepted.headers),
    };
  });
  afterAll(() => s.close());

  it('a member named like the admin cannot edit, cancel or take the admin’s handoff', async () => {
    await startSession(s, 'gate-h1');
    // The admin, signed in, hands the session to the team.
    const adminCookie = cookieFrom(
      (await api(s.url, '/api/auth/sign-in/email', { method: 'POST', token: null, json: { email: 'owner@example.test', password: 'correct horse battery' } }))
        .headers,
    );
    const made = await api(s.url, '/api/v1/sessions/gate-h1/handoffs', {
      method: 'POST',
      token: null,
      headers: cookieHeaders(s.url, adminCookie),
      json: { to: { kind: 'user', userId: s.admin.id } },
    });
    expect(made.status).toBe(201);
    expect(made.body.from).toMatchObject({ label: s.admin.name, userId: s.admin.id });
    const as = { token: null, headers: cookieHeaders(s.url, impostor.cookie) };
    const view = await api(s.url, `/api/v1/handoffs/${made.body.id}`, as);
    expect(view.status).toBe(200);
    expect(view.body.permissions).toMatchObject({ edit: false, cancel: false, decide: false });
    const edit = await api(s.url, `/api/v1/handoffs/${made.body.id}`, { ...as, method: 'PATCH', json: { to: { kind: 'user', userId: impostor.id } } });
    expect(edit.status).toBe(403);
    const cancel = await api(s.url, `/api/v1/handoffs/${made.body.id}/cancel`, { ...as, method: 'POST', json: {} });
    expect(cancel.status).toBe(403);
    expect((await api(s.url, `/api/v1/handoffs/${made.body.id}`)).body.status).toBe('pending');
    // And it is not in the impostor's sent box.
    const sent = await api(s.url, '/api/v1/handoffs?box=sent', as);
    expect(sent.body.items.map((h: { id: string }) => h.id)).not.toContain(made.body.id);
  });

  it('a member’s token named like the admin’s token cannot cancel the admin token’s handoff', async () => {
    await startSession(s, 'gate-h2');
    const adminClaude = await namedToken(s, 'claude', [{ access: 'write', namespaces: '*' }]);
    const memberClaude = await namedToken(s, 'claude', [{ access: 'write', namespaces: '*' }], impostor.cookie);
    const made = await api(s.url, '/api/v1/sessions/gate-h2/handoffs', { method: 'POST', token: adminClaude, json: { to: { kind: 'team' } } });
    expect(made.status).toBe(201);
    const cancel = await api(s.url, `/api/v1/handoffs/${made.body.id}/cancel`, { method: 'POST', token: memberClaude, json: {} });
    expect(cancel.status).toBe(403);
    // The denial is audited under the member's token id.
    const denied = s.app.audit.list({ action: 'handoff.cancel', outcome: 'denied' }).items.filter((r) => r.target === made.body.id);
    expect(denied.length).toBe(1);
    expect(denied[0]!.actorKind).toBe('token');
    // The sender's own token (same account) may.
    expect((await api(s.url, `/api/v1/handoffs/${made.body.id}/cancel`, { method: 'POST', token: adminClaude, json: {} })).status).toBe(200);
  });

  it('a seed handoff’s sender is the account that wrote it, whatever current_owner says', async () => {
    await startSession(s, 'gate-h3');
    const memberToken = await namedToken(s, 'member-agent', [{ access: 'write', namespaces: NS }], impostor.cookie);
    const prep = await api(s.url, '/api/v1/memory/entry', {
      method: 'PUT',
      token: memberToken,
      json: {
        namespace: NS,
        key: 'session/handoff/preparation',
        value: JSON.stringify({ session_id: 'gate-h3', current_owner: s.admin.name, next_owner: 'developer-002' }),
      },
    });
    expect(prep.status).toBe(201);
    const h = s.app.handoffs.list({ sessionId: 'gate-h3' }, { label: 'x', userId: null, admin: true, canWrite: true }).items[0]!;
    expect(h.from).toMatchObject({ label: s.admin.name, userId: impostor.id });
  });

  it('an ownership write by someone else does not accept a handoff addressed to a person', async () => {
    await startSession(s, 'gate-h4');
    const made = await api(s.url, '/api/v1/sessions/gate-h4/handoffs', { method: 'POST', json: { to: { kind: 'user', userId: s.admin.id } } });
    expect(made.status).toBe(201);
    const memberToken = await namedToken(s, 'taker', [{ access: 'write', namespaces: NS }], impostor.cookie);
    const own = await api(s.url, '/api/v1/memory/entry', {
      method: 'PUT',
      token: memberToken,
      json: {
        namespace: NS,
        key: 'session/current/ownership',
        value: JSON.stringify({ session_id: 'gate-h4-taken', current_owner: s.admin.name, previous_owner: s.admin.name, handoff_id: made.body.id }),
      },
    });
    expect(own.status).toBe(201);
    expect((await api(s.url, `/api/v1/handoffs/${made.body.id}`)).body.status).toBe('pending');
  });
});

describe('finding 3: nesting depth is limited at every boundary, and reads cannot fail', () => {
  let s: TestServer;
  let nsA: string;
  beforeAll(async () => {
    s = await startTestServer();
    nsA = (await tokenFor(s, [{ access: 'write', namespaces: 'ns-a' }])).token;
  });
  afterAll(() => s.close());

  it('REST: a value nested 10,000 deep is a 422 naming the field; a string of such JSON too', async () => {
    const obj = await api(s.url, '/api/v1/memory/entry', {
      method: 'PUT',
      token: nsA,
      body: `{"namespace":"ns-a","key":"deep","value":${deepObjectText(10_000)}}`,
    });
    expect(obj.status).toBe(422);
    expect(obj.body.error.field).toBe('value');
    const str = await api(s.url, '/api/v1/memory/entry', { method: 'PUT', token: nsA, json: { namespace: 'ns-a', key: 'deep', value: deepText(10_000) } });
    expect(str.status).toBe(422);
    expect(str.body.error).toMatchObject({ field: 'value', message: 'value: nested deeper than 64 levels' });
    // 64 levels are fine.
    expect((await api(s.url, '/api/v1/memory/entry', { method: 'PUT', token: nsA, json: { namespace: 'ns-a', key: 'ok', value: deep(63) } })).status).toBe(201);
    // A board edit's body too.
    await startSession(s, 'gate-d1');
    const item = await api(s.url, '/api/v1/sessions/gate-d1/blockers', { method: 'POST', json: { description: 'x', extra: deep(200) } });
    expect(item.status).toBe(422);
    expect(item.body.error.field).toBe('extra');
  });

  it('a value stored before the limit (nested 10,000 deep) is served as text: search, retrieve and MCP keep working', async () => {
    s.app.memory.store({ namespace: 'ns-a', key: 'legacy-deep', value: deepText(10_000) }, 'legacy');
    const search = await api(s.url, '/api/v1/memory/search?pattern=*');
    expect(search.status).toBe(200);
    const found = search.body.items.find((e: { key: string }) => e.key === 'legacy-deep');
    expect(found).toMatchObject({ isJson: false, value: deepText(10_000) });
    expect((await api(s.url, '/api/v1/memory/entry?namespace=ns-a&key=legacy-deep')).status).toBe(200);
    const client = await mcpClient(s.url, s.token);
    try {
      const r = await client.callTool({ name: 'memory_usage', arguments: { action: 'retrieve', namespace: 'ns-a', key: 'legacy-deep' } });
      expect(r.isError).toBeFalsy();
      expect(toolResult(r)).toMatchObject({ success: true, found: true });
    } finally {
      await client.close();
    }
  });

  it('MCP: a body nested 5,000 deep is refused naming the body, not "Internal error"', async () => {
    const call = `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"memory_usage","arguments":{"action":"store","namespace":"ns-a","key":"mcp-deep","value":"x","extra":${deepObjectText(5_000)}}}}`;
    const r = await mcpRaw(s.url, s.token, call);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ jsonrpc: '2.0', id: 7, error: { code: -32602, message: 'Invalid params: extra: nested deeper than 64 levels' } });
    expect(s.app.memory.retrieve({ namespace: 'ns-a', key: 'mcp-deep' })).toBeNull();
    // The session still works.
    const after = await mcpRaw(s.url, s.token, '{"jsonrpc":"2.0","id":8,"method":"tools/list"}');
    expect(after.status).toBe(200);
  });

  it('Socket.IO: a payload nested 2,000 deep is an error ack naming the field', async () => {
    const socket = rawSocket(s.url, { token: s.token });
    try {
      expect(await handshake(socket)).toEqual({ connected: true });
      const ack = await emitAck(socket, 'memory:store', { namespace: 'ns-a', key: 'sock-deep', value: 'x', extra: deep(2_000) });
      expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'extra' } });
    } finally {
      socket.close();
    }
  });
});

describe('finding 4 and the gate: every transport’s writes share one rate limit', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ rateLimits: { writesPerMinute: 6 } });
  });
  afterAll(() => s.close());

  it('after REST answers 429, the same token is limited over MCP, Socket.IO and board edits', async () => {
    await startSession(s, 'gate-r1'); // one write by the admin token (its own bucket)
    const { token } = await tokenFor(s, [{ access: 'write', namespaces: '*' }]);
    for (let i = 0; i < 6; i++) {
      expect((await api(s.url, '/api/v1/memory/entry', { method: 'PUT', token, json: { namespace: 'rl', key: `k${i}`, value: 'v' } })).status).toBe(201);
    }
    const rest = await api(s.url, '/api/v1/memory/entry', { method: 'PUT', token, json: { namespace: 'rl', key: 'k6', value: 'v' } });
    expect(rest.status).toBe(429);
    expect(rest.headers.get('retry-after')).toMatch(/^\d+$/);

    const client = await mcpClient(s.url, token);
    try {
      const r = await client.callTool({ name: 'memory_usage', arguments: { action: 'store', namespace: 'rl', key: 'mcp', value: 'v' } });
      expect(toolResult(r)).toMatchObject({ success: false, code: 'rate_limited' });
      const checkpoint = await client.callTool({ name: 'session_checkpoint', arguments: { sessionId: 'gate-r1', label: 'limited' } });
      expect(JSON.stringify(checkpoint)).toMatch(/rate_limited|Too many writes/);
    } finally {
      await client.close();
    }
    const socket = rawSocket(s.url, { token });
    try {
      await handshake(socket);
      expect(await emitAck(socket, 'memory:store', { namespace: 'rl', key: 'sock', value: 'v' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    } finally {
      socket.close();
    }
    const board = await api(s.url, '/api/v1/sessions/gate-r1/blockers', { method: 'POST', token, json: { description: 'limited too' } });
    expect(board.status).toBe(429);
    expect(s.app.memory.retrieve({ namespace: 'rl', key: 'mcp' })).toBeNull();
  });

  it('every transport’s write is audited with its transport', async () => {
    const t = await tokenFor(s, [{ access: 'write', namespaces: '*' }]);
    const socketT = await tokenFor(s, [{ access: 'write', namespaces: '*' }]);
    const mcpT = await tokenFor(s, [{ access: 'write', namespaces: '*' }]);
    expect((await api(s.url, '/api/v1/memory/entry', { method: 'PUT', token: t.token, json: { namespace: 'aud', key: 'rest', value: 'v' } })).status).toBe(201);
    const socket = rawSocket(s.url, { token: socketT.token });
    try {
      await handshake(socket);
      expect(await emitAck(socket, 'memory:store', { namespace: 'aud', key: 'socket', value: 'v' })).toMatchObject({ ok: true });
    } finally {
      socket.close();
    }
    const client = await mcpClient(s.url, mcpT.token);
    try {
      expect(
        toolResult(await client.callTool({ name: 'memory_usage', arguments: { action: 'store', namespace: 'aud', key: 'mcp', value: 'v' } })),
      ).toMatchObject({ success: true });
    } finally {
      await client.close();
    }
    const rows = s.app.audit.list({ action: 'memory.store' }).items.filter((r) => r.target?.startsWith('aud/'));
    expect(rows.map((r) => [r.target, (r.detail as { via: string }).via, r.actorId]).sort()).toEqual(
      [
        ['aud/mcp', 'mcp', mcpT.id],
        ['aud/rest', 'rest', t.id],
        ['aud/socket', 'socket', socketT.id],
      ].sort(),
    );
    // One writer name whatever the transport.
    expect(new Set(['rest', 'socket', 'mcp'].map((k) => s.app.memory.retrieve({ namespace: 'aud', key: k })!.updatedBy.replace(/t-\w+$/, 't-')))).toEqual(
      new Set(['token:t-']),
    );
  });
});

describe('finding 7: refused writes count against the limit and fold into one audit row', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ rateLimits: { writesPerMinute: 30 } });
  });
  afterAll(() => s.close());

  it('40 refused PUTs from a read-only token: 30 refusals, then 429, and one audit row counting 30', async () => {
    const reader = await tokenFor(s, [{ access: 'read', namespaces: '*' }]);
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      statuses.push(
        (await api(s.url, '/api/v1/memory/entry', { method: 'PUT', token: reader.token, json: { namespace: 'x', key: 'same', value: 'v' } })).status,
      );
    }
    expect(statuses.filter((x) => x === 403)).toHaveLength(30);
    expect(statuses.filter((x) => x === 429)).toHaveLength(10);
    const rows = s.app.audit.list({ action: 'memory.store', outcome: 'denied' }).items.filter((r) => r.actorId === reader.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.detail).toMatchObject({ repeated: 30, via: 'rest' });
  });
});

describe('finding 9: the CSRF check compares the scheme too', () => {
  let s: TestServer;
  let member: TestUser;
  beforeAll(async () => {
    s = await startTestServer();
    member = await invitedUser(s, 'member', 'Sam');
  });
  afterAll(() => s.close());

  it('a cookie write from https://<same host> to an http server is refused; the same scheme passes', async () => {
    const host = new URL(s.url).host;
    const put = (origin: string) =>
      api(s.url, '/api/v1/memory/entry', {
        method: 'PUT',
        token: null,
        headers: { cookie: member.cookie, origin },
        json: { namespace: 'csrf', key: 'k', value: 'v' },
      });
    const other = await put(`https://${host}`);
    expect(other.status).toBe(403);
    expect(other.body.error.field).toBe('origin');
    expect((await put(`http://${host}`)).status).toBe(201);
  });
});

describe('a refused credential is named as such (REST)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('a bad or revoked token hears "the token was refused", a request without one is asked to sign in', async () => {
    const bad = await api(s.url, '/api/v1/memory?namespace=x', { token: 'btn_not-a-token' });
    expect(bad.status).toBe(401);
    expect(bad.body.error.message).toMatch(/^The token was refused/);
    const { id, token } = await tokenFor(s, [{ access: 'read', namespaces: '*' }]);
    expect((await api(s.url, `/api/v1/tokens/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await api(s.url, '/api/v1/memory?namespace=x', { token })).body.error.message).toMatch(/^The token was refused/);
    expect((await api(s.url, '/api/v1/memory?namespace=x', { token: null })).body.error.message).toMatch(/^Sign in or send an API token/);
    expect((await api(s.url, '/api/v1/sessions/x?share=bsh_nope', { token: null })).body.error.message).toMatch(/^The share link was refused/);
  });
});

describe('API tokens expire after 90 days unless "never" is chosen', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('no expiresInDays: 90 days; null: never; a number: that many days', async () => {
    const make = (extra: Record<string, unknown>) =>
      api(s.url, '/api/v1/tokens', {
        method: 'POST',
        json: { name: `t-${Math.random().toString(36).slice(2, 7)}`, scopes: [{ access: 'read', namespaces: '*' }], ...extra },
      });
    const days = (iso: string) => Math.round((Date.parse(iso) - Date.now()) / 86_400_000);
    expect(days((await make({})).body.expiresAt)).toBe(90);
    expect((await make({ expiresInDays: null })).body.expiresAt).toBeNull();
    expect(days((await make({ expiresInDays: 7 })).body.expiresAt)).toBe(7);
  });
});
