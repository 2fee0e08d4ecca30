/**
 * (i) A team's day on one node, for BENCH_DAY_SECONDS (30 by default in `npm run bench`; 90 for the
 * full figure): everything at once, with every client in child processes (bench/day-worker.ts), so
 * the bench's main thread only orchestrates and the clients' CPU is read per process from /proc.
 *
 *   50 agents      MCP over HTTP (a bare JSON-RPC client: keep-alive node:http, one connection each),
 *                  each storing a 2 KB value 5 times a second in its own namespace, every 25th call a
 *                  text search of that namespace instead                          (2 processes)
 *   20 people      each on one board: a Socket.IO connection with presence, following the board's room,
 *                  and an edit of one of its action items every ~2 s over REST (the board page's path)
 *   300 subscribers browser-like Socket.IO followers: 270 on the 30 boards (9 each, with presence) and
 *                  30 on the memory explorer (rooms `memory` and one agent's `ns:`)   (2 processes)
 *
 * Reported: p50/p99 of the store acknowledgement (MCP call sent → answer read) and of write-to-screen
 * (call sent → each follower that should see the change receives it), errors, and missed, duplicated
 * and out-of-order deliveries per follower by seq (must be 0), the server's CPU % and RSS
 * (/proc/<pid>/stat and status, sampled each second), and each client process's CPU.
 * Targets: ack p99 < 25 ms, write-to-screen p99 < 100 ms.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Role, WorkerResult } from './day-worker.ts';
import { mb, percentile, processCpuSeconds, round, sleep, startServer, type BenchServer } from './lib.ts';

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

export const DAY_TARGETS = { storeAckP99Ms: 25, writeToScreenP99Ms: 100 };

export interface DayOptions {
  tmp: string;
  seconds: number;
  agents: number;
  ratePerSec: number;
  valueBytes: number;
  people: number;
  boards: number;
  boardSubscribers: number;
  explorerSubscribers: number;
  measure: <T>(
    server: BenchServer | null,
    fn: () => Promise<T> | T,
  ) => Promise<{ result: T; cpu: { serverPct: number | null; benchPct: number; otherProcessesPct: number } }>;
}

async function rest<T>(server: BenchServer, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
  return json;
}

/** 30 team-coordination boards made the way an agent starts one (a memory write), each with 10 action items. */
async function makeBoards(server: BenchServer, count: number): Promise<{ sessionId: string; itemIds: number[] }[]> {
  const boards = [];
  for (let b = 0; b < count; b++) {
    const sessionId = `day-board-${b}`;
    await rest(server, 'PUT', '/api/v1/memory/entry', {
      namespace: 'day-boards',
      key: `session/${sessionId}/init`,
      value: JSON.stringify({ session_id: sessionId, session_type: 'team-coordination', title: `Team ${b} stand-up`, coordinator: `lead-${b}` }),
    });
    let board: { items?: { id: number; kind: string }[] } = {};
    for (let i = 0; i < 10; i++) board = await rest(server, 'POST', `/api/v1/sessions/${sessionId}/items`, { kind: 'action', data: { title: `Action ${i}` } });
    boards.push({ sessionId, itemIds: (board.items ?? []).filter((x) => x.kind === 'action').map((x) => x.id) });
  }
  return boards;
}

interface Child {
  name: string;
  proc: ChildProcess;
  ready: Promise<void>;
  result: Promise<WorkerResult>;
}

function spawnWorker(name: string, role: Role): Child {
  const proc = fork(join(import.meta.dirname, 'day-worker.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_DAY_ROLE: JSON.stringify(role) },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let onError: (err: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => (onError = reject));
  proc.once('exit', (code) => onError(new Error(`${name} exited with ${code}`)));
  proc.on('message', (m: { type: string; message?: string }) => m.type === 'error' && onError(new Error(`${name}: ${m.message}`)));
  const ready = Promise.race([new Promise<void>((res) => proc.on('message', (m: { type: string }) => m.type === 'ready' && res())), failed]);
  const result = Promise.race([new Promise<WorkerResult>((res) => proc.on('message', (m: WorkerResult) => m.type === 'result' && res(m))), failed]);
  // Handled where awaited; never an unhandled rejection in between.
  ready.catch(() => {});
  result.catch(() => {});
  return { name, proc, ready, result };
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { count: s.length, p50Ms: round(percentile(s, 50)), p99Ms: round(percentile(s, 99)), maxMs: round(s.at(-1) ?? NaN) };
};

export async function benchDay(o: DayOptions) {
  const server = await startServer(join(o.tmp, 'day.db'));
  const children: Child[] = [];
  try {
    log(`(i) ${o.boards} boards with 10 action items each`);
    const boards = await makeBoards(server, o.boards);
    const agents = Array.from({ length: o.agents }, (_, k) => ({ namespace: `agent-${k}` }));
    const half = Math.ceil(o.agents / 2);
    const base = { url: server.url, token: server.token };
    const subscribers = [
      ...Array.from({ length: o.boardSubscribers }, (_, i) => {
        const room = `session:${boards[i % boards.length]!.sessionId}`;
        return { rooms: [room], presence: room };
      }),
      ...Array.from({ length: o.explorerSubscribers }, (_, i) => ({ rooms: ['memory', `ns:agent-${i % o.agents}`] })),
    ];
    const subsHalf = Math.ceil(subscribers.length / 2);
    log(`(i) ${o.agents} agents, ${o.people} people, ${subscribers.length} subscribers in 5 child processes; connecting`);
    children.push(
      spawnWorker('subscribers-1', { role: 'subscribers', ...base, subscribers: subscribers.slice(0, subsHalf) }),
      spawnWorker('subscribers-2', { role: 'subscribers', ...base, subscribers: subscribers.slice(subsHalf) }),
      spawnWorker('people', { role: 'people', ...base, people: boards.slice(0, o.people), editEveryMs: 2000 }),
      spawnWorker('agents-1', { role: 'agents', ...base, agents: agents.slice(0, half), ratePerSec: o.ratePerSec, valueBytes: o.valueBytes }),
      spawnWorker('agents-2', { role: 'agents', ...base, agents: agents.slice(half), ratePerSec: o.ratePerSec, valueBytes: o.valueBytes }),
    );
    await Promise.all(children.map((c) => c.ready));
    await sleep(1000);

    const cpu0 = children.map((c) => processCpuSeconds(c.proc.pid!));
    const rss: number[] = [];
    let wall = 0;
    log(`(i) load for ${o.seconds} s`);
    await server.stats(true);
    const { result: results, cpu } = await o.measure(server, async () => {
      const t0 = performance.now();
      for (const c of children) c.proc.send({ type: 'go' });
      const sampler = setInterval(() => rss.push(server.procRss()), 1000);
      await sleep(o.seconds * 1000);
      for (const c of children) c.proc.send({ type: 'stop-writes' });
      wall = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      // Writers finish their call in flight; then the last deliveries land.
      await sleep(3000);
      for (const c of children) c.proc.send({ type: 'stop' });
      return Promise.all(children.map((c) => c.result));
    });
    const serverStats = await server.stats(true);
    const clientCpu = Object.fromEntries(children.map((c, i) => [c.name, round(((processCpuSeconds(c.proc.pid!) - cpu0[i]!) / (wall + 3)) * 100, 0)]));

    // ---- join writes and deliveries
    const writes = results.flatMap((r) => r.writes);
    const byTag = new Map(writes.map((w) => [w.tag, w]));
    const byRoom = new Map<string, string[]>();
    for (const w of writes) {
      for (const room of w.rooms) {
        const list = byRoom.get(room);
        if (list) list.push(w.tag);
        else byRoom.set(room, [w.tag]);
      }
    }
    const screen: number[] = [];
    const screenMemory: number[] = [];
    const screenBoards: number[] = [];
    let missed = 0;
    let duplicated = 0;
    let outOfOrder = 0;
    let expectedDeliveries = 0;
    let untracked = 0;
    for (const d of results.flatMap((r) => r.deliveries)) {
      const seen = new Set<number>();
      const got = new Set<string>();
      d.seqs.forEach((seq, i) => {
        if (seen.has(seq)) duplicated++;
        else seen.add(seq);
        if (i > 0 && seq <= d.seqs[i - 1]!) outOfOrder++;
        const tag = d.tags[i]!;
        got.add(tag);
        const w = byTag.get(tag);
        if (!w) {
          untracked++;
          return;
        }
        const ms = Number(d.times[i]! - w.t0) / 1e6;
        screen.push(ms);
        (tag.startsWith('m:') ? screenMemory : screenBoards).push(ms);
      });
      const expected = new Set(d.rooms.flatMap((room) => byRoom.get(room) ?? []));
      expectedDeliveries += expected.size;
      for (const tag of expected) if (!got.has(tag)) missed++;
    }
    const stores = writes.filter((w) => w.tag.startsWith('m:'));
    const edits = writes.filter((w) => w.tag.startsWith('s:'));
    const storeAck = stats(stores.map((w) => w.ackMs));
    const toScreen = stats(screen);
    const errors = results.reduce((n, r) => n + r.errorCount, 0);
    const clientsTotal = Object.values(clientCpu).reduce((a, b) => a + b, 0);
    log(
      `(i) store ack p50 ${storeAck.p50Ms} / p99 ${storeAck.p99Ms} ms, write-to-screen p50 ${toScreen.p50Ms} / p99 ${toScreen.p99Ms} ms, ` +
        `errors ${errors}, missed ${missed}, duplicated ${duplicated} (server ${cpu.serverPct}% CPU, clients ${clientsTotal}%, other ${cpu.otherProcessesPct}%)`,
    );
    return {
      seconds: o.seconds,
      load: {
        agents: o.agents,
        storesPerAgentPerSec: o.ratePerSec,
        valueBytes: o.valueBytes,
        agentClient: 'bare JSON-RPC over keep-alive node:http (MCP Streamable HTTP), one connection per agent; every 25th call a text search',
        people: o.people,
        boardEdits: 'REST PATCH of an action item every ~2 s each (as the board page), presence and the board room over Socket.IO',
        subscribers: { boards: o.boardSubscribers, explorer: o.explorerSubscribers, boardsFollowed: o.boards },
      },
      storesPerSec: round(stores.length / wall, 0),
      storeAck,
      boardEditAck: stats(edits.map((w) => w.ackMs)),
      search: stats(results.flatMap((r) => r.searchMs)),
      writeToScreen: { ...toScreen, memoryExplorer: stats(screenMemory), boards: stats(screenBoards) },
      deliveries: { expected: expectedDeliveries, received: screen.length, missed, duplicated, outOfOrder, untracked },
      errors,
      errorSamples: results.flatMap((r) => r.errors).slice(0, 10),
      server: {
        cpuPct: cpu.serverPct,
        rssMB: { max: mb(Math.max(...rss)), mean: mb(rss.reduce((a, b) => a + b, 0) / Math.max(1, rss.length)) },
        eventLoopUtilization: round(serverStats.eventLoopUtilization, 2),
        memoryStore: {
          calls: serverStats.store.calls,
          p50Ms: serverStats.store.p50Ms && round(serverStats.store.p50Ms, 3),
          p99Ms: serverStats.store.p99Ms && round(serverStats.store.p99Ms, 3),
        },
        fanOut: {
          drains: serverStats.drain.calls,
          p50Ms: serverStats.drain.p50Ms && round(serverStats.drain.p50Ms, 3),
          p99Ms: serverStats.drain.p99Ms && round(serverStats.drain.p99Ms, 3),
        },
      },
      clientProcessesCpuPct: { ...clientCpu, total: clientsTotal },
      cpu,
      target: DAY_TARGETS,
      pass: {
        storeAckP99: storeAck.p99Ms < DAY_TARGETS.storeAckP99Ms,
        writeToScreenP99: toScreen.p99Ms < DAY_TARGETS.writeToScreenP99Ms,
        noErrors: errors === 0,
        noMissedOrDuplicated: missed === 0 && duplicated === 0 && outOfOrder === 0,
      },
    };
  } finally {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
    await server.stop();
  }
}
