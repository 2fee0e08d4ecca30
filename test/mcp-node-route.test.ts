// POST /mcp with an API token is served from Node's request without the Hono app (server/mcp/node-route.ts).
// It must answer exactly as the Hono route does: two servers, one with the direct route and one without,
// get the same requests and must give the same status, body and headers, and count them the same way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';

let direct: TestServer;
let hono: TestServer;
const sessions = new Map<TestServer, string>();

async function post(s: TestServer, body: string, headers: Record<string, string | null> = {}, path = '/mcp') {
  const all: Record<string, string | null> = {
    authorization: `Bearer ${s.token}`,
    accept: 'application/json, text/event-stream',
    'content-type': 'application/json',
    'mcp-protocol-version': '2025-06-18',
    ...(sessions.get(s) ? { 'mcp-session-id': sessions.get(s)! } : {}),
    ...headers,
  };
  const res = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== null)),
    body,
  });
  const text = await res.text();
  // Per-server and per-moment values differ; everything else must be identical.
  const h = Object.fromEntries(
    [...res.headers].filter(([k]) => !['date', 'mcp-session-id', 'connection', 'keep-alive'].includes(k)).map(([k, v]) => [k, v.replaceAll(s.url, 'ORIGIN')]),
  );
  return { status: res.status, headers: h, session: res.headers.get('mcp-session-id'), text };
}

const normalize = (text: string) => text.replace(/(\\?")(timestamp|updatedAt|createdAt)\1:\s*\1[^"\\]*\1/g, '$1$2$1: $1T$1');
const requests = (s: TestServer) =>
  s.app.metrics.text().then((t) => t.split('\n').filter((l) => l.startsWith('baton_http_requests_total') && l.includes('route="/mcp"')));

async function same(body: string, headers?: Record<string, string | null>, path?: string) {
  const [a, b] = [await post(hono, body, headers, path), await post(direct, body, headers, path)];
  expect({ status: b.status, headers: b.headers, text: normalize(b.text) }, body.slice(0, 100)).toEqual({
    status: a.status,
    headers: a.headers,
    text: normalize(a.text),
  });
  return { status: a.status, text: a.text, sessions: [a.session, b.session] as const };
}

const call = (id: number, args: unknown) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'memory_usage', arguments: args } });

beforeAll(async () => {
  direct = await startTestServer();
  hono = await startTestServer({ mcpNodeRoute: false });
});
afterAll(async () => {
  await direct.close();
  await hono.close();
});

describe('the direct /mcp route', () => {
  it('answers as the Hono route does, headers included, and is counted in /metrics the same way', async () => {
    const init = await same(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
      }),
    );
    expect(init.status).toBe(200);
    sessions.set(hono, init.sessions[0]!);
    sessions.set(direct, init.sessions[1]!);
    expect((await same(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }))).status).toBe(202);

    const stored = await same(call(1, { action: 'store', namespace: 'nr', key: 'a', value: '{"x":1}' }));
    expect(stored.status).toBe(200);
    expect(JSON.parse(JSON.parse(stored.text).result.content[0].text)).toMatchObject({ stored: true, version: 1 });
    await same(call(2, { action: 'store', namespace: 'nr', key: 'a', value: 'stale', ifVersion: 7 }));
    await same(call(3, { action: 'retrieve', namespace: 'nr', key: 'a' }));
    await same(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/list' }));
    await same('{not json');
    await same(call(5, { action: 'retrieve', key: 'a' }), { 'content-type': 'text/plain' });
    await same(call(6, { action: 'retrieve', key: 'a' }), { 'mcp-session-id': 'no-such-session' });
    // Not the direct route's: each goes to the Hono app, which answers both servers alike.
    expect((await same(call(7, { action: 'retrieve', key: 'a' }), { authorization: 'Bearer btn_not-a-token' })).status).toBe(401);
    expect((await same(call(8, { action: 'retrieve', key: 'a' }), { authorization: null })).status).toBe(401);
    expect((await same(call(9, { action: 'store', namespace: 'nr', key: 'q', value: 'v' }), {}, '/mcp?x=1')).status).toBe(200);
    const big = await same(call(10, { action: 'store', namespace: 'nr', key: 'big', value: 'x'.repeat(7_000_000) }));
    expect(big.status).toBe(413);

    // Both servers hold the same entries, and both counted each /mcp request by status alike.
    const dump = (s: TestServer) => s.app.memory.list({ namespace: 'nr', limit: 100 }).items.map((e) => [e.key, e.raw, e.version]);
    expect(dump(direct)).toEqual(dump(hono));
    expect(await requests(direct)).toEqual(await requests(hono));
    expect((await requests(direct)).some((l) => l.includes('status="200"'))).toBe(true);
    // The direct route served the nine requests above it should take (not the refused, query-string or oversized ones).
    expect(direct.app.mcpStats.directCalls).toBe(9);
    expect(hono.app.mcpStats.directCalls).toBe(0);
  });

  it('takes only what it should: a revoked token mid-session goes to the Hono app and is refused there', async () => {
    const { token, id } = direct.app.identity.createToken(direct.admin, { name: 'short', scopes: [{ access: 'write', namespaces: 'nr' }] }, null);
    const s = { ...direct, token };
    sessions.delete(s);
    const init = await post(
      s,
      JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'r', version: '1' } },
      }),
    );
    sessions.set(s, init.session!);
    expect((await post(s, call(1, { action: 'store', namespace: 'nr', key: 'r', value: 'v' }))).status).toBe(200);
    // Outside its scope: a tool error from the gate, not a write.
    expect(JSON.parse((await post(s, call(2, { action: 'store', namespace: 'other', key: 'r', value: 'v' }))).text).result.isError).toBe(true);
    expect(direct.app.memory.retrieve({ namespace: 'other', key: 'r' })).toBeNull();
    direct.app.identity.revokeToken(direct.admin, id, null);
    const refused = await post(s, call(3, { action: 'store', namespace: 'nr', key: 'r', value: 'w' }));
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toContain('invalid_token');
    expect(direct.app.memory.retrieve({ namespace: 'nr', key: 'r' })!.raw).toBe('v');
  });
});
