import { txRunner, type DbHandle } from '../../db/client.ts';

/** 15 minutes: every time zone's offset is a multiple of it, so a bucket falls into one local day. */
export const WRITE_BUCKET_MS = 15 * 60_000;
/** Buckets older than this are dropped (analytics looks back at most 90 days). */
const KEEP_MS = 120 * 24 * 3_600_000;
/** Changes folded per transaction: a long backlog is worked off in bounded steps. */
const BATCH = 20_000;

/**
 * Folds memory writes from the change feed into `write_stats` (writes per 15-minute bucket and
 * writer). The feed is pruned to its newest rows; these counts are not, and analytics reads a few
 * thousand rows instead of grouping the whole feed. Each batch and the cursor move in one
 * transaction, so every change is counted exactly once, whichever process wrote it.
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
         ON CONFLICT (bucket, actor) DO UPDATE SET writes = writes + excluded.writes, last_at = max(last_at, excluded.last_at)`,
      ),
      prune: s.prepare<[number]>('DELETE FROM write_stats WHERE bucket < ?'),
      since: s.prepare<[number], { bucket: number; actor: string; writes: number; lastAt: number }>(
        'SELECT bucket, actor, writes, last_at AS lastAt FROM write_stats WHERE bucket >= ?',
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
        for (const r of rows) {
          if (!r.counted) continue;
          const bucket = Math.floor(r.at / WRITE_BUCKET_MS);
          const id = `${bucket}\u0000${r.actor}`;
          const sum = sums.get(id) ?? { bucket, actor: r.actor, writes: 0, lastAt: 0 };
          sum.writes++;
          sum.lastAt = Math.max(sum.lastAt, r.at);
          sums.set(id, sum);
        }
        for (const x of sums.values()) this.q.add.run(x.bucket, x.actor, x.writes, x.lastAt);
        this.q.setCursor.run(rows.at(-1)!.seq, rows[0]!.at);
        return rows.length;
      }) as number;
      read += n;
      if (n < BATCH) break;
    }
    if (read) this.q.prune.run(Math.floor((now - KEEP_MS) / WRITE_BUCKET_MS));
    return read;
  }

  /** Writes per bucket and writer from `fromBucket` on. */
  since(fromBucket: number): { bucket: number; actor: string; writes: number; lastAt: number }[] {
    return this.q.since.all(fromBucket);
  }
}
