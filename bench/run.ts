/**
 * `npm run bench`: measures Baton's write throughput, fan-out latency, catch-up time and idle memory,
 * prints one JSON object and writes it to bench/results/latest.json. Targets are reported, never
 * asserted: the process exits 0 whatever the figures are.
 *
 * The server always runs in its own process (bench/server.ts); this process is the load generator
 * and holds every client. On this 2-core machine that means one core each, roughly.
 *
 * Knobs (environment): BENCH_ONLY=a,b,c,d,e,f,g,h,i (default a–f, h, i)   BENCH_REST_SECONDS (10)   BENCH_LAT_WRITES (300)
 * BENCH_LAT_INTERVAL_MS (80)   BENCH_LAT_THREADS (2: a second (c) run with the receivers spread over
 * that many worker threads, to show how much of (c) is the one receiving event loop; 0 skips it)
 * BENCH_LAT_2000_THREADS (4: the 2,000-receiver run of (c), its receivers spread over that many worker
 * threads so they are not what is measured; 0 skips it)
 * BENCH_CPU_PROF=<dir> (V8 CPU profile of the server child)
 * (h) scale, bench/scale.ts: BENCH_SCALE=full (1,000,000 entries, 10,000,000 changes, 2,000 sessions, a
 * board of 500 items and 200 checkpoints; reduced by default), or each of BENCH_SCALE_ENTRIES,
 * BENCH_SCALE_CHANGES, BENCH_SCALE_SESSIONS, BENCH_SCALE_BOARD_ITEMS, BENCH_SCALE_CHECKPOINTS;
 * BENCH_SCALE_DB=<file> keeps the generated database there (and reuses it when it exists);
 * BENCH_SCALE_REQUESTS (100 per figure)
 * (i) team day, bench/day.ts: BENCH_DAY_SECONDS (30 by default; 90 for the full figure)
 * (g) PostgreSQL, bench/pg.ts: not in the default list (126 s when measured: three REST runs, two catch-ups,
 * two latency runs); BENCH_ONLY=g. BENCH_PG_URL (else PG_TEST_URL, else postgres://postgres@127.0.0.1:5432/postgres;
 * the run creates and drops its own databases there, and reports { skipped } when nothing answers),
 * BENCH_PG_LAT_WRITES (300 per writing node), BENCH_PG_LAT_INTERVAL_MS (50, between consecutive writes),
 * BENCH_PG_RECEIVERS (200), BENCH_PG_RECEIVER_THREADS (2), BENCH_PG_CATCHUP (10000); REST runs use BENCH_REST_SECONDS
 */
import autocannon from 'autocannon';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Ack } from '../lib/events.ts';
import { followFeed } from '../lib/feed-client.ts';
import type { StoreResult } from '../lib/memory-types.ts';
import {
  closeAll,
  connectClient,
  connectMany,
  emitAck,
  followReceivers,
  killChildren,
  mb,
  payload,
  percentile,
  processCpuSeconds,
  round,
  sleep,
  startServer,
  systemBusySeconds,
  type BenchServer,
  type ReceiverGroup,
  receiversInWorker,
  catchUpClient,
  type ServerStats,
} from './lib.ts';
import { rawBaseline, serviceStore, type Workload } from './raw.ts';
import { benchMcpInChild } from './mcp.ts';
import { benchScale } from './scale.ts';
import { benchDay } from './day.ts';
import { benchPg } from './pg.ts';

const root = resolve(import.meta.dirname, '..');
const only = new Set((process.env.BENCH_ONLY ?? 'a,b,c,d,e,f,h,i').split(',').map((s) => s.trim()));
const REST_SECONDS = Number(process.env.BENCH_REST_SECONDS ?? 10);
const LAT_WRITES = Number(process.env.BENCH_LAT_WRITES ?? 300);
const LAT_INTERVAL_MS = Number(process.env.BENCH_LAT_INTERVAL_MS ?? 80);
const LAT_THREADS = Number(process.env.BENCH_LAT_THREADS ?? 2);
const LAT_2000_THREADS = Number(process.env.BENCH_LAT_2000_THREADS ?? 4);
const CPU_PROF = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
const SCALE_FULL = process.env.BENCH_SCALE === 'full';
const scaleKnob = (name: string, full: number, reduced: number) => Number(process.env[name] ?? (SCALE_FULL ? full : reduced));
const SCALE = {
  entries: scaleKnob('BENCH_SCALE_ENTRIES', 1_000_000, 20_000),
  changes: scaleKnob('BENCH_SCALE_CHANGES', 10_000_000, 200_000),
  sessions: scaleKnob('BENCH_SCALE_SESSIONS', 2000, 300),
  boardItems: scaleKnob('BENCH_SCALE_BOARD_ITEMS', 500, 100),
  checkpoints: scaleKnob('BENCH_SCALE_CHECKPOINTS', 200, 40),
  requests: Number(process.env.BENCH_SCALE_REQUESTS ?? 100),
  db: process.env.BENCH_SCALE_DB || undefined,
};
const DAY_SECONDS = Number(process.env.BENCH_DAY_SECONDS ?? 30);

const TARGETS = {
  restWritesPerSec: 5000,
  restRatioToRaw: 0.3,
  broadcastP50Ms: 10,
  broadcastP99Ms: 20,
  /** 2,000 receivers (in worker threads): issue 20. */
  broadcast2000P99Ms: 60,
  catchUpMs: 1000,
  idleRssMB: 300,
};

const tmp = mkdtempSync(join(tmpdir(), 'baton-bench-'));
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

let cleaned = false;
function cleanup(): void {
  if (cleaned) return;
  cleaned = true;
  killChildren();
  rmSync(tmp, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    cleanup();
    process.exit(130);
  });
}

interface CpuShare {
  /** % of one core; the machine has 2, so 200 is everything. */
  serverPct: number | null;
  benchPct: number;
  /** Every other process on the machine (other sessions' tests, builds, browsers) during the section. */
  otherProcessesPct: number;
}

/** Runs a section and reports how the machine's CPU was shared while it ran. */
async function measure<T>(server: BenchServer | null, fn: () => Promise<T> | T): Promise<{ result: T; cpu: CpuShare }> {
  const s0 = server ? processCpuSeconds(server.pid) : 0;
  const sys0 = systemBusySeconds();
  const b0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const wall = (performance.now() - t0) / 1000;
  const b = process.cpuUsage(b0);
  const serverCpu = server ? processCpuSeconds(server.pid) - s0 : 0;
  const benchCpu = (b.user + b.system) / 1e6;
  const others = Math.max(0, systemBusySeconds() - sys0 - serverCpu - benchCpu);
  const pct = (x: number) => round((x / wall) * 100, 0);
  return { result, cpu: { serverPct: server ? pct(serverCpu) : null, benchPct: pct(benchCpu), otherProcessesPct: pct(others) } };
}

const contention: Record<string, number> = {};
const timing = (t: ServerStats['store']) => ({
  calls: t.calls,
  ...(t.items !== t.calls ? { itemsPerCall: round(t.items / Math.max(1, t.calls), 1) } : {}),
  p50Ms: t.p50Ms && round(t.p50Ms, 3),
  p99Ms: t.p99Ms && round(t.p99Ms, 3),
  maxMs: t.maxMs && round(t.maxMs, 2),
});

async function headSeq(url: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/health`);
  return ((await res.json()) as { seq: number }).seq;
}

const workload: Workload = { namespace: 'bench', keys: 1000, value: payload(128) };

// ---------------------------------------------------------------- (a) raw better-sqlite3
async function benchRaw() {
  log('(a) raw better-sqlite3 baseline, 3 s');
  const { result: base, cpu } = await measure(null, () => rawBaseline(join(tmp, 'raw.db'), workload, 3000));
  contention.a = cpu.otherProcessesPct;
  log(`(a) ${Math.round(base.perSec)} writes/s (other processes ${cpu.otherProcessesPct}% CPU)`);
  log('(a) diagnostic: MemoryService.store in-process, 2 s');
  const service = serviceStore(join(tmp, 'service.db'), workload, 2000);
  return {
    writesPerSec: Math.round(base.perSec),
    writes: base.ops,
    cpuUsPerWrite: round((cpu.benchPct / 100 / base.perSec) * 1e6, 0),
    cpu,
    note: 'one BEGIN IMMEDIATE transaction per write: upsert memory_entries + insert changes; same pragmas/schema as db/client.ts; 1000 keys, 128-byte value',
    diagnostics: {
      memoryServiceStoreInProcessWritesPerSec: Math.round(service.perSec),
    },
  };
}

// ---------------------------------------------------------------- (b) REST store
async function benchRest(server: BenchServer, rawPerSec: number | null) {
  let i = 0;
  const value = workload.value;
  const run = (duration: number) =>
    autocannon({
      url: server.url,
      connections: 16,
      pipelining: 1,
      duration,
      requests: [
        {
          method: 'PUT',
          path: '/api/v1/memory/entry',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({ namespace: workload.namespace, key: `k/${i++ % workload.keys}`, value }),
          }),
        },
      ],
    });
  log('(b) REST warm-up, 2 s');
  await run(2);
  log(`(b) REST PUT /api/v1/memory/entry, 16 connections, ${REST_SECONDS} s (autocannon in the bench process, server in its child)`);
  await server.stats(true);
  const { result, cpu } = await measure(server, () => run(REST_SECONDS));
  const stats = await server.stats(true);
  contention.b = cpu.otherProcessesPct;
  const ok = result['2xx'];
  const writesPerSec = Math.round(ok / result.duration);
  const ratio = rawPerSec ? round(writesPerSec / rawPerSec, 3) : null;
  log(`(b) ${writesPerSec} writes/s (CPU: server ${cpu.serverPct}%, load generator ${cpu.benchPct}%, other processes ${cpu.otherProcessesPct}%)`);
  return {
    writesPerSec,
    ratioToRaw: ratio,
    target: { writesPerSec: TARGETS.restWritesPerSec, ratioToRaw: TARGETS.restRatioToRaw },
    pass: {
      writesPerSec: writesPerSec >= TARGETS.restWritesPerSec,
      ratioToRaw: ratio !== null && ratio >= TARGETS.restRatioToRaw,
    },
    requests: ok + result.non2xx,
    non2xx: result.non2xx,
    errors: result.errors,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    cpu,
    server: {
      cpuUsPerWrite: cpu.serverPct === null ? null : round(((cpu.serverPct / 100) * result.duration * 1e6) / ok, 0),
      eventLoopUtilization: round(stats.eventLoopUtilization, 2),
      memoryStore: timing(stats.store),
      groupCommitFlush: timing(stats.flush),
      broadcasterDrain: timing(stats.drain),
    },
  };
}

// ---------------------------------------------------------------- (d) catch-up
async function benchCatchUp(server: BenchServer) {
  const N = 10_000;
  const namespace = 'bench-catchup';
  const writer = connectClient(server.url, server.token);
  await new Promise<void>((r) => writer.once('connect', () => r()));
  const before = await headSeq(server.url);
  log(`(d) writing ${N} changes over a socket (64 in flight)`);
  let next = 0;
  let failed = 0;
  const value = payload(128);
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < N) {
        const k = next++;
        const ack = await emitAck<Ack<StoreResult>>(writer, 'memory:store', { namespace, key: `c/${k}`, value });
        if (!ack.ok) failed++;
      }
    }),
  );
  writer.close();
  const after = await headSeq(server.url);

  log(`(d) fresh client follows from seq ${before} (${after - before} behind)`);
  const sys0 = systemBusySeconds();
  const cpu0 = process.cpuUsage();
  const srv0 = processCpuSeconds(server.pid);
  const { ms, msFromSubscribe, applied, resync } = await catchUpClient(server.url, server.token, namespace, before, N, 30_000);
  const wallS = ms / 1000;
  const benchCpu = process.cpuUsage(cpu0);
  const serverCpu = processCpuSeconds(server.pid) - srv0;
  contention.d = round((Math.max(0, systemBusySeconds() - sys0 - serverCpu - (benchCpu.user + benchCpu.system) / 1e6) / wallS) * 100, 0);
  log(`(d) applied ${applied} in ${ms} ms`);
  return {
    ms,
    target: { ms: TARGETS.catchUpMs },
    pass: ms < TARGETS.catchUpMs,
    changesBehind: after - before,
    applied,
    writeFailures: failed,
    resync,
    msFromSubscribe,
    otherProcessesCpuPct: contention.d,
    note: 'ms counts from creating the socket (handshake included) to the onChanges call that completed 10,000; msFromSubscribe counts from the connect event, when followFeed subscribes',
  };
}

// ---------------------------------------------------------------- (c) write → broadcast latency
/**
 * (c) One writer socket emits memory:store every LAT_INTERVAL_MS; each of `receivers` subscribed
 * sockets (followFeed on the namespace room) records when the change arrives. Latency = receipt − emit,
 * both read from process.hrtime in this process. With threads = 0 every receiver shares this event loop
 * (the 500-receiver headline figure); with threads > 0 they are spread over worker threads of this
 * process, and the report gives each thread's own CPU and event-loop utilization (the receivers' cost,
 * on the same 2 cores as the server).
 */
async function benchLatency(server: BenchServer, threads: number, receivers = 500) {
  const RECEIVERS = receivers;
  const namespace = `bench-latency-${receivers}-${threads}`;
  const since = await headSeq(server.url);
  log(`(c) connecting ${RECEIVERS} websocket receivers${threads ? ` in ${threads} worker threads` : ' on the bench event loop'}`);
  const workers = Array.from({ length: threads }, (_, i) =>
    receiversInWorker(server.url, server.token, Math.floor(RECEIVERS / threads) + (i < RECEIVERS % threads ? 1 : 0), namespace, since),
  );
  const groups: ReceiverGroup[] = threads === 0 ? [followReceivers(server.url, server.token, RECEIVERS, namespace, since)] : workers;
  const live = (await Promise.all(groups.map((g) => g.live))).reduce((a, b) => a + b, 0);
  const writer = connectClient(server.url, server.token);
  await new Promise<void>((r) => writer.once('connect', () => r()));
  await sleep(500);

  log(`(c) ${LAT_WRITES} writes, one every ${LAT_INTERVAL_MS} ms, ${live} receivers live`);
  const t0ByKey = new Map<string, bigint>();
  const acks: number[] = [];
  const value = payload(128);
  await server.stats(true);
  const elu0 = performance.eventLoopUtilization();
  const { cpu } = await measure(server, async () => {
    const pending: Promise<void>[] = [];
    for (let i = 0; i < LAT_WRITES; i++) {
      const key = `lat/${i}`;
      const t0 = process.hrtime.bigint();
      t0ByKey.set(key, t0);
      pending.push(
        emitAck<Ack<StoreResult>>(writer, 'memory:store', { namespace, key, value }).then(() => {
          acks.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }),
      );
      await sleep(LAT_INTERVAL_MS);
    }
    await Promise.all(pending);
    await sleep(1000); // the last write's deliveries
  });
  const benchElu = performance.eventLoopUtilization(elu0).utilization;
  const stats = await server.stats(true);
  const label = `c${receivers === 500 ? '' : `_${receivers}`}${threads ? `_threads${threads}` : ''}`;
  contention[label] = cpu.otherProcessesPct;
  writer.close();

  const latencies: number[] = [];
  const perWrite = new Map<string, { first: number; last: number }>();
  for (const { keys, times } of await Promise.all(groups.map((g) => g.collect()))) {
    keys.forEach((key, i) => {
      const t0 = t0ByKey.get(key);
      if (t0 === undefined) return;
      const d = Number(times[i]! - t0) / 1e6;
      latencies.push(d);
      const w = perWrite.get(key);
      if (!w) perWrite.set(key, { first: d, last: d });
      else {
        w.first = Math.min(w.first, d);
        w.last = Math.max(w.last, d);
      }
    });
  }
  const threadStats = await Promise.all(workers.map((w) => w.stats));
  const receiverThreads = threadStats.map((t) => ({
    cpuPct: t.cpuSeconds === null ? null : round((t.cpuSeconds / t.seconds) * 100, 0),
    eventLoopUtilization: round(t.eventLoopUtilization, 2),
  }));
  latencies.sort((a, b) => a - b);
  acks.sort((a, b) => a - b);
  const firsts = [...perWrite.values()].map((w) => w.first).sort((a, b) => a - b);
  const lasts = [...perWrite.values()].map((w) => w.last).sort((a, b) => a - b);
  const p50 = round(percentile(latencies, 50));
  const p99 = round(percentile(latencies, 99));
  const p99Target = receivers >= 2000 ? TARGETS.broadcast2000P99Ms : TARGETS.broadcastP99Ms;
  const threadCpu = receiverThreads.map((t) => `${t.cpuPct ?? '?'}%`).join(' + ');
  log(
    `(c) ${RECEIVERS} receivers: p50 ${p50} ms, p99 ${p99} ms over ${latencies.length} deliveries (CPU: server ${cpu.serverPct}%, bench ${cpu.benchPct}%${threads ? ` of which receiver threads ${threadCpu}` : ''}, other processes ${cpu.otherProcessesPct}%)`,
  );
  return {
    p50Ms: p50,
    p99Ms: p99,
    target: receivers >= 2000 ? { p99Ms: p99Target } : { p50Ms: TARGETS.broadcastP50Ms, p99Ms: p99Target },
    pass: receivers >= 2000 ? { p99: p99 < p99Target } : { p50: p50 < TARGETS.broadcastP50Ms, p99: p99 < p99Target },
    receivers: RECEIVERS,
    receiverThreads: threads,
    writes: LAT_WRITES,
    intervalMs: LAT_INTERVAL_MS,
    deliveries: latencies.length,
    expectedDeliveries: LAT_WRITES * RECEIVERS,
    maxMs: round(latencies.at(-1) ?? NaN),
    perWrite: {
      firstDeliveryP50Ms: round(percentile(firsts, 50)),
      firstDeliveryP99Ms: round(percentile(firsts, 99)),
      lastDeliveryP50Ms: round(percentile(lasts, 50)),
      lastDeliveryP99Ms: round(percentile(lasts, 99)),
    },
    writerAckMs: { p50: round(percentile(acks, 50)), p99: round(percentile(acks, 99)) },
    server: {
      memoryStore: timing(stats.store),
      // One drain per write here: read the change and write it to every subscribed socket.
      fanOutPerWrite: timing(stats.drain),
      eventLoopUtilization: round(stats.eventLoopUtilization, 2),
    },
    benchMainThreadEventLoopUtilization: round(benchElu, 2),
    /** Each receiver thread's own CPU (% of one core) and event-loop utilization; bench CPU above includes them. */
    ...(threads ? { receiverThreadCpu: receiverThreads } : {}),
    cpu,
  };
}

// ---------------------------------------------------------------- (e) idle RSS
async function benchIdleRss(web: boolean) {
  const CLIENTS = 1000;
  const server = await startServer(join(tmp, web ? 'idle-web.db' : 'idle.db'), { web });
  try {
    await sleep(1000);
    const baseline = server.procRss();
    log(`(e) web=${web}: RSS before clients ${mb(baseline)} MB; connecting ${CLIENTS} clients`);
    const sockets = await connectMany(server.url, server.token, CLIENTS);
    let live = 0;
    const feeds = sockets.map((s) =>
      followFeed(s, { rooms: ['ns:idle'], sinceSeq: 0, onChanges: () => {}, onResync: async () => 0, onStatus: (st) => st === 'live' && live++ }),
    );
    const started = Date.now();
    while (live < CLIENTS && Date.now() - started < 30_000) await sleep(20);
    await sleep(3000);
    const rss = server.procRss();
    const stats = await server.stats();
    log(`(e) web=${web}: RSS with ${CLIENTS} idle subscribed clients ${mb(rss)} MB`);
    for (const f of feeds) f.close();
    closeAll(sockets);
    return {
      rssMB: mb(rss),
      pass: mb(rss) < TARGETS.idleRssMB,
      rssBeforeClientsMB: mb(baseline),
      perClientKB: round((rss - baseline) / CLIENTS / 1024, 1),
      heapUsedMB: mb(stats.heapUsed),
      externalMB: mb(stats.external),
      clients: CLIENTS,
      subscribed: live,
    };
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------- main
async function section<T>(name: string, fn: () => Promise<T> | T): Promise<T | { error: string }> {
  // Each figure measures its own work, not the writeback of the previous section's: the dirty pages
  // a write-heavy section leaves are flushed here rather than by the kernel during the next one.
  const flushed = performance.now();
  spawnSync('sync');
  const syncMs = performance.now() - flushed;
  if (syncMs > 100) log(`${name} waited ${Math.round(syncMs)} ms for the previous section's writes to reach the disk`);
  try {
    return await fn();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log(`${name} failed: ${message}`);
    return { error: message };
  }
}

const startedAt = new Date();
const figures: Record<string, unknown> = {};

if (only.has('a') || only.has('b')) figures.a_rawSqliteBaseline = await section('(a)', benchRaw);
const rawPerSec = (figures.a_rawSqliteBaseline as { writesPerSec?: number } | undefined)?.writesPerSec ?? null;

if (only.has('b') || only.has('c') || only.has('d') || only.has('f')) {
  const server = await section('server', () => startServer(join(tmp, 'server.db'), { cpuProfDir: CPU_PROF }));
  if ('error' in server) {
    figures.serverStartError = server.error;
  } else {
    if (only.has('b')) figures.b_restStore = await section('(b)', () => benchRest(server, rawPerSec));
    if (only.has('d')) figures.d_catchUp = await section('(d)', () => benchCatchUp(server));
    if (only.has('f')) figures.f_mcpStore = await section('(f)', () => benchMcpInChild(server.url, server.token, tmp, 2000, server.pid));
    if (only.has('c')) figures.c_broadcastLatency = await section('(c)', () => benchLatency(server, 0));
    if (only.has('c') && LAT_THREADS > 0) {
      figures.c_broadcastLatencyReceiversInThreads = await section('(c threads)', () => benchLatency(server, LAT_THREADS));
    }
    if (only.has('c') && LAT_2000_THREADS > 0) {
      figures.c_broadcastLatency2000Receivers = await section('(c 2000)', () => benchLatency(server, LAT_2000_THREADS, 2000));
    }
    await sleep(300);
    await server.stop();
  }
}

if (only.has('e')) {
  const withoutWeb = await section('(e)', () => benchIdleRss(false));
  // next.config.ts builds into NEXT_DIST_DIR when set (parallel builds), and the server child inherits it.
  const distDir = process.env.NEXT_DIST_DIR || '.next';
  const hasBuild = existsSync(join(root, distDir, 'BUILD_ID'));
  const withWeb = hasBuild
    ? { nextDistDir: distDir, ...(await section('(e web)', () => benchIdleRss(true))) }
    : {
        skipped: existsSync(join(root, distDir))
          ? `${distDir} holds no complete production build (no BUILD_ID: a dev build, or a build in progress); measured with web disabled only`
          : `no Next.js production build in ${distDir} (run \`npx next build\`, or NEXT_DIST_DIR=.next-bench npx next build and run the bench with the same NEXT_DIST_DIR); measured with web disabled only`,
      };
  const rss = ([withoutWeb, withWeb] as Array<object>).filter((r): r is { rssMB: number; pass: boolean } => 'rssMB' in r);
  figures.e_idleRss = {
    target: { rssMB: TARGETS.idleRssMB },
    pass: rss.length > 0 && rss.every((r) => r.pass),
    webDisabled: withoutWeb,
    webEnabled: withWeb,
  };
}

if (only.has('h')) {
  const scale = await section('(h)', () => benchScale({ tmp, ...SCALE, measure }));
  if (!('error' in scale)) contention.h = scale.cpu.otherProcessesPct;
  figures.h_scale = scale;
}

if (only.has('i')) {
  const day = await section('(i)', () =>
    benchDay({
      tmp,
      seconds: DAY_SECONDS,
      agents: 50,
      ratePerSec: 5,
      valueBytes: 2048,
      people: 20,
      boards: 30,
      boardSubscribers: 270,
      explorerSubscribers: 30,
      measure,
    }),
  );
  if (!('error' in day)) contention.i = day.cpu.otherProcessesPct;
  figures.i_teamDay = day;
}

if (only.has('g')) {
  figures.g_postgres = await section('(g)', () =>
    benchPg({
      tmp,
      log,
      restSeconds: REST_SECONDS,
      latWrites: Number(process.env.BENCH_PG_LAT_WRITES ?? 300),
      latIntervalMs: Number(process.env.BENCH_PG_LAT_INTERVAL_MS ?? 50),
      receivers: Number(process.env.BENCH_PG_RECEIVERS ?? 200),
      receiverThreads: Number(process.env.BENCH_PG_RECEIVER_THREADS ?? 2),
      catchUpChanges: Number(process.env.BENCH_PG_CATCHUP ?? 10_000),
    }),
  );
}

const get = (path: string[]): unknown => path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], figures);
const pass = {
  restWritesPerSec: get(['b_restStore', 'pass', 'writesPerSec']) ?? null,
  restRatioToRaw: get(['b_restStore', 'pass', 'ratioToRaw']) ?? null,
  broadcastP50: get(['c_broadcastLatency', 'pass', 'p50']) ?? null,
  broadcastP99: get(['c_broadcastLatency', 'pass', 'p99']) ?? null,
  broadcast2000P99: get(['c_broadcastLatency2000Receivers', 'pass', 'p99']) ?? null,
  catchUp: get(['d_catchUp', 'pass']) ?? null,
  idleRss: get(['e_idleRss', 'pass']) ?? null,
  mcpStdio: get(['f_mcpStore', 'pass', 'stdio']) ?? null,
  mcpHttp: get(['f_mcpStore', 'pass', 'http']) ?? null,
  mcpHttpBareClient: get(['f_mcpStore', 'pass', 'httpBareClient']) ?? null,
  scaleTextSearch: get(['h_scale', 'pass', 'textSearch']) ?? null,
  scaleGlobSearch: get(['h_scale', 'pass', 'globSearch']) ?? null,
  scaleNamespacePage: get(['h_scale', 'pass', 'namespacePage']) ?? null,
  scaleAnalytics: get(['h_scale', 'pass', 'analytics']) ?? null,
  scaleDashboard: get(['h_scale', 'pass', 'dashboard']) ?? null,
  scaleBoard: get(['h_scale', 'pass', 'board']) ?? null,
  dayStoreAckP99: get(['i_teamDay', 'pass', 'storeAckP99']) ?? null,
  dayWriteToScreenP99: get(['i_teamDay', 'pass', 'writeToScreenP99']) ?? null,
  dayNoErrors: get(['i_teamDay', 'pass', 'noErrors']) ?? null,
  dayNoMissedOrDuplicated: get(['i_teamDay', 'pass', 'noMissedOrDuplicated']) ?? null,
};
const report = {
  startedAt: startedAt.toISOString(),
  // CPU used by processes other than the bench and its server, per section, in % of one core (max 200).
  // This machine is shared with other sessions; figures taken while this is high are pessimistic.
  otherProcessesCpuPct: contention,
  contended: Object.values(contention).some((pct) => pct > 50),
  durationS: round((Date.now() - startedAt.getTime()) / 1000, 1),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, platform: process.platform },
  ratioRestToRaw: get(['b_restStore', 'ratioToRaw']) ?? null,
  figures,
  pass,
  allPass: Object.values(pass).every((v) => v === true),
};

const json = JSON.stringify(report, null, 2);
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(join(import.meta.dirname, 'results', 'latest.json'), json + '\n');
console.log(json);
cleanup();
process.exit(0);
