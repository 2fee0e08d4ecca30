/**
 * Cross-node wake-ups for the change feed on PostgreSQL.
 *
 * Every node follows the `changes` table itself, by seq (db/pg/feed.ts keeps seq in commit order), and emits to its
 * own sockets. A writer sends `NOTIFY <channel>` with an empty payload after its transaction has committed: a
 * wake-up, never the change itself (payloads stop at 8 KB and would have to be kept in step with the table) and
 * never inside the write transaction (NOTIFY takes a database-wide lock at commit and would serialize commits on
 * it). A follower LISTENs on its own connection; each wake-up, and a fallback poll, reads everything after its last
 * seq. When the LISTEN connection is lost it reconnects, LISTENs again and then re-reads from its last seq, so the
 * wake-ups sent while it was away cost latency, never a change.
 */
import pg from 'pg';
import { z } from 'zod';
import type { ChangeRow } from '../schema.ts';
import { inTransaction, readSince, type PgQueryable } from './feed.ts';

/** The channel Baton's writers notify and its nodes listen on. */
export const FEED_CHANNEL = 'baton_feed';

const channelSchema = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'channel must be a lowercase SQL identifier: letters, digits and _, at most 63, not starting with a digit');

/** Wakes every follower of `channel`. Run it on a connection outside any transaction, after the write committed. */
export async function notifyFeed(q: PgQueryable, channel = FEED_CHANNEL): Promise<void> {
  await q.query('SELECT pg_notify($1, $2)', [channelSchema.parse(channel), '']);
}

/**
 * Runs `fn` in one transaction (see `inTransaction`) and, once it has committed, wakes the followers. A failed
 * wake-up does not fail the committed write: followers find it at their next poll, so it is reported to `onError`.
 */
export async function writeAndNotify<T>(
  pool: pg.Pool,
  fn: (tx: pg.PoolClient) => Promise<T>,
  opts: { channel?: string; onError?: (err: Error) => void } = {},
): Promise<T> {
  const result = await inTransaction(pool, fn);
  await notifyFeed(pool, opts.channel).catch((err: Error) => opts.onError?.(err));
  return result;
}

const followerOptions = z.object({
  channel: channelSchema.default(FEED_CHANNEL),
  fromSeq: z.number().int().min(0, 'fromSeq must be 0 or more'),
  pollMs: z.number().int().min(10, 'pollMs must be at least 10').default(1000),
  batch: z.number().int().min(1, 'batch must be at least 1').max(10_000, 'batch must be at most 10000').default(1000),
  reconnectMs: z.number().int().min(10, 'reconnectMs must be at least 10').default(250),
  maxReconnectMs: z.number().int().min(10, 'maxReconnectMs must be at least 10').default(5000),
});

export interface PgFollowerOptions extends z.input<typeof followerOptions> {
  /** Reads run on this pool. */
  pool: pg.Pool;
  /** The LISTEN connection's settings; the pool's when left out. */
  listen?: pg.ClientConfig;
  /** Called with each batch in seq order, every change once; the next read waits for it to settle. */
  onChanges: (rows: ChangeRow[]) => void | Promise<void>;
  /** A lost connection, a failed read or a throwing `onChanges` (that batch is read again). */
  onError?: (err: Error) => void;
  /** `listening` each time LISTEN is (re-)established, `lost` each time the connection goes. */
  onState?: (state: 'listening' | 'lost') => void;
}

/** Follows the change feed from `fromSeq`: woken by NOTIFY, polled as a fallback, re-read after every reconnect. */
export class PgFeedFollower {
  private readonly opts: z.output<typeof followerOptions>;
  private client: pg.Client | null = null;
  private stopped = false;
  private draining: Promise<void> | null = null;
  private again = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private seq: number;
  private pid: number | null = null;

  constructor(private readonly o: PgFollowerOptions) {
    this.opts = followerOptions.parse({
      channel: o.channel,
      fromSeq: o.fromSeq,
      pollMs: o.pollMs,
      batch: o.batch,
      reconnectMs: o.reconnectMs,
      maxReconnectMs: o.maxReconnectMs,
    });
    this.seq = this.opts.fromSeq;
  }

  /** The last seq handed to `onChanges`. */
  get lastSeq(): number {
    return this.seq;
  }

  /** The backend pid of the LISTEN connection, while there is one. */
  get listenerPid(): number | null {
    return this.pid;
  }

  /** Connects and LISTENs (a failure here is thrown), reads what is already there, and starts the fallback poll. */
  async start(): Promise<void> {
    await this.connect();
    this.pollTimer = setInterval(() => void this.wake(), this.opts.pollMs);
    this.pollTimer.unref();
    await this.wake();
  }

  /** Reads everything after the last seq, now or right after the read in progress. */
  wake(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = this.drain().finally(() => (this.draining = null));
    return this.draining;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = null;
    this.pid = null;
    await this.draining?.catch(() => {});
    await client?.end().catch(() => {});
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      for (;;) {
        if (this.stopped) return;
        let rows: ChangeRow[];
        try {
          rows = await readSince(this.o.pool, this.seq, this.opts.batch);
          if (rows.length === 0) break;
          await this.o.onChanges(rows);
        } catch (err) {
          this.o.onError?.(err as Error);
          return; // the next wake-up or poll reads from the same seq again
        }
        this.seq = rows[rows.length - 1]!.seq;
        if (rows.length < this.opts.batch) break;
      }
    } while (this.again);
  }

  /** Opens the LISTEN connection; LISTEN comes before any read, so no commit falls between a read and the LISTEN. */
  private async connect(): Promise<void> {
    const client = new pg.Client(this.o.listen ?? this.o.pool.options);
    const lost = (err?: Error) => {
      if (this.client !== client) return;
      this.client = null;
      this.pid = null;
      if (err) this.o.onError?.(err);
      this.o.onState?.('lost');
      void client.end().catch(() => {});
      this.scheduleReconnect();
    };
    client.on('error', (err) => lost(err));
    client.on('end', () => lost());
    client.on('notification', () => void this.wake());
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.opts.channel)}`);
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      if (this.stopped) {
        await client.end().catch(() => {});
        return;
      }
      this.client = client;
      this.pid = rows[0]!.pid;
      this.failures = 0;
      this.o.onState?.('listening');
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = Math.min(this.opts.reconnectMs * 2 ** this.failures, this.opts.maxReconnectMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.stopped) return;
      this.connect().then(
        () => void this.wake(), // wake-ups sent while we were away are gone: read from the last seq
        (err: Error) => {
          this.failures += 1;
          this.o.onError?.(err);
          this.scheduleReconnect();
        },
      );
    }, delay);
    this.reconnectTimer.unref();
  }
}
