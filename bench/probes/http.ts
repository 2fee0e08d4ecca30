/**
 * Prices the HTTP layers of a REST write (see http-server.ts for the modes). Each mode gets its own
 * server child; autocannon (16 connections) runs here. Reports server CPU per request.
 *
 *   node --import tsx bench/probes/http.ts node-raw hono-bodylimit hono-header-limit
 */
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { payload, processCpuSeconds as cpu, systemBusySeconds as systemBusy } from '../lib.ts';

const seconds = Number(process.env.PROBE_SECONDS ?? 5);
for (const mode of process.argv.slice(2)) {
  const child = fork(join(import.meta.dirname, 'http-server.ts'), [mode], { execArgv: ['--import', 'tsx'] });
  try {
    const port = await new Promise<number>((r) => child.on('message', (m: { port: number }) => r(m.port)));
    let i = 0;
    const value = payload(128);
    const run = (duration: number) =>
      autocannon({
        url: `http://127.0.0.1:${port}`,
        connections: 16,
        duration,
        requests: [
          {
            method: 'PUT',
            path: '/api/v1/memory/entry',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => ({ ...req, body: JSON.stringify({ namespace: 'bench', key: `k/${i++ % 1000}`, value }) }),
          },
        ],
      });
    await run(1);
    const c0 = cpu(child.pid!);
    const s0 = systemBusy();
    const b0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await run(seconds);
    const wall = (performance.now() - t0) / 1000;
    const used = cpu(child.pid!) - c0;
    const b = process.cpuUsage(b0);
    const mine = (b.user + b.system) / 1e6;
    const others = systemBusy() - s0 - used - mine;
    console.log(
      JSON.stringify({
        mode,
        reqPerSec: Math.round(r['2xx'] / r.duration),
        non2xx: r.non2xx,
        serverCpuPct: Math.round((used / wall) * 100),
        serverCpuUsPerReq: Math.round((used / r['2xx']) * 1e6),
        loadGenCpuPct: Math.round((mine / wall) * 100),
        otherProcessesCpuPct: Math.round((others / wall) * 100),
        p50Ms: r.latency.p50,
      }),
    );
  } finally {
    child.kill('SIGKILL');
  }
}
