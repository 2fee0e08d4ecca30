/**
 * A worker thread of the bench process that holds some of the (c) receivers, so decoding the deliveries
 * is not serialised on one event loop. It records process.hrtime (one clock for every thread of the
 * process) for each delivery and hands the list back when asked, with the CPU this thread used while
 * its receivers were live (from /proc/thread-self: this thread only) and its event-loop utilization,
 * so the report can say how much of the machine the receivers took.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { followReceivers } from './lib.ts';

const { url, token, count, namespace, sinceSeq } = workerData as {
  url: string;
  token: string;
  count: number;
  namespace: string;
  sinceSeq: number;
};

/** CPU seconds (user + system) of this thread; null where /proc/thread-self is missing (not Linux). */
function threadCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

const receivers = followReceivers(url, token, count, namespace, sinceSeq);
const live = await receivers.live;
const cpu0 = threadCpuSeconds();
const elu0 = performance.eventLoopUtilization();
const t0 = performance.now();
parentPort!.postMessage({ type: 'live', live });

parentPort!.on('message', (msg: { type: string }) => {
  if (msg.type !== 'collect') return;
  const cpu1 = threadCpuSeconds();
  const seconds = (performance.now() - t0) / 1000;
  const elu = performance.eventLoopUtilization(elu0).utilization;
  void receivers.collect().then(({ keys, times }) => {
    const cpuSeconds = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
    parentPort!.postMessage({ type: 'deliveries', keys, times, cpuSeconds, seconds, eventLoopUtilization: elu });
    parentPort!.close();
  });
});
