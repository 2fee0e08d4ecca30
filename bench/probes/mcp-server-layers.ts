/**
 * Server-side CPU of one MCP store over HTTP, layer by layer, in one process (no sockets, no client):
 *   store+audit   MemoryService.storeSoon with the audit row, as REST and MCP both do
 *   tool          runMemoryUsage on the server's authorized backend (caller re-read, authorize, audit)
 *   transport     the /mcp handler (server/mcp/http.ts) given a parsed request: JSON-RPC checks, the
 *                 SDK's Protocol/Server dispatch, the tool, the JSON answer; with the caller re-read
 *                 per call and cached per session, alternately (PROBE_ROUNDS, 3)
 * Prints CPU µs per op for each, with the load average.
 *
 *   node --import tsx bench/probes/mcp-server-layers.ts [ops]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApplication } from '../../server/app.ts';
import { gatedBackend } from '../../server/mcp/backend.ts';
import { runMemoryUsage } from '../../server/mcp/memory-tool.ts';
import { createMcpHttpHandler, type McpHttpRequest } from '../../server/mcp/http.ts';
import { gatedSessionBackend } from '../../server/mcp/session-backend.ts';
import type { Principal } from '../../lib/access.ts';

const ops = Number(process.argv[2] ?? 3000);
const tmp = mkdtempSync(join(tmpdir(), 'baton-probe-srv-'));
const value = JSON.stringify({ session_id: 'bench', progress: { api: { completion_percentage: 50 } }, note: 'x'.repeat(64) });

async function measure(name: string, op: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 500; i++) await op(i + 1_000_000);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) await op(i);
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  console.log(
    JSON.stringify({
      layer: name,
      cpuUsPerOp: Math.round((c.user + c.system) / ops),
      wallUsPerOp: Math.round((wall * 1000) / ops),
      load: loadavg()[0]!.toFixed(2),
    }),
  );
}

const app = await createApplication({ databasePath: join(tmp, 'srv.db'), admin: { email: 'probe@example.test', password: 'probe password 1' } });
try {
  const admin = app.identity.userPrincipal(app.identity.listUsers()[0]!.id)! as Principal & { kind: 'user' };
  const { token } = app.identity.createToken(admin, { name: 'probe', scopes: [{ access: 'admin', namespaces: '*' }] }, null);
  const principal = app.identity.tokenPrincipal(token)!;
  const key = (i: number) => `agent/${i % 500}/state`;
  await measure('store+audit', (i) =>
    app.memory.storeSoon({ namespace: 'bench-mcp', key: key(i), value }, 'mcp:probe', (r) =>
      app.audit.record({
        principal,
        action: 'memory.store',
        target: `${r.namespace}/${r.key}`,
        ip: null,
        detail: { version: r.version, seq: r.seq, via: 'mcp' },
      }),
    ),
  );
  const backend = gatedBackend(app.memory, app.gate, () => ({ principal, ip: null, via: 'mcp' }));
  await measure('tool', (i) => runMemoryUsage(backend, { action: 'store', namespace: 'bench-mcp', key: key(i), value }));

  // The /mcp handler with the caller re-read per call (as before) and cached per session (1 s,
  // dropped on any access change; as the server runs it), measured alternately in the same minute.
  const handlers = {
    'transport (caller re-read per call)': {},
    'transport (caller cached per session)': { accessGeneration: () => app.identity.accessGeneration },
  };
  const opened: { name: string; mcp: ReturnType<typeof createMcpHttpHandler>; headers: Record<string, string> }[] = [];
  for (const [name, options] of Object.entries(handlers)) {
    const mcp = createMcpHttpHandler(
      (principalNow, ip) => {
        const caller = () => ({ principal: principalNow(), ip, via: 'mcp' as const, fresh: true });
        return {
          memory: gatedBackend(app.memory, app.gate, caller),
          sessions: gatedSessionBackend({ sessions: app.sessions, handoffs: app.handoffs, analytics: app.analytics, gate: app.gate }, caller),
        };
      },
      (p) => app.identity.refresh(p),
      1 << 20,
      options,
    );
    const headers: Record<string, string> = {
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      'mcp-protocol-version': '2025-06-18',
    };
    const req = (body: unknown): McpHttpRequest => ({ method: 'POST', header: (n) => headers[n], text: async () => JSON.stringify(body) });
    const res = await mcp.handle(
      req({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'p', version: '1' } },
      }),
      principal,
      null,
    );
    headers['mcp-session-id'] = res.headers.get('mcp-session-id')!;
    opened.push({ name, mcp, headers });
  }
  let id = 1;
  for (let round = 0; round < Number(process.env.PROBE_ROUNDS ?? 3); round++) {
    for (const { name, mcp, headers } of opened) {
      const req = (body: unknown): McpHttpRequest => ({ method: 'POST', header: (n) => headers[n], text: async () => JSON.stringify(body) });
      await measure(name, async (i) => {
        const res = await mcp.handle(
          req({
            jsonrpc: '2.0',
            id: id++,
            method: 'tools/call',
            params: { name: 'memory_usage', arguments: { action: 'store', namespace: 'bench-mcp', key: key(i), value } },
          }),
          principal,
          null,
        );
        await res.text();
      });
    }
  }
  for (const { mcp } of opened) await mcp.close();
} finally {
  await app.close();
  rmSync(tmp, { recursive: true, force: true });
}
