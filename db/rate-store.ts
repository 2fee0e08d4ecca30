// Where rate limits are counted: in this process (SQLite: one node), or in PostgreSQL so that every node
// shares one count per caller (migration-pg 0006). server/http/rate-limit.ts uses what this returns.
import type { Pool } from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { DbHandle } from './client.ts';

export interface RateStore {
  /** Counts one write for `key` in its current one-minute window; returns the count and when the window ends. */
  countWrite(key: string, now: number): { used: number; resetAt: number };
  /** A limiter for sign-in attempts (`points` per 60 s); `prefix` keeps its keys apart from the others'. */
  signInLimiter(points: number, prefix: string): RateLimiterAbstract;
}

const WINDOW_MS = 60_000;

/** Counts in this process: exact for one node. */
export function memoryRateStore(): RateStore {
  const windows = new Map<string, { used: number; resetAt: number }>();
  return {
    countWrite(key, now) {
      let w = windows.get(key);
      if (!w || w.resetAt <= now) {
        if (windows.size > 50_000) for (const [k, v] of windows) if (v.resetAt <= now) windows.delete(k);
        w = { used: 0, resetAt: now + WINDOW_MS };
        windows.set(key, w);
      }
      w.used++;
      return w;
    },
    signInLimiter: (points, prefix) => new RateLimiterMemory({ points, duration: 60, keyPrefix: prefix }),
  };
}

/**
 * Counts in PostgreSQL, shared by every node: one upsert per write on the store's synchronous connection
 * (atomic on its row; outside any transaction, so it never waits for the write lock), and
 * rate-limiter-flexible's PostgreSQL store for sign-ins.
 */
export function postgresRateStore(h: DbHandle, pool: Pool): RateStore {
  const count = h.sqlite.prepare<[string, number, number, number], { used: number; resetAt: number }>(
    `INSERT INTO rate_windows (key, reset_at, used) VALUES (?, ?, 1)
     ON CONFLICT (key) DO UPDATE SET
       used = CASE WHEN rate_windows.reset_at <= ? THEN 1 ELSE rate_windows.used + 1 END,
       reset_at = CASE WHEN rate_windows.reset_at <= ? THEN excluded.reset_at ELSE rate_windows.reset_at END
     RETURNING used, reset_at AS resetAt`,
  );
  const prune = h.sqlite.prepare<[number]>('DELETE FROM rate_windows WHERE reset_at <= ?');
  let calls = 0;
  return {
    countWrite(key, now) {
      if (++calls % 10_000 === 0) prune.run(now);
      return count.get(key, now + WINDOW_MS, now, now)!;
    },
    signInLimiter: (points, prefix) =>
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        tableName: 'rate_limits_signin',
        tableCreated: true,
        points,
        duration: 60,
        keyPrefix: prefix,
        clearExpiredByTimeout: false,
      }),
  };
}

/** The rate store for this database: shared in PostgreSQL when several nodes may use it. */
export function rateStoreFor(h: DbHandle): RateStore {
  return h.cluster ? postgresRateStore(h, h.cluster.pool) : memoryRateStore();
}
