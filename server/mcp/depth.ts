import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { tooDeepPath } from '../../lib/json-depth.ts';

/** The JSON-RPC envelope around a tool's arguments: message → params → arguments. */
const ENVELOPE = 3;

/**
 * A JSON-RPC message (or batch) nested deeper than `maxDepth` inside its envelope: the error to
 * answer with (naming the argument), before the SDK's schemas recurse into it. Null when it is fine.
 */
export function tooDeepMessage(raw: unknown, maxDepth: number): { id: RequestId | null; error: { code: number; message: string } } | null {
  const path = tooDeepPath(raw, maxDepth + ENVELOPE + (Array.isArray(raw) ? 1 : 0));
  if (path === null) return null;
  const field = path.replace(/^(\d+\.)?params\.(arguments\.)?/, '').split('.')[0] || 'params';
  const one = Array.isArray(raw) ? undefined : (raw as { id?: unknown });
  const id = typeof one?.id === 'string' || typeof one?.id === 'number' ? one.id : null;
  return { id, error: { code: -32602, message: `Invalid params: ${field}: nested deeper than ${maxDepth} levels` } };
}
