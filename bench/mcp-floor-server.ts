/**
 * Two stand-ins for an MCP Streamable HTTP server, for (f)'s floors: each answers `initialize`,
 * notifications and `tools/call` with JSON over plain node:http, with no auth, sessions, protocol
 * validation, audit or broadcast.
 *   BENCH_FLOOR=idle   answers every call without doing anything: what a client alone can reach.
 *   BENCH_FLOOR=store  commits one MemoryService.store per call on BENCH_DATABASE (the same durable
 *                      write path as Baton's): what any Node HTTP server storing durably could reach.
 * Run with fork(): it sends { type: 'ready', url, pid } and exits when the parent goes away.
 */
import { createServer } from 'node:http';
import { openDatabase } from '../db/client.ts';
import { MemoryService } from '../server/memory/service.ts';

const mode = process.env.BENCH_FLOOR === 'store' ? 'store' : 'idle';
const memory = mode === 'store' ? new MemoryService(openDatabase(process.env.BENCH_DATABASE!, { backgroundCheckpoint: true })) : null;

interface Call {
  id?: number | string;
  method?: string;
  params?: { protocolVersion?: string; arguments?: { namespace?: string; key?: string; value?: string } };
}

function answer(m: Call): unknown {
  if (m.method === 'initialize') {
    return { protocolVersion: m.params?.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: `floor-${mode}`, version: '1' } };
  }
  const a = m.params?.arguments ?? {};
  const r = memory ? memory.store({ namespace: a.namespace ?? 'default', key: a.key ?? '', value: a.value ?? '' }, 'bench') : null;
  const text = JSON.stringify({ success: true, action: 'store', key: a.key, namespace: a.namespace, stored: true, version: r?.version ?? 1, seq: r?.seq ?? 0 });
  return { content: [{ type: 'text', text }] };
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const m = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Call;
    if (m.id === undefined) {
      res.writeHead(202, { 'mcp-session-id': 'floor' }).end();
      return;
    }
    const body = JSON.stringify({ jsonrpc: '2.0', id: m.id, result: answer(m) });
    res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'floor', 'content-length': Buffer.byteLength(body) }).end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}`, pid: process.pid });
});
process.on('disconnect', () => process.exit(0));
