import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPg, migratePg } from '../db/pg/client.ts';
import { appendChange, headSeq, inTransaction, readSince, type PgNewChange, type PgQueryable } from '../db/pg/feed.ts';
import { describePg, freshPgDatabase, type FreshPgDatabase } from './pg-helpers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const change = (key: string, actor = 'test'): PgNewChange => ({
  topic: 'memory',
  namespace: 'pg-feed',
  key,
  op: 'store',
  version: 1,
  value: JSON.stringify({ key }),
  actor,
  at: Date.now(),
  expiresAt: null,
});

/** The append as it would be without the feed lock: a sequence value drawn whenever the insert runs. */
async function naiveAppend(tx: PgQueryable, c: PgNewChange, table = 'changes'): Promise<number> {
  const res = await tx.query<{ seq: string }>(
    `INSERT INTO ${table} (topic, namespace, key, op, version, value, actor, at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq`,
    [c.topic, c.namespace, c.key, c.op, c.version, c.value, c.actor, c.at, c.expiresAt],
  );
  return Number(res.rows[0]!.seq);
}

/** A follower as every node runs one: poll `seq > last`, remember the last seq read. */
function pollingFollower(pool: pg.Pool) {
  const seen: number[] = [];
  let last = 0;
  let stopping = false;
  const done = (async () => {
    const c = await pool.connect();
    try {
      last = await headSeq(c);
      for (;;) {
        const finalRead = stopping;
        const rows = await readSince(c, last, 500);
        for (const r of rows) {
          seen.push(r.seq);
          last = r.seq;
        }
        if (finalRead && rows.length === 0) return;
        if (rows.length === 0) await sleep(1);
      }
    } finally {
      c.release();
    }
  })();
  return {
    seen,
    stop: async () => {
      stopping = true;
      await done;
    },
  };
}

describePg('change feed on PostgreSQL: seq order is commit order', () => {
  let db: FreshPgDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await freshPgDatabase('baton_feed');
    pool = openPg(db.url, { max: 12 }).pool;
    await migratePg(pool); // the changes table as db/migrations-pg makes it
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('8 writers on their own connections, random delays before commit: a polling follower sees every change once, in order', async () => {
    const follower = pollingFollower(pool);
    const committed: number[] = [];
    let rolledBack = 0;
    const writer = async (w: number) => {
      const tx = await pool.connect();
      try {
        for (let i = 0; i < 40; i++) {
          await tx.query('BEGIN');
          // Other work of the write happens before the change row, outside the lock.
          await sleep(Math.random() * 2);
          const seq = await appendChange(tx, change(`w${w}/${i}`, `writer-${w}`));
          await sleep(Math.random() * 4); // between the insert and the commit: where a naive feed loses changes
          if (i % 13 === 12) {
            await tx.query('ROLLBACK'); // a rolled-back append leaves a hole in the numbers, never a lost change
            rolledBack += 1;
          } else {
            await tx.query('COMMIT');
            committed.push(seq);
          }
        }
      } finally {
        tx.release();
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    await follower.stop();

    expect(rolledBack).toBe(8 * 3);
    expect(committed).toHaveLength(8 * 40 - rolledBack);
    // Exactly once, in seq order: strictly increasing, and the same set as what was committed.
    for (let i = 1; i < follower.seen.length; i++) expect(follower.seen[i]).toBeGreaterThan(follower.seen[i - 1]!);
    expect(follower.seen).toEqual([...committed].sort((a, b) => a - b));
    const inTable = await pool.query<{ n: string }>("SELECT count(*) AS n FROM changes WHERE namespace = 'pg-feed' AND key LIKE 'w%'");
    expect(Number(inTable.rows[0]!.n)).toBe(committed.length);
  });

  it('without the lock a follower skips a change (N+1 commits before N): the failure the lock prevents', async () => {
    const a = await pool.connect();
    const b = await pool.connect();
    try {
      let last = await headSeq(pool);
      const read: number[] = [];
      const follow = async () => {
        for (const r of await readSince(pool, last, 100)) {
          read.push(r.seq);
          last = r.seq;
        }
      };

      await a.query('BEGIN');
      const n = await naiveAppend(a, change('naive/a'));
      await b.query('BEGIN');
      const n1 = await naiveAppend(b, change('naive/b'));
      expect(n1).toBe(n + 1);
      await b.query('COMMIT'); // N+1 is visible, N is not yet
      await follow();
      await a.query('COMMIT');
      await follow();

      expect(read).toEqual([n1]); // N was committed but the follower, already past it, never reads it
      expect((await readSince(pool, n - 1, 10)).map((r) => r.seq)).toEqual([n, n1]);
    } finally {
      a.release();
      b.release();
    }
  });

  it('with the lock the second writer draws its seq only after the first commits, so the follower reads both', async () => {
    const a = await pool.connect();
    const b = await pool.connect();
    try {
      let last = await headSeq(pool);
      const read: number[] = [];
      const follow = async () => {
        for (const r of await readSince(pool, last, 100)) {
          read.push(r.seq);
          last = r.seq;
        }
      };

      await a.query('BEGIN');
      const n = await appendChange(a, change('locked/a'));
      await b.query('BEGIN');
      let n1 = 0;
      const bAppended = appendChange(b, change('locked/b')).then((seq) => (n1 = seq));
      await sleep(150);
      expect(n1).toBe(0); // B waits on the feed lock, before drawing a seq
      const waiting = await pool.query<{ n: string }>("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
      expect(Number(waiting.rows[0]!.n)).toBe(1);
      await follow();
      expect(read).toEqual([]);
      await a.query('COMMIT');
      await bAppended;
      expect(n1).toBe(n + 1);
      await b.query('COMMIT');
      await follow();
      expect(read).toEqual([n, n1]);
    } finally {
      a.release();
      b.release();
    }
  });

  it('inTransaction commits the write with its change row, or neither', async () => {
    const before = await headSeq(pool);
    await expect(
      inTransaction(pool, async (tx) => {
        await appendChange(tx, change('tx/failed'));
        throw new Error('the write failed');
      }),
    ).rejects.toThrow('the write failed');
    expect(await readSince(pool, before, 10)).toEqual([]);
    const seq = await inTransaction(pool, (tx) => appendChange(tx, change('tx/ok')));
    const rows = await readSince(pool, before, 10);
    expect(rows.map((r) => [r.seq, r.key])).toEqual([[seq, 'tx/ok']]);
    expect(rows[0]).toMatchObject({ topic: 'memory', op: 'store', version: 1, expiresAt: null });
    expect(typeof rows[0]!.at).toBe('number');
  });

  it('appends per second, 8 writers: with the feed lock, without it, and with an xid8 column instead (printed)', async () => {
    await pool.query(`CREATE TABLE changes_xid (LIKE changes INCLUDING ALL, tx xid8 NOT NULL DEFAULT pg_current_xact_id())`);
    const perWriter = 100;
    const measure = async (append: (tx: pg.PoolClient, c: PgNewChange) => Promise<number>, writers = 8) => {
      const started = performance.now();
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          const tx = await pool.connect();
          try {
            for (let i = 0; i < perWriter; i++) {
              await tx.query('BEGIN');
              await append(tx, change(`bench/${w}/${i}`));
              await tx.query('COMMIT');
            }
          } finally {
            tx.release();
          }
        }),
      );
      return Math.round((writers * perWriter) / ((performance.now() - started) / 1000));
    };
    const locked = await measure(appendChange);
    const naive = await measure((tx, c) => naiveAppend(tx, c));
    const xid = await measure((tx, c) => naiveAppend(tx, c, 'changes_xid'));
    const locked2 = await measure(appendChange);
    const single = await measure((tx, c) => naiveAppend(tx, c), 1);
    console.log(
      `pg feed appends/s, 8 writers x ${perWriter} one-row transactions: advisory lock ${locked} and ${locked2}, ` +
        `no lock ${naive}, xid8 column (no lock) ${xid}; one writer, no lock: ${single}`,
    );
    const total = await pool.query<{ n: string }>("SELECT count(*) AS n FROM changes WHERE key LIKE 'bench/%'");
    expect(Number(total.rows[0]!.n)).toBe(3 * 8 * perWriter + perWriter);
    expect(Math.min(locked, locked2, naive, xid, single)).toBeGreaterThan(0);
  });
});
