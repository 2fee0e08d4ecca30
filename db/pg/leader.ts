/**
 * One worker for cluster-wide chores (the sweeper, handoff expiry, write-stats folding, scheduled backups): every
 * node runs `runAsLeader`, and the one whose dedicated connection holds a session-level advisory lock runs them.
 *
 * The lock lives as long as the holder's PostgreSQL session. A process that dies on this machine or is killed
 * (kill -9) closes its socket, its backend ends and the lock is free at once; the others try every `retryMs`. A
 * holder that stops answering without closing its socket (frozen, paused, cut off by the network) would keep its
 * backend, and the lock, until PostgreSQL noticed: so the leader's session runs with `idle_session_timeout` =
 * `leaseMs` and TCP keepalives, and the leader sends a heartbeat every `heartbeatMs`. A leader silent for `leaseMs`
 * loses its session and the lock, and another node takes over after at most `leaseMs + retryMs`. The leader fences
 * itself first: a heartbeat not answered within `leaseMs - heartbeatMs - 1 s` ends its term (`onLose`) before the
 * server can free the lock, and `isLeader` turns false once no heartbeat was answered for `leaseMs - 1 s`, which a
 * chore checks before each run: a process that was frozen outright finds it false on resuming, before its next
 * heartbeat tells it the lock is gone. Fencing rests on this process's clock; chores stay safe to run twice anyway.
 */
import pg from 'pg';
import { z } from 'zod';

/** The advisory lock key for Baton's chores ("Baton" and 2; the feed lock is 1). Database-wide. */
export const CHORES_LOCK_ID = 0x426174_6f6e02;

const leaderOptions = z
  .object({
    retryMs: z.number().int().min(10, 'retryMs must be at least 10').default(1000),
    heartbeatMs: z.number().int().min(10, 'heartbeatMs must be at least 10').default(1000),
    leaseMs: z.number().int().min(1000, 'leaseMs must be at least 1000').default(5000),
  })
  .refine((o) => o.leaseMs >= 2 * o.heartbeatMs + 1000, { message: 'leaseMs must be at least 2 × heartbeatMs + 1000', path: ['leaseMs'] })
  .refine((o) => o.retryMs < o.leaseMs, {
    message: 'retryMs must be less than leaseMs (a waiting session is ended after leaseMs of silence)',
    path: ['retryMs'],
  });

export type LeaderOptions = z.input<typeof leaderOptions>;

export interface LeaderHooks {
  /** This node now holds the lock: start the chores. */
  onAcquire: () => void | Promise<void>;
  /** The lock is gone (`stopped`, or the connection failed or went silent): stop the chores. */
  onLose: (reason: string) => void | Promise<void>;
  /** A connection or heartbeat error; the loop carries on. */
  onError?: (err: Error) => void;
}

export interface LeaderHandle {
  /**
   * Whether this node holds the lock as far as it can tell: it won it and its last heartbeat was answered less than
   * `leaseMs - 1 s` ago. A chore checks it before each run, so a process that was frozen skips the run it owes on
   * resuming instead of overlapping the node that took over.
   */
  readonly isLeader: boolean;
  /** Stops trying; a leader runs `onLose('stopped')` and releases the lock. */
  stop(): Promise<void>;
}

/**
 * Competes for the advisory lock `lockId` on a connection of its own (made with `pool`'s settings, outside the pool)
 * until stopped. Returns at once; `onAcquire` and `onLose` alternate, starting with `onAcquire`.
 */
export function runAsLeader(pool: pg.Pool, lockId: number, hooks: LeaderHooks, options: LeaderOptions = {}): LeaderHandle {
  const o = leaderOptions.parse(options);
  const lockKey = z.number().int('lockId must be an integer').parse(lockId);
  const heartbeatTimeoutMs = Math.max(o.leaseMs - o.heartbeatMs - 1000, 500);
  let stopped = false;
  let leader = false;
  let lastHeartbeat = 0;
  let interrupt: () => void = () => {};
  const stopSignal = new Promise<void>((resolve) => (interrupt = resolve));
  const pause = (ms: number) => Promise.race([new Promise<void>((r) => setTimeout(r, ms).unref()), stopSignal]);

  const open = async (): Promise<pg.Client> => {
    const keepaliveS = Math.max(1, Math.floor(o.leaseMs / 4000));
    const client = new pg.Client({
      ...pool.options,
      // On the server: end this session when it has been silent for leaseMs, and probe a silent peer's socket.
      options: [
        `-c idle_session_timeout=${o.leaseMs}`,
        `-c tcp_keepalives_idle=${keepaliveS}`,
        `-c tcp_keepalives_interval=${keepaliveS}`,
        '-c tcp_keepalives_count=3',
        pool.options.options ?? '',
      ].join(' '),
      keepAlive: true,
      query_timeout: heartbeatTimeoutMs,
      connectionTimeoutMillis: heartbeatTimeoutMs,
    });
    client.on('error', (err) => hooks.onError?.(err));
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    return client;
  };

  const loop = async () => {
    while (!stopped) {
      let client: pg.Client | null = null;
      let healthy = false;
      try {
        client = await open();
        healthy = true;
        for (;;) {
          if (stopped) break;
          const res = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1) AS got', [lockKey]);
          if (res.rows[0]!.got) break;
          await pause(o.retryMs);
        }
        if (stopped) break;
        leader = true;
        lastHeartbeat = Date.now();
        await hooks.onAcquire();
        while (!stopped) {
          await pause(o.heartbeatMs);
          if (stopped) break;
          await client.query('SELECT 1');
          lastHeartbeat = Date.now();
        }
      } catch (err) {
        healthy = false;
        hooks.onError?.(err as Error);
      } finally {
        if (leader) {
          leader = false;
          await Promise.resolve(hooks.onLose(stopped ? 'stopped' : 'connection lost')).catch((err: Error) => hooks.onError?.(err));
        }
        if (client) {
          if (healthy) await client.query('SELECT pg_advisory_unlock_all()').catch(() => {});
          await client.end().catch(() => {});
        }
      }
      if (!stopped) await pause(o.retryMs);
    }
  };
  const running = loop();

  return {
    get isLeader() {
      return leader && Date.now() - lastHeartbeat < o.leaseMs - 1000;
    },
    async stop() {
      stopped = true;
      interrupt();
      await running;
    },
  };
}
