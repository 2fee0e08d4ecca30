import { fileURLToPath } from 'node:url';
import type { MemoryBackend } from '../server/mcp/backend.ts';
import { remoteBackend, remoteSessionBackend } from './remote.ts';
import { runMemoryUsage } from '../server/mcp/memory-tool.ts';
import type { SessionBackend } from '../server/mcp/session-backend.ts';
import { createMcpServer } from '../server/mcp/server.ts';
import { FastPathStdioTransport } from '../server/mcp/stdio-transport.ts';

/**
 * The database `npm start` uses in Baton's checkout (data/baton.db beside cli/), whatever directory
 * the MCP client starts `baton mcp` in: Claude Code and others start it in the user's project.
 */
export const DEFAULT_DATABASE = fileURLToPath(new URL('../data/baton.db', import.meta.url));

/**
 * `baton mcp`: MCP over stdio. With a server URL the calls go through that server (so writes
 * are broadcast at once); without one, the local database file is written directly and a server
 * on the same file picks the writes up from the change feed. stdout belongs to the protocol.
 */
export async function runStdio(opts: { url?: string; token?: string; db?: string; actor?: string }): Promise<void> {
  let backend: MemoryBackend;
  let sessions: SessionBackend;
  let close = () => {};
  // Writes are recorded under the caller's name: through a server, the token's (`token:<name>`, as
  // over HTTP); on a file, `mcp:<--actor>` (default mcp:agent), the local principal.
  const actor = `mcp:${opts.actor ?? 'agent'}`;
  if (opts.url && !opts.db) {
    const { url, token } = opts;
    backend = remoteBackend(url, { token, actor: opts.actor ?? 'agent' });
    sessions = remoteSessionBackend(url, token);
  } else {
    const { openLocalServices } = await import('../server/local.ts');
    // A long-lived writer: checkpoint the WAL from a worker thread, as the server does.
    const local = openLocalServices(opts.db ?? process.env.DATABASE_PATH ?? DEFAULT_DATABASE, actor, { backgroundCheckpoint: true });
    backend = local.memory;
    sessions = local.sessions;
    close = local.close;
  }
  // This process is one agent's connection: it remembers the session it started or resumed.
  const server = createMcpServer(backend, sessions);
  // memory_usage calls (nearly all of an agent's traffic) are answered by the same runMemoryUsage the
  // server's tools/call handler runs, without the SDK's per-message zod parses; the rest goes to the SDK.
  const transport = new FastPathStdioTransport('memory_usage', (args) => runMemoryUsage(backend, args));
  // Serve until the client closes stdin.
  await new Promise<void>((done) => {
    transport.onclose = done;
    process.stdin.once('end', done);
    void server.connect(transport);
  });
  close();
}
