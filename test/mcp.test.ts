import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../lib/access.ts';
import type { Change } from '../lib/events.ts';
import { followFeed } from '../lib/feed-client.ts';
import type { SeedCalls } from '../scripts/extract-seed.ts';
import { invitedUser } from './auth-helpers.ts';
import { connectClient, startTestServer, waitFor, type TestServer, describeOn } from './helpers.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const seed = JSON.parse(readFileSync(new URL('../server/seed/seed-calls.json', import.meta.url), 'utf8')) as SeedCalls;

/** The caller's environment without any Baton settings, so each spawn says exactly where it writes. */
const cleanEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !k.startsWith('BATON_') && k !== 'DATABASE_PATH')) as Record<
    string,
    string
  >;

type Body = Record<string, any>;
interface Called {
  isError: boolean;
  body: Body;
}

async function call(client: Client, args: unknown): Promise<Called> {
  const result = await client.callTool({ name: 'memory_usage', arguments: args as Record<string, unknown> });
  const content = result.content as { type: string; text: string }[];
  expect(content).toHaveLength(1);
  expect(content[0]!.type).toBe('text');
  return { isError: result.isError === true, body: JSON.parse(content[0]!.text) as Body };
}

async function ok(client: Client, args: Record<string, unknown>): Promise<Body> {
  const r = await call(client, args);
  if (r.isError) throw new Error(`memory_usage ${JSON.stringify(args)} failed: ${JSON.stringify(r.body)}`);
  expect(r.body.success).toBe(true);
  return r.body;
}

let s: TestServer;
const clients: Record<string, Client> = {};
const stderr: Record<string, string> = {};

async function connectHttp(): Promise<Client> {
  const client = new Client({ name: 'baton-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', s.url), { requestInit: { headers: { authorization: `Bearer ${s.token}` } } }));
  return client;
}

async function connectStdio(name: string, args: string[], env: Record<string, string>): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['cli/bin.mjs', 'mcp', ...args],
    cwd: root,
    env: { ...cleanEnv(), ...env },
    stderr: 'pipe',
  });
  stderr[name] = '';
  transport.stderr?.on('data', (chunk) => (stderr[name] += String(chunk)));
  const client = new Client({ name: 'baton-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

beforeAll(async () => {
  s = await startTestServer({ feedPollMs: 20 });
  const [http, stdioDb, stdioUrl] = await Promise.all([
    connectHttp(),
    // Direct: writes the server's database file; the running server broadcasts from its change feed.
    connectStdio('stdio --db', ['--db', s.dbPath], {}),
    // Through the server: BATON_URL + BATON_TOKEN.
    connectStdio('stdio BATON_URL', [], { BATON_URL: s.url, BATON_TOKEN: s.token }),
  ]);
  clients.http = http;
  clients['stdio --db'] = stdioDb;
  clients['stdio BATON_URL'] = stdioUrl;
});

afterAll(async () => {
  await Promise.all(Object.values(clients).map((c) => c.close().catch(() => {})));
  await s?.close();
});

const TRANSPORTS = ['http', 'stdio --db', 'stdio BATON_URL'] as const;
/** Who a write is attributed to shows the path it took: the MCP endpoint, the file, or REST. */
const WRITER: Record<(typeof TRANSPORTS)[number], string> = { http: 'token:tests', 'stdio --db': 'mcp:agent', 'stdio BATON_URL': 'token:tests' };
const slug = (t: string) =>
  t
    .toLowerCase()
    .replace(/[^a-z]+/g, '-')
    .replace(/^-|-$/g, '');

describe.each(TRANSPORTS)('memory_usage over %s', (transport) => {
  const ns = `shapes-${slug(transport)}`;
  const other = `other-${slug(transport)}`;
  const c = () => clients[transport]!;

  it('lists the tool with the claude-flow input schema', async () => {
    const { tools } = await c().listTools();
    const tool = tools.find((t) => t.name === 'memory_usage');
    expect(tool).toBeDefined();
    expect(tool!.inputSchema.type).toBe('object');
    expect(tool!.inputSchema.required).toEqual(['action']);
    const props = tool!.inputSchema.properties as Record<string, any>;
    expect(props.action.enum).toEqual(['store', 'retrieve', 'list', 'search', 'delete']);
    expect(props.key.type).toBe('string');
    expect(props.value.type).toBe('string');
    // Two defaults ("default"; every namespace for search): the description says so, no `default` lies.
    expect(props.namespace.type).toBe('string');
    expect(props.namespace.default).toBeUndefined();
    expect(props.namespace.description).toMatch(/"default" for store, retrieve, list and delete; every namespace you may read for search/);
    expect(props.ttl.type).toBe('number');
  });

  it('stores with a ttl and returns the compat fields plus version, seq and expiresAt', async () => {
    const before = Date.now();
    const r = await ok(c(), { action: 'store', key: 'session/dev-1/blockers', value: '{"a":1}', namespace: ns, ttl: 60 });
    expect(r).toMatchObject({
      success: true,
      action: 'store',
      key: 'session/dev-1/blockers',
      namespace: ns,
      stored: true,
      size: 7,
      storage_type: 'sqlite',
      version: 1,
    });
    expect(r.seq).toBeGreaterThan(0);
    expect(r.id).toBe(r.seq);
    expect(Date.parse(r.timestamp)).not.toBeNaN();
    const expires = Date.parse(r.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 59_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 61_000);

    const plain = await ok(c(), { action: 'store', key: 'session/dev-2/blockers', value: 'plain text', namespace: ns });
    expect(plain).toMatchObject({ stored: true, size: 10, version: 1, expiresAt: null });
    expect(plain.seq).toBeGreaterThan(r.seq);
    const again = await ok(c(), { action: 'store', key: 'session/dev-2/blockers', value: 'plain text, again', namespace: ns });
    expect(again).toMatchObject({ version: 2 });
  });

  it('retrieves JSON parsed, text as is, and a missing key as found:false value:null', async () => {
    const json = await ok(c(), { action: 'retrieve', key: 'session/dev-1/blockers', namespace: ns });
    expect(json).toMatchObject({
      success: true,
      action: 'retrieve',
      key: 'session/dev-1/blockers',
      value: { a: 1 },
      found: true,
      namespace: ns,
      storage_type: 'sqlite',
      version: 1,
    });
    expect(json.expiresAt).toEqual(expect.any(String));
    expect(json.updatedBy).toBe(WRITER[transport]);
    const text = await ok(c(), { action: 'retrieve', key: 'session/dev-2/blockers', namespace: ns });
    expect(text).toMatchObject({ value: 'plain text, again', found: true, version: 2, expiresAt: null });
    const missing = await ok(c(), { action: 'retrieve', key: 'missing', namespace: ns });
    expect(missing).toMatchObject({ success: true, action: 'retrieve', key: 'missing', value: null, found: false, namespace: ns, storage_type: 'sqlite' });
  });

  it('lists a namespace with entries and count', async () => {
    const r = await ok(c(), { action: 'list', namespace: ns });
    expect(r).toMatchObject({ success: true, action: 'list', namespace: ns, count: 2, storage_type: 'sqlite' });
    expect(r.entries).toEqual([
      expect.objectContaining({
        key: 'session/dev-1/blockers',
        value: { a: 1 },
        namespace: ns,
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      }),
      expect.objectContaining({ key: 'session/dev-2/blockers', value: 'plain text, again', namespace: ns, version: 2, expiresAt: null }),
    ]);
  });

  it('searches */blockers across every namespace without one, and within one with it', async () => {
    await ok(c(), { action: 'store', key: 'session/dev-3/blockers', value: '["db migration"]', namespace: other });
    await ok(c(), { action: 'store', key: 'session/dev-3/notes', value: 'not a blocker', namespace: other });

    const all = await ok(c(), { action: 'search', pattern: '*/blockers' });
    expect(all).toMatchObject({ success: true, action: 'search', storage_type: 'sqlite' });
    expect(all.count).toBe(all.results.length);
    const mine = all.results.filter((e: Body) => e.namespace === ns || e.namespace === other);
    expect(mine.map((e: Body) => `${e.namespace}/${e.key}`).sort()).toEqual(
      [`${ns}/session/dev-1/blockers`, `${ns}/session/dev-2/blockers`, `${other}/session/dev-3/blockers`].sort(),
    );
    for (const e of all.results) expect(e.key).toMatch(/\/blockers$/);
    expect(mine.find((e: Body) => e.namespace === other)).toMatchObject({ value: ['db migration'], score: 1, updatedAt: expect.any(String) });

    const one = await ok(c(), { action: 'search', pattern: '*/blockers', namespace: ns });
    expect(one).toMatchObject({ action: 'search', namespace: ns, count: 2 });
    expect(one.results.map((e: Body) => [e.namespace, e.key, e.score])).toEqual([
      [ns, 'session/dev-1/blockers', 1],
      [ns, 'session/dev-2/blockers', 1],
    ]);
    expect(one.results[0].value).toEqual({ a: 1 });
  });

  it('deletes: deleted true, then false', async () => {
    const first = await ok(c(), { action: 'delete', key: 'session/dev-2/blockers', namespace: ns });
    expect(first).toMatchObject({ success: true, action: 'delete', key: 'session/dev-2/blockers', namespace: ns, deleted: true, storage_type: 'sqlite' });
    expect(first.seq).toBeGreaterThan(0);
    const second = await ok(c(), { action: 'delete', key: 'session/dev-2/blockers', namespace: ns });
    expect(second).toMatchObject({ deleted: false, seq: null });
    expect(await ok(c(), { action: 'retrieve', key: 'session/dev-2/blockers', namespace: ns })).toMatchObject({ found: false, value: null });
  });

  it.each([
    ['unknown action', { action: 'bogus' }, 'action'],
    ['missing action', { key: 'k' }, 'action'],
    ['empty key', { action: 'store', key: '', value: 'x' }, 'key'],
    ['bad namespace', { action: 'store', key: 'k', value: 'x', namespace: 'bad ns' }, 'namespace'],
    ['negative ttl', { action: 'store', key: 'k', value: 'x', namespace: ns, ttl: -5 }, 'ttl'],
    ['missing value on store', { action: 'store', key: 'k', namespace: ns }, 'value'],
    ['non-object arguments (a string)', 'store k x', 'arguments'],
    ['non-object arguments (an array)', ['store', 'k'], 'arguments'],
  ])('%s is a tool error naming the field, and the connection keeps working', async (_name, args, field) => {
    const r = await call(c(), args);
    expect(r.isError).toBe(true);
    expect(r.body).toMatchObject({ success: false, field, code: 'invalid_input' });
    expect(r.body.error).toMatch(new RegExp(`^${field}: `));
    // The next valid call on the same connection succeeds.
    expect(await ok(c(), { action: 'retrieve', key: 'session/dev-1/blockers', namespace: ns })).toMatchObject({ found: true });
  });

  it('answers an unknown tool name with JSON-RPC -32602 naming the tool', async () => {
    await expect(c().callTool({ name: 'memory_usage_v2', arguments: { action: 'list' } })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(/Unknown tool: "memory_usage_v2"/),
    });
  });

  it('publishes entries as baton://memory/<namespace>/<key> resources', async () => {
    const { resources } = await c().listResources();
    const uri = `baton://memory/${ns}/session/dev-1/blockers`;
    expect(resources).toContainEqual(expect.objectContaining({ uri, name: `${ns}/session/dev-1/blockers`, mimeType: 'application/json' }));
    const read = await c().readResource({ uri });
    expect(read.contents).toEqual([{ uri, mimeType: 'application/json', text: '{"a":1}' }]);
    await expect(c().readResource({ uri: `baton://memory/${ns}/missing` })).rejects.toMatchObject({
      code: -32002,
      message: `MCP error -32002: Resource not found: baton://memory/${ns}/missing`,
    });
    // Still usable after a refused read.
    expect(await ok(c(), { action: 'list', namespace: ns })).toMatchObject({ count: 1 });
  });
});

// On PostgreSQL there is no file to open: `baton mcp --db` is the SQLite path (agents reach a PostgreSQL cluster over HTTP).
describeOn('sqlite')('stdio --db writes the server’s file directly', () => {
  it('reach a socket subscriber of the running server through the change feed', async () => {
    const socket = connectClient(s.url);
    const received: Change[] = [];
    const feed = followFeed(socket, {
      rooms: ['ns:direct'],
      sinceSeq: s.app.feed.headSeq(),
      onChanges: (changes) => received.push(...changes),
      onResync: async () => s.app.feed.headSeq(),
    });
    try {
      await waitFor(() => feed.status === 'live', 5000, 'the feed to go live');
      const r = await ok(clients['stdio --db']!, { action: 'store', key: 'session/agent/state', value: '{"step":3}', namespace: 'direct', ttl: 600 });
      await waitFor(() => received.some((ch) => ch.seq === r.seq), 5000, 'the direct write to be broadcast');
      expect(received.find((ch) => ch.seq === r.seq)).toMatchObject({
        op: 'store',
        namespace: 'direct',
        key: 'session/agent/state',
        value: '{"step":3}',
        version: 1,
        actor: 'mcp:agent',
        expiresAt: r.expiresAt,
      });
      // And the server itself reads it back.
      expect(s.app.memory.retrieve({ namespace: 'direct', key: 'session/agent/state' })).toMatchObject({ version: 1, value: { step: 3 } });
    } finally {
      feed.close();
      socket.close();
    }
  });
});

describe.each(TRANSPORTS)('the seed domain replayed over %s', (transport) => {
  it('every memory_usage call of the seed succeeds; the retrieves return what was stored', async () => {
    const client = clients[transport]!;
    expect(seed.memoryCalls).toHaveLength(15);
    const stored = new Map<string, string>();
    let lastSeq = 0;
    for (const { section: _section, ...args } of seed.memoryCalls) {
      const r = await call(client, args);
      expect(r.isError, `${args.action} ${args.key}: ${JSON.stringify(r.body)}`).toBe(false);
      expect(r.body).toMatchObject({ success: true, action: args.action, key: args.key, namespace: args.namespace });
      const id = `${args.namespace}/${args.key}`;
      if (args.action === 'store') {
        expect(r.body.stored).toBe(true);
        expect(r.body.version).toBeGreaterThanOrEqual(1);
        expect(r.body.seq).toBeGreaterThan(lastSeq);
        lastSeq = r.body.seq;
        expect(r.body.expiresAt === null).toBe(args.ttl === undefined);
        stored.set(id, args.value!);
      } else {
        expect(r.body.found).toBe(true);
        expect(r.body.value).toEqual(JSON.parse(stored.get(id)!));
      }
    }
    expect(stored.size).toBe(13);

    const state = await ok(client, { action: 'retrieve', key: 'session/development/state', namespace: 'session-management' });
    expect(state).toMatchObject({
      found: true,
      value: { session_id: 'dev-session-1767225600000', progress: { 'product-catalog': { completion_percentage: 65 } } },
    });
    const handoff = await ok(client, { action: 'retrieve', key: 'session/handoff/preparation', namespace: 'session-handoff' });
    expect(handoff).toMatchObject({ found: true, value: { handoff_type: 'end-of-shift', next_owner: 'developer-002' } });
    expect(handoff.value).toEqual(JSON.parse(stored.get('session-handoff/session/handoff/preparation')!));
  });
});

afterAll(() => {
  // Spawned servers' stderr, to explain a failure above.
  for (const [name, text] of Object.entries(stderr)) if (text.trim()) console.log(`[${name} stderr]\n${text}`);
});

describe('Streamable HTTP on Node’s own request (server/mcp/http.ts)', () => {
  const ACCEPT = 'application/json, text/event-stream';
  const init = (id = 0) => ({
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
  const storeCall = (id: number, key: string) => ({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name: 'memory_usage', arguments: { action: 'store', namespace: 'raw-http', key, value: 'v' } },
  });
  async function post(body: unknown, headers: Record<string, string> = {}, token = s.token) {
    const res = await fetch(new URL('/mcp', s.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept: ACCEPT, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Body) : null };
  }
  async function open(token = s.token): Promise<string> {
    const r = await post(init(), {}, token);
    expect(r.status).toBe(200);
    expect(r.body!.result.serverInfo.name).toBe('baton');
    const id = r.headers.get('mcp-session-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': id }, token)).status).toBe(202);
    return id;
  }

  it('answers a call in the POST response as JSON, a batch as an array in order, and notifications with 202', async () => {
    const id = await open();
    const one = await post(storeCall(1, 'one'), { 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' });
    expect(one.status).toBe(200);
    expect(one.headers.get('content-type')).toContain('application/json');
    expect(one.headers.get('mcp-session-id')).toBe(id);
    expect(one.body).toMatchObject({ jsonrpc: '2.0', id: 1 });
    expect(JSON.parse(one.body!.result.content[0].text)).toMatchObject({ success: true, stored: true, key: 'one', version: 1 });
    // The REST middleware still runs first: its security headers are on MCP answers too.
    expect(one.headers.get('x-content-type-options')).toBe('nosniff');

    const batch = await post([storeCall(3, 'b'), { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 99 } }, storeCall(2, 'a')], {
      'mcp-session-id': id,
    });
    expect(batch.status).toBe(200);
    expect((batch.body as unknown as Body[]).map((r) => r.id)).toEqual([3, 2]);
    expect(s.app.memory.retrieve({ namespace: 'raw-http', key: 'a' })?.updatedBy).toBe('token:tests');
  });

  it('refuses what the transport cannot take, with a JSON-RPC error and the SDK transport’s status codes', async () => {
    const id = await open();
    const session = { 'mcp-session-id': id };
    expect((await post(storeCall(1, 'x'))).status).toBe(400); // no session and not an initialize
    expect((await post(storeCall(1, 'x'), { 'mcp-session-id': '00000000-0000-0000-0000-000000000000' })).status).toBe(404);
    const notJson = await post('{"jsonrpc":', session);
    expect(notJson.status).toBe(400);
    expect(notJson.body!.error.code).toBe(-32700);
    expect((await post({ hello: 'world' }, session)).body!.error.message).toMatch(/Invalid JSON-RPC message/);
    expect((await post(storeCall(1, 'x'), { ...session, accept: 'application/json' })).status).toBe(406);
    expect((await post(storeCall(1, 'x'), { ...session, 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(storeCall(1, 'x'), { ...session, 'mcp-protocol-version': '1999-01-01' })).body!.error.message).toMatch(/Unsupported protocol version/);
    expect((await post(init(5), session)).body!.error.message).toMatch(/already initialized/);
    const get = await fetch(new URL('/mcp', s.url), { headers: { authorization: `Bearer ${s.token}`, accept: 'text/event-stream', ...session } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, DELETE');
    expect(((await get.json()) as Body).error.message).toMatch(/POST/);
    // Still usable after all of that.
    expect((await post(storeCall(7, 'after-errors'), session)).status).toBe(200);
  });

  it('refuses a body over the limit even when it is chunked (no Content-Length to check up front), and takes a chunked one under it', async () => {
    const id = await open();
    const big = JSON.stringify(storeCall(1, 'big')).replace('"v"', JSON.stringify('x'.repeat(s.app.memory.maxValueBytes * 6 + 64 * 1024)));
    const encoder = new TextEncoder();
    const body = new ReadableStream({
      start(c) {
        for (let i = 0; i < big.length; i += 65536) c.enqueue(encoder.encode(big.slice(i, i + 65536)));
        c.close();
      },
    });
    const res = await fetch(new URL('/mcp', s.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}`, accept: ACCEPT, 'content-type': 'application/json', 'mcp-session-id': id },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(s.app.memory.retrieve({ namespace: 'raw-http', key: 'big' })).toBeNull();

    // A chunked body under the limit is answered like any other.
    const small = JSON.stringify(storeCall(2, 'chunked'));
    const chunked = await fetch(new URL('/mcp', s.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}`, accept: ACCEPT, 'content-type': 'application/json', 'mcp-session-id': id },
      body: new ReadableStream({
        start(c) {
          c.enqueue(encoder.encode(small.slice(0, 20)));
          c.enqueue(encoder.encode(small.slice(20)));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(200);
    expect(s.app.memory.retrieve({ namespace: 'raw-http', key: 'chunked' })?.value).toBe('v');
  });

  it('keeps a session to the caller that opened it; DELETE closes it; anonymous and cross-site cookie requests never reach it', async () => {
    const id = await open();
    const { token: other } = s.app.identity.createToken(s.admin, { name: 'other-agent', scopes: [{ access: 'admin', namespaces: '*' }] }, null);
    const stolen = await post(storeCall(1, 'stolen'), { 'mcp-session-id': id }, other);
    expect(stolen.status).toBe(403);
    expect(stolen.body!.error.message).toMatch(/another caller/);
    expect(s.app.memory.retrieve({ namespace: 'raw-http', key: 'stolen' })).toBeNull();

    const anonymous = await fetch(new URL('/mcp', s.url), {
      method: 'POST',
      headers: { accept: ACCEPT, 'content-type': 'application/json', 'mcp-session-id': id },
      body: JSON.stringify(storeCall(2, 'anon')),
    });
    expect(anonymous.status).toBe(401);
    // The MCP authorization spec's answer: a Bearer challenge and a JSON-RPC error body.
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata=/);
    expect(((await anonymous.json()) as Body).error.code).toBe(-32001);
    const crossSite = await fetch(new URL('/mcp', s.url), {
      method: 'POST',
      headers: { cookie: 'better-auth.session_token=x', origin: 'https://evil.example', accept: ACCEPT, 'content-type': 'application/json' },
      body: JSON.stringify(init()),
    });
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as Body).error.field).toBe('origin');

    const otherDelete = await fetch(new URL('/mcp', s.url), { method: 'DELETE', headers: { authorization: `Bearer ${other}`, 'mcp-session-id': id } });
    expect(otherDelete.status).toBe(403);
    const del = await fetch(new URL('/mcp', s.url), { method: 'DELETE', headers: { authorization: `Bearer ${s.token}`, 'mcp-session-id': id } });
    expect(del.status).toBe(200);
    expect((await post(storeCall(3, 'after-delete'), { 'mcp-session-id': id })).status).toBe(404);
  });

  it('a role change applies to the very next call of an open session (the caller cache is dropped at once), and a revoked token’s next call is refused', async () => {
    const member = await invitedUser(s, 'member', 'Cache Member');
    const memberPrincipal = s.app.identity.userPrincipal(member.id) as Principal & { kind: 'user' };
    const { token, id: tokenId } = s.app.identity.createToken(
      memberPrincipal,
      { name: 'cached-agent', scopes: [{ access: 'write', namespaces: 'raw-http' }] },
      null,
    );
    const id = await open(token);
    const headers = { 'mcp-session-id': id };
    const text = (r: Awaited<ReturnType<typeof post>>) => JSON.parse(r.body!.result.content[0].text) as Body;
    // Two calls inside a second: the second is served from the session's caller cache.
    for (const key of ['before-1', 'before-2']) {
      const r = await post(storeCall(1, key), headers, token);
      expect(r.body!.result.isError, JSON.stringify(r.body)).toBeUndefined();
      expect(text(r)).toMatchObject({ success: true, key });
    }

    const demoted = await fetch(new URL(`/api/v1/users/${member.id}`, s.url), {
      method: 'PATCH',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'viewer' }),
    });
    expect(demoted.status).toBe(200);
    // No wait: the next call, well within the cache's second, runs as a viewer.
    const denied = await post(storeCall(2, 'after-demotion'), headers, token);
    expect(denied.status).toBe(200);
    expect(denied.body!.result.isError).toBe(true);
    expect(text(denied)).toMatchObject({ success: false, code: 'forbidden' });
    expect(s.app.memory.retrieve({ namespace: 'raw-http', key: 'after-demotion' })).toBeNull();
    // Reads are still allowed to a viewer.
    const read = await post(
      {
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: 'memory_usage', arguments: { action: 'retrieve', namespace: 'raw-http', key: 'before-1' } },
      },
      headers,
      token,
    );
    expect(text(read)).toMatchObject({ success: true, found: true });

    s.app.identity.setRole(s.admin, member.id, 'member', null);
    expect(text(await post(storeCall(4, 'promoted-again'), headers, token))).toMatchObject({ success: true });
    s.app.identity.revokeToken(memberPrincipal, tokenId, null);
    const revoked = await post(storeCall(5, 'after-revoke'), headers, token);
    expect(revoked.status).toBe(401);
    expect(s.app.memory.retrieve({ namespace: 'raw-http', key: 'after-revoke' })).toBeNull();
  });
});

describe('baton mcp’s stdio fast path (server/mcp/stdio-transport.ts) answers exactly as the SDK’s transport', () => {
  it('the same lines, good and bad, get the same answers through the SDK’s StdioServerTransport and the fast path', async () => {
    const { PassThrough } = await import('node:stream');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
    const { openLocalServices } = await import('../server/local.ts');
    const { createMcpServer } = await import('../server/mcp/server.ts');
    const { runMemoryUsage } = await import('../server/mcp/memory-tool.ts');
    const { FastPathStdioTransport } = await import('../server/mcp/stdio-transport.ts');

    const dir = mkdtempSync(join(tmpdir(), 'baton-fastpath-'));
    // Two servers, each on its own fresh file, fed the same lines: one through the SDK's transport, one through ours.
    const side = (name: 'sdk' | 'fast') => {
      const local = openLocalServices(join(dir, `${name}.db`), 'mcp:agent');
      const stdin = new PassThrough();
      const stdout = new PassThrough();
      const lines: string[] = [];
      const errors: string[] = [];
      let pending = '';
      stdout.on('data', (c: Buffer) => {
        pending += c.toString('utf8');
        let i;
        while ((i = pending.indexOf('\n')) !== -1) {
          lines.push(pending.slice(0, i));
          pending = pending.slice(i + 1);
        }
      });
      const transport =
        name === 'sdk'
          ? new StdioServerTransport(stdin, stdout)
          : new FastPathStdioTransport('memory_usage', (args) => runMemoryUsage(local.memory, args), stdin, stdout);
      const server = createMcpServer(local.memory, local.sessions);
      server.onerror = (e) => errors.push(e.message);
      return { local, stdin, lines, errors, transport, server };
    };
    const sdk = side('sdk');
    const fast = side('fast');
    try {
      await sdk.server.connect(sdk.transport);
      await fast.server.connect(fast.transport);
      // Timestamps and update times differ between two runs; everything else must be identical.
      const normalize = (line: string) => line.replace(/(\\?")(timestamp|updatedAt|createdAt)\1:\s*\1[^"\\]*\1/g, '$1$2$1: $1T$1');
      let ping = 1000;
      /** Sends one line to both and waits for both to answer it (or, for lines without an answer, for a ping after it). */
      const exchange = async (line: string, answered: boolean) => {
        const before = [sdk.lines.length, fast.lines.length];
        const extra = answered ? '' : `\n${JSON.stringify({ jsonrpc: '2.0', id: `ping-${ping++}`, method: 'ping' })}`;
        sdk.stdin.write(`${line}${extra}\n`);
        fast.stdin.write(`${line}${extra}\n`);
        await waitFor(() => sdk.lines.length > before[0]! && fast.lines.length > before[1]!, 5000, `an answer to ${line.slice(0, 80)}`);
        await new Promise((r) => setTimeout(r, 5));
        const a = sdk.lines.slice(before[0]).map(normalize);
        const b = fast.lines.slice(before[1]).map(normalize);
        expect(b, line).toEqual(a);
        return a.map((l) => JSON.parse(l) as Body);
      };
      const call = (id: unknown, params: unknown) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params });
      const store = (id: unknown, args: unknown) => call(id, { name: 'memory_usage', arguments: args });

      const initialize = {
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
      };
      await exchange(JSON.stringify(initialize), true);
      await exchange(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), false);
      const listed = await exchange(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), true);
      expect(listed[0]!.result.tools.map((t: Body) => t.name)).toContain('memory_usage');

      const stored = await exchange(store(2, { action: 'store', namespace: 'fp', key: 'a', value: '{"x":1}' }), true);
      expect(JSON.parse(stored[0]!.result.content[0].text)).toMatchObject({ success: true, stored: true, version: 1 });
      await exchange(store('str-id', { action: 'store', namespace: 'fp', key: 'a', value: { x: 2 }, ifVersion: 1 }), true);
      await exchange(store(3, { action: 'store', namespace: 'fp', key: 'a', value: 'stale', ifVersion: 1 }), true); // version conflict
      await exchange(store(4, { action: 'store', namespace: 'fp', value: 'no key' }), true);
      await exchange(store(5, { action: 'store', namespace: 'fp', key: 'b' }), true); // no value
      await exchange(store(6, { action: 'explode', key: 'b' }), true);
      await exchange(store(7, '{"action":"store"}'), true); // arguments as a string
      await exchange(store(8, [1, 2]), true);
      await exchange(call(9, { name: 'memory_usage' }), true); // no arguments
      await exchange(store(10, { action: 'store', namespace: 'fp', key: 'big', value: 'x'.repeat(2_000_000) }), true);
      await exchange(store(11, { action: 'retrieve', namespace: 'fp', key: 'a' }), true);
      await exchange(store(12, { action: 'list', namespace: 'fp' }), true);
      await exchange(store(13, { action: 'search', pattern: 'a*' }), true);
      await exchange(store(14, { action: 'delete', namespace: 'fp', key: 'a' }), true);
      // Not the fast path's (they go to the SDK on both sides): _meta, another tool, a bad name, an unknown method.
      await exchange(call(15, { name: 'memory_usage', arguments: { action: 'retrieve', key: 'a' }, _meta: { progressToken: 1 } }), true);
      await exchange(call(16, { name: 'no_such_tool', arguments: {} }), true);
      await exchange(call(17, { name: 42, arguments: {} }), true);
      await exchange(call(18, 'not an object'), false);
      await exchange(JSON.stringify({ jsonrpc: '2.0', id: 19, method: 'no/such/method' }), true);
      await exchange(JSON.stringify({ jsonrpc: '2.0', id: 20, method: 'resources/list' }), true);
      // Lines no JSON-RPC answer comes back for: both report them and go on.
      await exchange('{not json', false);
      await exchange(JSON.stringify({ jsonrpc: '2.0', id: 21, method: 'tools/call', params: { name: 'memory_usage', arguments: {} }, extra: 1 }), false);
      await exchange(store(1.5, { action: 'retrieve', key: 'a' }), false);
      await exchange(JSON.stringify({ jsonrpc: '1.0', id: 22, method: 'tools/call', params: { name: 'memory_usage', arguments: {} } }), false);
      expect(fast.errors).toEqual(sdk.errors);
      expect(sdk.errors.length).toBe(5);
      // Several calls in one chunk keep their order and answers.
      const burst = [
        store(30, { action: 'store', namespace: 'fp', key: 'c', value: '1' }),
        store(31, { action: 'store', namespace: 'fp', key: 'c', value: '2' }),
        store(32, { action: 'retrieve', namespace: 'fp', key: 'c' }),
      ];
      const before = [sdk.lines.length, fast.lines.length];
      sdk.stdin.write(`${burst.join('\n')}\n`);
      fast.stdin.write(`${burst.join('\n')}\n`);
      await waitFor(() => sdk.lines.length === before[0]! + 3 && fast.lines.length === before[1]! + 3, 5000, 'the burst');
      const answers = sdk.lines.slice(-3).map(normalize);
      expect(fast.lines.slice(-3).map(normalize)).toEqual(answers);
      const retrieved = answers.map((a) => JSON.parse(a)).find((a) => a.id === 32);
      expect(JSON.parse(retrieved.result.content[0].text)).toMatchObject({ value: 2, version: 2 });

      // A call cancelled before it was answered: both run it and answer nothing (only the ping after it).
      const cancelled = await exchange(
        [
          store(40, { action: 'store', namespace: 'fp', key: 'cancelled', value: 'v' }),
          JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 40, reason: 'test' } }),
        ].join('\n'),
        false,
      );
      expect(cancelled.map((m) => m.id)).toEqual([expect.stringMatching(/^ping-/)]);

      // The fast path was taken for the plain memory_usage calls, and only for them.
      expect((fast.transport as InstanceType<typeof FastPathStdioTransport>).fastCalls).toBe(18);
      // And the two databases hold the same entries.
      const dump = (l: typeof sdk) => l.local.memory.list({ namespace: 'fp', limit: 100 }).then((p) => p.items.map((e) => [e.key, e.raw, e.version]));
      expect(await dump(fast)).toEqual(await dump(sdk));
    } finally {
      await sdk.server.close();
      await fast.server.close();
      sdk.local.close();
      fast.local.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
