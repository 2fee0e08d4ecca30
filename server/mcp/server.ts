import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  McpError,
  ErrorCode,
} from '@modelcontextprotocol/sdk/types.js';
import { Protocol } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { z } from 'zod';
import type { MemoryBackend } from './backend.ts';
import type { SessionBackend } from './session-backend.ts';
import { runSessionTool, SESSION_TOOL_NAMES, SESSION_TOOLS } from './session-tools.ts';
import { memoryUsageInputSchema, runMemoryUsage, toolError } from './memory-tool.ts';
import { BatonError } from '../../lib/errors.ts';

export const SERVER_INFO = { name: 'baton', version: '0.1.0' };
const RESOURCE_PREFIX = 'baton://memory/';

/** `baton://memory/<namespace, percent-encoded>/<key as is>`: keys keep their slashes readable. */
export function memoryResourceUri(namespace: string, key: string): string {
  return `${RESOURCE_PREFIX}${encodeURIComponent(namespace)}/${key}`;
}

export function parseMemoryResourceUri(uri: string): { namespace: string; key: string } | null {
  if (!uri.startsWith(RESOURCE_PREFIX)) return null;
  const rest = uri.slice(RESOURCE_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return null;
  try {
    return { namespace: decodeURIComponent(rest.slice(0, slash)), key: rest.slice(slash + 1) };
  } catch {
    return null;
  }
}

const LooseCallToolRequestSchema = z.object({
  method: z.literal(CallToolRequestSchema.shape.method.value),
  params: z.looseObject({ name: z.string(), arguments: z.unknown().optional() }),
});

/** An MCP server exposing Baton's tools and memory resources over any transport. */
export function createMcpServer(backend: MemoryBackend, sessions?: SessionBackend): Server {
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
          'every store returns version and seq. Values are strings (JSON text is parsed on retrieve).',
        inputSchema: memoryUsageInputSchema as unknown as { type: 'object'; properties: Record<string, object> },
      },
      ...(sessions ? SESSION_TOOLS.map((t) => ({ ...t, inputSchema: t.inputSchema as unknown as { type: 'object'; properties: Record<string, object> } })) : []),
    ],
  }));

  // The SDK's own tools/call registration rejects non-object `arguments` (a JSON string, an array)
  // with a bare protocol error; registered on Protocol directly, such a call reaches the tool and
  // comes back as a tool error naming `arguments`, like every other bad input.
  Protocol.prototype.setRequestHandler.call(server, LooseCallToolRequestSchema, async (request: z.output<typeof LooseCallToolRequestSchema>) => {
    if (request.params.name === 'memory_usage') return runMemoryUsage(backend, request.params.arguments);
    if (sessions && SESSION_TOOL_NAMES.has(request.params.name)) return runSessionTool(request.params.name, request.params.arguments, backend, sessions);
    return toolError(new BatonError('invalid_input', `name: unknown tool "${request.params.name}"`, { field: 'name' }));
  });

  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: [
      {
        uriTemplate: `${RESOURCE_PREFIX}{namespace}/{+key}`,
        name: 'Memory entry',
        description: 'A Baton memory entry; the namespace is percent-encoded, the key follows as is.',
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
    if (!ref) throw new McpError(ErrorCode.InvalidParams, `uri: not a ${RESOURCE_PREFIX}<namespace>/<key> URI`);
    const entry = await backend.retrieve(ref).catch((err: unknown) => {
      throw new McpError(ErrorCode.InvalidParams, err instanceof BatonError ? err.message : 'invalid resource');
    });
    if (!entry) throw new McpError(ErrorCode.InvalidParams, `uri: no live entry ${request.params.uri}`);
    return {
      contents: [{ uri: request.params.uri, mimeType: entry.isJson ? 'application/json' : 'text/plain', text: entry.raw }],
    };
  });

  return server;
}
