/**
 * The change feed on PostgreSQL, ordered by commit.
 *
 * A sequence hands out values when a transaction asks, not when it commits: writer A can take seq 7, writer B seq 8,
 * B commits first, and a follower that reads `seq > 6` sees 8, moves its position to 8 and never reads 7. Every
 * append therefore takes one transaction-level advisory lock just before inserting its row: the row's seq is drawn
 * while holding it, and it is held until the transaction ends, so seq N+1 cannot be drawn until N is committed (or
 * rolled back) and visible. Commit order is seq order; a follower can keep one number, the last seq it read.
 * The lock covers only the tail of a write transaction (change row to commit); the rest of the write runs in
 * parallel. See docs/architecture.md#the-change-feed-on-postgresql for the measured cost and the alternative.
 *
 * Append last: once a transaction holds the feed lock, every other writer queues behind it, so a transaction that
 * took the lock and then waited for a row lock held by one of them would deadlock (PostgreSQL would abort one after
 * deadlock_timeout). A transaction with several changes appends them together after its data writes; the lock is
 * re-entrant within the transaction.
 */
import type pg from 'pg';
import type { ChangeRow } from '../schema.ts';

/** Anything that runs a query: a pool, a pooled client, a client. */
export type PgQueryable = Pick<pg.ClientBase, 'query'>;

/** The advisory lock key that orders the feed ("Baton" and 1; the leader lock is 2). Database-wide. */
export const FEED_LOCK_ID = 0x426174_6f6e01;

/** A change as a writer appends it (times in ms); the feed assigns its seq. */
export type PgNewChange = Omit<ChangeRow, 'seq'>;

const COLUMNS = 'seq, topic, namespace, key, op, version, value, actor, at, expires_at';

/** bigint columns arrive as numbers from openPg's pool, as strings from a plain one; Number() takes both. */
interface RawRow {
  seq: string | number;
  topic: string;
  namespace: string;
  key: string;
  op: ChangeRow['op'];
  version: number;
  value: string | null;
  actor: string;
  at: string | number;
  expires_at: string | number | null;
}

const toRow = (r: RawRow): ChangeRow => ({
  seq: Number(r.seq),
  topic: r.topic,
  namespace: r.namespace,
  key: r.key,
  op: r.op,
  version: r.version,
  value: r.value,
  actor: r.actor,
  at: Number(r.at),
  expiresAt: r.expires_at == null ? null : Number(r.expires_at),
});

/**
 * Appends one change inside the caller's open transaction and returns its seq. Takes the feed lock first, so call it
 * as late in the transaction as possible: other writers wait for this transaction's commit from here on.
 */
export async function appendChange(tx: PgQueryable, change: PgNewChange): Promise<number> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [FEED_LOCK_ID]);
  const res = await tx.query<{ seq: string | number }>(
    `INSERT INTO changes (topic, namespace, key, op, version, value, actor, at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq`,
    [change.topic, change.namespace, change.key, change.op, change.version, change.value, change.actor, change.at, change.expiresAt],
  );
  return Number(res.rows[0]!.seq);
}

/** Changes after `afterSeq` in seq order, at most `limit`. A reader never has to look behind its last seq. */
export async function readSince(q: PgQueryable, afterSeq: number, limit: number): Promise<ChangeRow[]> {
  const res = await q.query<RawRow>(`SELECT ${COLUMNS} FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2`, [afterSeq, limit]);
  return res.rows.map(toRow);
}

/** The last seq committed (0 on an empty feed). */
export async function headSeq(q: PgQueryable): Promise<number> {
  const res = await q.query<{ seq: string | number }>('SELECT coalesce(max(seq), 0) AS seq FROM changes');
  return Number(res.rows[0]!.seq);
}

/**
 * Runs `fn` in one transaction on a pooled connection: BEGIN, `fn`, COMMIT (ROLLBACK if it throws). The writes and
 * their change rows commit together; `listen.ts`'s `writeAndNotify` wakes followers after it returns.
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const tx = await pool.connect();
  let broken: Error | undefined;
  try {
    await tx.query('BEGIN');
    const result = await fn(tx);
    await tx.query('COMMIT');
    return result;
  } catch (err) {
    await tx.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    tx.release(broken);
  }
}
