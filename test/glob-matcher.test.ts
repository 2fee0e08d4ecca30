import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { namespacePatternMatches } from '../lib/access.ts';
import { globToRegExp, toSqliteGlob } from '../lib/glob.ts';

// Issue 14, finding 1: a namespace pattern (token scopes) or a key glob (search, the browser's live
// matching) must be decided in linear-ish time, never by a backtracking RegExp. A property test
// against a reference matcher, and the adversarial pattern that froze the server.

/** Seeded PRNG (mulberry32): the same cases every run, no dependency. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Reference: memoized DP over code points. `*` any run, `?` one code point (if enabled), else literal. */
function reference(pattern: string, text: string, question: boolean): boolean {
  const p = Array.from(pattern);
  const t = Array.from(text);
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const k = i * (t.length + 1) + j;
    const hit = memo.get(k);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === p.length) r = j === t.length;
    else if (p[i] === '*') r = go(i + 1, j) || (j < t.length && go(i, j + 1));
    else r = j < t.length && ((question && p[i] === '?') || p[i] === t[j]) && go(i + 1, j + 1);
    memo.set(k, r);
    return r;
  };
  return go(0, 0);
}

/** Key-glob semantics: no wildcard means substring. */
const referenceKeyGlob = (pattern: string, text: string) =>
  pattern.includes('*') || pattern.includes('?') ? reference(pattern, text, true) : text.includes(pattern);

function timed<T>(f: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = f();
  return { value, ms: performance.now() - start };
}

const pick = <T>(rnd: () => number, xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
const randomString = (rnd: () => number, alphabet: readonly string[], max: number) =>
  Array.from({ length: Math.floor(rnd() * (max + 1)) }, () => pick(rnd, alphabet)).join('');

const PER_MATCH_MS = 20;

describe('key globs (globToRegExp().test) agree with a reference matcher', () => {
  const db = new Database(':memory:');
  afterAll(() => db.close());
  const sqlGlob = db.prepare<[string, string], { m: number }>('SELECT ? GLOB ? AS m');

  it('on 4000 random patterns and keys, each decided quickly', () => {
    const rnd = prng(14);
    const patternAlphabet = ['a', 'b', '*', '*', '?', '.', '[', ']', '/', '😀'];
    const textAlphabet = ['a', 'b', '.', '[', ']', '/', '😀', '\n'];
    let slowest = 0;
    for (let n = 0; n < 4000; n++) {
      const pattern = randomString(rnd, patternAlphabet, 14);
      const text = randomString(rnd, textAlphabet, 40);
      if (!pattern) continue;
      const { value, ms } = timed(() => globToRegExp(pattern).test(text));
      slowest = Math.max(slowest, ms);
      const expected = referenceKeyGlob(pattern, text);
      if (value !== expected) expect({ pattern, text, value }).toEqual({ pattern, text, value: expected });
      // The server decides the same in SQL: both must agree, or a live change shows what a reload hides.
      const sql = sqlGlob.get(text, toSqliteGlob(pattern))!.m === 1;
      if (sql !== expected) expect({ pattern, text, sql }).toEqual({ pattern, text, sql: expected });
    }
    expect(slowest).toBeLessThan(PER_MATCH_MS);
  });
});

describe('namespace patterns (namespacePatternMatches) agree with a reference matcher', () => {
  it('on 4000 random patterns and namespaces, each decided quickly', () => {
    const rnd = prng(1414);
    const patternAlphabet = ['a', 'b', '-', '*', '*', '.', '?'];
    const textAlphabet = ['a', 'b', '-', '.', '?'];
    let slowest = 0;
    for (let n = 0; n < 4000; n++) {
      const pattern = randomString(rnd, patternAlphabet, 14) || '*';
      const namespace = randomString(rnd, textAlphabet, 40) || 'a';
      const { value, ms } = timed(() => namespacePatternMatches(pattern, namespace));
      slowest = Math.max(slowest, ms);
      // Only `*` is a wildcard in a namespace pattern; `?` is literal there.
      const expected = reference(pattern, namespace, false);
      if (value !== expected) expect({ pattern, namespace, value }).toEqual({ pattern, namespace, value: expected });
    }
    expect(slowest).toBeLessThan(PER_MATCH_MS);
  });
});

/** The median of a few runs, in ms, so one GC pause does not decide. */
function medianMs(f: () => unknown, runs = 7): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(timed(f).ms);
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

describe('adversarial patterns decide in well under a millisecond', () => {
  const evil = '*a*a*a*a*a*a*a*a*a*b';
  // Grows the subject step by step and stops at the first slow length, so a backtracking
  // implementation fails here in milliseconds instead of hanging the worker for hours.
  const lengths = [8, 16, 20, 24, 28, 32, 48, 64, 96, 128];
  const bound = 5; // ms; the bar is 1 ms, the margin is for a loaded CI machine

  it('namespacePatternMatches(*a*a*a*a*a*a*a*a*a*b, aaaa…)', () => {
    let last = 0;
    for (const n of lengths) {
      last = medianMs(() => namespacePatternMatches(evil, 'a'.repeat(n)));
      expect({ n, ms: last }).toEqual({ n, ms: expect.toSatisfy((ms: number) => ms < bound) });
    }
    expect(namespacePatternMatches(evil, 'a'.repeat(128))).toBe(false);
    expect(namespacePatternMatches(evil, 'a'.repeat(127) + 'b')).toBe(true);
    console.log(`namespace pattern ${evil} vs 128 × a: median ${(last * 1000).toFixed(1)} µs`);
  });

  it('globToRegExp(*a*a*a*a*a*a*a*a*a*b).test(aaaa…)', () => {
    let last = 0;
    for (const n of lengths) {
      last = medianMs(() => globToRegExp(evil).test('a'.repeat(n)));
      expect({ n, ms: last }).toEqual({ n, ms: expect.toSatisfy((ms: number) => ms < bound) });
    }
    console.log(`key glob ${evil} vs 128 × a: median ${(last * 1000).toFixed(1)} µs`);
  });

  it('the worst 128-character pattern against the worst 128-character namespace', () => {
    // Many stars each followed by a near-miss: the greedy matcher's O(n·m) worst case.
    const patterns = ['*a'.repeat(63) + '*b', '*' + 'a'.repeat(126) + 'b', ('*' + 'a'.repeat(15)).repeat(8), '*?'.repeat(64)];
    const subject = 'a'.repeat(128);
    let worst = 0;
    for (const p of patterns) {
      worst = Math.max(
        worst,
        medianMs(() => namespacePatternMatches(p, subject)),
        medianMs(() => globToRegExp(p).test(subject)),
      );
    }
    console.log(`worst 128-char pattern vs 128-char subject: median ${(worst * 1000).toFixed(1)} µs`);
    expect(worst).toBeLessThan(bound);
  });
});
