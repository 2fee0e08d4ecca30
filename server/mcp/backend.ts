import type { DeleteResult, HistoryItem, MemoryEntry, Page, SearchHit, StoreResult } from '../../lib/memory-types.ts';
import type { MemoryService } from '../memory/service.ts';
import { readableNamespacePatterns } from '../../lib/access.ts';
import { authorize } from '../auth/authorize.ts';
import { namespaceOf } from '../../lib/memory-schema.ts';
import type { Caller, WriteGate } from '../gate.ts';
import { deleteOp, storeOp } from '../memory/ops.ts';

/**
 * What the MCP tools and the CLI need from memory. In a process that holds the database (the
 * server, or stdio and the CLI on a file) it is {@link gatedBackend}; with BATON_URL it is the REST
 * API of a running Baton (cli/remote.ts), so writes are broadcast by that server.
 */
export interface MemoryBackend {
  store(input: Record<string, unknown>): Promise<StoreResult>;
  retrieve(input: Record<string, unknown>): Promise<MemoryEntry | null>;
  list(input: Record<string, unknown>): Promise<Page<MemoryEntry>>;
  search(input: Record<string, unknown>): Promise<Page<SearchHit>>;
  delete(input: Record<string, unknown>): Promise<DeleteResult>;
  history(input: Record<string, unknown>): Promise<HistoryItem[]>;
}

/**
 * Memory for a caller: writes through the write gate (authorize, rate limit, validate, audit in the
 * write's own transaction), reads authorized for the caller as of each call. `caller` is asked per
 * call, so a revoked token stops at once. `immediate` commits each write at once (a process with one
 * agent has nothing to group-commit).
 */
export function gatedBackend(memory: MemoryService, gate: WriteGate, caller: () => Caller, options: { immediate?: boolean } = {}): MemoryBackend {
  const principal = () => gate.caller(caller());
  const read = (input: Record<string, unknown>) => authorize(principal(), { action: 'memory:read', namespace: namespaceOf(input.namespace) });
  return {
    store: (input) => gate.write(caller(), storeOp(memory, input, options)),
    retrieve: async (input) => (read(input), memory.retrieve(input)),
    list: async (input) => (read(input), memory.list(input)),
    search: async (input) => {
      const p = principal();
      const patterns = readableNamespacePatterns(p);
      if (patterns.length === 0) authorize(p, { action: 'memory:read', namespace: '*' });
      if (input.namespace !== undefined) read(input);
      return memory.searchAsync(input, patterns);
    },
    delete: (input) => gate.write(caller(), deleteOp(memory, input, options)),
    history: async (input) => (read(input), memory.history(input)),
  };
}
