/** Rate limits on several nodes count once per caller across all of them (db/rate-store.ts, PostgreSQL). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DbHandle } from '../db/client.ts';
import { postgresRateStore } from '../db/rate-store.ts';
import { openPostgresStore } from '../db/store.ts';
import { BatonError } from '../lib/errors.ts';
import { RateLimiter } from '../server/http/rate-limit.ts';
import { describePg, freshPgDatabase, type FreshPgDatabase } from './pg-helpers.ts';

let db: FreshPgDatabase;
let nodeA: DbHandle;
let nodeB: DbHandle;

describePg('rate limits shared by two nodes', () => {
  beforeAll(async () => {
    db = await freshPgDatabase('baton_rate');
    nodeA = await openPostgresStore(db.url);
    nodeB = await openPostgresStore(db.url);
  });
  afterAll(async () => {
    nodeA?.close();
    nodeB?.close();
    await db?.drop();
  });

  const limits = { writesPerMinute: 10, signInPerMinutePerIp: 100, signInPerMinutePerEmail: 3 };
  const limiters = () => [nodeA, nodeB].map((h) => new RateLimiter(limits, postgresRateStore(h, h.cluster!.pool)));

  it('writes: a caller alternating between nodes gets 10 a minute in all, then 429 with Retry-After; the next window starts fresh', () => {
    const [a, b] = limiters();
    const now = 1_800_000_000_000;
    for (let i = 0; i < 10; i++) (i % 2 ? b! : a!).write('token:alice', now + i);
    for (const node of [a!, b!]) {
      let err: unknown;
      try {
        node.write('token:alice', now + 20);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BatonError);
      expect((err as BatonError).code).toBe('rate_limited');
      expect((err as BatonError & { details?: unknown }).message).toMatch(/try again in 60 s/);
    }
    // Someone else is not affected, and a minute later alice may write again.
    expect(() => b!.write('token:bob', now + 30)).not.toThrow();
    expect(() => a!.write('token:alice', now + 60_001)).not.toThrow();
  });

  it('sign-in attempts per account count across nodes', async () => {
    const [a, b] = limiters();
    await a!.signIn('10.0.0.1', 'ada@example.test');
    await b!.signIn('10.0.0.2', 'ADA@example.test ');
    await a!.signIn('10.0.0.3', 'ada@example.test');
    await expect(b!.signIn('10.0.0.4', 'ada@example.test')).rejects.toMatchObject({ code: 'rate_limited' });
  });
});
