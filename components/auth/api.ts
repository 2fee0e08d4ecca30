import type { ApiError } from '../../lib/errors';
import { sentence } from '../../lib/validation-messages';

/** A refused or failed API call: the server's `{ error }`, plus the HTTP status. */
export class ApiRequestError extends Error {
  constructor(
    readonly error: ApiError,
    readonly status: number,
  ) {
    super(error.message);
  }
}

/**
 * Calls the REST API as the signed-in browser (the cookie goes along on its own). Bodies are JSON;
 * mutations always send `content-type: application/json`, which the server expects.
 */
export async function api<T>(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      cache: 'no-store',
      headers: method === 'GET' ? init.headers : { 'content-type': 'application/json', ...init.headers },
      body: method === 'GET' ? undefined : JSON.stringify(init.body ?? {}),
    });
  } catch {
    throw new ApiRequestError({ code: 'internal', message: 'Could not reach Baton. Check your connection and try again.' }, 0);
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const error: ApiError = body?.error ?? { code: 'internal', message: `Request failed (${res.status})` };
    const retry = Number(res.headers.get('retry-after'));
    if (!error.retryAfter && Number.isFinite(retry) && retry > 0) error.retryAfter = retry;
    throw new ApiRequestError(error, res.status);
  }
  return body as T;
}

/** The error of a failed call, whatever was thrown. */
export function apiError(err: unknown): ApiError {
  if (err instanceof ApiRequestError) return err.error;
  return { code: 'internal', message: (err as Error)?.message || 'Something went wrong' };
}

/**
 * The message without its leading `field: ` (the server names the field in the message too); for
 * showing under that field, where the label already says which one.
 */
export function messageFor(error: ApiError): string {
  return sentence(error.message, error.field);
}

/** Dates come back as ISO strings or epoch milliseconds depending on the route. */
export function toDate(v: string | number | null | undefined): Date | null {
  if (v === null || v === undefined || v === '') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}
