import { afterEach, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { Change } from '../lib/events.ts';
import { followFeed, type BatonSocket, type FeedStatus } from '../lib/feed-client.ts';
import { api, applyChanges, connectClient, connected, loadSnapshot, startTestServer, waitFor, type ClientState, type TestServer } from './helpers.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer(options);
  cleanups.push(() => s.close());
  return s;
}

function client(s: TestServer, _label?: string): BatonSocket {
  const socket = connectClient(s.url);
  cleanups.push(() => socket.close());
  return socket;
}

/** The server's live entries of one namespace, in the shape a client keeps. */
function serverState(s: TestServer, namespace: string): ClientState {
  const page = s.app.memory.list({ namespace, limit: 1000 });
  expect(page.nextCursor).toBeNull();
  return new Map(page.items.map((e) => [e.key, { raw: e.raw, version: e.version }]));
}

/** A client that follows one namespace from a REST snapshot, recording every seq it applies. */
async function follower(s: TestServer, socket: BatonSocket, namespace: string) {
  const snapshot = await loadSnapshot(s.url, namespace);
  let state = snapshot.state;
  let resyncs = 0;
  const seqs: number[] = [];
  const statuses: FeedStatus[] = [];
  const feed = followFeed(socket, {
    rooms: [`ns:${namespace}`],
    sinceSeq: snapshot.seq,
    onChanges: (changes) => {
      seqs.push(...changes.map((c) => c.seq));
      applyChanges(state, changes);
    },
    onResync: async () => {
      resyncs++;
      const fresh = await loadSnapshot(s.url, namespace);
      state = fresh.state;
      return fresh.seq;
    },
    onStatus: (status) => statuses.push(status),
  });
  cleanups.push(() => feed.close());
  await waitFor(() => feed.status === 'live', 5000, 'follower to go live');
  return {
    feed,
    seqs,
    statuses,
    startSeq: snapshot.seq,
    get state() {
      return state;
    },
    get resyncs() {
      return resyncs;
    },
  };
}

const isStrictlyIncreasing = (seqs: number[]) => seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!);

describe('live changes', () => {
  it('a socket write by A reaches B with the seq A was acked', async () => {
    const s = await server();
    const a = client(s, 'alice');
    const b = client(s, 'bob');
    const received: Change[] = [];
    const feed = followFeed(b, { rooms: ['ns:team'], sinceSeq: 0, onChanges: (c) => received.push(...c), onResync: async () => 0 });
    cleanups.push(() => feed.close());
    await waitFor(() => feed.status === 'live');
    await connected(a);

    // A write to a namespace B does not follow must not reach it.
    const other = await a.emitWithAck('memory:store', { namespace: 'elsewhere', key: 'x', value: 'nope' });
    const ack = await a.emitWithAck('memory:store', { namespace: 'team', key: 'session/dev-1/state', value: '{"step":1}' });
    expect(other.ok && ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.data).toMatchObject({ stored: true, namespace: 'team', key: 'session/dev-1/state', version: 1 });

    await waitFor(() => received.length > 0, 5000, 'B to receive the change');
    expect(received).toEqual([
      expect.objectContaining({
        seq: ack.data.seq,
        op: 'store',
        namespace: 'team',
        key: 'session/dev-1/state',
        value: '{"step":1}',
        version: 1,
        actor: 'token:tests',
      }),
    ]);
    expect(feed.lastSeq).toBe(ack.data.seq);
  });

  it('after missing 500 writes, a reconnecting client ends with exactly the server state, each seq once and in order', async () => {
    const s = await server();
    const ns = 'catchup';
    const a = client(s, 'alice');
    await connected(a);
    // Some state before B's snapshot, so the snapshot is not empty.
    for (let i = 0; i < 20; i++) await a.emitWithAck('memory:store', { namespace: ns, key: `k${i}`, value: `seed ${i}` });

    const b = client(s, 'bob');
    const bob = await follower(s, b, ns);
    await a.emitWithAck('memory:store', { namespace: ns, key: 'live', value: 'while connected' });
    await waitFor(() => bob.state.has('live'), 5000, 'live change before the disconnect');

    b.disconnect();
    await waitFor(() => bob.feed.status === 'reconnecting');
    const seenBeforeGap = bob.seqs.length;

    // 500 writes while B is away: stores, updates and deletes over 60 keys, half over REST and half
    // over A's socket, with writes to another namespace interleaved (B must not get those).
    for (let i = 0; i < 500; i++) {
      const key = `k${(i * 7) % 60}`;
      if (i % 9 === 4) {
        if (i % 2) await api(s.url, `/api/v1/memory/entry?namespace=${ns}&key=${key}`, { method: 'DELETE' });
        else await a.emitWithAck('memory:delete', { namespace: ns, key });
      } else if (i % 11 === 0) {
        await api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: 'noise', key, value: i } });
      } else if (i % 2) {
        await api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: ns, key, value: { i } } });
      } else {
        await a.emitWithAck('memory:store', { namespace: ns, key, value: `write ${i}` });
      }
    }
    // Let any live emit that might wrongly reach a disconnected client arrive before we look.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bob.seqs.length).toBe(seenBeforeGap);

    b.connect();
    const nsHead = () => s.app.feed.readForRooms(0, [`ns:${ns}`], 100_000).at(-1)!.seq;
    await waitFor(() => bob.feed.status === 'live' && bob.feed.lastSeq === nsHead(), 10_000, 'B to catch up');
    // And one live write after catching up.
    const last = await a.emitWithAck('memory:store', { namespace: ns, key: 'after', value: 'back online' });
    await waitFor(() => last.ok && bob.feed.lastSeq === last.data.seq, 5000, 'live change after the catch-up');

    expect(bob.resyncs).toBe(0);
    expect(bob.statuses).toContain('reconnecting');
    expect(isStrictlyIncreasing(bob.seqs)).toBe(true);
    const feedSeqs = s.app.feed.readForRooms(bob.startSeq, [`ns:${ns}`], 100_000).map((c) => c.seq);
    expect(bob.seqs).toEqual(feedSeqs);
    expect(feedSeqs.length).toBeGreaterThan(400);
    expect(bob.state).toEqual(serverState(s, ns));
  });
});

describe('resync', () => {
  it('a subscriber older than the retained feed is told to resync, and followFeed reloads its snapshot', async () => {
    // A long sweep interval keeps the sweeper's own pruning out of the way; the test prunes by hand.
    const s = await server({ feedRetention: 5, sweepIntervalMs: 60_000 });
    const ns = 'stale';
    const a = client(s, 'alice');
    await connected(a);
    await a.emitWithAck('memory:store', { namespace: ns, key: 'first', value: '1' });

    const b = client(s, 'bob');
    const bob = await follower(s, b, ns);
    b.disconnect();
    await waitFor(() => bob.feed.status === 'reconnecting');

    for (let i = 0; i < 20; i++) await a.emitWithAck('memory:store', { namespace: ns, key: `k${i % 4}`, value: `v${i}` });
    await a.emitWithAck('memory:delete', { namespace: ns, key: 'first' });
    expect(s.app.feed.prune(5)).toBeGreaterThan(0);
    const staleSeq = bob.feed.lastSeq;
    expect(s.app.feed.canReplayFrom(staleSeq)).toBe(false);

    // The raw protocol: a stale subscribe is answered with resync and no changes.
    const raw = await a.emitWithAck('subscribe', { rooms: [`ns:${ns}`], sinceSeq: staleSeq });
    expect(raw).toEqual({ ok: true, data: { resync: true, headSeq: s.app.feed.headSeq(), changes: [] } });
    // A client claiming a seq the server never reached is stale too.
    const ahead = await a.emitWithAck('subscribe', { rooms: [`ns:${ns}`], sinceSeq: s.app.feed.headSeq() + 10 });
    expect(ahead.ok && ahead.data.resync).toBe(true);

    b.connect();
    await waitFor(() => bob.resyncs === 1 && bob.feed.status === 'live', 5000, 'B to resync');
    expect(bob.feed.lastSeq).toBe(s.app.feed.headSeq());
    expect(bob.state).toEqual(serverState(s, ns));
    expect(bob.state.has('first')).toBe(false);

    // Live again after the resync.
    const next = await a.emitWithAck('memory:store', { namespace: ns, key: 'k0', value: 'after resync' });
    await waitFor(() => next.ok && bob.feed.lastSeq === next.data.seq, 5000, 'live change after resync');
    expect(bob.state.get('k0')?.raw).toBe('after resync');
    expect(bob.resyncs).toBe(1);
  });
});

describe('socket input errors', () => {
  it('a bad write is acked with the failing field, and the same connection keeps working', async () => {
    const s = await server({ maxValueBytes: 100 });
    const a = client(s, 'alice');
    await connected(a);
    const head = s.app.feed.headSeq();

    const cases: [string, unknown, string, string][] = [
      ['memory:store', { key: '', value: 'x' }, 'invalid_input', 'key'],
      ['memory:store', { key: 'k', value: 'x'.repeat(101) }, 'too_large', 'value'],
      ['memory:store', { key: 'k', value: 'x', ttl: -5 }, 'invalid_input', 'ttl'],
      ['memory:store', { namespace: 'has space', key: 'k', value: 'x' }, 'invalid_input', 'namespace'],
      ['memory:store', { key: 'k', value: { not: 'a string' } }, 'invalid_input', 'value'],
      ['memory:store', 'not an object', 'invalid_input', ''],
      ['memory:delete', { key: 'k'.repeat(513) }, 'invalid_input', 'key'],
      ['subscribe', { rooms: ['secret-room'] }, 'invalid_input', 'rooms.0'],
      ['subscribe', { rooms: [] }, 'invalid_input', 'rooms'],
    ];
    for (const [event, payload, code, field] of cases) {
      const ack = await (a as any).emitWithAck(event, payload);
      expect(ack.ok, `${event} ${JSON.stringify(payload)}`).toBe(false);
      expect(ack.error.code).toBe(code);
      if (field) expect(ack.error.field).toBe(field);
      expect(typeof ack.error.message).toBe('string');
    }
    expect(a.connected).toBe(true);
    expect(s.app.feed.headSeq()).toBe(head);
    expect(s.app.memory.retrieve({ key: 'k' })).toBeNull();

    const ok = await a.emitWithAck('memory:store', { key: 'k', value: 'fine' });
    expect(ok).toMatchObject({ ok: true, data: { version: 1, seq: head + 1 } });
    const read = await a.emitWithAck('memory:retrieve', { key: 'k' });
    expect(read).toMatchObject({ ok: true, data: { raw: 'fine', version: 1 } });
  });

  it('a conflicting socket write is acked with the current version', async () => {
    const s = await server();
    const a = client(s, 'alice');
    await connected(a);
    await a.emitWithAck('memory:store', { key: 'doc', value: 'v1' });
    const ack = await a.emitWithAck('memory:store', { key: 'doc', value: 'lost', ifVersion: 0 });
    expect(ack).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'version_conflict', field: 'ifVersion', currentVersion: 1 }),
    });
  });

  it('a handshake with another protocol version is refused with a reason', async () => {
    const s = await server();
    const socket = connect(s.url, { transports: ['websocket'], auth: { protocol: 999 }, forceNew: true, reconnection: false });
    cleanups.push(() => socket.close());
    const err = await new Promise<Error & { data?: any }>((resolve) => socket.once('connect_error', resolve));
    expect(socket.connected).toBe(false);
    expect(err.data).toMatchObject({ code: 'invalid_input', field: 'auth.protocol' });
  });
});

describe('changes for rooms nobody is in', () => {
  /** Every change a raw socket receives, from subscribe replays and live frames alike. */
  function recorder(socket: BatonSocket) {
    const seen: Change[] = [];
    // As lib/feed-client.ts does: live changes that arrive while a subscribe is in flight are held and
    // recorded after its replay. The ack and a live change can reach the client in one read, and the
    // ack's promise resolves only after both packets' handlers have run.
    let held: Change[] | null = null;
    socket.on('feed:changes', (changes) => (held ? held.push(...changes) : seen.push(...changes)));
    return {
      seen,
      async subscribe(rooms: string[], sinceSeq: number) {
        held = [];
        const ack = await socket.emitWithAck('subscribe', { rooms, sinceSeq });
        const live: Change[] = held;
        held = null;
        if (!ack.ok || ack.data.resync) throw new Error(`subscribe failed: ${JSON.stringify(ack)}`);
        seen.push(...ack.data.changes, ...live);
        return ack.data;
      },
    };
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 150));
  const storeRest = async (s: TestServer, namespace: string, key: string, value: unknown) => {
    const r = await api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace, key, value } });
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    return (r.body as { seq: number }).seq;
  };

  it('are skipped by the broadcaster, and a socket subscribing right after still gets each one exactly once', async () => {
    const s = await server();
    const start = s.app.feed.headSeq();
    const skippedBefore = s.app.broadcaster.skipped;
    // No socket at all: the write is passed over, and the broadcaster's position moves past it.
    const first = await storeRest(s, 'quiet', 'a', { n: 1 });
    await waitFor(() => s.app.broadcaster.position >= first, 5000, 'the broadcaster to move past the write');
    expect(s.app.broadcaster.skipped).toBeGreaterThan(skippedBefore);

    // A socket joins right after and catches up from the table: the skipped change once, then live ones once.
    const socket = client(s);
    await connected(socket);
    const rec = recorder(socket);
    await rec.subscribe(['ns:quiet'], start);
    const second = await storeRest(s, 'quiet', 'b', { n: 2 });
    await waitFor(() => rec.seen.some((c) => c.seq === second), 5000, 'the live change');
    await settle();
    expect(rec.seen.map((c) => c.seq)).toEqual([first, second]);
    expect(rec.seen[0]).toMatchObject({ namespace: 'quiet', key: 'a', value: '{"n":1}' });
  });

  it('with other rooms followed, a change for an empty room is skipped and replayed once to a later subscriber', async () => {
    const s = await server();
    const watcher = client(s);
    await connected(watcher);
    const watching = recorder(watcher);
    await watching.subscribe(['ns:busy'], s.app.feed.headSeq());

    const start = s.app.feed.headSeq();
    const skippedBefore = s.app.broadcaster.skipped;
    const unwatched = await storeRest(s, 'idle', 'x', 'nobody here');
    const watched = await storeRest(s, 'busy', 'y', 'seen live');
    await waitFor(() => watching.seen.some((c) => c.seq === watched), 5000, 'the watched change');
    // The change to ns:idle went to nobody (its group was skipped); ns:busy's went out.
    expect(s.app.broadcaster.skipped).toBe(skippedBefore + 1);
    expect(watching.seen.map((c) => c.seq)).toEqual([watched]);

    // A second socket follows ns:idle from before the skipped change, while writes keep coming.
    const late = client(s);
    await connected(late);
    const lateRec = recorder(late);
    const [, more] = await Promise.all([lateRec.subscribe(['ns:idle'], start), storeRest(s, 'idle', 'z', 'after join')]);
    await waitFor(() => lateRec.seen.some((c) => c.seq === more), 5000, 'the change after the join');
    await settle();
    expect(lateRec.seen.map((c) => c.seq)).toEqual([unwatched, more]);
    expect(watching.seen.map((c) => c.seq)).toEqual([watched]);

    // Everyone leaves: the broadcaster goes back to not reading at all, and a returning socket catches up.
    watcher.disconnect();
    late.disconnect();
    await waitFor(() => s.app.io.of('/').adapter.rooms.size === 0, 5000, 'rooms to empty');
    const gone = await storeRest(s, 'idle', 'w', 'while away');
    await waitFor(() => s.app.broadcaster.position >= gone, 5000, 'the broadcaster to move on');
    const back = client(s);
    await connected(back);
    const backRec = recorder(back);
    await backRec.subscribe(['ns:idle'], more);
    await settle();
    expect(backRec.seen.map((c) => c.seq)).toEqual([gone]);
  });
});
