/**
 * `npx tsx bench/webhooks.ts`: what webhooks cost the write path, and how fast deliveries go out.
 * The server runs in its own process (bench/server.ts); five local receivers run in this one.
 *
 *   (w1) p50/p99 latency of a REST board edit that raises an event (adding a blocker: a session
 *        change the notifier turns into `blocker.raised`), and of a plain memory store, sequential,
 *        with no webhook and then with 5 webhooks subscribed to every event, in the same run;
 *   (w2) webhook throughput: a burst of events written by 16 concurrent clients, and the
 *        deliveries per second until all 5 receivers have every one.
 *
 * Knobs: BENCH_WH_WRITES (400 per phase), BENCH_WH_BURST (1000 events). Prints one JSON object.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { percentile, round, sleep, startServer } from './lib.ts';

const WRITES = Number(process.env.BENCH_WH_WRITES ?? 400);
const BURST = Number(process.env.BENCH_WH_BURST ?? 1000);
process.env.WEBHOOK_ALLOW_PRIVATE = 'true';

async function receiver() {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, count: () => count, close: () => server.close() };
}

const dir = mkdtempSync(join(tmpdir(), 'baton-bench-wh-'));
const server = await startServer(join(dir, 'bench.db'));
const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(server.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<unknown>;
};

async function phase(label: string, session: string) {
  await call('PUT', '/api/v1/memory/entry', { namespace: 'bench-wh', key: `session/${session}/init`, value: { session_id: session } });
  const edit: number[] = [];
  const store: number[] = [];
  for (let i = 0; i < WRITES; i++) {
    let t0 = performance.now();
    await call('POST', `/api/v1/sessions/${session}/blockers`, { description: `blocker ${i}`, severity: 'high' });
    edit.push(performance.now() - t0);
    t0 = performance.now();
    await call('PUT', '/api/v1/memory/entry', { namespace: 'bench-wh', key: `note-${label}-${i}`, value: { i } });
    store.push(performance.now() - t0);
    await sleep(5);
  }
  const sort = (a: number[]) => [...a].sort((x, y) => x - y);
  const e = sort(edit);
  const s = sort(store);
  return {
    boardEditP50Ms: round(percentile(e, 50)),
    boardEditP99Ms: round(percentile(e, 99)),
    storeP50Ms: round(percentile(s, 50)),
    storeP99Ms: round(percentile(s, 99)),
  };
}

try {
  const none = await phase('none', 'wh-none');
  const receivers = await Promise.all(Array.from({ length: 5 }, receiver));
  for (const r of receivers) await call('POST', '/api/v1/webhooks', { url: r.url, events: '*' });
  const five = await phase('five', 'wh-five');
  await sleep(1000);
  const delivered = () => receivers.reduce((n, r) => n + r.count(), 0);
  // Throughput: a burst of events (16 concurrent writers), then wait until every receiver has all of them.
  const base = delivered();
  await call('PUT', '/api/v1/memory/entry', { namespace: 'bench-wh', key: 'session/wh-burst/init', value: { session_id: 'wh-burst' } });
  await sleep(500);
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < BURST) {
        const i = next++;
        await call('POST', '/api/v1/sessions/wh-burst/blockers', { description: `burst ${i}`, severity: 'low' });
      }
    }),
  );
  const written = performance.now() - start;
  const want = base + BURST * 5;
  while (delivered() < want && performance.now() - start < 120_000) await sleep(20);
  const total = performance.now() - start;
  for (const r of receivers) r.close();
  console.log(
    JSON.stringify(
      {
        writesPerPhase: WRITES,
        noWebhooks: none,
        fiveWebhooks: five,
        throughput: {
          events: BURST,
          deliveries: delivered() - base,
          writeSeconds: round(written / 1000),
          allDeliveredSeconds: round(total / 1000),
          deliveriesPerSecond: round(((delivered() - base) / total) * 1000, 0),
        },
      },
      null,
      2,
    ),
  );
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
