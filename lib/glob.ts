// Key globs: `*` matches any run of characters, slashes included (so `*/blockers` finds
// `session/dev-1/blockers`), `?` matches one character, everything else is literal (dots, brackets).
// A pattern without a wildcard matches every key that contains it.

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Translates a key glob to SQLite's case-sensitive GLOB syntax; `[` is its only other metacharacter. */
export function toSqliteGlob(pattern: string): string {
  const body = pattern.replace(/\[/g, '[[]');
  return hasWildcard(pattern) ? body : `*${body}*`;
}

/** The same rule as a RegExp, for matching live changes in the browser without a round trip. */
export function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  // `u` so `?` is one code point, as in SQLite, not half of an emoji's surrogate pair.
  return new RegExp(hasWildcard(pattern) ? `^${escaped}$` : escaped, 'su');
}
