// The full-text index stays in step with memory_entries (issue 20): a seeded random walk of stores,
// updates, deletes, expiry (TTL reads and the sweep), imports, rollbacks to kept versions, VACUUM and
// a backup restored, checking after each step that FTS5's own integrity check passes and that
// search answers exactly what a brute-force scan of the live rows says it should.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type DbHandle } from '../db/client.ts';
import type { Writer } from '../server/gate.ts';
import { backupDatabase, restoreDatabase } from '../server/safety/backup.ts';
import { applyImport, exportLines, parseExport } from '../server/safety/portable.ts';
import { createServices, type Services } from '../server/services.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-fts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** mulberry32: the same walk on every run; the seed is in the failure message. */
function prng(seed: number) {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['alpha', 'alphabet', 'beta', 'Gamma', 'gam', 'delta', 'Éclair', 'eclairs', 'lock', 'blocked', 'x1', 'x10'];
const SEPARATORS = [' ', ' ', '-', '/', '_', '.', '"', ', '];
const PROBES = ['alpha', 'alph', 'beta', 'gamma', 'gam', 'eclair', 'lock', 'x1', 'ocke', 'lph', 'a-b', 'alpha beta', 'x10 lock'];
const writer: Writer = { label: 'walker', principalId: null, accountId: null };

interface Live {
  namespace: string;
  key: string;
  value: string;
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const words = (s: string) =>
  fold(s)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** What search must return for a query, by its documented rules, from the live rows alone. */
function expected(rows: Live[], query: string): string[] {
  const terms = query.split(/\s+/).filter(Boolean);
  const plain = (t: string) => /^[\p{L}\p{N}]+$/u.test(t);
  const asWritten = (r: Live, t: string) => r.key.toLowerCase().includes(t.toLowerCase()) || r.value.toLowerCase().includes(t.toLowerCase());
  const wordMatch = (r: Live, t: string) => {
    if (plain(t)) return [...words(r.key), ...words(r.value)].some((w) => (t.length > 1 ? w.startsWith(fold(t)) : w === fold(t)));
    // A punctuated term: its words as a run of whole words, in key or value, and the term as written.
    const run = words(t).join(' ');
    return (` ${words(r.key).join(' ')} `.includes(` ${run} `) || ` ${words(r.value).join(' ')} `.includes(` ${run} `)) && asWritten(r, t);
  };
  const byWords = rows.filter((r) => terms.every((t) => wordMatch(r, t)));
  const found = byWords.length > 0 ? byWords : rows.filter((r) => terms.every((t) => asWritten(r, t)));
  return found.map((r) => `${r.namespace}:${r.key}`).sort();
}

function check(h: DbHandle, services: Services, clock: number, step: string) {
  // FTS5's own check: the index holds exactly the words of the content table's rows.
  expect(() => h.sqlite.prepare("INSERT INTO memory_fts(memory_fts, rank) VALUES ('integrity-check', 1)").run(), step).not.toThrow();
  const live = h.sqlite.prepare('SELECT namespace, key, value FROM memory_entries WHERE expires_at IS NULL OR expires_at > ?').all(clock) as Live[];
  for (const q of PROBES) {
    const got = services.memory
      .search({ query: q, limit: 1000 })
      .items.map((e) => `${e.namespace}:${e.key}`)
      .sort();
    expect(got, `${step}: search "${q}"`).toEqual(expected(live, q));
  }
  const glob = services.memory
    .search({ pattern: 'k1*', limit: 1000 })
    .items.map((e) => `${e.namespace}:${e.key}`)
    .sort();
  expect(glob, `${step}: glob k1*`).toEqual(
    live
      .filter((r) => r.key.startsWith('k1'))
      .map((r) => `${r.namespace}:${r.key}`)
      .sort(),
  );
}

describe('the FTS index against a brute-force scan', () => {
  it.each([1, 2])(
    'random walk, seed %i',
    async (seed) => {
      const rand = prng(seed);
      const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)]!;
      const text = () => Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pick(WORDS) + pick(SEPARATORS)).join('');
      let clock = 1_800_000_000_000;
      const path = join(dir, `walk-${seed}.db`);
      let h = openDatabase(path, { backgroundCheckpoint: false });
      let services = createServices(h, { now: () => clock, historyLimit: 5 });
      const ns = () => pick(['n1', 'n2', 'n3']);
      const key = () => pick(['k1', 'k10', 'k2', 'k1/a', 'alpha/k3', 'lock-k4', 'Gamma_k5']);

      for (let i = 0; i < 120; i++) {
        const r = rand();
        let step = `seed ${seed} step ${i}`;
        if (r < 0.45) {
          const ttl = rand() < 0.2 ? 1 + Math.floor(rand() * 5) : undefined;
          services.memory.store({ namespace: ns(), key: key(), value: text(), ttl }, writer);
          step += ' store';
        } else if (r < 0.6) {
          services.memory.delete({ namespace: ns(), key: key() }, writer);
          step += ' delete';
        } else if (r < 0.7) {
          clock += 1000 * Math.floor(1 + rand() * 4); // some TTLs pass: hidden at once, purged by the sweep
          if (rand() < 0.7) services.memory.sweep();
          step += ' expire';
        } else if (r < 0.8) {
          // Rollback: a kept version written back.
          const target = { namespace: ns(), key: key() };
          const versions = services.memory.history(target).filter((x) => x.op === 'store');
          if (versions.length > 0) services.memory.restoreVersion({ ...target, version: pick(versions).version }, writer);
          step += ' rollback';
        } else if (r < 0.9) {
          // Import: another database's export, applied in one of the three modes.
          const otherPath = join(dir, `other-${seed}-${i}.db`);
          const other = openDatabase(otherPath, { backgroundCheckpoint: false });
          const otherServices = createServices(other, { now: () => clock + 500 });
          for (let j = 0; j < 4; j++) otherServices.memory.store({ namespace: ns(), key: key(), value: text() }, writer);
          other.close();
          const parsed = parseExport([...exportLines(otherPath, { now: clock })].join('\n'));
          applyImport(h, services, parsed, { mode: pick(['skip', 'overwrite', 'merge'] as const), writer, now: clock });
          step += ' import';
        } else if (r < 0.95) {
          h.sqlite.exec('VACUUM'); // would renumber rowids of a table without an INTEGER PRIMARY KEY
          step += ' vacuum';
        } else {
          // A backup restored over the file, then reopened.
          const backup = join(dir, `backup-${seed}-${i}.db`);
          await backupDatabase(h.sqlite, backup);
          h.close();
          await restoreDatabase(backup, path, { force: true });
          h = openDatabase(path, { backgroundCheckpoint: false });
          services = createServices(h, { now: () => clock, historyLimit: 5 });
          step += ' restore';
        }
        check(h, services, clock, step);
      }
      h.close();
    },
    120_000,
  );
});
