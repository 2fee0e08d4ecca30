import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  isInitializeRequest,
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  JSONRPCMessageSchema,
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  type JSONRPCMessage,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../../lib/access.ts';
import type { MemoryBackend } from './backend.ts';
import { runMemoryUsage } from './memory-tool.ts';
import type { SessionBackend } from './session-backend.ts';
import type { McpSessionRegistry } from '../../db/pg/cluster.ts';
import { createMcpServer } from './server.ts';
import { plainToolCallId } from './stdio-transport.ts';
import { tooDeepMessage } from './depth.ts';
import { DEFAULT_MAX_JSON_DEPTH } from '../../lib/json-depth.ts';

const IDLE_MS = 30 * 60 * 1000;
/** How long a session reuses its caller's re-read (any access change in this process ends it at once). */
const CALLER_CACHE_MS = 1000;
/** As the SDK's Streamable HTTP transport. */
const MAX_BATCH = 100;

/**
 * One /mcp request as the handler needs it. In the server it is Node's own request (its body is read
 * straight from the socket); anything else (a web Request) goes through {@link mcpRequestOf}.
 */
export interface McpHttpRequest {
  method: string;
  header(name: string): string | undefined;
  /** The body as text, or null when it is longer than `limit` bytes. */
  text(limit: number): Promise<string | null>;
}

/** The request behind a Hono context: Node's IncomingMessage when served by @hono/node-server, else the web Request. */
export function mcpRequestOf(raw: Request, env: unknown): McpHttpRequest {
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
  // With a Content-Length the REST body limit only checked the header and the body is still on the
  // socket; a chunked body was already read (and limited) by that middleware into `raw`.
  const unread = !!incoming && typeof incoming.on === 'function' && !incoming.readableEnded && incoming.headers['transfer-encoding'] === undefined;
  if (unread) return nodeRequest(incoming);
  return {
    method: raw.method,
    header: (name) => raw.headers.get(name) ?? undefined,
    text: async (limit) => {
      const buf = new Uint8Array(await raw.arrayBuffer());
      return buf.byteLength > limit ? null : new TextDecoder().decode(buf);
    },
  };
}

export function nodeRequest(req: IncomingMessage): McpHttpRequest {
  return {
    method: req.method ?? 'GET',
    header: (name) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    },
    text: (limit) =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const onData = (chunk: Buffer) => {
          size += chunk.length;
          chunks.push(chunk);
          if (size <= limit) return;
          // Stop here: the 413 goes out at once, and @hono/node-server drains (bounded) or closes the rest.
          req.off('data', onData);
          req.pause();
          resolve(null);
        };
        req.on('data', onData);
        req.once('end', () => resolve(size > limit ? null : Buffer.concat(chunks, size).toString('utf8')));
        req.once('error', reject);
      }),
  };
}

/**
 * The server side of MCP's Streamable HTTP transport, answering every request with JSON
 * (`enableJsonResponse` in the SDK's terms): the SDK's Protocol/Server run on it unchanged, but
 * messages come from Node's request and go back as one JSON body, without converting each call to
 * a web Request/Response and back (that conversion cost more CPU than the store itself).
 * Server-initiated messages have no stream to go to (GET is answered 405, as the spec allows), so
 * they are dropped; Baton's tools send none.
 */
class JsonResponseTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private readonly waiting = new Map<RequestId, (response: JSONRPCMessage) => void>();
  private closed = false;

  constructor(readonly sessionId: string) {}

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage): Promise<void> {
    if (!isJSONRPCResultResponse(message) && !isJSONRPCErrorResponse(message)) return;
    if (message.id === undefined) return;
    const answer = this.waiting.get(message.id);
    if (!answer) return;
    this.waiting.delete(message.id);
    answer(message);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [id, answer] of this.waiting) answer({ jsonrpc: '2.0', id, error: { code: -32001, message: 'MCP session closed' } });
    this.waiting.clear();
    this.onclose?.();
  }

  /** Whether a request with this id is being answered now (a second one with the same id is refused). */
  inFlight(id: RequestId): boolean {
    return this.waiting.has(id);
  }

  /** Hands the messages to the server; resolves with the responses to the requests among them, in order. */
  exchange(messages: JSONRPCMessage[]): Promise<JSONRPCMessage[]> | null {
    const requests = messages.filter(isJSONRPCRequest);
    if (requests.some((r) => this.waiting.has(r.id)) || new Set(requests.map((r) => r.id)).size !== requests.length) return null;
    const answers = requests.map((r) => new Promise<JSONRPCMessage>((resolve) => this.waiting.set(r.id, resolve)));
    for (const message of messages) this.onmessage?.(message);
    return Promise.all(answers);
  }
}

interface Session {
  transport: JsonResponseTransport;
  lastSeen: number;
  /** Who opened the session; later requests must come from the same caller. */
  owner: string;
  principal: Principal;
  /** The session's memory backend: what its server's memory_usage handler runs against. */
  memory: MemoryBackend;
}

const ownerOf = (p: Principal) => ('id' in p ? `${p.kind}:${p.id}` : p.kind);

/** isInitializeRequest, without its zod parse (and the error it builds) for every other message. */
const isInitialize = (m: JSONRPCMessage) => 'method' in m && m.method === 'initialize' && isInitializeRequest(m);

/** An answer from /mcp before it becomes a web Response (Hono) or is written to Node's response (the direct route). */
export interface McpReply {
  status: number;
  body: string | null;
  headers: Record<string, string>;
}

const json = (status: number, body: string | null, headers: Record<string, string> = {}): McpReply => ({
  status,
  body,
  headers: body === null ? headers : { 'content-type': 'application/json', ...headers },
});

const isReply = (x: Session | McpReply): x is McpReply => 'status' in x;

/** The reply as a web Response. */
export const toResponse = (r: McpReply) => new Response(r.body, { status: r.status, headers: r.headers });

/** A JSON-RPC error with no id, as the SDK's transport answers transport-level failures. */
const rpcError = (status: number, message: string, code = -32000, headers: Record<string, string> = {}) =>
  json(status, JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), headers);

/** The SDK transport's answer to a Mcp-Protocol-Version it does not speak; null when it does (or none is sent). */
function unsupportedVersion(req: McpHttpRequest): McpReply | null {
  const version = req.header('mcp-protocol-version');
  if (version === undefined || SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return null;
  return rpcError(400, `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`);
}

/** The ids this server gives sessions (randomUUID); nothing else is adopted. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const idInFlight = () => rpcError(400, 'Invalid Request: a request id is already in flight in this session', -32600);

/** application/json, parameters allowed, as a media type rather than a substring. */
const isJsonContentType = (ct: string | undefined) => !!ct && ct.split(';')[0]!.trim().toLowerCase() === 'application/json';

/**
 * Streamable HTTP at /mcp with sessions: an initialize request opens one (Mcp-Session-Id header),
 * later requests from the same caller reuse it, DELETE or 30 idle minutes close it. The caller is
 * authenticated (and cookie requests CSRF-checked) by the REST middleware before this runs.
 */
export function createMcpHttpHandler(
  backendFor: (caller: () => Principal, ip: string | null) => { memory: MemoryBackend; sessions: SessionBackend },
  refresh: (p: Principal) => Principal,
  maxBodyBytes: number,
  options: {
    /**
     * Identity's access generation. With it, a session re-reads its caller at most once a second
     * instead of on every call, and at once after any access change (token or share link revoked,
     * role changed) in this process; without it, every call re-reads.
     */
    accessGeneration?: () => number;
    callerCacheMs?: number;
    /** Answer plain memory_usage calls without the SDK's Protocol (default on; off for the equivalence test). */
    fastPath?: boolean;
    /**
     * Several nodes: the sessions every node knows. A session id this node does not know, opened on another node
     * for the same caller and not closed (the proxy sent the request here, or that node died), is opened again
     * here under the same id instead of answering 404, so agents need no sticky routing. Its own state (the work
     * session it started) starts empty, as after a restart.
     */
    registry?: McpSessionRegistry;
    /** Deepest nesting accepted in a tool's arguments. */
    maxDepth?: number;
  } = {},
) {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  const fastPath = options.fastPath ?? true;
  /** How many calls took the fast path, and how many requests the direct Node route served (for tests and probes). */
  const stats = { fastCalls: 0, directCalls: 0, adopted: 0 };
  const { accessGeneration } = options;
  const callerCacheMs = options.callerCacheMs ?? CALLER_CACHE_MS;
  /** The session's caller as of now: re-read per call, or from a short cache invalidated by access changes. */
  function callerOf(principal: Principal): () => Principal {
    if (!accessGeneration) return () => refresh(principal);
    let cached: Principal | null = null;
    let generation = -1;
    let until = 0;
    return () => {
      const now = Date.now();
      const current = accessGeneration();
      if (cached && generation === current && now < until) return cached;
      const fresh = refresh(principal);
      // Only a caller that still has access is kept; a refused one is re-read (and refused) every call.
      cached = fresh.kind === 'anonymous' ? null : fresh;
      generation = current;
      until = now + callerCacheMs;
      return fresh;
    };
  }
  const sessions = new Map<string, Session>();
  const sweep = setInterval(() => {
    const cutoff = Date.now() - IDLE_MS;
    for (const s of sessions.values()) if (s.lastSeen < cutoff) void s.transport.close();
  }, 60_000);
  sweep.unref();

  /** Opens a session under `id` (a new one, or one another node opened: see adoptUnknownSessions). */
  async function openSession(id: string, principal: Principal, ip: string | null, isNew = true): Promise<Session> {
    if (isNew) options.registry?.opened(id, ownerOf(principal), Date.now());
    const transport = new JsonResponseTransport(id);
    // Each call re-reads the caller (at most a second old, and never across an access change), so
    // revoking its token or lowering its role ends its access mid-session.
    const backends = backendFor(callerOf(principal), ip);
    const session: Session = { transport, lastSeen: Date.now(), owner: ownerOf(principal), principal, memory: backends.memory };
    // The MCP session's own state (the work session it started or resumed) lives in its server.
    await createMcpServer(backends.memory, backends.sessions).connect(transport);
    // Set after connect(): the Protocol chains its own onclose to ours.
    const onclose = transport.onclose;
    transport.onclose = () => {
      sessions.delete(transport.sessionId);
      onclose?.();
    };
    sessions.set(transport.sessionId, session);
    return session;
  }

  /** Opens again, on this node, a session another node opened: initialize and initialized, as its client did. */
  async function adopt(id: string, principal: Principal, ip: string | null, req: McpHttpRequest): Promise<Session | McpReply> {
    const known = UUID.test(id) ? options.registry!.find(id) : null;
    if (!known || known.closed) return rpcError(404, 'Unknown or expired MCP session; initialize again', -32001);
    if (known.owner !== ownerOf(principal)) return rpcError(403, 'This MCP session belongs to another caller');
    const session = await openSession(id, principal, ip, false);
    const protocolVersion = req.header('mcp-protocol-version') ?? LATEST_PROTOCOL_VERSION;
    await session.transport.exchange([
      {
        jsonrpc: '2.0',
        id: '__baton_adopt',
        method: 'initialize',
        params: { protocolVersion, capabilities: {}, clientInfo: { name: 'adopted', version: '0' } },
      },
    ]);
    await session.transport.exchange([{ jsonrpc: '2.0', method: 'notifications/initialized' }]);
    stats.adopted++;
    return session;
  }

  /** The caller's own session, or the error response that refuses it. */
  async function sessionFor(id: string, principal: Principal, req?: McpHttpRequest, ip: string | null = null): Promise<Session | McpReply> {
    let session = sessions.get(id);
    if (session && options.registry?.find(id)?.closed) {
      // Closed (DELETE) through another node: end this node's copy too.
      await session.transport.close();
      session = undefined;
    }
    if (!session && options.registry && req) return adopt(id, principal, ip, req);
    if (!session) return rpcError(404, 'Unknown or expired MCP session; initialize again', -32001);
    if (session.owner !== ownerOf(principal)) return rpcError(403, 'This MCP session belongs to another caller');
    session.lastSeen = Date.now();
    return session;
  }

  async function reply(req: McpHttpRequest, principal: Principal, ip: string | null): Promise<McpReply> {
    const sessionId = req.header('mcp-session-id');
    if (req.method === 'DELETE') {
      if (!sessionId) return rpcError(400, 'Mcp-Session-Id header is required');
      const known = options.registry && !sessions.has(sessionId) ? options.registry.find(sessionId) : null;
      if (known && !known.closed) {
        // Opened on another node: closed for every node (that node's copy ends at its next request or idle sweep).
        if (known.owner !== ownerOf(principal)) return rpcError(403, 'This MCP session belongs to another caller');
        options.registry!.closed(sessionId, Date.now());
        return json(200, null);
      }
      const session = await sessionFor(sessionId, principal);
      if (isReply(session)) return session;
      options.registry?.closed(sessionId, Date.now());
      await session.transport.close();
      return json(200, null);
    }
    if (req.method !== 'POST') {
      // Every answer comes back in the POST's own response; there is no server-to-client stream.
      return rpcError(405, 'Method not allowed: send JSON-RPC with POST (this server answers in JSON, without an SSE stream)', -32000, {
        allow: 'POST, DELETE',
      });
    }
    const accept = req.header('accept');
    if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) {
      return rpcError(406, 'Not Acceptable: Client must accept both application/json and text/event-stream');
    }
    if (!isJsonContentType(req.header('content-type'))) return rpcError(415, 'Unsupported Media Type: Content-Type must be application/json');

    const text = await req.text(maxBodyBytes);
    if (text === null) return rpcError(413, `body: over the limit of ${maxBodyBytes} bytes`);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return rpcError(400, 'body: not valid JSON', -32700);
    }
    // Refused before any schema recurses into it: a reply naming the argument, never a stack overflow.
    const deep = tooDeepMessage(raw, maxDepth);
    if (deep) return json(deep.id === null ? 422 : 200, JSON.stringify({ jsonrpc: '2.0', id: deep.id, error: deep.error }));
    // A plain memory_usage call in an open session (nearly all of an agent's traffic) is answered by
    // the same runMemoryUsage the session's server runs for it, without the SDK's per-message zod
    // parses, with the same checks before it and the same answer ({ result, jsonrpc, id }).
    const fastId = fastPath && sessionId ? plainToolCallId(raw, 'memory_usage') : null;
    if (fastId !== null) {
      const badVersion = unsupportedVersion(req);
      if (badVersion) return badVersion;
      const found = await sessionFor(sessionId!, principal, req, ip);
      if (isReply(found)) return found;
      if (badVersion) return badVersion;
      if (found.transport.inFlight(fastId)) return idInFlight();
      stats.fastCalls++;
      const result = await runMemoryUsage(found.memory, (raw as { params: { arguments?: unknown } }).params.arguments);
      return json(200, JSON.stringify({ result, jsonrpc: '2.0', id: fastId }), { 'mcp-session-id': found.transport.sessionId });
    }
    const batch = Array.isArray(raw);
    const items = batch ? (raw as unknown[]) : [raw];
    if (items.length > MAX_BATCH) return rpcError(400, `Invalid Request: Batch must not exceed ${MAX_BATCH} messages`, -32600);
    const messages: JSONRPCMessage[] = [];
    for (const item of items) {
      const parsed = JSONRPCMessageSchema.safeParse(item);
      if (!parsed.success) return rpcError(400, 'Parse error: Invalid JSON-RPC message', -32700);
      messages.push(parsed.data);
    }

    let session: Session;
    if (sessionId) {
      if (messages.some(isInitialize) && sessions.has(sessionId)) return rpcError(400, 'Invalid Request: Server already initialized', -32600);
      const badVersion = unsupportedVersion(req);
      if (badVersion) return badVersion;
      const found = await sessionFor(sessionId, principal, req, ip);
      if (isReply(found)) return found;
      session = found;
      if (messages.some(isInitialize)) return rpcError(400, 'Invalid Request: Server already initialized', -32600);
    } else {
      if (messages.length !== 1 || !isInitialize(messages[0]!)) {
        return rpcError(400, 'Send an initialize request first (POST without Mcp-Session-Id)');
      }
      session = await openSession(randomUUID(), principal, ip);
    }

    const exchanged = session.transport.exchange(messages);
    if (!exchanged) return idInFlight();
    const responses = await exchanged;
    const headers = { 'mcp-session-id': session.transport.sessionId };
    if (responses.length === 0) return json(202, null, headers);
    return json(200, JSON.stringify(batch ? responses : responses[0]), headers);
  }

  return {
    /** The answer as a web Response (the Hono route). */
    handle: async (req: McpHttpRequest, principal: Principal, ip: string | null): Promise<Response> => toResponse(await reply(req, principal, ip)),
    /** The answer as status, body and headers (the direct Node route, server/mcp/node-route.ts). */
    reply,
    sessions,
    stats,
    async close() {
      clearInterval(sweep);
      await Promise.all([...sessions.values()].map((s) => s.transport.close()));
    },
  };
}

// ---- Authorization discovery (MCP authorization spec, RFC 9728) ---------------------------------
// Baton takes API tokens (Authorization: Bearer btn_…) and runs no OAuth authorization server. It
// still answers discovery the way the spec's clients expect: a 401 from /mcp names the protected
// resource metadata in WWW-Authenticate, the metadata says "a bearer token in the header", and every
// other /.well-known path is a JSON 404 (never the web UI's sign-in page).

/** The origin a client used to reach this server (behind a proxy: its forwarded scheme and host). */
export function publicOrigin(url: string, header: (name: string) => string | undefined): string {
  const u = new URL(url);
  const proto = header('x-forwarded-proto')?.split(',')[0]?.trim() || u.protocol.replace(/:$/, '');
  const host = header('x-forwarded-host')?.split(',')[0]?.trim() || header('host') || u.host;
  return `${proto}://${host}`;
}

export const RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource/mcp';

/** RFC 9728 metadata for /mcp. */
export function protectedResourceMetadata(origin: string) {
  return {
    resource: `${origin}/mcp`,
    resource_name: 'Baton',
    bearer_methods_supported: ['header'],
    resource_documentation: `${origin}/settings`,
  };
}

/**
 * /mcp without usable credentials: 401 with `WWW-Authenticate: Bearer` (and the metadata's URL) and
 * a JSON-RPC error body. A token that was sent but refused is told so, not asked to sign in.
 */
export function mcpUnauthorized(origin: string, tokenSent: boolean): Response {
  const message = tokenSent
    ? 'The token was refused: it is unknown, revoked or expired. Make a new one in Baton (Settings → API tokens, or baton token create) and send it as Authorization: Bearer btn_…'
    : 'This MCP endpoint needs an API token: send Authorization: Bearer btn_… (make one in Baton: Settings → API tokens, or baton token create)';
  const challenge = `Bearer resource_metadata="${origin}${RESOURCE_METADATA_PATH}"${tokenSent ? ', error="invalid_token", error_description="The token was refused"' : ''}`;
  return toResponse(rpcError(401, message, -32001, { 'www-authenticate': challenge }));
}

/** Any other /.well-known path: a JSON 404. */
export function wellKnownNotFound(path: string): Response {
  return toResponse(
    json(
      404,
      JSON.stringify({
        error: { code: 'not_found', message: `No ${path} here: Baton takes API tokens (Authorization: Bearer btn_…) and runs no OAuth authorization server` },
      }),
    ),
  );
}
