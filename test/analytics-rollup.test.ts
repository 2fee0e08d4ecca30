/**
 * Issue 20: analytics reads write counts from two roll-ups (write_stats_days, write_stats_kinds; migration 0009)
 * kept in step with write_stats by the fold. The answers must equal a brute-force count over the raw changes, in
 * any time zone and window, across fold batches, day boundaries and pruning, and on a database migrated from 0008.
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DbHandle } from '../db/client.ts';
import type { Analytics } from '../lib/analytics-types.ts';
import { AnalyticsService } from '../server/analytics/service.ts';
import { BUCKETS_PER_DAY, WriteStats, writerKind } from '../server/analytics/write-stats.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

type Change = { topic: string; op: 'store' | 'delete' | 'expire'; actor: string; at: number };
const ACTORS = ['token:a1', 'token:a2', 'token:a3', 'mcp:claude', 'cli:ops', 'system', 'baton', 'Mia', 'Noah', 'TOKEN:upper', 'tokens', 'mcp'];
const TZS = ['UTC', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Europe/Berlin', 'Australia/Lord_Howe'];

/** A deterministic pseudo-random source (tests must not flake). */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** `n` changes over `days` days before `end`, in time order: memory stores and deletes by many writers, some expiries and other topics. */
function generate(n: number, days: number, end: number, seed = 7): Change[] {
  const r = rng(seed);
  const out: Change[] = [];
  for (let i = 0; i < n; i++) {
    const at = end - Math.floor(r() * days * 86_400_000);
    const k = r();
    const topic = k < 0.9 ? 'memory' : 'session';
    const op = k < 0.05 ? 'expire' : k < 0.2 ? 'delete' : 'store';
    out.push({ topic, op, actor: ACTORS[Math.floor(r() * ACTORS.length)]!, at });
  }
  // Writes exactly on bucket and UTC-day edges, and twice in the same millisecond.
  const day = Math.floor(end / 86_400_000) * 86_400_000;
  for (const at of [day, day - 1, day - 86_400_000, day - 900_000, day - 900_001, day - 2 * 86_400_000 + 1, day - 1])
    if (at <= end) out.push({ topic: 'memory', op: 'store', actor: 'token:edge', at });
  return out.sort((a, b) => a.at - b.at);
}

function appendChanges(h: DbHandle, changes: Change[]) {
  const insert = h.sqlite.prepare("INSERT INTO changes (topic, namespace, key, op, version, value, actor, at) VALUES (?, 'n', 'k', ?, 1, NULL, ?, ?)");
  h.sqlite.transaction(() => {
    for (const c of changes) insert.run(c.topic, c.op, c.actor, c.at);
  })();
}

/** What analytics must say about writes, counted from the raw changes. */
function bruteForce(changes: Change[], a: Analytics) {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: a.query.tz, year: 'numeric', month: '2-digit', day: '2-digit' });
  const firstDate = a.daily[0]!.date;
  const daily = new Map(a.daily.map((d) => [d.date, { date: d.date, writes: 0, agentWrites: 0, peopleWrites: 0 }]));
  const byKind = { agent: 0, person: 0, cli: 0, system: 0 };
  const writers = new Map<string, { actor: string; kind: string; writes: number; lastAt: number }>();
  let total = 0;
  for (const c of changes) {
    if (c.topic !== 'memory' || c.op === 'expire') continue;
    const date = fmt.format(new Date(c.at));
    if (date < firstDate) continue;
    const kind = writerKind(c.actor);
    total++;
    byKind[kind]++;
    const d = daily.get(date);
    if (d) {
      d.writes++;
      if (kind === 'agent') d.agentWrites++;
      if (kind === 'person') d.peopleWrites++;
    }
    const w = writers.get(c.actor) ?? { actor: c.actor, kind, writes: 0, lastAt: 0 };
    w.writes++;
    w.lastAt = Math.max(w.lastAt, c.at);
    writers.set(c.actor, w);
  }
  return {
    writes: { total, byKind },
    daily: [...daily.values()],
    writers: [...writers.values()]
      .sort((x, y) => y.writes - x.writes || y.lastAt - x.lastAt || (x.actor < y.actor ? -1 : 1))
      .slice(0, 10)
      .map((w) => ({ ...w, lastAt: new Date(w.lastAt).toISOString() })),
  };
}
const writesOf = (a: Analytics) => ({
  writes: a.writes,
  daily: a.daily.map(({ date, writes, agentWrites, peopleWrites }) => ({ date, writes, agentWrites, peopleWrites })),
  writers: a.writers,
});

/** The roll-ups are exactly write_stats grouped by day and writer, and by bucket and kind. */
function expectRollupsInStep(h: DbHandle, fromDay = -Infinity) {
  const s = h.sqlite;
  const days = s.prepare('SELECT day, actor, writes, last_at AS lastAt FROM write_stats_days ORDER BY day, actor').all() as { day: number }[];
  const grouped = s
    .prepare('SELECT bucket / 96 AS day, actor, sum(writes) AS writes, max(last_at) AS lastAt FROM write_stats GROUP BY bucket / 96, actor ORDER BY day, actor')
    .all() as { day: number }[];
  expect(days.filter((d) => d.day >= fromDay)).toEqual(grouped.filter((d) => d.day >= fromDay));
  const kinds = s.prepare('SELECT bucket, kind, writes FROM write_stats_kinds ORDER BY bucket, kind').all();
  const sums = new Map<string, { bucket: number; kind: string; writes: number }>();
  for (const r of s.prepare('SELECT bucket, actor, writes FROM write_stats').all() as { bucket: number; actor: string; writes: number }[]) {
    const kind = writerKind(r.actor);
    const x = sums.get(`${r.bucket} ${kind}`) ?? { bucket: r.bucket, kind, writes: 0 };
    x.writes += r.writes;
    sums.set(`${r.bucket} ${kind}`, x);
  }
  expect(kinds).toEqual([...sums.values()].sort((a, b) => a.bucket - b.bucket || (a.kind < b.kind ? -1 : 1)));
}

const END = Date.parse('2026-04-02T17:37:12.345Z'); // 90 days back crosses both DST changes of 2026 in Europe and America

describe('analytics write counts from the roll-ups (issue 20)', () => {
  it('equal a brute-force count over the raw changes, in any time zone and window, folded in many batches', () => {
    const h = openDatabase(join(tempDir('baton-rollup-'), 'a.db'));
    try {
      const all = generate(6_000, 100, END);
      let now = all[0]!.at;
      const service = new AnalyticsService(h, () => now);
      // Fold in uneven slices, so fold boundaries fall inside buckets and days.
      for (let i = 0; i < all.length;) {
        const next = Math.min(all.length, i + 1 + ((i * 7_919) % 1_300));
        appendChanges(h, all.slice(i, next));
        now = all[next - 1]!.at;
        service.writeStats.catchUp(now);
        expectRollupsInStep(h);
        i = next;
      }
      now = END;
      for (const tz of TZS)
        for (const days of [1, 2, 7, 30, 89, 90]) {
          const a = service.compute({ days, tz });
          expect(writesOf(a), `${tz} ${days}d`).toEqual(bruteForce(all, a));
        }
      // Later writes in a new bucket of the same day, then of the next day, show at once.
      const more: Change[] = [
        { topic: 'memory', op: 'store', actor: 'token:a1', at: END + 60_000 },
        { topic: 'memory', op: 'store', actor: 'Mia', at: END + 30 * 3_600_000 },
      ];
      appendChanges(h, more);
      now = END + 30 * 3_600_000 + 1;
      for (const tz of TZS) {
        const a = service.compute({ days: 90, tz });
        expect(writesOf(a), tz).toEqual(bruteForce([...all, ...more], a));
      }
      expectRollupsInStep(h);
    } finally {
      h.close();
    }
  });

  it('prune with write_stats: whole days past the cutoff go, the rest stays in step', () => {
    const h = openDatabase(join(tempDir('baton-rollup-'), 'p.db'));
    try {
      const stats = new WriteStats(h);
      const all = generate(2_000, 40, END, 11);
      appendChanges(h, all);
      stats.catchUp(END);
      const later = END + 100 * 86_400_000 + 5 * 3_600_000; // the cutoff (120 days back) falls inside the data
      appendChanges(h, [{ topic: 'memory', op: 'store', actor: 'token:a1', at: later }]);
      stats.catchUp(later);
      const cutoff = Math.floor((later - 120 * 86_400_000) / 900_000);
      const s = h.sqlite;
      expect(s.prepare('SELECT count(*) AS n FROM write_stats WHERE bucket < ?').get(cutoff)).toEqual({ n: 0 });
      expect(s.prepare('SELECT count(*) AS n FROM write_stats_kinds WHERE bucket < ?').get(cutoff)).toEqual({ n: 0 });
      expect(s.prepare('SELECT count(*) AS n FROM write_stats_days WHERE day < ?').get(Math.floor(cutoff / BUCKETS_PER_DAY))).toEqual({ n: 0 });
      expect((s.prepare('SELECT count(*) AS n FROM write_stats').get() as { n: number }).n).toBeGreaterThan(1);
      // The day the cutoff cuts through keeps its whole count (never read: analytics looks back 90 days); later days match.
      expectRollupsInStep(h, Math.floor(cutoff / BUCKETS_PER_DAY) + 1);
    } finally {
      h.close();
    }
  });
});

/** A copy of db/migrations holding only the first `count` migrations. */
function migrationsUpTo(count: number): string {
  const dir = tempDir('baton-migrations-');
  cpSync(resolve(import.meta.dirname, '../db/migrations'), dir, { recursive: true });
  const journalPath = join(dir, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
  journal.entries = journal.entries.slice(0, count);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

describe('migration 0009 (write count roll-ups)', () => {
  it('backfills the roll-ups from the write_stats of a database folded before it; analytics answers as before', () => {
    const path = join(tempDir('baton-migrate-'), 'baton.db');
    const all = generate(4_000, 95, END, 23);
    // A database as 0008 left it, folded by the fold of that time (one table, per bucket and writer).
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    migrate(drizzle(old), { migrationsFolder: migrationsUpTo(9) }); // 0000–0008
    expect(old.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'write_stats_days'").get()).toEqual({ n: 0 });
    const sums = new Map<string, { bucket: number; actor: string; writes: number; lastAt: number }>();
    for (const c of all) {
      if (c.topic !== 'memory' || c.op === 'expire') continue;
      const bucket = Math.floor(c.at / 900_000);
      const x = sums.get(`${bucket} ${c.actor}`) ?? { bucket, actor: c.actor, writes: 0, lastAt: 0 };
      x.writes++;
      x.lastAt = Math.max(x.lastAt, c.at);
      sums.set(`${bucket} ${c.actor}`, x);
    }
    const insert = old.prepare('INSERT INTO write_stats (bucket, actor, writes, last_at) VALUES (?, ?, ?, ?)');
    for (const x of sums.values()) insert.run(x.bucket, x.actor, x.writes, x.lastAt);
    old.prepare('INSERT INTO write_stats_cursor (id, seq, counting_since) VALUES (1, 0, ?)').run(all[0]!.at);
    old.close();

    const h = openDatabase(path);
    try {
      expectRollupsInStep(h);
      expect((h.sqlite.prepare('SELECT count(*) AS n FROM write_stats_kinds').get() as { n: number }).n).toBeGreaterThan(100);
      const service = new AnalyticsService(h, () => END);
      for (const tz of TZS)
        for (const days of [1, 14, 90]) {
          const a = service.compute({ days, tz });
          expect(writesOf(a), `${tz} ${days}d`).toEqual(bruteForce(all, a));
        }
      // The fold goes on adding to all three after the migration.
      appendChanges(h, [{ topic: 'memory', op: 'store', actor: 'Mia', at: END }]);
      service.writeStats.catchUp(END);
      expectRollupsInStep(h);
    } finally {
      h.close();
    }
  });
});
