import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../lib/access.ts';
import type { MemoryBackend } from './backend.ts';
import type { SessionBackend } from './session-backend.ts';
import { createMcpServer } from './server.ts';

const IDLE_MS = 30 * 60 * 1000;

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  lastSeen: number;
  /** Who opened the session; later requests must come from the same caller. */
  owner: string;
  principal: Principal;
}

const ownerOf = (p: Principal) => ('id' in p ? `${p.kind}:${p.id}` : p.kind);

/**
 * Streamable HTTP at /mcp with sessions: an initialize request opens one (Mcp-Session-Id header),
 * later requests from the same caller reuse it, DELETE or 30 idle minutes close it.
 */
export function createMcpHttpHandler(
  backendFor: (caller: () => Principal, ip: string | null) => { memory: MemoryBackend; sessions: SessionBackend },
  refresh: (p: Principal) => Principal,
  maxBodyBytes: number,
) {
  const sessions = new Map<string, Session>();
  const sweep = setInterval(() => {
    const cutoff = Date.now() - IDLE_MS;
    for (const s of sessions.values()) if (s.lastSeen < cutoff) void s.transport.close();
  }, 60_000);
  sweep.unref();

  const jsonRpcError = (status: number, message: string) =>
    new Response(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }), {
      status,
      headers: { 'content-type': 'application/json' },
    });

  async function handle(request: Request, principal: Principal, ip: string | null): Promise<Response> {
    const sessionId = request.headers.get('mcp-session-id');
    if (sessionId) {
      const session = sessions.get(sessionId);
      if (!session) return jsonRpcError(404, 'Unknown or expired MCP session; initialize again');
      if (session.owner !== ownerOf(principal)) return jsonRpcError(403, 'This MCP session belongs to another caller');
      session.lastSeen = Date.now();
      return session.transport.handleRequest(request);
    }
    if (request.method !== 'POST') return jsonRpcError(400, 'Send an initialize request first (POST without Mcp-Session-Id)');
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return jsonRpcError(400, 'body: not valid JSON');
    }
    if (!isInitializeRequest(body)) return jsonRpcError(400, 'Send an initialize request first (POST without Mcp-Session-Id)');
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      maxRequestBodySize: maxBodyBytes,
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, lastSeen: Date.now(), owner: ownerOf(principal), principal });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    // Each call re-reads the caller, so revoking its token ends its access mid-session.
    const backends = backendFor(() => refresh(principal), ip);
    await createMcpServer(backends.memory, backends.sessions).connect(transport);
    return transport.handleRequest(request, { parsedBody: body });
  }

  return {
    handle,
    sessions,
    async close() {
      clearInterval(sweep);
      await Promise.all([...sessions.values()].map((s) => s.transport.close()));
    },
  };
}
