// Text search terms and highlighted snippets, shared by the server (which computes them) and the
// browser (which renders them). A query is plain text, never search syntax: quotes, `*`, `AND`,
// `NEAR(` are characters like any other. It is split on whitespace into terms; an entry matches when
// every term is found in its key or value:
// - a term is found where a word starts with it (`auth` finds `authentication`, `lock` finds
//   `lock` and `locked` but not `blocked`), case and diacritics folded, through the server's word
//   index (SQLite FTS5, unicode61);
// - a term with punctuation (`100%`, `snake_case`, `session/dev-1`) must also appear exactly as
//   written (case aside);
// - when no entry has a word starting with the terms, the server looks for them inside words
//   (`lock` in `blocked`), in the most recent entries (see `server/memory/service.ts`).
// The ranges below mark what matched, by the same rules.

/** At most this many distinct terms are used from one query (the rest are ignored). */
export const MAX_SEARCH_TERMS = 16;
/** Characters of a value shown around its first match. */
export const SNIPPET_CHARS = 160;
/** How many characters of context come before the first match in a cut snippet. */
const LEAD_CHARS = 32;
const MAX_RANGES = 32;

/** A piece of text with the spans that matched the query: `[start, end)` in UTF-16 units of `text`. */
export interface TextSpan {
  text: string;
  ranges: [number, number][];
  /** Text was left out before `text` (show an ellipsis). */
  cutStart: boolean;
  /** Text was left out after `text`. */
  cutEnd: boolean;
}

/** Why a ranked search returned an entry: its score (higher is better) and highlighted key and value. */
export interface SearchMatch {
  score: number;
  key: TextSpan;
  value: TextSpan;
}

/** The query's terms: separated by whitespace (or NUL), case-folded duplicates dropped, at most MAX_SEARCH_TERMS. */
export function searchTerms(query: string): string[] {
  const seen = new Set<string>();
  const terms: string[] = [];
  // NUL separates too: FTS5 reads a quoted string only up to it ("unterminated string").
  for (const piece of query.split(/[\s\0]+/u)) {
    if (!piece) continue;
    const folded = piece.toLowerCase();
    if (seen.has(folded)) continue;
    seen.add(folded);
    terms.push(piece);
    if (terms.length === MAX_SEARCH_TERMS) break;
  }
  return terms;
}

// Only the characters a `u` RegExp lets be escaped (it refuses `\-`).
const escapeRegExp = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

const WORD_START = /^[\p{L}\p{N}]/u;
/** Whether a term has a letter or digit (one with none is found by substring only). */
export const hasWordChars = (term: string): boolean => /[\p{L}\p{N}]/u.test(term);
/** Whether a term is letters and digits only (the word index says all there is to say about it). */
export const isPlainWord = (term: string): boolean => /^[\p{L}\p{N}]+$/u.test(term);

/**
 * Every case-insensitive occurrence of any term, as sorted, non-overlapping ranges; with
 * `wordStart`, a term that begins with a letter or digit only where a word begins. Literal
 * alternation only (longest term first), so the scan is linear: no pattern can backtrack.
 */
export function matchRanges(text: string, terms: string[], wordStart = true): [number, number][] {
  if (terms.length === 0 || text.length === 0) return [];
  const sorted = [...terms].sort((a, b) => b.length - a.length);
  const alt = sorted.map((t) => (wordStart && WORD_START.test(t) ? `(?<![\\p{L}\\p{N}])${escapeRegExp(t)}` : escapeRegExp(t)));
  const re = new RegExp(alt.join('|'), 'giu');
  const ranges: [number, number][] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    ranges.push([m.index, m.index + m[0].length]);
    if (ranges.length >= MAX_RANGES * 4) break;
  }
  return ranges;
}

/** Moves an index off the second half of a surrogate pair, so a cut never splits a character. */
function boundary(text: string, i: number): number {
  if (i <= 0) return 0;
  if (i >= text.length) return text.length;
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff ? i - 1 : i;
}

/** The whole text with its matches (keys are short). */
export function highlightAll(text: string, terms: string[], wordStart = true): TextSpan {
  return { text, ranges: matchRanges(text, terms, wordStart).slice(0, MAX_RANGES), cutStart: false, cutEnd: false };
}

/** About `size` characters of `text` around its first match (its start when nothing matches), with the matches in it. */
export function snippet(text: string, terms: string[], wordStart = true, size = SNIPPET_CHARS): TextSpan {
  const all = matchRanges(text, terms, wordStart);
  if (text.length <= size) return { text, ranges: all.slice(0, MAX_RANGES), cutStart: false, cutEnd: false };
  const first = all[0]?.[0] ?? 0;
  // The match near the start (lists clamp a snippet to a line or two), with a little context before it.
  let start = boundary(text, Math.max(0, first - LEAD_CHARS));
  // Start at a word boundary when one is near, so the snippet does not open mid-word.
  if (start > 0) {
    const space = text.slice(start, Math.min(first, start + 16)).search(/\s/u);
    if (space >= 0) start += space + 1;
  }
  const end = boundary(text, Math.min(text.length, start + size));
  const ranges = all
    .filter(([s, e]) => s >= start && e <= end)
    .slice(0, MAX_RANGES)
    .map(([s, e]): [number, number] => [s - start, e - start]);
  return { text: text.slice(start, end), ranges, cutStart: start > 0, cutEnd: end < text.length };
}
