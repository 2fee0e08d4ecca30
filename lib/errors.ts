import type { z, ZodError } from 'zod';
// Installs the error map that words zod's issues as phrases people read ("can be at most 60 characters").
import './validation-messages.ts';

/** The one error shape every transport returns: REST bodies, MCP tool errors and socket acks. */
export interface ApiError {
  code: ErrorCode;
  message: string;
  field?: string;
  currentVersion?: number | null;
  /** Seconds to wait, on rate_limited. */
  retryAfter?: number;
}

export type ErrorCode =
  | 'invalid_input'
  | 'invalid_json'
  | 'not_found'
  | 'version_conflict'
  | 'too_large'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'unsupported_protocol'
  | 'internal';

const statusByCode: Record<ErrorCode, number> = {
  invalid_input: 422,
  invalid_json: 400,
  not_found: 404,
  version_conflict: 409,
  too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  unsupported_protocol: 400,
  internal: 500,
};

export class BatonError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly currentVersion?: number | null;
  readonly retryAfter?: number;

  constructor(code: ErrorCode, message: string, extra: { field?: string; currentVersion?: number | null; retryAfter?: number } = {}) {
    super(message);
    this.name = 'BatonError';
    this.code = code;
    this.field = extra.field;
    this.currentVersion = extra.currentVersion;
    this.retryAfter = extra.retryAfter;
  }

  get status(): number {
    return statusByCode[this.code];
  }

  toJSON(): ApiError {
    const out: ApiError = { code: this.code, message: this.message };
    if (this.field !== undefined) out.field = this.field;
    if (this.currentVersion !== undefined) out.currentVersion = this.currentVersion;
    if (this.retryAfter !== undefined) out.retryAfter = this.retryAfter;
    return out;
  }
}

export function statusOf(code: ErrorCode): number {
  return statusByCode[code];
}

/** Turns the first zod issue into an error that names the offending field. */
export function fromZodError(error: ZodError, prefix?: string): BatonError {
  const issue = error.issues[0];
  const path = issue?.path.filter((p) => typeof p === 'string' || typeof p === 'number').join('.') ?? '';
  const field = [prefix, path].filter(Boolean).join('.') || undefined;
  const detail = issue?.message ?? 'is not valid';
  // `field: phrase` ("data.title: can be at most 60 characters"); with no field, the input is the subject.
  return new BatonError('invalid_input', field ? `${field}: ${detail}` : /^[a-z]/.test(detail) ? `input ${detail}` : detail, { field });
}

/**
 * Validates input at a boundary: the parsed value, or an `invalid_input` error naming the field
 * (under `prefix` when given). A missing input counts as `{}`.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (!r.success) throw fromZodError(r.error, prefix);
  return r.data;
}

/** Any thrown value as an ApiError; unknown failures never leak their message or stack. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof BatonError) return err.toJSON();
  return { code: 'internal', message: 'Internal error' };
}
