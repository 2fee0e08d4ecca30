import type { DeleteResult, HistoryItem, MemoryEntry, Page, StoreResult } from '../../lib/memory-types.ts';
import { BatonError, type ApiError } from '../../lib/errors.ts';
import type { MemoryService } from '../memory/service.ts';
import { principalLabel, readableNamespacePatterns, type Principal } from '../../lib/access.ts';
import type { AuditLog } from '../auth/audit.ts';
import { authorize } from '../auth/authorize.ts';
import { namespaceOf } from '../../lib/memory-schema.ts';

/**
 * What the MCP tools and the CLI need from memory. In the server (and in stdio mode without a
 * server) it is the MemoryService itself; with BATON_URL it is the REST API of a running Baton,
 * so writes are broadcast by that server.
 */
export interface MemoryBackend {
  store(input: Record<string, unknown>): Promise<StoreResult>;
  retrieve(input: Record<string, unknown>): Promise<MemoryEntry | null>;
  list(input: Record<string, unknown>): Promise<Page<MemoryEntry>>;
  search(input: Record<string, unknown>): Promise<Page<MemoryEntry>>;
  delete(input: Record<string, unknown>): Promise<DeleteResult>;
  history(input: Record<string, unknown>): Promise<HistoryItem[]>;
}

/**
 * The server's MCP backend: every call is authorized for the session's caller (re-read per call,
 * so a revoked token stops at once) and every write is audited in the write's own transaction.
 */
export function authorizedBackend(
  memory: MemoryService,
  caller: () => Principal,
  audit: AuditLog,
  ip: string | null,
): MemoryBackend {
  const ns = (input: Record<string, unknown>) => namespaceOf(input.namespace);
  const read = (input: Record<string, unknown>) => authorize(caller(), { action: 'memory:read', namespace: ns(input) });
  const write = (input: Record<string, unknown>, action: string) => {
    const namespace = ns(input);
    const p = caller();
    try {
      authorize(p, { action: 'memory:write', namespace });
    } catch (err) {
      audit.record({ principal: p, action, target: `${namespace}/${String(input.key ?? '')}`.slice(0, 700), outcome: 'denied', ip });
      throw err;
    }
    return p;
  };
  const label = (p: Principal) => `mcp:${principalLabel(p)}`;
  return {
    store: async (input) => {
      const p = write(input, 'memory.store');
      return memory.storeSoon(input, label(p), (r) =>
        audit.record({ principal: p, action: 'memory.store', target: `${r.namespace}/${r.key}`, ip, detail: { version: r.version, seq: r.seq, via: 'mcp' } }),
      );
    },
    retrieve: async (input) => (read(input), memory.retrieve(input)),
    list: async (input) => (read(input), memory.list(input)),
    search: async (input) => {
      const patterns = readableNamespacePatterns(caller());
      if (patterns.length === 0) authorize(caller(), { action: 'memory:read', namespace: '*' });
      if (input.namespace !== undefined) read(input);
      return memory.search(input, patterns);
    },
    delete: async (input) => {
      const p = write(input, 'memory.delete');
      return memory.deleteSoon(input, label(p), (r) =>
        audit.record({ principal: p, action: 'memory.delete', target: `${r.namespace}/${r.key}`, ip, detail: { deleted: r.deleted, via: 'mcp' } }),
      );
    },
    history: async (input) => (read(input), memory.history(input)),
  };
}

/** Direct access to a database file (the CLI's --db, stdio MCP without a server): trusted like the file itself. */
export function localBackend(memory: MemoryService, actor: string): MemoryBackend {
  // One agent per process, one call at a time: nothing to batch, so each write commits at once
  // (group commit would add a tick and two savepoints to every call for no sharing).
  return {
    store: async (input) => memory.store(input, actor),
    retrieve: async (input) => memory.retrieve(input),
    list: async (input) => memory.list(input),
    search: async (input) => memory.search(input),
    delete: async (input) => memory.delete(input, actor),
    history: async (input) => memory.history(input),
  };
}

/** A running Baton over REST; its errors come back as the same BatonError values. */
export function remoteBackend(baseUrl: string, options: { token?: string; actor?: string } = {}): MemoryBackend {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.actor) headers['x-baton-actor'] = options.actor;
  const root = baseUrl.replace(/\/+$/, '');

  async function call<T>(method: string, path: string, params: Record<string, unknown>, body?: unknown): Promise<T> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) qs.set(k, String(v));
    let res: Response;
    try {
      res = await fetch(`${root}${path}${qs.size ? `?${qs}` : ''}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new BatonError('internal', `Cannot reach Baton at ${root}: ${(err as Error).message}`);
    }
    const payload = (await res.json().catch(() => null)) as { error?: ApiError } | null;
    if (!res.ok) {
      const e = payload?.error;
      if (res.status === 404 && method === 'GET' && path.endsWith('/entry')) return null as T;
      throw new BatonError(e?.code ?? 'internal', e?.message ?? `Baton answered ${res.status}`, {
        field: e?.field,
        currentVersion: e?.currentVersion,
      });
    }
    return payload as T;
  }

  return {
    store: (input) => call('PUT', '/api/v1/memory/entry', {}, input),
    retrieve: (input) => call('GET', '/api/v1/memory/entry', { namespace: input.namespace, key: input.key }),
    list: (input) => call('GET', '/api/v1/memory', input),
    search: (input) => call('GET', '/api/v1/memory/search', input),
    delete: (input) => call('DELETE', '/api/v1/memory/entry', { namespace: input.namespace, key: input.key }),
    history: async (input) =>
      (await call<{ items: HistoryItem[] }>('GET', '/api/v1/memory/history', { namespace: input.namespace, key: input.key }))
        .items,
  };
}
