import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { resolve } from 'node:path';
import { localBackend, remoteBackend, type MemoryBackend } from '../server/mcp/backend.ts';
import { createMcpServer } from '../server/mcp/server.ts';

/**
 * `baton mcp`: MCP over stdio. With a server URL the calls go through that server (so writes
 * are broadcast at once); without one, the local database file is written directly and a server
 * on the same file picks the writes up from the change feed. stdout belongs to the protocol.
 */
export async function runStdio(opts: { url?: string; token?: string; db?: string; actor?: string }): Promise<void> {
  let backend: MemoryBackend;
  let close = () => {};
  const actor = `mcp:${opts.actor ?? 'agent'}`;
  if (opts.url && !opts.db) {
    backend = remoteBackend(opts.url, { token: opts.token, actor: opts.actor ?? 'agent' });
  } else {
    const { openDatabase } = await import('../db/client.ts');
    const { MemoryService } = await import('../server/memory/service.ts');
    const handle = openDatabase(resolve(opts.db ?? process.env.DATABASE_PATH ?? './data/baton.db'));
    backend = localBackend(new MemoryService(handle, { maxValueBytes: Number(process.env.MAX_VALUE_BYTES) || undefined }), actor);
    close = () => handle.close();
  }
  const server = createMcpServer(backend);
  const transport = new StdioServerTransport();
  // Serve until the client closes stdin.
  await new Promise<void>((done) => {
    transport.onclose = done;
    process.stdin.once('end', done);
    void server.connect(transport);
  });
  close();
}
