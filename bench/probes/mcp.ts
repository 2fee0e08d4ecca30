/**
 * (f) alone, repeatable: starts the bench server child, runs the MCP store bench over stdio and HTTP
 * (ROUNDS times, alternating), and prints each round with the load average beside it.
 *
 *   node --import tsx bench/probes/mcp.ts            # PROBE_OPS (2000), PROBE_ROUNDS (2)
 *   PROBE_PROF=/tmp/prof node --import tsx bench/probes/mcp.ts   # V8 CPU profiles of server and stdio child
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { killChildren, startServer } from '../lib.ts';
import { benchMcp } from '../mcp.ts';

const ops = Number(process.env.PROBE_OPS ?? 2000);
const rounds = Number(process.env.PROBE_ROUNDS ?? 2);
const prof = process.env.PROBE_PROF ? resolve(process.env.PROBE_PROF) : undefined;
const tmp = mkdtempSync(join(tmpdir(), 'baton-probe-mcp-'));
const server = await startServer(join(tmp, 'server.db'), { cpuProfDir: prof });
try {
  for (let r = 0; r < rounds; r++) {
    const load = loadavg()
      .map((n) => n.toFixed(2))
      .join(' ');
    const f = await benchMcp(server.url, server.token, tmp, ops, {
      serverPid: server.pid,
      floors: r === 0,
      stdioNodeArgs: prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [],
    });
    console.log(JSON.stringify({ round: r, load, stdio: f.stdio, http: f.http, httpBareClient: f.httpBareClient, floors: f.floors }));
  }
} finally {
  await server.stop();
  killChildren();
  rmSync(tmp, { recursive: true, force: true });
}
