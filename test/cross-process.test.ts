import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.ts';
import type { Change } from '../lib/events.ts';
import { followFeed } from '../lib/feed-client.ts';
import type { StoreResult } from '../lib/memory-types.ts';
import { MemoryService } from '../server/memory/service.ts';
import { api, applyChanges, connectClient, loadSnapshot, startTestServer, waitFor, type TestServer } from './helpers.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/store-from-another-process.ts', import.meta.url));

/** Runs the fixture in a separate Node process against the same database file. */
function storeFromAnotherProcess(dbPath: string, namespace: string, keyPrefix: string, count: number, pauseMs = 0): Promise<StoreResult[]> {
  return new Promise((resolve, reject) => {
    const args = [dbPath, namespace, keyPrefix, String(count), String(pauseMs)];
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`fixture exited with ${code}: ${err}`));
      resolve(
        out
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as StoreResult),
      );
    });
  });
}

let s: TestServer;
afterEach(async () => {
  await s?.close();
});

describe('writes from another process', () => {
  it('reach a subscribed client through the broadcaster’s polling, with their seq', async () => {
    s = await startTestServer({ feedPollMs: 50 });
    const socket = connectClient(s.url);
    const received: Change[] = [];
    const feed = followFeed(socket, { rooms: ['ns:cli'], sinceSeq: 0, onChanges: (c) => received.push(...c), onResync: async () => 0 });
    try {
      await waitFor(() => feed.status === 'live');
      const [result] = await storeFromAnotherProcess(s.dbPath, 'cli', 'note-', 1);
      expect(result).toMatchObject({ stored: true, namespace: 'cli', key: 'note-0', version: 1 });

      await waitFor(() => received.length === 1, 5000, 'the other process’s write to be broadcast');
      expect(received[0]).toMatchObject({ seq: result!.seq, op: 'store', namespace: 'cli', key: 'note-0', actor: 'cli:fixture' });
      const entry = await api(s.url, '/api/v1/memory/entry?namespace=cli&key=note-0');
      expect(entry.status).toBe(200);
      expect(entry.body).toMatchObject({ version: 1, updatedBy: 'cli:fixture' });
    } finally {
      feed.close();
      socket.close();
    }
  });

  it('interleave with the server’s own writes in one seq order, none lost or repeated', async () => {
    s = await startTestServer({ feedPollMs: 20 });
    const ns = 'shared';
    const socket = connectClient(s.url);
    const snapshot = await loadSnapshot(s.url, ns);
    const state = snapshot.state;
    const seqs: number[] = [];
    const feed = followFeed(socket, {
      rooms: [`ns:${ns}`],
      sinceSeq: snapshot.seq,
      onChanges: (changes) => {
        seqs.push(...changes.map((c) => c.seq));
        applyChanges(state, changes);
      },
      onResync: async () => {
        throw new Error('no resync expected');
      },
    });
    try {
      await waitFor(() => feed.status === 'live');
      // The server keeps writing until the other process is done, so their commits interleave.
      let otherDone = false;
      let serverCount = 0;
      const other = storeFromAnotherProcess(s.dbPath, ns, 'cli-', 100, 2).finally(() => (otherDone = true));
      await waitFor(() => otherDone || s.app.feed.headSeq() > snapshot.seq, 15_000, 'the other process to start writing');
      while (!otherDone || serverCount < 50) {
        await api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: ns, key: `srv-${serverCount % 30}`, value: `v${serverCount}` } });
        serverCount++;
      }
      expect(await other).toHaveLength(100);
      const head = s.app.feed.headSeq();
      await waitFor(() => feed.lastSeq === head, 5000, 'every write to be broadcast');
      const changes = s.app.feed.readForRooms(snapshot.seq, [`ns:${ns}`], 10_000);
      expect(seqs).toEqual(changes.map((c) => c.seq));
      expect(seqs).toHaveLength(100 + serverCount);
      // The two writers really did take turns in the feed.
      const turns = changes.filter((c, i) => i > 0 && c.actor !== changes[i - 1]!.actor).length;
      expect(turns).toBeGreaterThan(10);
      const live = s.app.memory.list({ namespace: ns, limit: 1000 }).items;
      expect(state).toEqual(new Map(live.map((e) => [e.key, { raw: e.raw, version: e.version }])));
    } finally {
      feed.close();
      socket.close();
    }
  });

  it('a change both replayed on subscribe and then found by the poll is applied once', async () => {
    // The poll never fires on its own here; the test drains by hand to pin the race's order:
    // another connection commits, a client subscribes (its replay includes the write), then the
    // broadcaster finds the same write and emits it live.
    s = await startTestServer({ feedPollMs: 60_000 });
    const other = openDatabase(s.dbPath);
    const socket = connectClient(s.url);
    const seqs: number[] = [];
    const feed = followFeed(socket, {
      rooms: ['ns:race'],
      sinceSeq: 0,
      onChanges: (changes) => seqs.push(...changes.map((c) => c.seq)),
      onResync: async () => 0,
    });
    try {
      const writer = new MemoryService(other);
      for (let i = 0; i < 3; i++) writer.store({ namespace: 'race', key: `k${i}`, value: 'v' }, 'cli:other');
      await waitFor(() => feed.status === 'live');
      expect(seqs).toEqual([1, 2, 3]);
      expect(s.app.broadcaster.position).toBe(0);

      s.app.broadcaster.drain();
      const last = await api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: 'race', key: 'k9', value: 'v' } });
      await waitFor(() => feed.lastSeq === last.body.seq, 5000, 'the in-process write');
      expect(seqs).toEqual([1, 2, 3, 4]);
    } finally {
      feed.close();
      socket.close();
      other.close();
    }
  });
});
