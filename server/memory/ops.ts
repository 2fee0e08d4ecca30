import { namespaceOf } from '../../lib/memory-schema.ts';
import type { DeleteResult, StoreResult } from '../../lib/memory-types.ts';
import type { GateOp } from '../gate.ts';
import type { MemoryService } from './service.ts';

// Memory writes as gate operations: the one description of a store or a delete that every transport
// (REST, Socket.IO, MCP, the CLI on a file) hands to the write gate.

const target = (namespace: string, key: unknown) => `${namespace}/${typeof key === 'string' ? key : ''}`.slice(0, 700);

/**
 * A store. `immediate` commits at once instead of through group commit (a one-agent process has
 * nothing to batch). The audit row is written inside the write's own transaction.
 */
export function storeOp(memory: MemoryService, input: Record<string, unknown>, options: { immediate?: boolean } = {}): GateOp<StoreResult> {
  const namespace = namespaceOf(input.namespace);
  return {
    action: 'memory.store',
    target: target(namespace, input.key),
    authorize: { action: 'memory:write', namespace },
    input,
    run: ({ writer, audit }) => {
      const record = (r: StoreResult) => audit({ detail: { version: r.version, seq: r.seq }, target: `${r.namespace}/${r.key}` });
      if (!options.immediate) return memory.storeSoon(input, writer, record);
      const result = memory.store(input, writer);
      record(result);
      return result;
    },
  };
}

export function deleteOp(memory: MemoryService, input: Record<string, unknown>, options: { immediate?: boolean } = {}): GateOp<DeleteResult> {
  const namespace = namespaceOf(input.namespace);
  return {
    action: 'memory.delete',
    target: target(namespace, input.key),
    authorize: { action: 'memory:write', namespace },
    input,
    run: ({ writer, audit }) => {
      const record = (r: DeleteResult) => audit({ detail: { deleted: r.deleted, seq: r.seq }, target: `${r.namespace}/${r.key}` });
      if (!options.immediate) return memory.deleteSoon(input, writer, record);
      const result = memory.delete(input, writer);
      record(result);
      return result;
    },
  };
}

/**
 * Rollback of one key: the value an earlier version had, written as a new version (audited as
 * `memory.restore`, fed, projected and broadcast like any store).
 */
export function restoreOp(
  memory: MemoryService,
  input: Record<string, unknown>,
  options: { immediate?: boolean } = {},
): GateOp<StoreResult & { restoredFrom: number }> {
  const namespace = namespaceOf(input.namespace);
  return {
    action: 'memory.restore',
    target: target(namespace, input.key),
    authorize: { action: 'memory:write', namespace },
    input,
    run: ({ writer, audit }) => {
      const record = (r: StoreResult & { restoredFrom: number }) =>
        audit({ detail: { restoredFrom: r.restoredFrom, version: r.version, seq: r.seq }, target: `${r.namespace}/${r.key}` });
      if (!options.immediate) return memory.restoreSoon(input, writer, record);
      const result = memory.restoreVersion(input, writer);
      record(result);
      return result;
    },
  };
}
