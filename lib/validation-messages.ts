import { z } from 'zod';

/**
 * What people read when input is refused: one place for every transport and form.
 *
 * Zod's own messages ("Too big: expected string to have <=60 characters", "Too small: expected
 * number to be >=0") reached forms, REST and MCP answers as they were. Installed once (importing
 * this module does it; lib/errors.ts imports it), the error map below gives each issue that has no
 * message of its own a phrase in the style of the schemas' own messages ("must not be empty"):
 * "can be at most 60 characters", "can't be negative". The server sends `field: phrase`; a form
 * shows `sentence()`: "Title can be at most 60 characters".
 */

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const num = (n: number | bigint) => (typeof n === 'bigint' ? n.toString() : n.toLocaleString('en-US'));
const quoteAll = (values: readonly unknown[]) => values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');

const typeNames: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  date: 'a date',
  null: 'empty (null)',
  record: 'an object',
  tuple: 'a list',
  map: 'a map',
  set: 'a set',
};

const formats: Record<string, string> = {
  email: 'must be an email address',
  url: 'must be a URL',
  uuid: 'must be a UUID',
  datetime: 'must be a date and time (ISO 8601, like 2025-01-31T09:00:00Z)',
  date: 'must be a date (YYYY-MM-DD)',
  time: 'must be a time (HH:MM)',
  duration: 'must be an ISO 8601 duration',
  ipv4: 'must be an IPv4 address',
  ipv6: 'must be an IPv6 address',
  base64: 'must be base64',
  json_string: 'must be valid JSON',
};

/** A phrase without a subject for a zod issue, or undefined to keep zod's own message. */
export function issuePhrase(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'too_big': {
      const max = issue.maximum;
      const n = issue.inclusive === false && typeof max === 'number' && issue.origin !== 'number' ? max - 1 : max;
      if (issue.origin === 'string') return `can be at most ${plural(Number(n), 'character')}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `can have at most ${plural(Number(n), 'item')}`;
      if (issue.origin === 'number' || issue.origin === 'bigint')
        return issue.inclusive === false ? `must be less than ${num(max)}` : `can be at most ${num(max)}`;
      if (issue.origin === 'file') return `can be at most ${num(max)} bytes`;
      return 'is too large';
    }
    case 'too_small': {
      const min = issue.minimum;
      if (issue.origin === 'string') return Number(min) <= 1 ? 'must not be empty' : `must be at least ${plural(Number(min), 'character')}`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return Number(min) <= 1 ? 'must have at least one item' : `must have at least ${plural(Number(min), 'item')}`;
      if (issue.origin === 'number' || issue.origin === 'bigint') {
        if (Number(min) === 0) return issue.inclusive === false ? 'must be more than 0' : "can't be negative";
        return issue.inclusive === false ? `must be more than ${num(min)}` : `must be at least ${num(min)}`;
      }
      return 'is too small';
    }
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      return `must be ${typeNames[issue.expected] ?? issue.expected}`;
    }
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${quoteAll(issue.values)}` : `must be one of ${quoteAll(issue.values)}`;
    case 'invalid_format': {
      const f = issue.format;
      if (f === 'regex') return 'is not in the expected format';
      if (f === 'starts_with' && 'prefix' in issue) return `must start with "${String(issue.prefix)}"`;
      if (f === 'ends_with' && 'suffix' in issue) return `must end with "${String(issue.suffix)}"`;
      if (f === 'includes' && 'includes' in issue) return `must contain "${String(issue.includes)}"`;
      return formats[f] ?? `must be a valid ${f.replace(/_/g, ' ')}`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${num(issue.divisor)}`;
    case 'unrecognized_keys':
      return `has ${issue.keys.length === 1 ? 'an unknown field' : 'unknown fields'}: ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return 'is not in any of the accepted forms';
    case 'invalid_key':
      return 'has a key that is not allowed';
    case 'invalid_element':
      return 'has an entry that is not allowed';
    case 'custom':
      return 'is not valid';
    default:
      return undefined;
  }
}

// Schemas' own messages ('must not be empty') still win: the global map is only the fallback.
z.config({ customError: (issue) => issuePhrase(issue) });

const ACRONYMS: Record<string, string> = { id: 'ID', ttl: 'TTL', url: 'URL', api: 'API', json: 'JSON', adr: 'ADR', qa: 'QA' };

/** `data.title` → "Title", `summary.inProgress.0.nextSteps` → "Next steps", `sessionId` → "Session ID". */
export function fieldLabel(field: string | undefined | null): string {
  const last =
    (field ?? '')
      .split('.')
      .filter((p) => p && !/^\d+$/.test(p))
      .pop() ?? '';
  const words = last
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => ACRONYMS[w] ?? w);
  if (words.length === 0) return 'This value';
  const first = words[0]!;
  words[0] = first === first.toUpperCase() ? first : first.charAt(0).toUpperCase() + first.slice(1);
  return words.join(' ');
}

/** A phrase that needs a subject ("can be at most 60 characters"), as the error map and the schemas write them. */
const NEEDS_SUBJECT = /^(can|can't|cannot|must|is|are|may|has|have|should|does|do|needs?|was|will) /;

/**
 * A refusal as a sentence for a person: the message without its leading `field: `, with the field's
 * name as the subject where the phrase needs one ("Title can be at most 60 characters"), or just
 * capitalized where it reads on its own ("An account with this email already exists").
 * `label` names the field as the form's label does; by default it comes from the field's path.
 */
export function sentence(message: string, field?: string | null, label?: string): string {
  let msg = message;
  if (field && msg.startsWith(`${field}: `)) msg = msg.slice(field.length + 2);
  else {
    // "data.title: …" with no field given: the prefix names it.
    const m = /^([A-Za-z0-9_.[\]-]+): (.*)$/s.exec(msg);
    if (m && NEEDS_SUBJECT.test(m[2]!)) {
      field = m[1];
      msg = m[2]!;
    }
  }
  if (NEEDS_SUBJECT.test(msg)) return `${label ?? fieldLabel(field)} ${msg}`;
  return msg.charAt(0).toUpperCase() + msg.slice(1);
}

/** The longest text a schema accepts (through optional, nullable, default and transforms), if it says. */
export function maxLengthOf(schema: z.ZodType | undefined): number | undefined {
  let s: unknown = schema;
  for (let i = 0; i < 8 && s; i++) {
    if (s instanceof z.ZodString) return s.maxLength ?? undefined;
    const def = (s as { def?: { type?: string; in?: unknown; innerType?: unknown } }).def;
    if (!def) return undefined;
    s = def.type === 'pipe' ? def.in : def.innerType;
  }
  return undefined;
}
