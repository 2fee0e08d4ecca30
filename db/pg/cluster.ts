// What several nodes on one PostgreSQL database share besides the tables: the feed's wake-ups (an empty
// NOTIFY after each commit, a LISTEN per node), the chores lock (leader.ts) and a pool for the Socket.IO
// adapter (@socket.io/postgres-adapter: presence, meeting follow, user rooms, disconnect-on-revoke).
import pg from 'pg';
import { FEED_CHANNEL, notifyFeed } from './listen.ts';
import { CHORES_LOCK_ID, runAsLeader, type LeaderHandle, type LeaderHooks, type LeaderOptions } from './leader.ts';

/** Which MCP sessions were opened, by whom, and which were closed: so another node may open one again. */
export interface McpSessionRegistry {
  opened(id: string, owner: string, at: number): void;
  closed(id: string, at: number): void;
  find(id: string): { owner: string; closed: boolean } | null;
}

export interface Cluster {
  /** A small pool for the Socket.IO adapter, the wake-ups and the chores lock (never the services' statements). */
  pool: pg.Pool;
  /** Sends one empty NOTIFY for the commits of this tick (called after COMMIT, never inside it). */
  committed(): void;
  /**
   * Calls `wake` on every wake-up from any node, and once after each (re)connection of the LISTEN
   * connection, since wake-ups sent while it was away are lost (the caller re-reads from its last seq).
   */
  follow(wake: () => void, onError?: (err: Error) => void): { stop(): Promise<void> };
  /** MCP sessions every node knows (set by db/store.ts once the store's connection exists). */
  mcpSessions?: McpSessionRegistry;
  /** Runs chores on one node at a time (CHORES_LOCK_ID). */
  leader(hooks: LeaderHooks, options?: LeaderOptions): LeaderHandle;
  close(): Promise<void>;
}

export function createCluster(url: string, options: { reconnectMs?: number } = {}): Cluster {
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: 'baton-cluster' });
  pool.on('error', () => {});
  let pending = false;
  const listeners = new Set<{ stop(): Promise<void> }>();
  const cluster: Cluster = {
    pool,
    committed() {
      if (pending) return;
      pending = true;
      setImmediate(() => {
        pending = false;
        // A lost wake-up costs latency, never a change: every node also polls its feed.
        notifyFeed(pool).catch(() => {});
      });
    },
    follow(wake, onError) {
      let client: pg.Client | null = null;
      let stopped = false;
      let timer: NodeJS.Timeout | null = null;
      let delay = options.reconnectMs ?? 200;
      const connect = async () => {
        if (stopped) return;
        const c = new pg.Client({ connectionString: url, application_name: 'baton-listen' });
        client = c;
        const lost = (err?: Error) => {
          if (client !== c) return;
          client = null;
          if (err) onError?.(err);
          c.end().catch(() => {});
          if (!stopped) {
            timer = setTimeout(() => void connect(), delay);
            timer.unref();
            delay = Math.min(delay * 2, 5000);
          }
        };
        c.on('error', lost);
        c.on('end', () => lost());
        c.on('notification', () => wake());
        try {
          await c.connect();
          await c.query(`LISTEN ${FEED_CHANNEL}`);
          delay = options.reconnectMs ?? 200;
          wake();
        } catch (err) {
          lost(err as Error);
        }
      };
      void connect();
      const handle = {
        async stop() {
          stopped = true;
          if (timer) clearTimeout(timer);
          const c = client;
          client = null;
          await c?.end().catch(() => {});
          listeners.delete(handle);
        },
      };
      listeners.add(handle);
      return handle;
    },
    leader(hooks, leaderOptions) {
      return runAsLeader(pool, CHORES_LOCK_ID, hooks, leaderOptions);
    },
    async close() {
      await Promise.all([...listeners].map((l) => l.stop()));
      await pool.end().catch(() => {});
    },
  };
  return cluster;
}
