import { z } from 'zod';
import { BatonError, fromZodError, toApiError } from '../../lib/errors.ts';
import { DEFAULT_NAMESPACE, MAX_LIST_LIMIT } from '../../lib/memory-schema.ts';
import type { MemoryEntry } from '../../lib/memory-types.ts';
import type { MemoryBackend } from './backend.ts';

export const MEMORY_ACTIONS = ['store', 'retrieve', 'list', 'search', 'delete'] as const;

/**
 * claude-flow's published schema, plus Baton's optional fields (see shared/compat). `namespace`
 * declares no default because it has two: "default" for store, retrieve, list and delete, and every
 * namespace the caller may read for search.
 */
export const memoryUsageInputSchema = {
  type: 'object',
  properties: {
    action: { type: 'string', enum: [...MEMORY_ACTIONS], description: 'What to do' },
    key: {
      type: 'string',
      description:
        'Entry key, e.g. session/development/state (store, retrieve, delete); for list, a key prefix (same as prefix); for search, a key glob (same as pattern)',
    },
    value: { type: 'string', description: 'Value to store: JSON text or plain text (store)' },
    namespace: {
      type: 'string',
      description: `Namespace. When omitted: "${DEFAULT_NAMESPACE}" for store, retrieve, list and delete; every namespace you may read for search (an explicit "${DEFAULT_NAMESPACE}" searches only that one)`,
    },
    ttl: { type: 'number', description: 'Seconds until the entry expires (store)' },
    ifVersion: { type: 'integer', minimum: 0, description: 'Store only if the current version is this (0: only if absent)' },
    prefix: { type: 'string', description: 'Only keys starting with this (list)' },
    pattern: { type: 'string', description: 'Key glob for search: */blockers, session/*, session/*/state' },
    query: {
      type: 'string',
      description: 'Text to find in keys and values (search): plain words, each matched as a substring, results best first with highlighted snippets',
    },
    q: { type: 'string', description: 'Same as query' },
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIST_LIMIT, description: 'Page size (list, search)' },
    cursor: { type: 'string', description: 'nextCursor from a previous list or search' },
  },
  required: ['action'],
} as const;

export const MEMORY_READ_ACTIONS = ['retrieve', 'list', 'search', 'history'] as const;

/** The read actions of memory_usage (plus history) as a tool of their own, so a client can know it changes nothing. */
export const memoryReadInputSchema = {
  type: 'object',
  properties: {
    action: {
      type: 'string',
      enum: [...MEMORY_READ_ACTIONS],
      description: 'retrieve one entry, list a namespace, search by key glob and/or text, or the history of one entry',
    },
    key: { type: 'string', description: 'Entry key (retrieve, history)' },
    namespace: {
      type: 'string',
      description: `Namespace. When omitted: "${DEFAULT_NAMESPACE}" for retrieve, list and history; every namespace you may read for search`,
    },
    prefix: { type: 'string', description: 'Only keys starting with this (list)' },
    pattern: { type: 'string', description: 'Key glob (search): */blockers, session/*, session/*/state' },
    query: {
      type: 'string',
      description: 'Text to find in keys and values (search): plain words, each matched as a substring, results best first with highlighted snippets',
    },
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIST_LIMIT, description: 'Page size (list, search)' },
    cursor: { type: 'string', description: 'nextCursor from a previous list or search' },
  },
  required: ['action'],
} as const;

const MEMORY_USAGE_ARGS = new Set(Object.keys(memoryUsageInputSchema.properties));
const MEMORY_READ_ARGS = new Set(Object.keys(memoryReadInputSchema.properties));

/** Arguments a tool does not take are refused, naming them, instead of being silently ignored. */
export function refuseUnknownArguments(args: unknown, accepted: Set<string>): void {
  if (!args || typeof args !== 'object' || Array.isArray(args)) return;
  const unknown = Object.keys(args).filter((k) => !accepted.has(k));
  if (unknown.length === 0) return;
  throw new BatonError(
    'invalid_input',
    `${unknown[0]}: unknown argument${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (this tool takes ${[...accepted].join(', ')})`,
    { field: unknown[0] },
  );
}

// Only the shape of the envelope is checked here; field rules (limits, namespace) live in the service.
const argsSchema = z.object({
  action: z.string({ error: 'is required' }),
  key: z.string().optional(),
  value: z.unknown().optional(),
  namespace: z.string().optional(),
  ttl: z.number().nullish(),
  ifVersion: z.number().optional(),
  prefix: z.string().optional(),
  pattern: z.string().optional(),
  query: z.string().optional(),
  q: z.string().optional(),
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
      throw new BatonError(
        'invalid_input',
        `arguments: must be an object like {"action":"store","key":…}, not ${Array.isArray(rawArgs) ? 'an array' : `a ${typeof rawArgs}`}`,
        {
          field: 'arguments',
        },
      );
    }
    refuseUnknownArguments(rawArgs, MEMORY_USAGE_ARGS);
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
        return ok({
          action: 'store',
          key: r.key,
          namespace: r.namespace,
          stored: true,
          size: r.size,
          id: r.seq,
          version: r.version,
          seq: r.seq,
          expiresAt: r.expiresAt,
        });
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
        const page = await backend.list({ namespace, prefix: args.prefix ?? args.key ?? undefined, limit: args.limit, cursor: args.cursor });
        return ok({ action: 'list', namespace, entries: page.items.map(listed), count: page.items.length, nextCursor: page.nextCursor });
      }
      case 'search': {
        // claude-flow agents pass the glob as `pattern`; some pass it as `key`.
        const pattern = args.pattern ?? args.key;
        const page = await backend.search({ namespace: args.namespace, pattern, query: args.query ?? args.q, limit: args.limit, cursor: args.cursor });
        return ok({
          action: 'search',
          namespace: args.namespace ?? '*',
          pattern: pattern ?? null,
          // A text query ranks (score: higher is better, with the highlighted key and value snippet); a glob alone lists, score 1.
          results: page.items.map((e) => (e.match ? { ...listed(e), score: e.match.score, match: e.match } : { ...listed(e), score: 1 })),
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

/** `memory_read`: memory_usage's read actions and an entry's history; it never writes. */
export async function runMemoryRead(backend: MemoryBackend, rawArgs: unknown): Promise<ToolResult> {
  try {
    refuseUnknownArguments(rawArgs, MEMORY_READ_ARGS);
    const action = (rawArgs as { action?: unknown } | null | undefined)?.action;
    if (typeof action !== 'string' || !(MEMORY_READ_ACTIONS as readonly string[]).includes(action)) {
      throw new BatonError('invalid_input', `action: must be one of ${MEMORY_READ_ACTIONS.join(', ')} (memory_usage stores and deletes)`, { field: 'action' });
    }
    let result: ToolResult;
    if (action === 'history') {
      const args = rawArgs as { key?: unknown; namespace?: unknown };
      const namespace = typeof args.namespace === 'string' ? args.namespace : DEFAULT_NAMESPACE;
      const items = await backend.history({ namespace, key: args.key });
      result = ok({ action: 'history', key: args.key, namespace, history: items, count: items.length });
    } else {
      result = await runMemoryUsage(backend, rawArgs);
    }
    if (result.isError) return result;
    return { ...result, structuredContent: JSON.parse(result.content[0]!.text) as Record<string, unknown> };
  } catch (err) {
    return toolError(err);
  }
}

export const memoryReadOutputSchema = {
  type: 'object',
  properties: {
    success: { type: 'boolean' },
    action: { type: 'string', enum: [...MEMORY_READ_ACTIONS] },
    key: { type: ['string', 'null'] },
    namespace: { type: 'string' },
    value: { description: 'retrieve: the value, parsed when JSON; null when not found' },
    found: { type: 'boolean' },
    entries: { type: 'array', items: { type: 'object' } },
    results: { type: 'array', items: { type: 'object' } },
    history: { type: 'array', items: { type: 'object' } },
    count: { type: 'integer' },
    nextCursor: { type: ['string', 'null'] },
  },
  required: ['success', 'action'],
} as const;
