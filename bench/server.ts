/**
 * The server under test, run as a child of bench/run.ts so the load generator and the clients
 * never share its event loop. Started with fork() (IPC channel): it reports { type: 'ready', url, pid }
 * and answers { type: 'stats' } with its memory usage. It exits when the parent goes away.
 *
 * Environment: BENCH_DATABASE (required), BENCH_WEB=1 to serve the Next.js production build too.
 */
import { resolve } from 'node:path';
import { createApplication, type Application } from '../server/app.ts';

type Message = { type: 'stats' } | { type: 'shutdown' };

const databasePath = process.env.BENCH_DATABASE;
if (!databasePath) {
  console.error('bench/server.ts: BENCH_DATABASE is required');
  process.exit(1);
}
const web = process.env.BENCH_WEB === '1';

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
    if (typeof globalThis.gc === 'function' && process.env.BENCH_GC === '1') globalThis.gc();
    const m = process.memoryUsage();
    process.send?.({ type: 'stats', rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external });
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
    web: web ? { dev: false, dir: resolve(import.meta.dirname, '..') } : false,
  });
  const url = await app.listen(0, '127.0.0.1');
  process.send?.({ type: 'ready', url, pid: process.pid });
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  process.send?.({ type: 'error', message });
  console.error(`bench server failed to start: ${message}`);
  process.exit(1);
}
