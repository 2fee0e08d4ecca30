import { z } from 'zod';
import { BatonError, fromZodError, toApiError } from '../../lib/errors.ts';
import { DEFAULT_NAMESPACE, MAX_LIST_LIMIT } from '../../lib/memory-schema.ts';
import type { MemoryEntry } from '../../lib/memory-types.ts';
import type { MemoryBackend } from './backend.ts';

export const MEMORY_ACTIONS = ['store', 'retrieve', 'list', 'search', 'delete'] as const;

/** claude-flow's published schema, plus Baton's optional fields (see shared/compat). */
export const memoryUsageInputSchema = {
  type: 'object',
  properties: {
    action: { type: 'string', enum: [...MEMORY_ACTIONS], description: 'What to do' },
    key: { type: 'string', description: 'Entry key, e.g. session/development/state (store, retrieve, delete)' },
    value: { type: 'string', description: 'Value to store: JSON text or plain text (store)' },
    namespace: { type: 'string', default: DEFAULT_NAMESPACE, description: 'Namespace; search covers all when omitted' },
    ttl: { type: 'number', description: 'Seconds until the entry expires (store)' },
    ifVersion: { type: 'integer', minimum: 0, description: 'Store only if the current version is this (0: only if absent)' },
    pattern: { type: 'string', description: 'Key glob for search: */blockers, session/*, session/*/state' },
    query: { type: 'string', description: 'Text to find in values (search)' },
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIST_LIMIT, description: 'Page size (list, search)' },
    cursor: { type: 'string', description: 'nextCursor from a previous list or search' },
  },
  required: ['action'],
} as const;

// Only the shape of the envelope is checked here; field rules (limits, namespace) live in the service.
const argsSchema = z.object({
  action: z.string({ error: 'is required' }),
  key: z.string().optional(),
  value: z.unknown().optional(),
  namespace: z.string().optional(),
  ttl: z.number().nullish(),
  ifVersion: z.number().optional(),
  pattern: z.string().optional(),
  query: z.string().optional(),
  limit: z.number().optional(),
  cursor: z.string().optional(),
});

const common = { storage_type: 'sqlite' as const };
const stamp = () => new Date().toISOString();

function listed(entry: MemoryEntry) {
  return {
    key: entry.key,
    value: entry.value,
    namespace: entry.namespace,
    version: entry.version,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
    updatedBy: entry.updatedBy,
    expiresAt: entry.expiresAt,
  };
}

export interface ToolResult {
  [k: string]: unknown;
  content: { type: 'text'; text: string }[];
  isError?: boolean;
}

const ok = (body: Record<string, unknown>): ToolResult => ({
  content: [{ type: 'text', text: JSON.stringify({ success: true, ...body, ...common, timestamp: stamp() }, null, 2) }],
});

export function toolError(err: unknown): ToolResult {
  const e = toApiError(err);
  return {
    isError: true,
    content: [
      {
        type: 'text',
        text: JSON.stringify({ success: false, error: e.message, code: e.code, field: e.field, currentVersion: e.currentVersion, timestamp: stamp() }),
      },
    ],
  };
}

/** Runs one `memory_usage` call; never throws: every failure is a tool error naming the field. */
export async function runMemoryUsage(backend: MemoryBackend, rawArgs: unknown): Promise<ToolResult> {
  try {
    if (rawArgs !== undefined && rawArgs !== null && (typeof rawArgs !== 'object' || Array.isArray(rawArgs))) {
      throw new BatonError('invalid_input', `arguments: must be an object like {"action":"store","key":…}, not ${Array.isArray(rawArgs) ? 'an array' : `a ${typeof rawArgs}`}`, {
        field: 'arguments',
      });
    }
    const parsed = argsSchema.safeParse(rawArgs ?? {});
    if (!parsed.success) throw fromZodError(parsed.error);
    const args = parsed.data;
    const namespace = args.namespace ?? DEFAULT_NAMESPACE;
    switch (args.action) {
      case 'store': {
        if (args.value === undefined) throw new BatonError('invalid_input', 'value: is required for store', { field: 'value' });
        // Agents sometimes pass an object instead of JSON text; store it as its JSON.
        const value = typeof args.value === 'string' ? args.value : JSON.stringify(args.value);
        const r = await backend.store({ namespace, key: args.key, value, ttl: args.ttl, ifVersion: args.ifVersion });
        return ok({ action: 'store', key: r.key, namespace: r.namespace, stored: true, size: r.size, id: r.seq, version: r.version, seq: r.seq, expiresAt: r.expiresAt });
      }
      case 'retrieve': {
        const entry = await backend.retrieve({ namespace, key: args.key });
        return ok({
          action: 'retrieve',
          key: args.key,
          value: entry ? entry.value : null,
          found: entry !== null,
          namespace,
          ...(entry ? { version: entry.version, updatedAt: entry.updatedAt, updatedBy: entry.updatedBy, expiresAt: entry.expiresAt } : {}),
        });
      }
      case 'list': {
        const page = await backend.list({ namespace, prefix: args.key ?? undefined, limit: args.limit, cursor: args.cursor });
        return ok({ action: 'list', namespace, entries: page.items.map(listed), count: page.items.length, nextCursor: page.nextCursor });
      }
      case 'search': {
        // claude-flow agents pass the glob as `pattern`; some pass it as `key`.
        const pattern = args.pattern ?? args.key;
        const page = await backend.search({ namespace: args.namespace, pattern, query: args.query, limit: args.limit, cursor: args.cursor });
        return ok({
          action: 'search',
          namespace: args.namespace ?? '*',
          pattern: pattern ?? null,
          results: page.items.map((e) => ({ ...listed(e), score: 1 })),
          count: page.items.length,
          nextCursor: page.nextCursor,
        });
      }
      case 'delete': {
        const r = await backend.delete({ namespace, key: args.key });
        return ok({ action: 'delete', key: r.key, namespace: r.namespace, deleted: r.deleted, seq: r.seq });
      }
      default:
        throw new BatonError('invalid_input', `action: unknown memory action "${args.action}" (expected one of ${MEMORY_ACTIONS.join(', ')})`, {
          field: 'action',
        });
    }
  } catch (err) {
    return toolError(err);
  }
}
