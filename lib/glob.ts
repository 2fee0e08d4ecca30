// Key globs: `*` matches any run of characters, slashes included (so `*/blockers` finds
// `session/dev-1/blockers`), `?` matches one character, everything else is literal (dots, brackets).
// A pattern without a wildcard matches every key that contains it.
//
// Patterns are matched by a two-pointer scan (never a backtracking RegExp): a pattern meets a
// string in O(pattern × string) steps at worst, so no pattern can freeze the event loop.

/** At most this many `*` in a search key glob (the matcher is linear-ish anyway; this bounds SQLite's GLOB too). */
export const MAX_GLOB_STARS = 16;

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

export function countStars(pattern: string): number {
  let n = 0;
  for (let i = 0; i < pattern.length; i++) if (pattern.charCodeAt(i) === 42) n++;
  return n;
}

/**
 * Anchored wildcard match over code points: `*` is any run (possibly empty), `?` exactly one code
 * point when `question` is set (as SQLite's GLOB), every other character literal. Greedy scan that
 * backtracks only to the last `*`: a later star can absorb anything an earlier one could, so the
 * answer is exact and the cost is at most O(|pattern| · |text|).
 */
export function wildcardMatch(pattern: string, text: string, question = true): boolean {
  const p = Array.from(pattern);
  const t = Array.from(text);
  let pi = 0;
  let ti = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    const c = p[pi];
    if (c === '*') {
      star = pi++;
      mark = ti;
    } else if (c !== undefined && (c === t[ti] || (question && c === '?'))) {
      pi++;
      ti++;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

/** Whether a key matches a key glob (no wildcard: substring), as `service.search` decides in SQL. */
export function globMatches(pattern: string, key: string): boolean {
  return hasWildcard(pattern) ? wildcardMatch(pattern, key) : key.includes(pattern);
}

/** Translates a key glob to SQLite's case-sensitive GLOB syntax; `[` is its only other metacharacter. */
export function toSqliteGlob(pattern: string): string {
  const body = pattern.replace(/\[/g, '[[]');
  return hasWildcard(pattern) ? body : `*${body}*`;
}

/**
 * The same rule as an object with `test`, for matching live changes in the browser without a
 * round trip. Kept under its old name for existing callers; it is not a RegExp (no backtracking).
 */
export function globToRegExp(pattern: string): { test(key: string): boolean } {
  return { test: (key: string) => globMatches(pattern, key) };
}
