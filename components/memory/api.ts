import { api } from '../auth/api';
import type { Change } from '../../lib/events';
import type { HistoryItem, MemoryEntry, NamespaceCount, Page, SearchHit } from '../../lib/memory-types';

/** GET with query parameters (empty ones left out), through the app's one API client. */
function getJson<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') qs.set(k, String(v));
  return api<T>(`${path}${qs.size ? `?${qs}` : ''}`);
}

export const memoryApi = {
  namespaces: () => getJson<{ items: NamespaceCount[]; seq: number }>('/api/v1/memory/namespaces'),

  /** Every live entry of a namespace, following cursors; the seq is the first page's (the oldest). */
  async listAll(namespace: string): Promise<{ items: MemoryEntry[]; seq: number }> {
    const items: MemoryEntry[] = [];
    let cursor: string | undefined;
    let seq: number | null = null;
    do {
      const page = await getJson<Page<MemoryEntry>>('/api/v1/memory', { namespace, cursor, limit: 1000 });
      seq ??= page.seq;
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && items.length < 20_000);
    return { items, seq: seq ?? 0 };
  },

  /** A text query answers best first, so its first 100 are the ones worth showing; a glob lists up to 500. */
  search: (params: { pattern?: string; q?: string; namespace?: string }) =>
    getJson<Page<SearchHit>>('/api/v1/memory/search', { ...params, limit: params.q ? 100 : 500 }),

  entry: (namespace: string, key: string) => getJson<MemoryEntry>('/api/v1/memory/entry', { namespace, key }),

  history: (namespace: string, key: string) => getJson<{ items: HistoryItem[] }>('/api/v1/memory/history', { namespace, key }),

  /** Writes the value `version` had as a new version (only while the key is still at `ifVersion`). */
  restore: (namespace: string, key: string, version: number, ifVersion?: number) =>
    api<{ version: number; seq: number; restoredFrom: number }>('/api/v1/memory/entry/restore', {
      method: 'POST',
      body: { namespace, key, version, ifVersion },
    }),

  recent: (limit = 15) => getJson<{ items: Change[]; seq: number }>('/api/v1/changes/recent', { limit }),
};
