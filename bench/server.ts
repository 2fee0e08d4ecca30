/**
 * The server under test, run as a child of bench/run.ts so the load generator and the clients
 * never share its event loop. Started with fork() (IPC channel): it reports { type: 'ready', url, pid }
 * and answers { type: 'stats', reset? } with its memory usage and timings of its own hot paths.
 * It exits when the parent goes away.
 *
 * Credentials: a fresh database gets an owner account and an admin-scoped API token, sent to the
 * parent with the URL; every bench client uses it (REST Authorization: Bearer, socket auth.token).
 * The per-principal write rate limit is lifted (its bookkeeping still runs on every write): at the
 * default 12,000/min one token could not write more than 200/s, and the bench measures capacity.
 *
 * Timings come from wrapping two methods on the built application (nothing in server/ changes):
 *   store  MemoryService.store, as called by REST and socket handlers (parse + transaction + commit)
 *   drain  Broadcaster.drain: read the new changes and emit each to its rooms (the whole fan-out)
 *   flush  the group-commit flush, when MemoryService has one: one transaction (and commit) per batch
 *
 * Environment: BENCH_DATABASE (required), BENCH_WEB=1 to serve the Next.js production build too,
 * BENCH_FEED_RETENTION (FEED_RETENTION: changes the feed keeps; the scale section keeps all 10 million),
 * BENCH_DATABASE_URL=postgres://… to serve from PostgreSQL instead (bench/pg.ts, section g; BENCH_DATABASE is then
 * unused). Several servers may share one such database: the first creates the owner, each makes its own token.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApplication, type Application } from '../server/app.ts';

type Message = { type: 'stats'; reset?: boolean } | { type: 'shutdown' };

const databasePath = process.env.BENCH_DATABASE;
if (!databasePath) {
  console.error('bench/server.ts: BENCH_DATABASE is required');
  process.exit(1);
}
const web = process.env.BENCH_WEB === '1';

class Timings {
  private samples: number[] = [];
  private items = 0;
  add(ms: number, items = 1) {
    if (this.samples.length < 1_000_000) this.samples.push(ms);
    this.items += items;
  }
  summary() {
    const s = [...this.samples].sort((a, b) => a - b);
    const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : null);
    const total = s.reduce((a, b) => a + b, 0);
    return { calls: s.length, items: this.items, totalMs: total, p50Ms: at(50), p99Ms: at(99), maxMs: s.at(-1) ?? null };
  }
  reset() {
    this.samples = [];
    this.items = 0;
  }
}
const storeTimings = new Timings();
const drainTimings = new Timings();
const flushTimings = new Timings();
let elu = performance.eventLoopUtilization();

function instrument(app: Application): void {
  const memory = app.memory;
  const store = memory.store.bind(memory);
  let storesSinceFlush = 0;
  memory.store = (input, actor) => {
    const t0 = performance.now();
    storesSinceFlush++;
    try {
      return store(input, actor);
    } finally {
      storeTimings.add(performance.now() - t0);
    }
  };
  // Group commit is private to MemoryService; time its flush only when it is there.
  const group = (memory as unknown as { group?: { flush?: () => void } }).group;
  if (group && typeof group.flush === 'function') {
    const flush = group.flush.bind(group);
    group.flush = () => {
      const before = storesSinceFlush;
      const t0 = performance.now();
      flush();
      // Stores run inside flush(), so the batch size is the count added during it.
      const n = storesSinceFlush - before;
      storesSinceFlush = 0;
      if (n > 0) flushTimings.add(performance.now() - t0, n);
    };
  }
  const broadcaster = app.broadcaster;
  const drain = broadcaster.drain.bind(broadcaster);
  broadcaster.drain = () => {
    const before = broadcaster.position;
    const t0 = performance.now();
    drain();
    const n = broadcaster.position - before;
    if (n > 0) drainTimings.add(performance.now() - t0, n);
  };
}

let app: Application | null = null;
let closing = false;
async function shutdown(code = 0): Promise<void> {
  if (closing) return;
  closing = true;
  try {
    // io.close() waits for every client; the parent disconnects its clients first, but never hang on it.
    await Promise.race([app?.close(), new Promise((r) => setTimeout(r, 2000))]);
  } finally {
    process.exit(code);
  }
}

process.on('message', (msg: Message) => {
  if (msg.type === 'stats') {
    const m = process.memoryUsage();
    const u = performance.eventLoopUtilization(elu);
    process.send?.({
      type: 'stats',
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      eventLoopUtilization: u.utilization,
      store: storeTimings.summary(),
      drain: drainTimings.summary(),
      flush: flushTimings.summary(),
    });
    if (msg.reset) {
      storeTimings.reset();
      drainTimings.reset();
      flushTimings.reset();
      elu = performance.eventLoopUtilization();
    }
  } else if (msg.type === 'shutdown') {
    void shutdown(0);
  }
});
// The parent died or closed the channel: never linger as an orphan holding the temp database.
process.on('disconnect', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));

try {
  app = await createApplication({
    databasePath,
    ...(process.env.BENCH_DATABASE_URL ? { databaseUrl: process.env.BENCH_DATABASE_URL } : {}),
    // As the server runs it (server/index.ts): text search in its worker. BENCH_SEARCH_WORKER=0 keeps it in-process.
    searchWorker: process.env.BENCH_SEARCH_WORKER !== '0',
    web: web ? { dev: false, dir: resolve(import.meta.dirname, '..') } : false,
    admin: { email: 'bench@example.test', password: 'bench password, not a secret', name: 'Bench' },
    authSecret: randomBytes(32).toString('hex'),
    rateLimits: { writesPerMinute: 100_000_000 },
    notify: { allowPrivate: process.env.WEBHOOK_ALLOW_PRIVATE === 'true' },
    ...(process.env.BENCH_FEED_RETENTION ? { feedRetention: Number(process.env.BENCH_FEED_RETENTION) } : {}),
  });
  const owner = app.identity.userPrincipal(app.identity.listUsers()[0]!.id);
  if (owner?.kind !== 'user') throw new Error('the owner account was not created');
  const { token } = app.identity.createToken(owner, { name: 'bench', scopes: [{ access: 'admin', namespaces: '*' }] }, null);
  instrument(app);
  const url = await app.listen(0, '127.0.0.1');
  process.send?.({ type: 'ready', url, pid: process.pid, token });
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  process.send?.({ type: 'error', message });
  console.error(`bench server failed to start: ${message}`);
  process.exit(1);
}
