/**
 * A worker thread of the bench process that holds some of the (c) receivers, so decoding 500 deliveries
 * is not serialised on one event loop. It records process.hrtime (one clock for every thread of the
 * process) for each delivery and hands the list back when asked.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Change } from '../lib/events.ts';
import { followFeed } from '../lib/feed-client.ts';
import { closeAll, connectMany, sleep } from './lib.ts';

const { url, token, count, namespace, sinceSeq } = workerData as {
  url: string;
  token: string;
  count: number;
  namespace: string;
  sinceSeq: number;
};

const keys: string[] = [];
const times: bigint[] = [];
const sockets = await connectMany(url, token, count);
let live = 0;
const feeds = sockets.map((s) =>
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
      if (st === 'live') live++;
    },
  }),
);
const started = Date.now();
while (live < count && Date.now() - started < 30_000) await sleep(20);
parentPort!.postMessage({ type: 'live', live });

parentPort!.on('message', (msg: { type: string }) => {
  if (msg.type !== 'collect') return;
  for (const f of feeds) f.close();
  closeAll(sockets);
  parentPort!.postMessage({ type: 'deliveries', keys, times });
  parentPort!.close();
});
