// Nesting depth, measured without recursion: a value nested 10,000 deep must be refused (or served
// as text), never allowed to overflow the stack in JSON.stringify, zod or the SDK's parsers.

/** Default deepest nesting accepted at every boundary (MAX_JSON_DEPTH overrides it in the server). */
export const DEFAULT_MAX_JSON_DEPTH = 64;

/**
 * Whether JSON text nests deeper than `max` arrays/objects. One pass over the characters, strings
 * skipped, so it costs about as much as reading the text and never recurses.
 */
export function jsonTextTooDeep(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}

/**
 * The path of the first place a parsed value nests deeper than `max` (e.g. `value.a.0.b`), or null.
 * Iterative, so it cannot overflow on the values it exists to refuse.
 */
export function tooDeepPath(value: unknown, max: number): string | null {
  if (value === null || typeof value !== 'object') return null;
  const stack: { node: object; depth: number; path: string[] }[] = [{ node: value, depth: 1, path: [] }];
  while (stack.length) {
    const { node, depth, path } = stack.pop()!;
    if (depth > max) return path.join('.');
    for (const [k, child] of Object.entries(node)) {
      if (child !== null && typeof child === 'object') stack.push({ node: child as object, depth: depth + 1, path: path.length < 8 ? [...path, k] : path });
    }
  }
  return null;
}
