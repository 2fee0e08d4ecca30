/**
 * Prices each layer of a sequential MCP store in one process, on a fresh database file:
 *   service   MemoryService.store (parse + one transaction + commit)
 *   soon      storeSoon awaited (group commit of one)
 *   tool      runMemoryUsage on the local backend (tool argument parsing, result JSON)
 *   sdk       MCP Client → Server over the SDK's in-memory transport (JSON-RPC, validation both ends)
 * Prints µs per op (wall and CPU) for each, with the load average.
 *
 *   node --import tsx bench/probes/mcp-layers.ts [ops]
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalServices } from '../../server/local.ts';
import { openDatabase } from '../../db/client.ts';
import { MemoryService } from '../../server/memory/service.ts';
import { runMemoryUsage } from '../../server/mcp/memory-tool.ts';
import { createMcpServer } from '../../server/mcp/server.ts';

const ops = Number(process.argv[2] ?? 3000);
const tmp = mkdtempSync(join(tmpdir(), 'baton-probe-layers-'));
const value = JSON.stringify({ session_id: 'bench', progress: { api: { completion_percentage: 50 } }, note: 'x'.repeat(64) });

async function measure(name: string, op: (i: number) => unknown) {
  for (let i = 0; i < 300; i++) await op(i + 1_000_000);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) await op(i);
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  console.log(
    JSON.stringify({
      layer: name,
      wallUsPerOp: Math.round((wall * 1000) / ops),
      cpuUsPerOp: Math.round((c.user + c.system) / ops),
      sysUsPerOp: Math.round(c.system / ops),
      load: loadavg()[0]!.toFixed(2),
    }),
  );
}

try {
  {
    const h = openDatabase(join(tmp, 'service.db'));
    const memory = new MemoryService(h);
    await measure('service', (i) => memory.store({ namespace: 'bench-mcp', key: `agent/${i % 500}/state`, value }, 'probe'));
    await measure('soon', (i) => memory.storeSoon({ namespace: 'bench-mcp', key: `agent/${i % 500}/state`, value }, 'probe'));
    h.close();
  }
  {
    const local = openLocalServices(join(tmp, 'tool.db'), 'mcp:probe');
    await measure('tool', (i) => runMemoryUsage(local.memory, { action: 'store', namespace: 'bench-mcp', key: `agent/${i % 500}/state`, value }));
    const server = createMcpServer(local.memory, local.sessions);
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(a);
    const client = new Client({ name: 'probe', version: '1' });
    await client.connect(b);
    await measure('sdk', (i) =>
      client.callTool({ name: 'memory_usage', arguments: { action: 'store', namespace: 'bench-mcp', key: `agent/${i % 500}/state`, value } }),
    );
    await client.close();
    local.close();
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
