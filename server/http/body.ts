import type { Context } from 'hono';
import { BatonError } from '../../lib/errors.ts';

/**
 * Reads a JSON object body; anything else is a 400 naming `body`. With `emptyIsObject`, an empty
 * body is `{}` (actions such as accept or cancel need no body).
 */
export async function jsonBody(c: Context, options: { emptyIsObject?: boolean } = {}): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (options.emptyIsObject && !text.trim()) return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BatonError('invalid_json', 'body: not valid JSON', { field: 'body' });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BatonError('invalid_json', 'body: must be a JSON object', { field: 'body' });
  }
  return body as Record<string, unknown>;
}
