import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  ErrorCode,
} from '@modelcontextprotocol/sdk/types.js';
import { Protocol } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { z } from 'zod';
import type { MemoryBackend } from './backend.ts';
import type { SessionBackend } from './session-backend.ts';
import { runSessionTool, SESSION_TOOL_NAMES, SESSION_TOOLS, type SessionToolContext } from './session-tools.ts';
import { memoryReadInputSchema, memoryReadOutputSchema, memoryUsageInputSchema, runMemoryRead, runMemoryUsage } from './memory-tool.ts';
import { BatonError } from '../../lib/errors.ts';

export const SERVER_INFO = { name: 'baton', version: '0.1.0' };
const RESOURCE_PREFIX = 'baton://memory/';
type Schema = { type: 'object'; properties: Record<string, object> };

/** Percent-encodes one path segment; every character outside RFC 3986's unreserved set is escaped. */
const encodeSegment = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const decodeSegment = (s: string) => decodeURIComponent(s);

/**
 * `baton://memory/<namespace>/<key>`, each segment of the key percent-encoded and its slashes kept:
 * `notes/plain text#1?x` is `baton://memory/default/notes/plain%20text%231%3Fx`, which survives a
 * client that normalizes URIs (a raw `#` or `?` would end the path).
 */
export function memoryResourceUri(namespace: string, key: string): string {
  return `${RESOURCE_PREFIX}${encodeSegment(namespace)}/${key.split('/').map(encodeSegment).join('/')}`;
}

export function parseMemoryResourceUri(uri: string): { namespace: string; key: string } | null {
  if (!uri.startsWith(RESOURCE_PREFIX)) return null;
  const rest = uri.slice(RESOURCE_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return null;
  try {
    return {
      namespace: decodeSegment(rest.slice(0, slash)),
      key: rest
        .slice(slash + 1)
        .split('/')
        .map(decodeSegment)
        .join('/'),
    };
  } catch {
    return null;
  }
}

/**
 * A JSON-RPC error as the SDK's Protocol sends a thrown value: `code`, `message` and `data` as
 * they are (an McpError would prefix its message with "MCP error <code>: ", which the client's own
 * McpError then prefixes again).
 */
function rpcError(code: number, message: string, data?: unknown): Error {
  return Object.assign(new Error(message), { code, ...(data !== undefined ? { data } : {}) });
}
/** The MCP spec's code for a resource that does not exist. */
export const RESOURCE_NOT_FOUND = -32002;

const LooseCallToolRequestSchema = z.object({
  method: z.literal(CallToolRequestSchema.shape.method.value),
  params: z.looseObject({ name: z.string(), arguments: z.unknown().optional() }),
});

/** An MCP server exposing Baton's tools and memory resources over any transport. */
/**
 * `context` is this connection's: the session it started or resumed (session tools without a
 * sessionId act on it) and who the caller is (to find its own sessions otherwise).
 */
export function createMcpServer(backend: MemoryBackend, sessions?: SessionBackend, context: SessionToolContext = {}): Server {
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: {}, resources: {} },
    instructions:
      'Baton keeps work alive across sessions. Use memory_usage to store and read session state ' +
      '(e.g. key session/development/state in namespace session-management); every write shows live on Baton boards. ' +
      'session_start / session_checkpoint / session_resume keep a session recoverable; swarm_init and agent_register put agents on its roster.',
  });

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [
      {
        name: 'memory_usage',
        title: 'Baton memory',
        description:
          'Store, retrieve, list, search (key glob and text) or delete entries in Baton memory. Compatible with claude-flow memory_usage; ' +
          'every store returns version and seq. Values are strings (JSON text is parsed on retrieve). memory_read does the reads without write access.',
        inputSchema: memoryUsageInputSchema as unknown as Schema,
        // It may delete (action "delete"); the reads alone are memory_read.
        annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
      },
      {
        name: 'memory_read',
        title: 'Read Baton memory',
        description:
          "Read Baton memory without changing it: retrieve an entry, list a namespace (prefix), search by key glob and/or text, or an entry's history (its last versions).",
        inputSchema: memoryReadInputSchema as unknown as Schema,
        outputSchema: memoryReadOutputSchema as unknown as Schema,
        annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      },
      ...(sessions
        ? SESSION_TOOLS.map((t) => ({ ...t, inputSchema: t.inputSchema as unknown as Schema, outputSchema: t.outputSchema as unknown as Schema }))
        : []),
    ],
  }));

  // The SDK's own tools/call registration rejects non-object `arguments` (a JSON string, an array)
  // with a bare protocol error; registered on Protocol directly, such a call reaches the tool and
  // comes back as a tool error naming `arguments`, like every other bad input.
  Protocol.prototype.setRequestHandler.call(server, LooseCallToolRequestSchema, async (request: z.output<typeof LooseCallToolRequestSchema>) => {
    const { name } = request.params;
    if (name === 'memory_usage') return runMemoryUsage(backend, request.params.arguments);
    if (name === 'memory_read') return runMemoryRead(backend, request.params.arguments);
    if (sessions && SESSION_TOOL_NAMES.has(name)) return runSessionTool(name, request.params.arguments, backend, sessions, context);
    // A protocol error, as the spec says for an unknown tool (a tool result would read as the tool's own failure).
    throw rpcError(
      ErrorCode.InvalidParams,
      `Unknown tool: ${JSON.stringify(name)} (tools: ${['memory_usage', 'memory_read', ...(sessions ? SESSION_TOOL_NAMES : [])].join(', ')})`,
    );
  });

  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: [
      {
        uriTemplate: `${RESOURCE_PREFIX}{namespace}/{+key}`,
        name: 'Memory entry',
        description: 'A Baton memory entry; the namespace and each /-separated segment of the key are percent-encoded.',
      },
    ],
  }));

  server.setRequestHandler(ListResourcesRequestSchema, async (request) => {
    const page = await backend.search({ limit: 200, cursor: request.params?.cursor });
    return {
      resources: page.items.map((e) => ({
        uri: memoryResourceUri(e.namespace, e.key),
        name: `${e.namespace}/${e.key}`,
        mimeType: e.isJson ? 'application/json' : 'text/plain',
        size: e.size,
      })),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  });

  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const ref = parseMemoryResourceUri(request.params.uri);
    if (!ref) throw rpcError(ErrorCode.InvalidParams, `uri: not a ${RESOURCE_PREFIX}<namespace>/<key> URI`);
    const entry = await backend.retrieve(ref).catch((err: unknown) => {
      throw rpcError(ErrorCode.InvalidParams, err instanceof BatonError ? err.message : 'invalid resource');
    });
    if (!entry) throw rpcError(RESOURCE_NOT_FOUND, `Resource not found: ${request.params.uri}`, { uri: request.params.uri });
    return {
      contents: [{ uri: request.params.uri, mimeType: entry.isJson ? 'application/json' : 'text/plain', text: entry.raw }],
    };
  });

  return server;
}
