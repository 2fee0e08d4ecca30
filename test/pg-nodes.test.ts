/**
 * Two Baton nodes, each its own process (test/fixtures/pg-node.ts), on one fresh PostgreSQL database: what a
 * client gets must not depend on which node it talks to (issue 19).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApplication } from '../server/app.ts';
import type { Change } from '../lib/events.ts';
import type { Principal } from '../lib/access.ts';
import { followFeed, type FeedClient } from '../lib/feed-client.ts';
import { api, connectClient, waitFor } from './helpers.ts';
import { startReceiver } from './webhook-receiver.ts';
import { describePg, freshPgDatabase, type FreshPgDatabase } from './pg-helpers.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/pg-node.ts', import.meta.url));

interface Node {
  url: string;
  child: ChildProcess;
  log: string[];
  exited: Promise<number | null>;
}

function startNode(dbUrl: string): Promise<Node> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dbUrl], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    let err = '';
    let buf = '';
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        log.push(line);
        const m = /^BATON_URL=(.+)$/.exec(line);
        if (m) resolve({ url: m[1]!, child, log, exited });
      }
    });
    void exited.then((code) => reject(new Error(`node exited with ${code} before listening: ${err}`)));
  });
}

const runsChores = (n: Node) => n.log.some((l) => l.includes('this node now runs the cluster chores'));

let db: FreshPgDatabase;
let token: string;
let a: Node;
let b: Node;
const followers: FeedClient[] = [];
const sockets: ReturnType<typeof connectClient>[] = [];

/** A socket on `url` with `token`, following `rooms` from `sinceSeq`; every change it is handed, in order. */
function follow(url: string, rooms: string[], sinceSeq = 0, auth = token) {
  const socket = connectClient(url, { token: auth });
  sockets.push(socket);
  const received: Change[] = [];
  const feed = followFeed(socket, { rooms, sinceSeq, onChanges: (c) => received.push(...c), onResync: async () => 0 });
  followers.push(feed);
  return { socket, feed, received };
}

/** One JSON-RPC message to a node's /mcp in an existing session, as the SDK's transport sends it. */
const mcpPost = (url: string, sessionId: string, message: unknown) =>
  fetch(new URL('/mcp', url), {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-session-id': sessionId,
      'mcp-protocol-version': '2025-06-18',
    },
    body: JSON.stringify(message),
  });

const put = (url: string, namespace: string, key: string, value: unknown, ifVersion?: number) =>
  api(url, '/api/v1/memory/entry', { method: 'PUT', token, json: { namespace, key, value, ...(ifVersion ? { ifVersion } : {}) } });

describePg('two nodes on one PostgreSQL database', () => {
  beforeAll(async () => {
    db = await freshPgDatabase('baton_nodes');
    // The owner and an admin token, made once through the services (as the first-run setup would).
    const setup = await createApplication({
      databasePath: ':memory:',
      databaseUrl: db.url,
      web: false,
      authSecret: 'test-secret-test-secret-test-secret-00',
      admin: { email: 'owner@example.test', password: 'correct horse battery', name: 'Owner' },
    });
    const admin = setup.identity.userPrincipal(setup.identity.listUsers()[0]!.id) as Principal & { kind: 'user' };
    token = setup.identity.createToken(admin, { name: 'nodes', scopes: [{ access: 'admin', namespaces: '*' }] }, null).token;
    await setup.close();
    a = await startNode(db.url);
    b = await startNode(db.url);
  }, 60_000);

  afterAll(async () => {
    for (const f of followers) f.close();
    for (const s of sockets) s.disconnect();
    for (const n of [a, b]) if (n && n.child.exitCode === null) n.child.kill('SIGTERM');
    await Promise.all([a?.exited, b?.exited]);
    await db?.drop();
  }, 30_000);

  it('a socket client on node B gets a write made through MCP on node A, with its seq', async () => {
    const f = follow(b.url, ['ns:mcp-cross']);
    await waitFor(() => f.feed.status === 'live', 10_000, 'B live');
    const client = new Client({ name: 'baton-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', a.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    try {
      const res = (await client.callTool({
        name: 'memory_usage',
        arguments: { action: 'store', namespace: 'mcp-cross', key: 'plan', value: JSON.stringify({ step: 1 }) },
      })) as { content: { text: string }[]; isError?: boolean };
      expect(res.isError).toBeFalsy();
      const stored = JSON.parse(res.content[0]!.text) as { seq?: number };
      await waitFor(() => f.received.length === 1, 5000, 'the MCP write on A to reach B');
      expect(f.received[0]).toMatchObject({ namespace: 'mcp-cross', key: 'plan', op: 'store', version: 1 });
      if (stored.seq !== undefined) expect(f.received[0]!.seq).toBe(stored.seq);
      const read = await api(b.url, '/api/v1/memory/entry?namespace=mcp-cross&key=plan', { token });
      expect(read.status).toBe(200);
      expect(read.body.value).toEqual({ step: 1 });
      // The same MCP session's next call lands on node B (a proxy without affinity): B opens it again, no 404.
      const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId!;
      const viaB = await mcpPost(b.url, sessionId, {
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'memory_usage', arguments: { action: 'retrieve', namespace: 'mcp-cross', key: 'plan' } },
      });
      expect(viaB.status).toBe(200);
      expect(viaB.headers.get('mcp-session-id')).toBe(sessionId);
      const answer = (await viaB.json()) as { id: number; result: { content: { text: string }[]; isError?: boolean } };
      expect(answer.id).toBe(7);
      expect(answer.result.isError).toBeFalsy();
      expect(answer.result.content[0]!.text).toContain('step');
      // Another caller may not take it over on a third request; DELETE through B closes it on A too.
      const other = await api(a.url, '/api/v1/tokens', { method: 'POST', token, json: { name: 'other agent', scopes: [{ access: 'read', namespaces: '*' }] } });
      const asOther = await fetch(new URL('/mcp', a.url), {
        method: 'DELETE',
        headers: { authorization: `Bearer ${other.body.token as string}`, 'mcp-session-id': sessionId },
      });
      expect(asOther.status).toBe(403);
      const closed = await fetch(new URL('/mcp', b.url), { method: 'DELETE', headers: { authorization: `Bearer ${token}`, 'mcp-session-id': sessionId } });
      expect(closed.status).toBe(200);
      const afterClose = await mcpPost(a.url, sessionId, { jsonrpc: '2.0', id: 8, method: 'tools/list' });
      expect(afterClose.status).toBe(404);
    } finally {
      await client.close().catch(() => {});
    }
  });

  it('8 writers over both nodes: a follower on each sees every change once, in seq order, with no gap', async () => {
    const fa = follow(a.url, ['ns:mixed']);
    const fb = follow(b.url, ['ns:mixed']);
    await waitFor(() => fa.feed.status === 'live' && fb.feed.status === 'live', 10_000, 'followers live');
    const acked: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        const url = w % 2 === 0 ? a.url : b.url;
        for (let i = 0; i < 25; i++) {
          const r = await put(url, 'mixed', `w${w}/k${i % 5}`, { w, i });
          expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
          acked.push(r.body.seq);
        }
      }),
    );
    expect(acked).toHaveLength(200);
    const want = [...acked].sort((x, y) => x - y);
    for (const f of [fa, fb]) {
      await waitFor(() => f.received.length >= 200, 10_000, 'every change at both followers');
      const seqs = f.received.map((c) => c.seq);
      expect(seqs).toEqual(want);
      // Nothing else writes to `mixed`: the 200 seqs are the feed's own order, strictly rising.
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]!).toBeGreaterThan(seqs[i - 1]!);
    }
    // No gap: nothing else writes meanwhile, so the 200 acknowledged seqs are consecutive.
    expect(want.at(-1)! - want[0]!).toBe(199);
  }, 60_000);

  it('compare-and-set from both nodes loses no update', async () => {
    expect((await put(a.url, 'cas', 'counter', 0)).status).toBe(201);
    let conflicts = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        const url = w % 2 === 0 ? a.url : b.url;
        for (let done = 0; done < 10;) {
          const cur = await api(url, '/api/v1/memory/entry?namespace=cas&key=counter', { token });
          const r = await put(url, 'cas', 'counter', (cur.body.value as number) + 1, cur.body.version);
          if (r.status === 409) conflicts++;
          else {
            expect(r.status).toBe(200);
            done++;
          }
        }
      }),
    );
    const end = await api(b.url, '/api/v1/memory/entry?namespace=cas&key=counter', { token });
    expect(end.body.value).toBe(80);
    expect(end.body.version).toBe(81);
    expect(conflicts).toBeGreaterThan(0);
  }, 60_000);

  it('presence and meeting follow work across nodes', async () => {
    const ID = 'cross-node-meeting';
    const init = { session_id: ID, session_type: 'team-coordination', coordinator: 'alice', participants: ['alice', 'bob'] };
    expect((await put(a.url, 'meet', 'session/coordination/init', JSON.stringify(init))).status).toBe(201);
    expect(
      (await api(a.url, `/api/v1/sessions/${ID}/items`, { method: 'POST', token, json: { kind: 'agenda', data: { title: 'Demo', timeboxMinutes: 5 } } }))
        .status,
    ).toBe(201);
    const second = await api(a.url, '/api/v1/tokens', {
      method: 'POST',
      token,
      json: { name: 'second screen', scopes: [{ access: 'read', namespaces: '*' }] },
    });
    expect(second.status).toBe(201);
    // One viewer on each node (two principals): each node's sockets see both.
    const room = `session:${ID}`;
    const viewersOf = (socket: ReturnType<typeof connectClient>) => {
      const seen: string[][] = [];
      socket.on('presence:state', (st: { room: string; viewers: { name: string }[] }) => {
        if (st.room === room) seen.push(st.viewers.map((v) => v.name).sort());
      });
      return seen;
    };
    const onA = follow(a.url, [room]);
    const onB = follow(b.url, [room], 0, second.body.token as string);
    const seenA = viewersOf(onA.socket);
    const seenB = viewersOf(onB.socket);
    await waitFor(() => onA.feed.status === 'live' && onB.feed.status === 'live', 10_000, 'both live');
    onA.socket.emit('presence:set', { room, focus: null }, () => {});
    onB.socket.emit('presence:set', { room, focus: null }, () => {});
    const both = JSON.stringify(['nodes', 'second screen']);
    await waitFor(() => JSON.stringify(seenA.at(-1)) === both && JSON.stringify(seenB.at(-1)) === both, 5000, 'both viewers on both nodes');
    // The presenter on node A moves the meeting; the screen on node B follows through the feed.
    const take = await api(a.url, `/api/v1/sessions/${ID}/meeting`, { method: 'POST', token, json: { action: 'take' } });
    expect(take.status, JSON.stringify(take.body)).toBe(200);
    await waitFor(
      () => onB.received.some((c) => c.topic === 'session' && c.key === ID && JSON.parse(c.value ?? '{}').details?.meeting?.presenter),
      5000,
      'the meeting to reach node B',
    );
    // A viewer leaving on B is gone from A's list.
    onB.socket.disconnect();
    await waitFor(() => JSON.stringify(seenA.at(-1)) === JSON.stringify(['nodes']), 5000, 'B’s viewer gone on A');
  }, 30_000);

  it('a webhook event raised on either node is delivered once, by one node', async () => {
    const receiver = await startReceiver();
    try {
      const hook = await api(a.url, '/api/v1/webhooks', { method: 'POST', token, json: { url: receiver.url, events: '*', description: 'two nodes' } });
      expect(hook.status, JSON.stringify(hook.body)).toBe(201);
      expect((await put(a.url, 'hooks', 'session/hook-1/init', JSON.stringify({ session_id: 'hook-1', goals: ['ship', 'test'] }))).status).toBe(201);
      expect((await put(b.url, 'hooks', 'session/hook-1/state', JSON.stringify({ goals_completed: ['ship'] }))).status).toBe(201);
      const done = () => receiver.received.filter((r) => (r.body as { type?: string })?.type === 'goal.done');
      await waitFor(() => done().length >= 1, 10_000, 'the goal.done delivery');
      // Both nodes follow the same outbox; only the chores holder sends it.
      await new Promise((r) => setTimeout(r, 1500));
      expect(done()).toHaveLength(1);
      expect(new Set(receiver.received.map((r) => r.headers['baton-delivery'])).size).toBe(receiver.received.length);
    } finally {
      await receiver.close();
    }
  }, 30_000);

  it('a revoked token is cut on both nodes: sockets closed and requests refused', async () => {
    const made = await api(a.url, '/api/v1/tokens', { method: 'POST', token, json: { name: 'short-lived', scopes: [{ access: 'read', namespaces: '*' }] } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const t = made.body.token as string;
    const onA = follow(a.url, ['ns:any'], 0, t);
    const onB = follow(b.url, ['ns:any'], 0, t);
    await waitFor(() => onA.feed.status === 'live' && onB.feed.status === 'live', 10_000, 'both live');
    expect((await api(b.url, '/api/v1/memory/namespaces', { token: t })).status).toBe(200);
    const revoked = await api(a.url, `/api/v1/tokens/${made.body.id}`, { method: 'DELETE', token });
    expect(revoked.status).toBeLessThan(300);
    await waitFor(() => !onA.socket.connected && !onB.socket.connected, 5000, 'both sockets cut');
    await waitFor(() => false, 1200).catch(() => {});
    expect((await api(b.url, '/api/v1/memory/namespaces', { token: t })).status).toBe(401);
    expect((await api(a.url, '/api/v1/memory/namespaces', { token: t })).status).toBe(401);
  }, 30_000);

  it('the sweeper runs on exactly one node, and the other takes over when it is killed; kill -9 loses no acknowledged write', async () => {
    await waitFor(() => runsChores(a) || runsChores(b), 10_000, 'a chores holder');
    expect(runsChores(a) && runsChores(b)).toBe(false);
    const [holder, other] = runsChores(a) ? [a, b] : [b, a];
    // An entry expiring soon is purged once: one `expire` change, whichever node swept it.
    const f = follow(other.url, ['ns:ttl']);
    await waitFor(() => f.feed.status === 'live', 10_000, 'follower live');
    expect((await api(other.url, '/api/v1/memory/entry', { method: 'PUT', token, json: { namespace: 'ttl', key: 'soon', value: 1, ttl: 1 } })).status).toBe(
      201,
    );
    await waitFor(() => f.received.some((c) => c.op === 'expire'), 8000, 'the expiry');
    await waitFor(() => false, 500).catch(() => {});
    expect(f.received.filter((c) => c.op === 'expire')).toHaveLength(1);

    // Writes through both nodes while the holder is killed outright.
    const acked: { seq: number; key: string }[] = [];
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        for (const n of [holder, other]) {
          const r = await put(n.url, 'kill', `k${i}-${n === holder ? 'h' : 'o'}`, i).catch(() => null);
          if (r && r.status < 300) acked.push({ seq: r.body.seq, key: `k${i}-${n === holder ? 'h' : 'o'}` });
        }
      }
    })();
    const watcher = follow(holder.url, ['ns:kill']);
    await waitFor(() => watcher.feed.status === 'live' && acked.length > 20, 10_000, 'writes flowing');
    holder.child.kill('SIGKILL');
    await holder.exited;
    const lastSeen = watcher.received.at(-1)?.seq ?? 0;
    // Its client comes back on the surviving node and catches up from the last seq it applied.
    const again = follow(other.url, ['ns:kill'], lastSeen);
    await waitFor(() => acked.length > 60, 10_000, 'writes continue on the survivor');
    stop = true;
    await writer;
    const seen = [...watcher.received, ...again.received].map((c) => c.seq);
    const want = acked.map((w) => w.seq).sort((x, y) => x - y);
    await waitFor(() => again.received.length + watcher.received.length >= want.length, 10_000, 'the client caught up');
    const seenAll = [...watcher.received, ...again.received].map((c) => c.seq);
    expect(new Set(seenAll).size).toBe(seenAll.length);
    expect([...seenAll].sort((x, y) => x - y)).toEqual(want);
    expect(seen.length).toBeGreaterThan(0);
    for (const w of acked) {
      const r = await api(other.url, `/api/v1/memory/entry?namespace=kill&key=${w.key}`, { token });
      expect(r.status).toBe(200);
    }
    // The chores moved: the survivor holds the lock within seconds, and sweeps.
    await waitFor(() => runsChores(other), 10_000, 'the survivor to take the chores');
    expect((await api(other.url, '/api/v1/memory/entry', { method: 'PUT', token, json: { namespace: 'ttl', key: 'later', value: 1, ttl: 1 } })).status).toBe(
      201,
    );
    await waitFor(() => f.received.filter((c) => c.op === 'expire').length === 2, 8000, 'the survivor to sweep');
  }, 90_000);
});
