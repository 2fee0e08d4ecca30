import { txRunner, type DbHandle } from '../../db/client.ts';
import type { WriterKind } from '../../lib/analytics-types.ts';

/** 15 minutes: every time zone's offset is a multiple of it, so a bucket falls into one local day. */
export const WRITE_BUCKET_MS = 15 * 60_000;
/** Buckets per UTC day: `write_stats_days.day` is `floor(bucket / BUCKETS_PER_DAY)`. */
export const BUCKETS_PER_DAY = 96;

/** `token:` and `mcp:` writers are agents, `cli:` the command line, `system` Baton itself, anyone else a person (as migration 0009 backfilled). */
export function writerKind(actor: string): WriterKind {
  if (actor.startsWith('token:') || actor.startsWith('mcp:')) return 'agent';
  if (actor.startsWith('cli:')) return 'cli';
  if (actor === 'system' || actor === 'baton') return 'system';
  return 'person';
}

export type WriterTotal = { actor: string; writes: number; lastAt: number };
/** Buckets older than this are dropped (analytics looks back at most 90 days). */
const KEEP_MS = 120 * 24 * 3_600_000;
/** Changes folded per transaction: a long backlog is worked off in bounded steps. */
const BATCH = 20_000;

/**
 * Folds memory writes from the change feed into `write_stats` (writes per 15-minute bucket and
 * writer) and two roll-ups of the same counts (migration 0009): `write_stats_days` (per UTC day and
 * writer) and `write_stats_kinds` (per 15-minute bucket and kind of writer). The feed is pruned to
 * its newest rows; these counts are not. Each batch, all three tables and the cursor move in one
 * transaction, so every change is counted exactly once in each, whichever process wrote it.
 *
 * Analytics reads the roll-ups: a 90-day window with 50 writers is ~8,600 bucket-and-kind rows (the
 * daily chart, in any time zone: offsets are multiples of 15 minutes) and ~4,500 day-and-writer rows
 * plus at most 95 buckets per writer for the part of the first UTC day inside the window (the
 * writers list), instead of the ~432,000 bucket-and-writer rows of `write_stats` (7 s at that size).
 */
export class WriteStats {
  private readonly q;

  constructor(private readonly h: DbHandle) {
    const s = h.sqlite;
    this.q = {
      cursor: s.prepare<[], { seq: number; countingSince: number | null }>('SELECT seq, counting_since AS countingSince FROM write_stats_cursor WHERE id = 1'),
      setCursor: s.prepare<[number, number | null]>(
        'INSERT INTO write_stats_cursor (id, seq, counting_since) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, counting_since = coalesce(write_stats_cursor.counting_since, excluded.counting_since)',
      ),
      // Expiries are Baton's own sweeping, not somebody's write.
      changes: s.prepare<[number, number], { seq: number; at: number; actor: string; counted: number }>(
        `SELECT seq, at, actor, (topic = 'memory' AND op IN ('store', 'delete')) AS counted FROM changes WHERE seq > ? ORDER BY seq LIMIT ?`,
      ),
      add: s.prepare<[number, string, number, number]>(
        `INSERT INTO write_stats (bucket, actor, writes, last_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (bucket, actor) DO UPDATE SET writes = write_stats.writes + excluded.writes,
           last_at = CASE WHEN excluded.last_at > write_stats.last_at THEN excluded.last_at ELSE write_stats.last_at END`,
      ),
      addDay: s.prepare<[number, string, number, number]>(
        `INSERT INTO write_stats_days (day, actor, writes, last_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (day, actor) DO UPDATE SET writes = write_stats_days.writes + excluded.writes,
           last_at = CASE WHEN excluded.last_at > write_stats_days.last_at THEN excluded.last_at ELSE write_stats_days.last_at END`,
      ),
      addKind: s.prepare<[number, string, number]>(
        `INSERT INTO write_stats_kinds (bucket, kind, writes) VALUES (?, ?, ?)
         ON CONFLICT (bucket, kind) DO UPDATE SET writes = write_stats_kinds.writes + excluded.writes`,
      ),
      prune: s.prepare<[number]>('DELETE FROM write_stats WHERE bucket < ?'),
      pruneDays: s.prepare<[number]>('DELETE FROM write_stats_days WHERE day < ?'),
      pruneKinds: s.prepare<[number]>('DELETE FROM write_stats_kinds WHERE bucket < ?'),
      since: s.prepare<[number], { bucket: number; actor: string; writes: number; lastAt: number }>(
        'SELECT bucket, actor, writes, last_at AS lastAt FROM write_stats WHERE bucket >= ?',
      ),
      kindsSince: s.prepare<[number], { bucket: number; kind: WriterKind; writes: number }>(
        'SELECT bucket, kind, writes FROM write_stats_kinds WHERE bucket >= ?',
      ),
      // The buckets before the first whole UTC day from write_stats, the whole days from write_stats_days.
      writersSince: s.prepare<{ from: number; firstDay: number; firstDayBucket: number }, WriterTotal>(
        `SELECT actor, sum(writes) AS writes, max(last_at) AS lastAt FROM (
           SELECT actor, writes, last_at FROM write_stats WHERE bucket >= @from AND bucket < @firstDayBucket
           UNION ALL
           SELECT actor, writes, last_at FROM write_stats_days WHERE day >= @firstDay
         ) recent GROUP BY actor`,
      ),
    };
  }

  /** When counting began: the first change it folded in (null before any). */
  countingSince(): number | null {
    return this.q.cursor.get()?.countingSince ?? null;
  }

  /** Folds every change after the cursor into the counts; returns how many changes it read. */
  catchUp(now: number): number {
    let read = 0;
    for (;;) {
      const n = txRunner(this.h.sqlite).immediate((): number => {
        const cursor = this.q.cursor.get() ?? { seq: 0, countingSince: null };
        const rows = this.q.changes.all(cursor.seq, BATCH);
        if (!rows.length) return 0;
        const sums = new Map<string, { bucket: number; actor: string; writes: number; lastAt: number }>();
        const daySums = new Map<string, { day: number; actor: string; writes: number; lastAt: number }>();
        const kindSums = new Map<string, { bucket: number; kind: WriterKind; writes: number }>();
        for (const r of rows) {
          if (!r.counted) continue;
          const bucket = Math.floor(r.at / WRITE_BUCKET_MS);
          const id = `${bucket}\u0000${r.actor}`;
          const sum = sums.get(id) ?? { bucket, actor: r.actor, writes: 0, lastAt: 0 };
          sum.writes++;
          sum.lastAt = Math.max(sum.lastAt, r.at);
          sums.set(id, sum);
          const day = Math.floor(bucket / BUCKETS_PER_DAY);
          const dayId = `${day}\u0000${r.actor}`;
          const daySum = daySums.get(dayId) ?? { day, actor: r.actor, writes: 0, lastAt: 0 };
          daySum.writes++;
          daySum.lastAt = Math.max(daySum.lastAt, r.at);
          daySums.set(dayId, daySum);
          const kind = writerKind(r.actor);
          const kindId = `${bucket}\u0000${kind}`;
          const kindSum = kindSums.get(kindId) ?? { bucket, kind, writes: 0 };
          kindSum.writes++;
          kindSums.set(kindId, kindSum);
        }
        for (const x of sums.values()) this.q.add.run(x.bucket, x.actor, x.writes, x.lastAt);
        for (const x of daySums.values()) this.q.addDay.run(x.day, x.actor, x.writes, x.lastAt);
        for (const x of kindSums.values()) this.q.addKind.run(x.bucket, x.kind, x.writes);
        this.q.setCursor.run(rows.at(-1)!.seq, rows[0]!.at);
        return rows.length;
      }) as number;
      read += n;
      if (n < BATCH) break;
    }
    if (read) {
      const cutoff = Math.floor((now - KEEP_MS) / WRITE_BUCKET_MS);
      txRunner(this.h.sqlite).immediate(() => {
        this.q.prune.run(cutoff);
        this.q.pruneKinds.run(cutoff);
        // Only days wholly before the cutoff (analytics never reads that far back: KEEP_MS > 90 days).
        this.q.pruneDays.run(Math.floor(cutoff / BUCKETS_PER_DAY));
      });
    }
    return read;
  }

  /** Writes per bucket and kind of writer from `fromBucket` on (the roll-up analytics reads). */
  kindsSince(fromBucket: number): { bucket: number; kind: WriterKind; writes: number }[] {
    return this.q.kindsSince.all(fromBucket);
  }

  /** Writes and the last write per writer from `fromBucket` on, summed in SQL over the roll-ups. */
  writersSince(fromBucket: number): WriterTotal[] {
    const firstDay = Math.ceil(fromBucket / BUCKETS_PER_DAY);
    return this.q.writersSince.all({ from: fromBucket, firstDay, firstDayBucket: firstDay * BUCKETS_PER_DAY });
  }

  /** Writes per bucket and writer from `fromBucket` on (the finest counts; tests compare the roll-ups with them). */
  since(fromBucket: number): { bucket: number; actor: string; writes: number; lastAt: number }[] {
    return this.q.since.all(fromBucket);
  }
}
