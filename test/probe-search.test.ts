import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryService } from '../server/memory/service.ts';
import { api, openTempDatabase, startTestServer, type TestServer } from './helpers.ts';

// Probe (issue 20 review): hostile text queries must neither fail nor cost time in step with the table.

describe('a NUL inside a term', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: 'p', key: 'session/nul', value: 'session notes' } });
  });
  afterAll(() => s.close());

  it('is a separator, not an FTS5 "unterminated string" 500', async () => {
    for (const q of ['sess\u0000ion', 'session\u0000', '\u0000session', 'a\u0000"b']) {
      const r = await api(s.url, `/api/v1/memory/search?q=${encodeURIComponent(q)}`);
      expect(r.status, JSON.stringify(q)).toBe(200);
    }
    const r = await api(s.url, `/api/v1/memory/search?q=${encodeURIComponent('session\u0000notes')}`);
    expect(r.body.items.map((e: { key: string }) => e.key)).toEqual(['session/nul']);
  });

  it('a token scoped to one namespace finds nothing of another, by any path (ranked, inside words, punctuation, glob)', async () => {
    await api(s.url, '/api/v1/memory/entry', {
      method: 'PUT',
      json: { namespace: 'secret', key: 'plan', value: 'launch codes <script>x</script> 100% zebra' },
    });
    await api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: 'open', key: 'plan', value: 'nothing here' } });
    const made = await api(s.url, '/api/v1/tokens', { method: 'POST', json: { name: 'scoped', scopes: [{ access: 'read', namespaces: 'open' }] } });
    for (const q of ['launch', 'codes zebra', 'aunch', '100%', '%', '<script>', 'plan']) {
      const r = await api(s.url, `/api/v1/memory/search?q=${encodeURIComponent(q)}`, { token: made.body.token });
      expect(r.status, q).toBe(200);
      expect(
        r.body.items.filter((e: { namespace: string }) => e.namespace !== 'open'),
        q,
      ).toEqual([]);
    }
    expect(
      (await api(s.url, '/api/v1/memory/search?pattern=plan', { token: made.body.token })).body.items.map((e: { namespace: string }) => e.namespace),
    ).toEqual(['open']);
    expect((await api(s.url, '/api/v1/memory/search?q=launch&namespace=secret', { token: made.body.token })).status).toBe(403);
  });
});

describe('a query with no letter or digit', () => {
  const db = openTempDatabase();
  const memory = new MemoryService(db.handle, { insideWordsRows: 10 });
  afterAll(() => db.cleanup());

  it('reads only the newest entries (like the inside-words fallback), still in key order', () => {
    memory.store({ namespace: 'p', key: 'old', value: 'costs 100%' }, 't');
    for (let i = 0; i < 20; i++) memory.store({ namespace: 'p', key: `k${String(i).padStart(2, '0')}`, value: i % 5 === 0 ? 'at 50%' : 'plain' }, 't');
    // The newest 10 are k10..k19; of them k10 and k15 hold a %.
    expect(memory.search({ query: '%' }).items.map((e) => e.key)).toEqual(['k10', 'k15']);
    const page = memory.search({ query: '%', limit: 1 });
    expect(page.items.map((e) => e.key)).toEqual(['k10']);
    expect(memory.search({ query: '%', limit: 1, cursor: page.nextCursor! }).items.map((e) => e.key)).toEqual(['k15']);
    // A glob alone is not a text search: unchanged.
    expect(memory.search({ pattern: 'old' }).items.map((e) => e.key)).toEqual(['old']);
  });
});
