/**
 * A worker thread of the bench process that holds some of the (c) receivers, so decoding 500 deliveries
 * is not serialised on one event loop. It records process.hrtime (one clock for every thread of the
 * process) for each delivery and hands the list back when asked.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { followReceivers } from './lib.ts';

const { url, token, count, namespace, sinceSeq } = workerData as {
  url: string;
  token: string;
  count: number;
  namespace: string;
  sinceSeq: number;
};

const receivers = followReceivers(url, token, count, namespace, sinceSeq);
parentPort!.postMessage({ type: 'live', live: await receivers.live });

parentPort!.on('message', (msg: { type: string }) => {
  if (msg.type !== 'collect') return;
  void receivers.collect().then(({ keys, times }) => {
    parentPort!.postMessage({ type: 'deliveries', keys, times });
    parentPort!.close();
  });
});
