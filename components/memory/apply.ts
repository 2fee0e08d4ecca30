import type { Change } from '../../lib/events';
import { parseValue } from '../../lib/memory-schema';
import type { MemoryEntry } from '../../lib/memory-types';

const encoder = new TextEncoder();

/** The entry a `store` change leaves behind; `previous` keeps the creation time. */
export function entryFromChange(change: Change, previous?: MemoryEntry): MemoryEntry {
  const raw = change.value ?? '';
  const { value, isJson } = parseValue(raw);
  return {
    namespace: change.namespace,
    key: change.key,
    value,
    raw,
    isJson,
    version: change.version,
    size: encoder.encode(raw).length,
    createdAt: change.version === 1 || !previous ? change.at : previous.createdAt,
    updatedAt: change.at,
    updatedBy: change.actor,
    expiresAt: change.expiresAt,
  };
}

/** Applies feed changes to a key → entry map of one namespace; returns a new map. */
export function applyChanges(entries: Map<string, MemoryEntry>, changes: Change[]): Map<string, MemoryEntry> {
  const next = new Map(entries);
  for (const change of changes) {
    if (change.op === 'store') next.set(change.key, entryFromChange(change, next.get(change.key)));
    else next.delete(change.key);
  }
  return next;
}

/** Namespace counts after changes: a version-1 store is a new key; delete and expire remove one. */
export function applyCounts(counts: Map<string, number>, changes: Change[]): Map<string, number> {
  const next = new Map(counts);
  for (const change of changes) {
    const delta = change.op === 'store' ? (change.version === 1 ? 1 : 0) : -1;
    if (delta === 0) continue;
    const count = (next.get(change.namespace) ?? 0) + delta;
    if (count > 0) next.set(change.namespace, count);
    else next.delete(change.namespace);
  }
  return next;
}

export function isExpired(entry: Pick<MemoryEntry, 'expiresAt'>, now: number): boolean {
  return entry.expiresAt !== null && Date.parse(entry.expiresAt) <= now;
}
