/**
 * Where the raw baseline's time goes: the (a) transaction with SQLite's automatic checkpoint (which
 * runs, fsyncs included, inside whichever COMMIT crosses 1000 WAL pages, i.e. on the event loop) versus
 * checkpoints run from a worker thread on its own connection. Reports writes/s, CPU per write and the
 * worst single-write stall.
 *
 *   node --import tsx bench/probes/checkpoint.ts
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { openDatabase } from '../../db/client.ts';
import { payload, percentile, round } from '../lib.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-ckpt-'));
const N = Number(process.env.PROBE_WRITES ?? 30_000);

function run(label: string, path: string, setup: (s: Database.Database) => void) {
  const h = openDatabase(path);
  const s = h.sqlite;
  setup(s);
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
  const value = payload(128);
  const write = s.transaction((key: string) => {
    const now = Date.now();
    const { version } = upsert.get('bench', key, value, 128, now, now, 'bench')!;
    change.run('bench', key, version, value, 'bench', now);
  });
  for (let i = 0; i < 2000; i++) write.immediate(`k/${i % 1000}`);
  const stalls: number[] = [];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const w0 = performance.now();
    write.immediate(`k/${i % 1000}`);
    stalls.push(performance.now() - w0);
  }
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  stalls.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      label,
      writesPerSec: Math.round((N / wall) * 1000),
      cpuUsPerWrite: round((c.user + c.system) / N, 0),
      writeMs: { p50: round(percentile(stalls, 50), 3), p99: round(percentile(stalls, 99), 3), max: round(stalls.at(-1)!, 1) },
    }),
  );
  h.close();
}

try {
  run('autocheckpoint 1000 (db/client.ts today)', join(dir, 'a.db'), () => {});
  // Checkpoint off the event loop: the main connection never checkpoints; a worker does, every 100 ms.
  const path = join(dir, 'b.db');
  openDatabase(path).close();
  const worker = new Worker(
    `const Database = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))});
     const { parentPort } = require('node:worker_threads');
     const db = new Database(${JSON.stringify(path)});
     db.pragma('busy_timeout = 5000');
     const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), 100);
     parentPort.on('message', () => { clearInterval(timer); db.close(); process.exit(0); });`,
    { eval: true },
  );
  run('autocheckpoint off + worker-thread PASSIVE checkpoint every 100 ms', path, (s) => s.pragma('wal_autocheckpoint = 0'));
  worker.postMessage('stop');
  await new Promise((r) => worker.once('exit', r));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
