import { fork, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { io as connect } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../lib/events.ts';
import { followFeed, type BatonSocket } from '../lib/feed-client.ts';
import type { Change } from '../lib/events.ts';

const here = import.meta.dirname;
const children = new Set<ChildProcess>();

/** Kills every server child still running (used on exit and on SIGINT). */
export function killChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

export interface Timing {
  calls: number;
  items: number;
  totalMs: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface ServerStats {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** Share of wall time the server's event loop was busy since the last reset. */
  eventLoopUtilization: number;
  store: Timing;
  drain: Timing;
  /** Group-commit flushes (calls = transactions, items = stores in them); empty without group commit. */
  flush: Timing;
}

export interface BenchServer {
  url: string;
  pid: number;
  /** Admin-scoped API token of the bench's owner account. */
  token: string;
  /** Memory and hot-path timings; `reset` starts a new measurement window afterwards. */
  stats(reset?: boolean): Promise<ServerStats>;
  /** VmRSS of the server process as the kernel reports it, in bytes. */
  procRss(): number;
  stop(): Promise<void>;
}

/**
 * Starts bench/server.ts in its own Node process (node --import tsx, so the pid is the server itself,
 * not a tsx wrapper) and waits for its URL.
 */
export function startServer(databasePath: string, options: { web?: boolean; cpuProfDir?: string; timeoutMs?: number } = {}): Promise<BenchServer> {
  const execArgv = ['--import', 'tsx', '--expose-gc'];
  if (options.cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
  const child = fork(resolve(here, 'server.ts'), [], {
    execArgv,
    env: {
      ...process.env,
      BENCH_DATABASE: databasePath,
      BENCH_WEB: options.web ? '1' : '0',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));

  return new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('bench server did not start in time'));
    }, options.timeoutMs ?? 60_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`bench server exited with ${code} before it was ready`));
    };
    child.once('exit', onExit);
    child.on('message', function onReady(msg: { type: string; url?: string; pid?: number; token?: string; message?: string }) {
      if (msg.type === 'error') {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.kill('SIGKILL');
        reject(new Error(msg.message));
        return;
      }
      if (msg.type !== 'ready') return;
      clearTimeout(timer);
      child.off('message', onReady);
      child.off('exit', onExit);
      const pid = child.pid!;
      resolveReady({
        url: msg.url!,
        pid,
        token: msg.token!,
        stats: (reset = false) =>
          new Promise((res) => {
            const onStats = (m: { type: string } & ServerStats) => {
              if (m.type !== 'stats') return;
              child.off('message', onStats);
              res(m);
            };
            child.on('message', onStats);
            child.send({ type: 'stats', reset });
          }),
        procRss: () => {
          const status = readFileSync(`/proc/${pid}/status`, 'utf8');
          const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
          return kb * 1024;
        },
        stop: () =>
          new Promise<void>((res) => {
            if (child.exitCode !== null || child.signalCode !== null) return res();
            const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
            child.once('exit', () => {
              clearTimeout(kill);
              res();
            });
            child.send({ type: 'shutdown' });
          }),
      });
    });
  });
}

export function connectClient(url: string, token: string): BatonSocket {
  return connect(url, {
    transports: ['websocket'],
    auth: { protocol: PROTOCOL_VERSION, token },
    forceNew: true,
    reconnection: false,
    timeout: 60_000,
  });
}

/** Connects `count` websocket clients, `batch` handshakes at a time. */
export async function connectMany(url: string, token: string, count: number, batch = 50): Promise<BatonSocket[]> {
  const sockets: BatonSocket[] = [];
  for (let i = 0; i < count; i += batch) {
    const group = Array.from({ length: Math.min(batch, count - i) }, () => connectClient(url, token));
    await Promise.all(
      group.map(
        (s) =>
          new Promise<void>((res, rej) => {
            s.once('connect', () => res());
            s.once('connect_error', (err) => rej(new Error(`socket refused: ${err.message}`)));
          }),
      ),
    );
    sockets.push(...group);
  }
  return sockets;
}

export function closeAll(sockets: BatonSocket[]): void {
  for (const s of sockets) s.close();
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
export const mb = (bytes: number) => round(bytes / (1024 * 1024), 1);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Emits and resolves with the ack (socket.io acks are callbacks). */
export function emitAck<T>(socket: BatonSocket, event: string, payload: unknown): Promise<T> {
  return new Promise((res) => {
    (socket as unknown as { emit(e: string, p: unknown, ack: (r: T) => void): void }).emit(event, payload, res);
  });
}

/** A value of about `bytes` characters, JSON text like an agent's state blob. */
export function payload(bytes: number): string {
  const base = JSON.stringify({ step: 'plan', notes: '' });
  return JSON.stringify({ step: 'plan', notes: 'x'.repeat(Math.max(0, bytes - base.length)) });
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat (clock ticks at 100 Hz). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Busy CPU seconds of the whole machine, all cores (user, nice, system, irq, softirq, steal). */
export function systemBusySeconds(): number {
  const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  return (v[0]! + v[1]! + v[2]! + v[5]! + v[6]! + v[7]!) / 100;
}

/** Receivers for (c): the times of every delivery to `count` sockets following one namespace. */
export interface ReceiverGroup {
  /** Resolves with how many receivers are live (caught up and following). */
  live: Promise<number>;
  /** Stops the receivers and returns (key, receipt time) of every delivery. */
  collect(): Promise<{ keys: string[]; times: bigint[] }>;
}

/** Receivers in this thread; `bench/receiver-worker.ts` runs the same in a worker thread. */
export function followReceivers(url: string, token: string, count: number, namespace: string, sinceSeq: number): ReceiverGroup {
  const keys: string[] = [];
  const times: bigint[] = [];
  let sockets: BatonSocket[] = [];
  let feeds: Array<{ close(): void }> = [];
  const live = (async () => {
    sockets = await connectMany(url, token, count);
    let n = 0;
    feeds = sockets.map((s) =>
      followFeed(s, {
        rooms: [`ns:${namespace}`],
        sinceSeq,
        onChanges: (changes: Change[]) => {
          const now = process.hrtime.bigint();
          for (const c of changes) {
            keys.push(c.key);
            times.push(now);
          }
        },
        onResync: async () => sinceSeq,
        onStatus: (st) => {
          if (st === 'live') n++;
        },
      }),
    );
    const started = Date.now();
    while (n < count && Date.now() - started < 30_000) await sleep(20);
    return n;
  })();
  return {
    live,
    collect: async () => {
      for (const f of feeds) f.close();
      closeAll(sockets);
      return { keys, times };
    },
  };
}

/** What a worker thread of receivers says about itself when collected (bench/receiver-worker.ts). */
export interface ReceiverThreadStats {
  /** CPU seconds of that thread alone while its receivers were live; null off Linux. */
  cpuSeconds: number | null;
  seconds: number;
  eventLoopUtilization: number;
}

/** A set of receivers in a worker thread of this process; `stats` resolves when they are collected. */
export function receiversInWorker(
  url: string,
  token: string,
  count: number,
  namespace: string,
  sinceSeq: number,
): ReceiverGroup & { stats: Promise<ReceiverThreadStats> } {
  // Workers do not inherit tsx's loader: register it in the worker, then load the TypeScript entry.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./receiver-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(boot, {
    eval: true,
    workerData: { url, token, count, namespace, sinceSeq },
  });
  const live = new Promise<number>((res, rej) => {
    worker.once('error', rej);
    worker.on('message', (m: { type: string; live?: number }) => m.type === 'live' && res(m.live!));
  });
  let statsOf: (s: ReceiverThreadStats) => void = () => {};
  const stats = new Promise<ReceiverThreadStats>((res) => (statsOf = res));
  return {
    live,
    stats,
    collect: () =>
      new Promise((res) => {
        worker.on('message', (m: { type: string; keys?: string[]; times?: bigint[] } & ReceiverThreadStats) => {
          if (m.type === 'deliveries') {
            statsOf({ cpuSeconds: m.cpuSeconds, seconds: m.seconds, eventLoopUtilization: m.eventLoopUtilization });
            res({ keys: m.keys!, times: m.times! });
            void worker.terminate();
          }
        });
        worker.postMessage({ type: 'collect' });
      }),
  };
}

/**
 * A fresh client following `namespace` from `sinceSeq` until it has applied `count` changes (sections (d) and (g)).
 * Times from creating the socket (handshake included) and from its connect event, when followFeed subscribes.
 */
export async function catchUpClient(
  url: string,
  token: string,
  namespace: string,
  sinceSeq: number,
  count: number,
  timeoutMs: number,
): Promise<{ ms: number; msFromSubscribe: number; applied: number; resync: boolean }> {
  const t0 = performance.now();
  let tConnected = 0;
  let applied = 0;
  let resync = false;
  const socket = connectClient(url, token);
  socket.once('connect', () => (tConnected = performance.now()));
  try {
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`catch-up did not finish in ${timeoutMs / 1000} s`)), timeoutMs);
      const feed = followFeed(socket, {
        rooms: [`ns:${namespace}`],
        sinceSeq,
        onChanges: (changes) => {
          applied += changes.length;
          if (applied >= count) {
            clearTimeout(timer);
            feed.close();
            res();
          }
        },
        onResync: async () => {
          resync = true;
          clearTimeout(timer);
          rej(new Error('server answered resync'));
          return sinceSeq;
        },
      });
    });
  } finally {
    socket.close();
  }
  const tDone = performance.now();
  return { ms: round(tDone - t0, 1), msFromSubscribe: round(tDone - tConnected, 1), applied, resync };
}
