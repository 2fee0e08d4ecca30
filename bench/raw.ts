import { openDatabase } from '../db/client.ts';
import { MemoryService } from '../server/memory/service.ts';

export interface Workload {
  namespace: string;
  keys: number;
  value: string;
}

/** Runs `step(i)` repeatedly for `ms` (after a short warm-up) and returns operations per second. */
function timed(ms: number, step: (i: number) => void): { ops: number; perSec: number } {
  for (let i = 0; i < 2000; i++) step(i);
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let j = 0; j < 200; j++) step(2000 + n++);
    now = process.hrtime.bigint();
  }
  const seconds = Number(now - start) / 1e9;
  return { ops: n, perSec: n / seconds };
}

/**
 * (a) The floor of what a write costs: one BEGIN IMMEDIATE transaction per write with an upsert into
 * memory_entries and an insert into changes, raw prepared statements, on a file opened exactly as
 * db/client.ts opens it (WAL, synchronous=NORMAL, busy_timeout, same migrated schema and indexes).
 */
export function rawBaseline(path: string, w: Workload, ms: number) {
  const h = openDatabase(path);
  const s = h.sqlite;
  const upsert = s.prepare<unknown[], { version: number }>(
    `INSERT INTO memory_entries (namespace, key, value, version, size, created_at, updated_at, updated_by, expires_at)
     VALUES (?, ?, ?, 1, ?, ?, ?, ?, NULL)
     ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, version = memory_entries.version + 1,
       size = excluded.size, updated_at = excluded.updated_at, updated_by = excluded.updated_by, expires_at = NULL
     RETURNING version`,
  );
  const change = s.prepare(
    `INSERT INTO changes (topic, namespace, key, op, version, value, actor, at, expires_at)
     VALUES ('memory', ?, ?, 'store', ?, ?, ?, ?, NULL)`,
  );
  const size = Buffer.byteLength(w.value);
  const write = s.transaction((key: string) => {
    const now = Date.now();
    const { version } = upsert.get(w.namespace, key, w.value, size, now, now, 'bench')!;
    change.run(w.namespace, key, version, w.value, 'bench', now);
  });
  const result = timed(ms, (i) => write.immediate(`k/${i % w.keys}`));
  h.close();
  return result;
}

/** Diagnostic: the real MemoryService.store (zod parse, entry read, upsert, change + history rows, pruning), no transport. */
export function serviceStore(path: string, w: Workload, ms: number) {
  const h = openDatabase(path);
  const memory = new MemoryService(h);
  const result = timed(ms, (i) => memory.store({ namespace: w.namespace, key: `k/${i % w.keys}`, value: w.value }, 'bench'));
  h.close();
  return result;
}
