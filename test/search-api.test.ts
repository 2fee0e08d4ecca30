// Ranked search over the wire (issue 20): REST `q` and MCP memory_usage `query` return the best
// matches first with highlighted snippets; hostile text is plain text (200, never 500).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from './helpers.ts';

let s: TestServer;
let mcp: Client;
const NS = 'search-api';

beforeAll(async () => {
  s = await startTestServer();
  const put = (key: string, value: unknown) => api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: NS, key, value } });
  expect((await put('notes/friday', 'We deploy on Fridays only with a rollback plan.')).status).toBe(201);
  expect((await put('runbook/deploy', { steps: ['build', 'migrate', 'switch traffic'] })).status).toBe(201);
  expect((await put('notes/monday', 'Standup moved to 10:00.')).status).toBe(201);
  expect((await put('session/dev-1/blockers', ['<b>deploy</b> blocked by <script>alert(1)</script>'])).status).toBe(201);
  mcp = new Client({ name: 'baton-test', version: '1.0.0' });
  await mcp.connect(new StreamableHTTPClientTransport(new URL('/mcp', s.url), { requestInit: { headers: { authorization: `Bearer ${s.token}` } } }));
});
afterAll(async () => {
  await mcp.close();
  await s.close();
});

interface Span {
  text: string;
  ranges: [number, number][];
}
const marked = (span: Span) => span.ranges.map(([a, b]) => span.text.slice(a, b));

describe('REST GET /api/v1/memory/search?q=', () => {
  it('answers best first, with scores and highlighted key and value snippets', async () => {
    const res = await api(s.url, `/api/v1/memory/search?namespace=${NS}&q=deploy`);
    expect(res.status).toBe(200);
    const items = res.body.items as { key: string; match: { score: number; key: Span; value: Span } }[];
    expect(items[0]!.key).toBe('runbook/deploy'); // the key match first
    expect(items.map((i) => i.key).sort()).toEqual(['notes/friday', 'runbook/deploy', 'session/dev-1/blockers']);
    const scores = items.map((i) => i.match.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(marked(items[0]!.match.key)).toEqual(['deploy']);
    const friday = items.find((i) => i.key === 'notes/friday')!.match.value;
    expect(friday.text).toBe('We deploy on Fridays only with a rollback plan.');
    expect(marked(friday)).toEqual(['deploy']);
    // Markup in a value comes back as text with ranges, never as markers to inject.
    const blockers = items.find((i) => i.key === 'session/dev-1/blockers')!.match.value;
    expect(blockers.text).toContain('<script>alert(1)</script>');
    expect(marked(blockers)).toEqual(['deploy']);
    expect(typeof res.body.seq).toBe('number');
  });

  it('pages with nextCursor', async () => {
    const first = await api(s.url, `/api/v1/memory/search?namespace=${NS}&q=deploy&limit=1`);
    expect(first.body.items).toHaveLength(1);
    const second = await api(s.url, `/api/v1/memory/search?namespace=${NS}&q=deploy&limit=1&cursor=${first.body.nextCursor}`);
    expect(second.status).toBe(200);
    expect(second.body.items[0].key).not.toBe(first.body.items[0].key);
    const bad = await api(s.url, `/api/v1/memory/search?q=deploy&cursor=nonsense`);
    expect(bad.status).toBe(422);
    expect(bad.body.error.field).toBe('cursor');
  });

  it.each(['"', '*', 'AND', 'NEAR(', '"unbalanced', 'deploy OR', "'; --", '%', '\\'])('q=%s is plain text: 200', async (q) => {
    const res = await api(s.url, `/api/v1/memory/search?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.items)).toBe(true);
  });

  it('refuses an over-long query naming the field', async () => {
    const res = await api(s.url, `/api/v1/memory/search?q=${'x'.repeat(1001)}`);
    expect(res.status).toBe(422);
    expect(res.body.error.field).toBe('query');
  });
});

describe('MCP memory_usage search', () => {
  const call = async (args: Record<string, unknown>) => {
    const result = await mcp.callTool({ name: 'memory_usage', arguments: args });
    return { isError: result.isError === true, body: JSON.parse((result.content as { text: string }[])[0]!.text) as Record<string, any> };
  };

  it('ranks a text query and returns each match with its snippet', async () => {
    const r = await call({ action: 'search', namespace: NS, query: 'rollback deploy' });
    expect(r.isError).toBe(false);
    expect(r.body.results.map((x: { key: string }) => x.key)).toEqual(['notes/friday']);
    const hit = r.body.results[0];
    expect(hit.score).toBeGreaterThan(0);
    expect(marked(hit.match.value).sort()).toEqual(['deploy', 'rollback']);
  });

  it('keeps pattern for key globs (score 1, key order)', async () => {
    const r = await call({ action: 'search', namespace: NS, pattern: 'notes/*' });
    expect(r.body.results.map((x: { key: string; score: number }) => [x.key, x.score])).toEqual([
      ['notes/friday', 1],
      ['notes/monday', 1],
    ]);
    expect(r.body.results[0].match).toBeUndefined();
  });

  it('combines pattern and query, and takes hostile text as text', async () => {
    const r = await call({ action: 'search', pattern: 'notes/*', query: 'deploy' });
    expect(r.body.results.map((x: { key: string }) => x.key)).toEqual(['notes/friday']);
    for (const q of ['"', 'NEAR(', 'AND', '*']) {
      const h = await call({ action: 'search', query: q });
      expect(h.isError).toBe(false);
      expect(h.body.success).toBe(true);
    }
  });
});
