/**
 * A child process of the team-day section (bench/day.ts): one role's share of the load, so the
 * clients never run on the bench's main thread and their CPU is read from /proc per process.
 * Times are process.hrtime (CLOCK_MONOTONIC: one clock for every process on the machine).
 *
 *   agents       MCP over HTTP with a bare JSON-RPC client (keep-alive node:http, one connection per
 *                agent): each stores a 2 KB value every 1/rate s (sequentially, as an agent does) and
 *                every 25th call searches its namespace by text instead
 *   people       one Socket.IO connection each (presence on the board, following its room, as the board
 *                page does) and board edits every ~2 s over REST, as the board page sends them
 *   subscribers  Socket.IO connections following rooms (boards or the memory explorer's), recording
 *                every change frame as it arrives (no de-duplication: the raw wire is checked)
 *
 * Protocol (IPC, advanced serialization): parent → { type: 'go' } / { type: 'stop' }; child →
 * { type: 'ready' } then { type: 'result', … }.
 */
import { Agent, request } from 'node:http';
import type { Ack, Change, SubscribeResult } from '../lib/events.ts';
import type { BatonSocket } from '../lib/feed-client.ts';
import { connectClient, sleep } from './lib.ts';
import { openBareMcp } from './mcp-bare.ts';

export type Role =
  | { role: 'agents'; url: string; token: string; agents: { namespace: string }[]; ratePerSec: number; valueBytes: number }
  | { role: 'people'; url: string; token: string; people: { sessionId: string; itemIds: number[] }[]; editEveryMs: number }
  | { role: 'subscribers'; url: string; token: string; subscribers: { rooms: string[]; presence?: string }[] };

/** A tracked write: memory `m:<seq>`, board `s:<sessionId>:<version>`; t0 when it was sent (hrtime ns). */
export interface WriteRecord {
  tag: string;
  /** The rooms its change goes to (the ones this bench follows). */
  rooms: string[];
  seq: number | null;
  t0: bigint;
  ackMs: number;
}

export interface WorkerResult {
  type: 'result';
  writes: WriteRecord[];
  /** Agents' searches, ms each. */
  searchMs: number[];
  errors: string[];
  errorCount: number;
  /** Per subscriber (people included): what arrived, in order. */
  deliveries: { rooms: string[]; tags: string[]; seqs: number[]; times: bigint[]; subscribedAt: number }[];
}

const config = JSON.parse(process.env.BENCH_DAY_ROLE ?? 'null') as Role | null;
if (!config) throw new Error('bench/day-worker.ts: BENCH_DAY_ROLE is required');
const send = (m: unknown) => process.send!(m);

const errors: string[] = [];
let errorCount = 0;
const fail = (msg: string) => {
  errorCount++;
  if (errors.length < 20) errors.push(msg);
};
const writes: WriteRecord[] = [];
const searchMs: number[] = [];
const tagOf = (c: Change) => (c.topic === 'session' ? `s:${c.key}:${c.version}` : c.topic === 'memory' ? `m:${c.seq}` : `h:${c.seq}`);
const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

/** Writers stop on 'stop-writes'; followers close on 'stop', once the last deliveries had time to land. */
let stopping = false;
let closing = false;
let go: () => void;
const started = new Promise<void>((r) => (go = r));
let writesStopped: () => void;
const writesDone = new Promise<void>((r) => (writesStopped = r));
let stopped: () => void;
const stopSignal = new Promise<void>((r) => (stopped = r));
process.on('message', (m: { type: string }) => {
  if (m.type === 'go') go();
  if (m.type === 'stop-writes' || m.type === 'stop') {
    stopping = true;
    writesStopped();
  }
  if (m.type === 'stop') {
    closing = true;
    stopped();
  }
});
process.on('disconnect', () => process.exit(0));

/** A word-built value of about `bytes` characters (JSON, like an agent's state blob). */
function value(bytes: number, i: number): string {
  const words = ['plan', 'deploy', 'migration', 'rollback', 'checkout', 'payment', 'retry', 'cache', 'index', 'review', 'release', 'branch'];
  let notes = '';
  for (let w = i; notes.length < bytes - 80; w++) notes += `${words[(w * 7) % words.length]} `;
  return JSON.stringify({ step: i, status: 'working', notes });
}

async function connect(url: string, token: string): Promise<BatonSocket> {
  const s = connectClient(url, token);
  await new Promise<void>((res, rej) => {
    s.once('connect', () => res());
    s.once('connect_error', (e) => rej(new Error(`socket refused: ${e.message}`)));
  });
  s.on('disconnect', (reason) => !closing && fail(`socket disconnected: ${reason}`));
  return s;
}

/** Follows rooms from the feed's head (read first), as a page does from its snapshot's seq. */
async function follower(url: string, token: string, rooms: string[], presence?: string) {
  const socket = await connect(url, token);
  const rec = { rooms, tags: [] as string[], seqs: [] as number[], times: [] as bigint[], subscribedAt: 0 };
  socket.on('feed:changes', (changes: Change[]) => {
    const now = process.hrtime.bigint();
    for (const c of changes) {
      rec.tags.push(tagOf(c));
      rec.seqs.push(c.seq);
      rec.times.push(now);
    }
  });
  const head = ((await (await fetch(`${url}/api/v1/health`)).json()) as { seq: number }).seq;
  const result = await new Promise<SubscribeResult>((done, reject) => {
    socket.emit('subscribe', { rooms, sinceSeq: head }, (ack: Ack<SubscribeResult>) => (ack.ok ? done(ack.data) : reject(new Error(ack.error.message))));
  });
  if (result.resync) fail(`subscribe ${rooms.join(',')}: resync`);
  rec.subscribedAt = head;
  if (presence) {
    await new Promise<void>((done) =>
      socket.emit('presence:set', { room: presence, focus: null }, (ack: Ack<unknown>) => {
        if (!ack.ok) fail(`presence: ${ack.error.message}`);
        done();
      }),
    );
  }
  return { socket, rec };
}

/** A bare MCP Streamable HTTP client: JSON-RPC written by hand over keep-alive node:http. */
async function mcpClient(url: string, token: string) {
  const session = await openBareMcp(url, token, 'bench-day');
  return {
    /** Calls memory_usage; resolves with the tool's JSON answer, or throws with the reason. */
    async call(args: Record<string, unknown>): Promise<Record<string, unknown>> {
      const r = await session.callTool({ name: 'memory_usage', arguments: args });
      if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.text.slice(0, 120)}`);
      const body = JSON.parse(r.text) as { result?: { isError?: boolean; content?: { text: string }[] }; error?: { message: string } };
      if (!body.result || body.result.isError) throw new Error(body.error?.message ?? body.result?.content?.[0]?.text.slice(0, 160) ?? 'no result');
      return JSON.parse(body.result.content![0]!.text) as Record<string, unknown>;
    },
    close: session.close,
  };
}

async function runAgents(c: Extract<Role, { role: 'agents' }>) {
  const clients = await Promise.all(c.agents.map(() => mcpClient(c.url, c.token)));
  send({ type: 'ready' });
  await started;
  const period = 1000 / c.ratePerSec;
  await Promise.all(
    c.agents.map(async (a, k) => {
      const client = clients[k]!;
      // Agents start spread over one period, then keep their own schedule (a late call is sent at once).
      let next = performance.now() + (k / c.agents.length) * period;
      for (let i = 0; !stopping; i++) {
        const wait = next - performance.now();
        if (wait > 0) await Promise.race([sleep(wait), writesDone]);
        if (stopping) break;
        next += period;
        const t0 = process.hrtime.bigint();
        try {
          if (i % 25 === 24) {
            await client.call({ action: 'search', namespace: a.namespace, query: ['rollback', 'payment retry', 'checkout'][i % 3], limit: 10 });
            searchMs.push(ms(t0));
          } else {
            const r = await client.call({ action: 'store', namespace: a.namespace, key: `task/${i % 100}/state`, value: value(c.valueBytes, i) });
            writes.push({ tag: `m:${Number(r.seq)}`, rooms: ['memory', `ns:${a.namespace}`], seq: Number(r.seq), t0, ackMs: ms(t0) });
          }
        } catch (err) {
          fail(`agent ${a.namespace}: ${(err as Error).message}`);
        }
      }
    }),
  );
  for (const cl of clients) cl.close();
  return [];
}

async function runPeople(c: Extract<Role, { role: 'people' }>) {
  const followers = await Promise.all(c.people.map((p) => follower(c.url, c.token, [`session:${p.sessionId}`], `session:${p.sessionId}`)));
  const agent = new Agent({ keepAlive: true });
  send({ type: 'ready' });
  await started;
  await Promise.all(
    c.people.map(async (p, k) => {
      let next = performance.now() + (k / c.people.length) * c.editEveryMs;
      for (let i = 0; !stopping; i++) {
        const wait = next - performance.now();
        if (wait > 0) await Promise.race([sleep(wait), writesDone]);
        if (stopping) break;
        // Not quite periodic: people pause between edits.
        next += c.editEveryMs * (0.5 + ((i * 7 + k) % 10) / 10);
        const itemId = p.itemIds[i % p.itemIds.length]!;
        const body = JSON.stringify({ data: { title: `Action ${itemId}, edit ${i} by person ${k}`, status: i % 3 === 0 ? 'in-progress' : 'open' } });
        const t0 = process.hrtime.bigint();
        try {
          const res = await new Promise<{ status: number; text: string }>((done, reject) => {
            const req = request(
              new URL(`${c.url}/api/v1/sessions/${encodeURIComponent(p.sessionId)}/items/${itemId}`),
              {
                method: 'PATCH',
                agent,
                headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
              },
              (r) => {
                const chunks: Buffer[] = [];
                r.on('data', (x: Buffer) => chunks.push(x));
                r.on('end', () => done({ status: r.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
              },
            );
            req.on('error', reject);
            req.end(body);
          });
          if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.text.slice(0, 120)}`);
          const board = JSON.parse(res.text) as { id: string; version: number };
          writes.push({ tag: `s:${board.id}:${board.version}`, rooms: [`session:${board.id}`], seq: null, t0, ackMs: ms(t0) });
        } catch (err) {
          fail(`person ${k}: ${(err as Error).message}`);
        }
      }
    }),
  );
  agent.destroy();
  return followers;
}

async function runSubscribers(c: Extract<Role, { role: 'subscribers' }>) {
  const followers: Awaited<ReturnType<typeof follower>>[] = [];
  for (let i = 0; i < c.subscribers.length; i += 25) {
    followers.push(...(await Promise.all(c.subscribers.slice(i, i + 25).map((s) => follower(c.url, c.token, s.rooms, s.presence)))));
  }
  send({ type: 'ready' });
  await started;
  return followers;
}

try {
  const followers = config.role === 'agents' ? await runAgents(config) : config.role === 'people' ? await runPeople(config) : await runSubscribers(config);
  // The parent stops the writers first and the followers after the last deliveries had time to land.
  await stopSignal;
  for (const f of followers) f.socket.close();
  const result: WorkerResult = { type: 'result', writes, searchMs, errors, errorCount, deliveries: followers.map((f) => f.rec) };
  send(result);
} catch (err) {
  send({ type: 'error', message: (err as Error).message });
}
