import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { join, resolve } from 'node:path';
import { round } from './lib.ts';

/** claude-flow 2.7's stdio MCP server on this machine class: 1,871 sequential store ops/s. */
export const PEER_STDIO_STORES_PER_SEC = 1871;

async function storesPerSec(client: Client, ops: number): Promise<{ opsPerSec: number; p50Ms: number; errors: number }> {
  const value = JSON.stringify({ session_id: 'bench', progress: { api: { completion_percentage: 50 } }, note: 'x'.repeat(64) });
  // Warm up (JIT, prepared statements), then one client, one call at a time, as an agent does.
  for (let i = 0; i < 100; i++) await client.callTool({ name: 'memory_usage', arguments: { action: 'store', namespace: 'bench-mcp', key: `warm/${i}`, value } });
  const times: number[] = [];
  let errors = 0;
  const started = performance.now();
  for (let i = 0; i < ops; i++) {
    const t = performance.now();
    const r = (await client.callTool({ name: 'memory_usage', arguments: { action: 'store', namespace: 'bench-mcp', key: `agent/${i % 500}/state`, value } })) as { isError?: boolean };
    times.push(performance.now() - t);
    if (r.isError) errors++;
  }
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return { opsPerSec: round(ops / elapsed, 0), p50Ms: round(times[Math.floor(times.length / 2)]!, 3), errors };
}

/**
 * (f) MCP `memory_usage` store, sequential, one client: over stdio (`baton mcp` on its own database
 * file, as claude-flow's stdio server works on its own file) and over Streamable HTTP to the server.
 */
export async function benchMcp(url: string, token: string, tmp: string, ops = 2000) {
  const root = resolve(import.meta.dirname, '..');
  const stdio = new Client({ name: 'bench', version: '1' });
  await stdio.connect(new StdioClientTransport({ command: 'node', args: [join(root, 'cli/bin.mjs'), 'mcp', '--db', join(tmp, 'mcp-stdio.db')], cwd: root }));
  const stdioResult = await storesPerSec(stdio, ops);
  await stdio.close();

  const http = new Client({ name: 'bench', version: '1' });
  await http.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  const httpResult = await storesPerSec(http, ops);
  await http.close();

  const targets = { stdioOpsPerSec: 2 * PEER_STDIO_STORES_PER_SEC, httpOpsPerSec: PEER_STDIO_STORES_PER_SEC };
  return {
    ops,
    peerStdioOpsPerSec: PEER_STDIO_STORES_PER_SEC,
    stdio: { ...stdioResult, ratioToPeer: round(stdioResult.opsPerSec / PEER_STDIO_STORES_PER_SEC, 2) },
    http: { ...httpResult, ratioToPeer: round(httpResult.opsPerSec / PEER_STDIO_STORES_PER_SEC, 2) },
    target: targets,
    pass: { stdio: stdioResult.opsPerSec >= targets.stdioOpsPerSec && stdioResult.errors === 0, http: httpResult.opsPerSec >= targets.httpOpsPerSec && httpResult.errors === 0 },
  };
}
