/**
 * Issue 20: GET /api/v1/analytics?days=90 on a large database, timed two ways, warm p50/p95.
 *   service  AnalyticsService.compute({ days: 90 }) in this process (the file migrated first)
 *   rest     the real server (bench/server.ts, every change kept) answering the request over HTTP
 * The service figure is wall time and, beside it, CPU time (the machine is shared: wall time includes waiting).
 * `npx tsx bench/probes/analytics-90d.ts <copy of the database> [runs]`. It writes to the file (migrations, the
 * fold): give it a copy.
 */
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../../db/client.ts';
import { AnalyticsService } from '../../server/analytics/service.ts';
import { percentile, startServer } from '../lib.ts';

const path = process.argv[2];
const runs = Number(process.argv[3] ?? 30);
if (!path) throw new Error('usage: analytics-90d.ts <database copy> [runs]');
const stats = (times: number[]) => {
  const s = [...times].sort((a, b) => a - b);
  return {
    runs: s.length,
    p50Ms: Math.round(percentile(s, 50) * 10) / 10,
    p95Ms: Math.round(percentile(s, 95) * 10) / 10,
    maxMs: Math.round(s.at(-1)! * 10) / 10,
  };
};

let t = performance.now();
const h = openDatabase(path);
const openMs = Math.round(performance.now() - t);
const analytics = new AnalyticsService(h);
t = performance.now();
const first = analytics.compute({ days: 90 });
const firstMs = Math.round(performance.now() - t);
const service: number[] = [];
const serviceCpu: number[] = [];
for (let i = 0; i < runs; i++) {
  t = performance.now();
  const cpu = process.cpuUsage();
  analytics.compute({ days: 90, tz: i % 2 ? 'Asia/Kathmandu' : 'UTC' });
  const used = process.cpuUsage(cpu);
  service.push(performance.now() - t);
  serviceCpu.push((used.user + used.system) / 1000);
}
h.sqlite.close();
console.log(JSON.stringify({ openMs, firstMs, writes: first.writes.total, days: first.daily.length, service: stats(service), serviceCpu: stats(serviceCpu) }));

process.env.BENCH_FEED_RETENTION = String(100_000_000);
const server = await startServer(path, { timeoutMs: 600_000 });
const rest: number[] = [];
let total = 0;
for (let i = 0; i < runs + 3; i++) {
  t = performance.now();
  const res = await fetch(`${server.url}/api/v1/analytics?days=90`, { headers: { authorization: `Bearer ${server.token}` } });
  const body = (await res.json()) as { writes: { total: number } };
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  total = body.writes.total;
  if (i >= 3) rest.push(performance.now() - t);
}
console.log(JSON.stringify({ restWrites: total, rest: stats(rest) }));
await server.stop();
process.exit(0);
