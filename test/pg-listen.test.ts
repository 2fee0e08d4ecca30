import type pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { ChangeRow } from '../db/schema.ts';
import { openPg, migratePg } from '../db/pg/client.ts';
import { appendChange, headSeq, inTransaction, type PgNewChange } from '../db/pg/feed.ts';
import { PgFeedFollower, writeAndNotify } from '../db/pg/listen.ts';
import { describePg, freshPgDatabase, type FreshPgDatabase } from './pg-helpers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const change = (key: string): PgNewChange => ({
  topic: 'memory',
  namespace: 'pg-listen',
  key,
  op: 'store',
  version: 1,
  value: null,
  actor: 'test',
  at: Date.now(),
  expiresAt: null,
});

describePg('cross-node wake-ups: LISTEN/NOTIFY with a fallback poll', () => {
  let db: FreshPgDatabase;
  let pool: pg.Pool;
  const followers: PgFeedFollower[] = [];

  /** A follower as a node runs one, recording what it was handed. */
  async function follow(opts: { pollMs: number; channel?: string; onState?: (s: 'listening' | 'lost') => void }) {
    const seen: ChangeRow[] = [];
    const errors: Error[] = [];
    const f = new PgFeedFollower({
      pool,
      fromSeq: await headSeq(pool),
      pollMs: opts.pollMs,
      channel: opts.channel,
      reconnectMs: 50,
      onChanges: (rows) => void seen.push(...rows),
      onError: (err) => errors.push(err),
      onState: opts.onState,
    });
    followers.push(f);
    await f.start();
    return { f, seen, errors, seqs: () => seen.map((r) => r.seq) };
  }

  const write = (key: string) => writeAndNotify(pool, (tx) => appendChange(tx, change(key)));

  beforeAll(async () => {
    db = await freshPgDatabase('baton_listen');
    pool = openPg(db.url, { max: 12 }).pool;
    await migratePg(pool); // the changes table as db/migrations-pg makes it
  });
  afterEach(async () => {
    await Promise.all(followers.splice(0).map((f) => f.stop()));
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('a NOTIFY after commit wakes the follower at once, with no poll to wait for', async () => {
    const { seen, seqs } = await follow({ pollMs: 600_000 });
    const started = performance.now();
    const seq = await write('woken');
    await waitFor('the woken change', () => seen.length === 1, 2000);
    const ms = performance.now() - started;
    expect(seqs()).toEqual([seq]);
    expect(seen[0]).toMatchObject({ key: 'woken', namespace: 'pg-listen' });
    expect(ms).toBeLessThan(1000);
  });

  it('a write that sends no NOTIFY is found by the fallback poll', async () => {
    const { seen, seqs } = await follow({ pollMs: 100 });
    const seq = await inTransaction(pool, (tx) => appendChange(tx, change('silent')));
    await waitFor('the polled change', () => seen.length === 1, 3000);
    expect(seqs()).toEqual([seq]);
  });

  it('only the listened channel wakes it; channel names are checked', async () => {
    const { seen } = await follow({ pollMs: 600_000, channel: 'baton_other' });
    await write('other-channel');
    await sleep(300);
    expect(seen).toEqual([]); // the write notified baton_feed, this follower listens on baton_other
    expect(() => new PgFeedFollower({ pool, fromSeq: 0, channel: 'Robert"); DROP TABLE changes; --', onChanges: () => {} })).toThrow(
      /channel must be a lowercase SQL identifier/,
    );
    expect(() => new PgFeedFollower({ pool, fromSeq: -1, onChanges: () => {} })).toThrow(/fromSeq must be 0 or more/);
  });

  it('after its LISTEN connection is killed it reconnects and re-reads from its last seq: nothing lost, nothing twice', async () => {
    const states: string[] = [];
    const { f, seen, seqs } = await follow({ pollMs: 600_000, onState: (s) => states.push(s) });
    const written: number[] = [];
    for (let i = 0; i < 5; i++) written.push(await write(`before/${i}`));
    await waitFor('the first five', () => seen.length === 5);

    const oldPid = f.listenerPid!;
    expect(oldPid).toBeGreaterThan(0);
    const killed = await pool.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [oldPid]);
    expect(killed.rows[0]!.ok).toBe(true);
    // Written while the follower has no LISTEN connection: their wake-ups reach nobody.
    for (let i = 0; i < 5; i++) written.push(await write(`while-down/${i}`));

    await waitFor('the changes written while it was down', () => seen.length === 10);
    expect(states.slice(0, 3)).toEqual(['listening', 'lost', 'listening']);
    expect(f.listenerPid).not.toBe(oldPid);
    // And the new connection is woken again (the poll is ten minutes away).
    written.push(await write('after'));
    await waitFor('the change after the reconnect', () => seen.length === 11, 2000);
    expect(seqs()).toEqual(written);
    expect(f.lastSeq).toBe(written[written.length - 1]);
  });

  it('8 writers and two followers (two nodes): each follower sees every change exactly once, in seq order', async () => {
    const a = await follow({ pollMs: 600_000 });
    const b = await follow({ pollMs: 600_000 });
    const written: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < 25; i++) {
          written.push(
            await writeAndNotify(pool, async (tx) => {
              const seq = await appendChange(tx, change(`w${w}/${i}`));
              await sleep(Math.random() * 3);
              return seq;
            }),
          );
        }
      }),
    );
    written.sort((x, y) => x - y);
    await waitFor('both followers to catch up', () => a.seen.length >= 200 && b.seen.length >= 200);
    await sleep(100);
    expect(a.seqs()).toEqual(written);
    expect(b.seqs()).toEqual(written);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });
});
