import { getRequestListener } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { Server } from 'socket.io';
import type { DbHandle } from '../db/client.ts';
import { openStore } from '../db/store.ts';
import { rateStoreFor } from '../db/rate-store.ts';
import { createAdapter } from '@socket.io/postgres-adapter';
import { DEFAULT_MAX_VALUE_BYTES } from '../lib/memory-schema.ts';
import { AuditLog } from './auth/audit.ts';
import { createBetterAuth } from './auth/better-auth.ts';
import { Identity } from './auth/identity.ts';
import { Broadcaster } from './feed/broadcaster.ts';
import { ChangeFeed } from './feed/feed.ts';
import { createApi } from './http/api.ts';
import { pageHeaders, pageAccess } from './http/pages.ts';
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimits } from './http/rate-limit.ts';
import { createLogger, type Logger } from './logger.ts';
import { gatedBackend } from './mcp/backend.ts';
import { gatedSessionBackend } from './mcp/session-backend.ts';
import { WriteGate, type Caller } from './gate.ts';
import { createMcpHttpHandler } from './mcp/http.ts';
import { apiResponseHeaders, mcpNodeRoute } from './mcp/node-route.ts';
import { createServices, type Services } from './services.ts';
import { startSweeper } from './memory/sweeper.ts';
import { storeBytes } from '../db/snapshot.ts';
import { SearchOffload } from './memory/search-offload.ts';
import { Backups } from './safety/backup.ts';
import { DATA_DEFAULTS, type DataOptions } from './safety/options.ts';
import { createRetention } from './safety/retention.ts';
import { principalRoom, registerSocketHandlers, type BatonServer } from './realtime/socket.ts';
import { createNotifications, type NotifyOptions, type Notifications } from './notify/index.ts';
import { Metrics, metricsHandler } from './metrics.ts';

export interface ApplicationOptions {
  databasePath: string;
  /** postgres://… : the shared PostgreSQL store (several nodes); databasePath is then unused. */
  databaseUrl?: string;
  /**
   * Run text searches in a child process with its own connection (server/memory/search-offload.ts), so a slow
   * search never holds the event loop. The server (server/index.ts) and the benchmark turn it on; in-process test
   * servers search in-process (test/search-offload.test.ts starts a server with it). Ignored for ':memory:'.
   */
  searchWorker?: boolean;
  /** Serve the Next.js pages too; integration tests leave it off and talk to the API and sockets. */
  web?: false | { dev: boolean; dir: string };
  maxValueBytes?: number;
  /** Deepest nesting accepted in any input (MAX_JSON_DEPTH, default 64). */
  maxJsonDepth?: number;
  sweepIntervalMs?: number;
  feedPollMs?: number;
  /** Answer plain memory_usage calls on /mcp without the SDK's Protocol (default true; tests compare both). */
  mcpFastPath?: boolean;
  /** Serve POST /mcp with an API token straight from Node's request, without the Hono app (default true; tests compare both). */
  mcpNodeRoute?: boolean;
  feedRetention?: number;
  now?: () => number;
  logger?: Logger;
  /** Signs cookie sessions; by default a random secret kept beside the database (mode 0600). */
  authSecret?: string;
  /** Creates the owner account on first start (headless installs). */
  admin?: { email: string; password: string; name?: string };
  rateLimits?: Partial<RateLimits>;
  /** A session silent this long becomes interrupted. */
  sessionIdleMinutes?: number;
  secureCookies?: boolean;
  /** Backups, import limit, retention and metrics (issue 17). */
  data?: DataOptions;
  /** Webhooks and notifications (issue 18): WEBHOOK_ALLOW_PRIVATE, BATON_PUBLIC_URL, retry timings. */
  notify?: NotifyOptions;
}

/** The whole server: the domain services (server/services.ts) and what carries them. */
export interface Application extends Services {
  http: HttpServer;
  io: BatonServer;
  db: DbHandle;
  identity: Identity;
  audit: AuditLog;
  broadcaster: Broadcaster;
  api: ReturnType<typeof createApi>;
  /** The one write gate every transport's mutations pass. */
  gate: WriteGate;
  /** /mcp counters: how many calls the fast path answered, how many requests the direct Node route served. */
  mcpStats: { fastCalls: number; directCalls: number };
  /** Scheduled and on-demand backups (BACKUP_DIR). */
  backups: Backups;
  /** Webhooks, their outbox and delivery, the notifier following the feed, preferences (docs/notifications.md). */
  notify: Notifications;
  /** GET /metrics (Prometheus text): counters, the write latency histogram, gauges read when scraped. */
  metrics: Metrics;
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/** The secret better-auth signs cookies with: given, or generated once and kept beside the database. */
function authSecretFor(databasePath: string, given?: string): string {
  if (given) return given;
  if (databasePath === ':memory:') return randomBytes(32).toString('base64url');
  const file = join(dirname(resolve(databasePath)), 'auth-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Sent between nodes (Socket.IO's serverSideEmit) when someone's access shrank. */
const ACCESS_CHANGED = 'baton:access-changed';

/** Builds the whole server (db, services, feed, REST, Socket.IO, MCP, optionally Next) without listening. */

export async function createApplication(options: ApplicationOptions): Promise<Application> {
  const logger = options.logger ?? createLogger('silent');
  /** Where this server answers, once it listens (links in notifications when BATON_PUBLIC_URL is unset). */
  let listenUrl = 'http://localhost:3000';
  const db = await openStore({ databasePath: options.databasePath, databaseUrl: options.databaseUrl }, { backgroundCheckpoint: true });
  const feed = new ChangeFeed(db);
  const maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
  // Built in dependency order, each with what it needs: Socket.IO before the broadcaster, the
  // broadcaster before the services that wake it; the HTTP server is attached once it exists.
  const io: BatonServer = new Server({
    serveClient: false,
    // Socket writes carry values up to maxValueBytes; leave room for JSON escaping.
    maxHttpBufferSize: maxValueBytes * 6 + 64 * 1024,
    // Leave upgrades that are not ours (Next's dev HMR) to Next.
    destroyUpgrade: false,
    // Several nodes: rooms addressed from any node (presence, meeting follow, user rooms, revocation)
    // reach sockets on every node. The feed itself is not sent through it: each node follows the table.
    ...(db.cluster ? { adapter: createAdapter(db.cluster.pool, { errorHandler: (err: Error) => logger.warn({ err }, 'socket.io adapter') }) } : {}),
  });
  const broadcaster = new Broadcaster(feed, io, options.feedPollMs ?? 50);
  // Follows the feed from its own durable position into the webhook outbox; a commit only wakes it.
  // Several nodes: whether this node holds the chores lock (set once the lock is being competed for, below).
  let runsChores = () => !db.cluster;
  const notify = createNotifications(db, { ...options.notify, now: options.now, logger, listenUrl: () => listenUrl, shouldDeliver: () => runsChores() });
  // Every commit wakes the broadcaster, which reads the feed the services append to.
  const { memory, sessions, items, meeting, handoffs, analytics } = createServices(db, {
    feed,
    now: options.now,
    maxValueBytes,
    historyLimit: options.data?.historyKeep ?? DATA_DEFAULTS.historyKeep,
    sessionIdleMinutes: options.sessionIdleMinutes,
    onCommit: () => (broadcaster.wake(), notify.notifier.wake()),
  });
  notify.start({ sessions });
  const searchOffload =
    options.searchWorker && (options.databaseUrl || options.databasePath !== ':memory:')
      ? new SearchOffload({ databasePath: options.databasePath, databaseUrl: options.databaseUrl }, { maxValueBytes, logger })
      : null;
  memory.offload = searchOffload;
  const audit = new AuditLog(db, options.now);
  const auth = createBetterAuth(db.db, authSecretFor(options.databasePath, options.authSecret), options.secureCookies ?? false);
  const identity = new Identity(db, auth, audit, {
    now: options.now,
    // Revoking a token, a share link or a role change closes the sockets opened with it.
    onAccessChanged: (p) => {
      io.in(principalRoom(p)).disconnectSockets(true);
      // The other nodes drop their cached principals too (the sockets above are cut on every node by the adapter).
      if (db.cluster) io.serverSideEmit(ACCESS_CHANGED);
    },
  });
  if (db.cluster) io.on(ACCESS_CHANGED, () => identity.forgetCachedAccess());
  const limiter = new RateLimiter({ ...DEFAULT_RATE_LIMITS, ...options.rateLimits }, rateStoreFor(db));
  // Gauges are read when scraped, after everything below exists.
  const metrics = new Metrics({
    feedLag: () => Math.max(0, feed.headSeq() - broadcaster.position),
    sockets: () => io.of('/').sockets.size,
    rooms: () => [...io.of('/').adapter.rooms.keys()].filter((room) => !io.of('/').sockets.has(room)).length,
    mcpSessions: () => mcp.sessions.size,
    searchesOffloaded: () => searchOffload?.answered ?? 0,
    databasePath: options.databasePath === ':memory:' ? ':memory:' : resolve(options.databasePath),
    databaseBytes: () => storeBytes(db),
    lastBackupAt: () => backups.lastGoodAt(),
    now: options.now,
  });
  const gate = new WriteGate({
    audit,
    limiter,
    refresh: (p) => identity.refresh(p),
    maxDepth: options.maxJsonDepth,
    now: options.now,
    onWrite: metrics.onWrite,
  });
  if (options.admin && (await identity.bootstrapAdmin(options.admin))) {
    logger.info({ email: options.admin.email }, 'created the owner account from the environment');
  }

  const mcp = createMcpHttpHandler(
    (principal, ip) => {
      // The session's caller as of each call (re-read at most once a second, and at once after an access change).
      const caller = (): Caller => ({ principal: principal(), ip, via: 'mcp', fresh: true });
      return { memory: gatedBackend(memory, gate, caller), sessions: gatedSessionBackend({ sessions, handoffs, analytics, gate }, caller) };
    },
    (p) => identity.refresh(p),
    maxValueBytes * 6 + 64 * 1024,
    { accessGeneration: () => identity.accessGeneration, fastPath: options.mcpFastPath, maxDepth: gate.maxDepth, registry: db.cluster?.mcpSessions },
  );
  const data = { ...DATA_DEFAULTS, ...options.data };
  const backups = new Backups(
    db,
    data.backupDir ? { dir: resolve(data.backupDir), intervalMinutes: data.backupIntervalMinutes, keep: data.backupKeep } : null,
    logger,
    options.now,
  );
  backups.start();
  const api = createApi({
    memory,
    feed,
    logger,
    identity,
    audit,
    limiter,
    mcp,
    sessions,
    items,
    meeting,
    handoffs,
    analytics,
    gate,
    notify: notify.routes(gate),
    metrics: metrics.middleware,
    data: {
      handle: db,
      services: { memory, sessions, handoffs, feed },
      audit,
      backups,
      onCommit: broadcaster.wake,
      maxImportBytes: data.maxImportBytes,
      now: options.now,
    },
  });
  const apiListener = getRequestListener(api.fetch);
  // An agent's MCP calls skip the Hono app (same checks, headers and answers: server/mcp/node-route.ts).
  const mcpRoute =
    options.mcpNodeRoute === false
      ? null
      : mcpNodeRoute({
          reply: mcp.reply,
          tokenPrincipal: (secret) => identity.tokenPrincipal(secret),
          headers: await apiResponseHeaders(),
          maxBodyBytes: maxValueBytes * 6 + 64 * 1024,
          countRequest: metrics.countRequest,
          onError: (err) => logger.error({ err, path: '/mcp' }, 'request failed'),
          stats: mcp.stats,
        });
  const serveMetrics = metricsHandler(metrics, { token: data.metricsToken, principalFrom: (headers) => identity.principalFrom(headers) });

  let nextHandler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null = null;
  let nextUpgrade: ((req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void>) | null = null;
  if (options.web) {
    const { default: next } = await import('next');
    const nextApp = next({ dev: options.web.dev, dir: options.web.dir });
    await nextApp.prepare();
    nextHandler = nextApp.getRequestHandler();
    nextUpgrade = nextApp.getUpgradeHandler();
  }
  const dev = options.web ? options.web.dev : false;

  const http = createServer((req, res) => {
    const url = req.url ?? '/';
    if (mcpRoute && url === '/mcp' && mcpRoute(req, res)) return;
    if (url.startsWith('/api/') || url === '/mcp' || url.startsWith('/mcp?') || url.startsWith('/.well-known/')) return void apiListener(req, res);
    if (url === '/metrics' || url.startsWith('/metrics?')) {
      return void serveMetrics(req, res).catch((err: unknown) => {
        logger.error({ err }, 'metrics failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    }
    if (!nextHandler) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'not_found', message: 'The web UI is not served by this instance' } }));
      return;
    }
    const handler = nextHandler;
    for (const [name, value] of Object.entries(pageHeaders(dev))) res.setHeader(name, value);
    // Pages are authorized here, in the process that holds the database: sign in first, set up first.
    pageAccess(url, req.headers, identity)
      .then((redirect) => {
        if (redirect) {
          res.writeHead(303, { location: redirect, 'cache-control': 'no-store' });
          res.end();
        } else void handler(req, res);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'page access check failed');
        res.writeHead(500);
        res.end('Internal error');
      });
  });

  io.attach(http);
  if (nextUpgrade) {
    const upgrade = nextUpgrade;
    http.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/socket.io')) void upgrade(req, socket, head);
    });
  }
  broadcaster.start();
  // Other nodes' commits: an empty NOTIFY wakes this node's followers, which read the table from their own seq.
  const wakeups = db.cluster?.follow(
    () => (broadcaster.wake(), notify.notifier.wake()),
    (err) => logger.warn({ err }, 'feed LISTEN connection lost; reconnecting (the poll carries on meanwhile)'),
  );
  // Cluster-wide chores (sweeper, expiry, retention, folding) on one node at a time.
  const chores = db.cluster?.leader({
    onAcquire: () => logger.info('this node now runs the cluster chores'),
    onLose: (reason) => logger.info({ reason }, 'this node no longer runs the cluster chores'),
    onError: (err) => logger.warn({ err }, 'chores lock'),
  });
  if (chores) runsChores = () => chores.isLeader;
  registerSocketHandlers(io, { memory, feed, logger, identity, gate, cluster: !!db.cluster });
  const retention = createRetention(db, sessions, { ...data, now: options.now });
  const sweeper = startSweeper({
    memory,
    sessions,
    handoffs,
    fold: () => analytics.writeStats.catchUp((options.now ?? Date.now)()),
    notify: () => notify.sweep((id) => handoffs.listItemOf(id)),
    retain: () => retention.tick(),
    feed,
    intervalMs: options.sweepIntervalMs ?? 1000,
    shouldRun: runsChores,
    retention: options.feedRetention ?? 100_000,
    logger,
  });

  return {
    http,
    io,
    db,
    memory,
    sessions,
    items,
    meeting,
    handoffs,
    analytics,
    feed,
    identity,
    audit,
    broadcaster,
    api,
    gate,
    mcpStats: mcp.stats,
    backups,
    notify,
    metrics,
    listen(port, host) {
      return new Promise((resolveUrl, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          const { port: bound } = http.address() as AddressInfo;
          listenUrl = `http://${host && host !== '0.0.0.0' ? host : 'localhost'}:${bound}`;
          resolveUrl(listenUrl);
        });
      });
    },
    async close() {
      sweeper.stop();
      await chores?.stop();
      await wakeups?.stop();
      await searchOffload?.close();
      backups.stop();
      notify.stop();
      await mcp.close();
      broadcaster.stop();
      await new Promise<void>((done) => void io.close(() => done()));
      if (http.listening) await new Promise<void>((done) => http.close(() => done()));
      db.close();
    },
  };
}
