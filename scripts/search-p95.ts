// Quick measurement (issue 20): search latency over a generated memory of N entries (default 100,000).
// Not a test and not part of `npm run bench`: `npx tsx scripts/search-p95.ts [entries] [file]`.
// Loads the rows straight into a fresh database file (the FTS triggers index them as they go; the
// load is not timed), then times text, glob and namespace searches through MemoryService.search.
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../db/client.ts';
import { MemoryService } from '../server/memory/service.ts';

const entries = Number(process.argv[2] ?? 100_000);
const file = process.argv[3] ?? join(tmpdir(), `baton-search-${process.pid}.db`);
// REUSE=1 with a file: time searches on a database an earlier run loaded.
const reuse = !!process.env.REUSE && !!process.argv[3];
if (!reuse) for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });

// Seeded PRNG (mulberry32) so every run searches the same data.
let seed = 20;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)]!;
const common = 'the a to of and in is for on with that this it as be was by are from at an or not but have'.split(' ');
const domain =
  'deploy build test review merge branch commit release rollback database migration index query cache token auth session agent handoff blocker decision goal workstream checkpoint progress error timeout retry queue worker socket schema backup restore latency throughput memory search ranking'.split(
    ' ',
  );
// Zipf-ish rare words: a long tail the corpus mentions now and then.
const rare = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}${'xyzqj'[i % 5]}`);
const sentence = (words: number) => Array.from({ length: words }, () => (rand() < 0.5 ? pick(common) : rand() < 0.7 ? pick(domain) : pick(rare))).join(' ');

const h = openDatabase(file, { backgroundCheckpoint: false });
const insert = h.sqlite.prepare(
  'INSERT INTO memory_entries (namespace, key, value, version, size, created_at, updated_at, updated_by) VALUES (?, ?, ?, 1, ?, 0, 0, ?)',
);
const started = Date.now();
const load = h.sqlite.transaction((from: number, to: number) => {
  for (let i = from; i < to; i++) {
    const ns = `team-${i % 20}`;
    const key = `${pick(['session', 'agent', 'notes', 'plan'])}/${Math.floor(i / 20)}/${pick(['state', 'blockers', 'decisions', 'log', pick(domain)])}`;
    const value =
      rand() < 0.5 ? JSON.stringify({ status: pick(domain), note: sentence(10 + Math.floor(rand() * 60)) }) : sentence(20 + Math.floor(rand() * 250));
    insert.run(ns, key, value, Buffer.byteLength(value), 'loader');
  }
});
if (!reuse) for (let i = 0; i < entries; i += 10_000) load(i, Math.min(entries, i + 10_000));
const loadMs = Date.now() - started;
h.sqlite.pragma('wal_checkpoint(TRUNCATE)');
const pages = (name: string) =>
  (h.sqlite.prepare("SELECT coalesce(sum(pgsize), 0) AS b FROM dbstat WHERE name = ? OR name LIKE ? || '_%'").get(name, name) as { b: number }).b;
const size = { file: statSync(file).size, entries: pages('memory_entries'), fts: pages('memory_fts') };

const memory = new MemoryService(h);
function time(label: string, inputs: Record<string, unknown>[], runs = Number(process.env.RUNS ?? 200)) {
  const ms: number[] = [];
  const cpu: number[] = []; // CPU time of this process: what the query costs when the machine is shared
  let found = 0;
  for (let i = 0; i < runs; i++) {
    const input = inputs[i % inputs.length]!;
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    found += memory.search(input).items.length;
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  cpu.sort((a, b) => a - b);
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(2);
  const c = (p: number) => cpu[Math.min(cpu.length - 1, Math.floor(p * cpu.length))]!.toFixed(2);
  console.log(
    `${label.padEnd(34)} p50 ${q(0.5).padStart(7)} ms  p95 ${q(0.95).padStart(7)} ms  max ${q(1).padStart(7)} ms  cpu p50 ${c(0.5).padStart(7)} ms  p95 ${c(0.95).padStart(7)} ms  (avg ${(found / runs).toFixed(1)} results)`,
  );
}

console.log(`${entries} entries loaded in ${(loadMs / 1000).toFixed(1)} s (indexed by the triggers as they went)`);
console.log(
  `file ${(size.file / 1e6).toFixed(1)} MB; memory_entries (+ indexes) ${(size.entries / 1e6).toFixed(1)} MB; memory_fts ${(size.fts / 1e6).toFixed(1)} MB (${(size.fts / entries).toFixed(0)} B/entry)`,
);
time(
  'text: one domain word (limit 20)',
  domain.map((w) => ({ query: w, limit: 20 })),
);
time(
  'text: one rare word (limit 20)',
  rare.slice(0, 200).map((w) => ({ query: w, limit: 20 })),
);
time(
  'text: two words (limit 20)',
  domain.map((w, i) => ({ query: `${w} ${domain[(i + 7) % domain.length]}`, limit: 20 })),
);
time('text: substring "ollba" (limit 20)', [{ query: 'ollba', limit: 20 }]);
time('text: common word "the" (limit 20)', [{ query: 'the', limit: 20 }], 20);
time(
  'text: domain word (limit 500)',
  domain.map((w) => ({ query: w, limit: 500 })),
  40,
);
time(
  'text + namespace (limit 20)',
  domain.map((w, i) => ({ query: w, namespace: `team-${i % 20}`, limit: 20 })),
);
time('glob session/* (limit 100)', [{ pattern: 'session/*', limit: 100 }]);
time('glob plan/1*/state (limit 100)', [{ pattern: 'plan/1*/state', limit: 100 }]);
time('glob */blockers (limit 100)', [{ pattern: '*/blockers', limit: 100 }]);
time('namespace + glob (limit 100)', [{ namespace: 'team-3', pattern: 'agent/*', limit: 100 }]);
h.close();
if (!process.argv[3] && !process.env.KEEP) for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
