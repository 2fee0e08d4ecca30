import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../lib/session-types.ts';
import { api, startTestServer, type TestServer } from './helpers.ts';

// GET /api/v1/sessions answers one page (most recent activity first) with the true total and a cursor to the rest.
const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
let clock: number;
let s: TestServer;

beforeEach(async () => {
  clock = T0;
  s = await startTestServer({ now: () => clock, sessionIdleMinutes: 100, sweepIntervalMs: 3_600_000 });
});
afterEach(() => s.close());

type Page = { items: SessionSummary[]; seq: number; total: number; nextCursor: string | null };
const list = async (qs: string): Promise<Page> => {
  const r = await api(s.url, `/api/v1/sessions${qs}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};

describe('session list paging', () => {
  it('walks every session once by cursor, newest first, with the true total', async () => {
    for (let i = 0; i < 7; i++) {
      // Two sessions share each instant, so the cursor must break ties by id.
      clock = T0 + Math.floor(i / 2) * 60_000;
      const r = await api(s.url, '/api/v1/memory/entry', {
        method: 'PUT',
        json: { namespace: `proj-${i}`, key: `session/dev-${i}/state`, value: JSON.stringify({ title: `Session ${i}` }) },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const all = await list('');
    expect(all.total).toBe(7);
    expect(all.items).toHaveLength(7);
    expect(all.nextCursor).toBeNull();

    const seen: SessionSummary[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await list(`?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.total).toBe(7);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen.map((x) => x.id)).toEqual(all.items.map((x) => x.id));
    expect(new Set(seen.map((x) => x.id)).size).toBe(7);
    const times = seen.map((x) => Date.parse(x.lastActivityAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    // The total follows the filters, not the page.
    const development = await list('?type=development&limit=1');
    expect(development.total).toBe(7);
    expect(development.items).toHaveLength(1);
    expect(development.nextCursor).not.toBeNull();
    expect(await list('?type=planning')).toMatchObject({ items: [], total: 0, nextCursor: null });
  });

  it('refuses a cursor it did not hand out', async () => {
    const r = await api(s.url, '/api/v1/sessions?cursor=not-a-cursor');
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body)).toMatch(/cursor/);
  });
});
