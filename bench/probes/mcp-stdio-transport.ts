/**
 * (f) stdio, the server side in one process: the same `memory_usage` store lines fed to `baton mcp`'s
 * server through the SDK's StdioServerTransport and through FastPathStdioTransport (the one
 * `baton mcp` uses), over in-memory streams, each on its own database file, alternately in the same
 * minute. Prints CPU and wall µs per call with the load average (no pipes or client: the same for both).
 *
 *   node --import tsx bench/probes/mcp-stdio-transport.ts [ops]      # PROBE_ROUNDS (3)
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { openLocalServices } from '../../server/local.ts';
import { runMemoryUsage } from '../../server/mcp/memory-tool.ts';
import { createMcpServer } from '../../server/mcp/server.ts';
import { FastPathStdioTransport } from '../../server/mcp/stdio-transport.ts';

const ops = Number(process.argv[2] ?? 3000);
const rounds = Number(process.env.PROBE_ROUNDS ?? 3);
const tmp = mkdtempSync(join(tmpdir(), 'baton-probe-stdio-'));
const value = JSON.stringify({ session_id: 'bench', progress: { api: { completion_percentage: 50 } }, note: 'x'.repeat(64) });

async function side(name: string, make: (stdin: PassThrough, stdout: PassThrough, local: ReturnType<typeof openLocalServices>) => Transport) {
  const local = openLocalServices(join(tmp, `${name}.db`), 'mcp:probe', { backgroundCheckpoint: true });
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let waiting: (() => void) | null = null;
  let pending = '';
  stdout.on('data', (c: Buffer) => {
    pending += c.toString('utf8');
    if (pending.endsWith('\n')) {
      pending = '';
      waiting?.();
    }
  });
  const server = createMcpServer(local.memory, local.sessions);
  await server.connect(make(stdin, stdout, local));
  let id = 0;
  const call = (i: number) =>
    new Promise<void>((resolve) => {
      waiting = resolve;
      stdin.write(
        `${JSON.stringify({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name: 'memory_usage', arguments: { action: 'store', namespace: 'bench-mcp', key: `agent/${i % 500}/state`, value } } })}\n`,
      );
    });
  for (let i = 0; i < 2000; i++) await call(i + 1_000_000);
  return {
    name,
    async measure() {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < ops; i++) await call(i);
      const wall = performance.now() - t0;
      const c = process.cpuUsage(c0);
      console.log(
        JSON.stringify({
          transport: name,
          cpuUsPerOp: Math.round((c.user + c.system) / ops),
          wallUsPerOp: Math.round((wall * 1000) / ops),
          load: loadavg()[0]!.toFixed(2),
        }),
      );
    },
    async close() {
      await server.close();
      local.close();
    },
  };
}

try {
  const sides = [
    await side('sdk', (stdin, stdout) => new StdioServerTransport(stdin, stdout)),
    await side('fast-path', (stdin, stdout, local) => new FastPathStdioTransport('memory_usage', (args) => runMemoryUsage(local.memory, args), stdin, stdout)),
  ];
  for (let r = 0; r < rounds; r++) for (const s of sides) await s.measure();
  for (const s of sides) await s.close();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
