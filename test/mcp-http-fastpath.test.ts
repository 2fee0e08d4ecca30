// /mcp's fast path for plain memory_usage calls must answer exactly as the SDK's Protocol does:
// two servers, one with the fast path and one without, get the same requests and must give the same answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';

type Side = { s: TestServer; session: string };
let fast: Side;
let sdk: Side;

async function post(side: Side, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${side.s.url}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${side.s.token}`,
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      'mcp-protocol-version': '2025-06-18',
      ...(side.session ? { 'mcp-session-id': side.session } : {}),
      ...headers,
    },
    body,
  });
  return { status: res.status, session: res.headers.get('mcp-session-id'), text: await res.text() };
}

async function open(s: TestServer): Promise<Side> {
  const side = { s, session: '' };
  const init = await post(
    side,
    JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    }),
  );
  expect(init.status).toBe(200);
  side.session = init.session!;
  expect((await post(side, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }))).status).toBe(202);
  return side;
}

// Times differ between the two servers; everything else must be identical.
const normalize = (text: string) => text.replace(/(\\?")(timestamp|updatedAt|createdAt)\1:\s*\1[^"\\]*\1/g, '$1$2$1: $1T$1');

beforeAll(async () => {
  fast = await open(await startTestServer());
  sdk = await open(await startTestServer({ mcpFastPath: false }));
});
afterAll(async () => {
  await fast.s.close();
  await sdk.s.close();
});

describe('/mcp fast path', () => {
  it('gives the same status and answer as the SDK’s Protocol for good and bad calls, and takes only the plain ones', async () => {
    const same = async (body: string, headers?: Record<string, string>) => {
      const [a, b] = [await post(sdk, body, headers), await post(fast, body, headers)];
      expect({ status: b.status, text: normalize(b.text) }, body.slice(0, 120)).toEqual({ status: a.status, text: normalize(a.text) });
      return a.text ? (JSON.parse(a.text) as { result?: { content: { text: string }[]; isError?: boolean }; error?: unknown }) : null;
    };
    const call = (id: unknown, params: unknown) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params });
    const mem = (id: unknown, args: unknown) => call(id, { name: 'memory_usage', arguments: args });

    const stored = await same(mem(2, { action: 'store', namespace: 'fp', key: 'a', value: '{"x":1}' }));
    expect(JSON.parse(stored!.result!.content[0]!.text)).toMatchObject({ success: true, stored: true, version: 1 });
    await same(mem('str-id', { action: 'store', namespace: 'fp', key: 'a', value: { x: 2 }, ifVersion: 1 }));
    expect((await same(mem(3, { action: 'store', namespace: 'fp', key: 'a', value: 'stale', ifVersion: 1 })))!.result!.isError).toBe(true);
    await same(mem(4, { action: 'store', namespace: 'fp', value: 'no key' }));
    await same(mem(5, { action: 'store', namespace: 'fp', key: 'b' }));
    await same(mem(6, { action: 'explode', key: 'b' }));
    await same(mem(7, '{"action":"store"}'));
    await same(mem(8, [1, 2]));
    await same(call(9, { name: 'memory_usage' }));
    await same(mem(10, { action: 'store', namespace: 'fp', key: 'big', value: 'x'.repeat(2_000_000) }));
    await same(mem(11, { action: 'retrieve', namespace: 'fp', key: 'a' }));
    await same(mem(12, { action: 'list', namespace: 'fp' }));
    await same(mem(13, { action: 'search', pattern: 'a*' }));
    await same(mem(14, { action: 'delete', namespace: 'fp', key: 'a' }));
    // Not the fast path's: _meta, another tool, a bad name, unusual ids and shapes, batches.
    await same(call(15, { name: 'memory_usage', arguments: { action: 'retrieve', key: 'a' }, _meta: { progressToken: 1 } }));
    await same(call(16, { name: 'no_such_tool', arguments: {} }));
    await same(call(17, { name: 42, arguments: {} }));
    await same(call(18, 'not an object'));
    await same(mem(1.5, { action: 'retrieve', key: 'a' }));
    await same(JSON.stringify({ jsonrpc: '2.0', id: 19, method: 'tools/call', params: { name: 'memory_usage', arguments: {} }, extra: 1 }));
    await same(JSON.stringify({ jsonrpc: '1.0', id: 20, method: 'tools/call', params: { name: 'memory_usage', arguments: {} } }));
    await same(`[${mem(21, { action: 'retrieve', namespace: 'fp', key: 'big' })}]`);
    await same('{not json');
    // The transport's own checks come first on both paths.
    await same(mem(22, { action: 'retrieve', key: 'a' }), { 'mcp-protocol-version': '1999-01-01' });
    await same(mem(23, { action: 'retrieve', key: 'a' }), { 'mcp-session-id': 'no-such-session' });
    await same(mem(24, { action: 'retrieve', key: 'a' }), { 'content-type': 'text/plain' });

    expect(fast.s.app.mcpStats.fastCalls).toBe(14);
    expect(sdk.s.app.mcpStats.fastCalls).toBe(0);
    // The two databases hold the same entries.
    const dump = (side: Side) => side.s.app.memory.list({ namespace: 'fp', limit: 100 }).items.map((e) => [e.key, e.raw, e.version]);
    expect(dump(fast)).toEqual(dump(sdk));
  });

  it('keeps per-call authorization: a token whose access is revoked mid-session is refused on the fast path too', async () => {
    const admin = fast.s.admin;
    const { token, id } = fast.s.app.identity.createToken(admin, { name: 'short-lived', scopes: [{ access: 'write', namespaces: 'fp' }] }, null);
    const side: Side = await open({ ...fast.s, token });
    const body = (n: number, ns = 'fp') =>
      JSON.stringify({
        jsonrpc: '2.0',
        id: n,
        method: 'tools/call',
        params: { name: 'memory_usage', arguments: { action: 'store', namespace: ns, key: 'k', value: 'v' } },
      });
    const ok = JSON.parse((await post(side, body(1))).text);
    expect(JSON.parse(ok.result.content[0].text)).toMatchObject({ stored: true });
    // Outside its scope: a tool error naming the namespace, not a write.
    const outside = JSON.parse((await post(side, body(2, 'elsewhere'))).text);
    expect(outside.result.isError).toBe(true);
    expect(fast.s.app.memory.retrieve({ namespace: 'elsewhere', key: 'k' })).toBeNull();
    fast.s.app.identity.revokeToken(admin, id, null);
    expect((await post(side, body(3))).status).toBe(401);
  });
});
