import { z } from 'zod';
import { fromZodError } from './errors.ts';
import { countStars, MAX_GLOB_STARS } from './glob.ts';
import { jsonTextTooDeep } from './json-depth.ts';

/** Limits and input schemas for memory, shared by every transport and the browser's forms. */
export const MAX_KEY_LENGTH = 512;
export const MAX_NAMESPACE_LENGTH = 128;
export const DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;
export const MAX_TTL_SECONDS = 10 * 365 * 24 * 3600;
export const DEFAULT_NAMESPACE = 'default';
export const NAMESPACE_PATTERN = /^[A-Za-z0-9._:/-]+$/;
export const MAX_LIST_LIMIT = 1000;
/** Stored text nested deeper than this is served as text, not parsed: no reader can overflow on it. */
export const MAX_STORED_JSON_DEPTH = 256;

export const namespaceSchema = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(MAX_NAMESPACE_LENGTH, `must be at most ${MAX_NAMESPACE_LENGTH} characters`)
  .regex(NAMESPACE_PATTERN, 'may contain only letters, digits and . _ : / -');

/** A lone UTF-16 surrogate (half of a pair): it has no UTF-8 form, so such a key could not be read back. */
const LONE_SURROGATE = /\p{Cs}/u;

export const keySchema = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(MAX_KEY_LENGTH, `must be at most ${MAX_KEY_LENGTH} characters`)
  .refine((k) => !LONE_SURROGATE.test(k), 'must be well-formed Unicode (no lone surrogate)');

export const ttlSchema = z
  .number({ error: 'must be a number of seconds' })
  .positive('must be a positive number of seconds')
  .max(MAX_TTL_SECONDS, `must be at most ${MAX_TTL_SECONDS} seconds`);

export const versionSchema = z.number({ error: 'must be an integer' }).int('must be an integer').min(0, 'must be 0 or more');

export const storeInputSchema = z.object({
  namespace: namespaceSchema.default(DEFAULT_NAMESPACE),
  key: keySchema,
  value: z.string({ error: 'must be a string' }),
  ttl: ttlSchema.nullish(),
  ifVersion: versionSchema.optional(),
});
export type StoreInput = z.input<typeof storeInputSchema>;

export const entryRefSchema = z.object({
  namespace: namespaceSchema.default(DEFAULT_NAMESPACE),
  key: keySchema,
});
export type EntryRef = z.input<typeof entryRefSchema>;

export const limitSchema = z.coerce
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .min(1, 'must be at least 1')
  .max(MAX_LIST_LIMIT, `must be at most ${MAX_LIST_LIMIT}`);

export const listInputSchema = z.object({
  namespace: namespaceSchema.default(DEFAULT_NAMESPACE),
  prefix: z.string().max(MAX_KEY_LENGTH).optional(),
  cursor: z.string().max(4096).optional(),
  limit: limitSchema.default(100),
});
export type ListInput = z.input<typeof listInputSchema>;

export const searchInputSchema = z.object({
  namespace: namespaceSchema.optional(),
  pattern: z
    .string()
    .max(MAX_KEY_LENGTH, `must be at most ${MAX_KEY_LENGTH} characters`)
    .refine((p) => countStars(p) <= MAX_GLOB_STARS, `may contain at most ${MAX_GLOB_STARS} *`)
    .optional(),
  query: z.string().max(1000, 'must be at most 1000 characters').optional(),
  cursor: z.string().max(4096).optional(),
  limit: limitSchema.default(100),
});
export type SearchInput = z.input<typeof searchInputSchema>;

/** Parses a stored string as JSON when it is JSON; otherwise returns the text as is. */
export function parseValue(raw: string): { value: unknown; isJson: boolean } {
  const first = raw.trimStart()[0];
  // Only objects, arrays, strings, numbers, booleans and null can be JSON; skip the parse for plain text.
  if (first === undefined || !'{["-0123456789tfn'.includes(first)) return { value: raw, isJson: false };
  // Too deep to hand to JSON.stringify (and to every reader after it): served as the text it is.
  if (jsonTextTooDeep(raw, MAX_STORED_JSON_DEPTH)) return { value: raw, isJson: false };
  try {
    return { value: JSON.parse(raw), isJson: true };
  } catch {
    return { value: raw, isJson: false };
  }
}

/** The namespace a request names (default "default"), validated on its own so authorization can use it. */
export function namespaceOf(value: unknown): string {
  const r = namespaceSchema.default(DEFAULT_NAMESPACE).safeParse(value ?? undefined);
  if (!r.success) throw fromZodError(r.error, 'namespace');
  return r.data;
}
