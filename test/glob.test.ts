import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globToRegExp } from '../lib/glob.ts';
import { MemoryService } from '../server/memory/service.ts';
import { openTempDatabase } from './helpers.ts';

// One table, two implementations: SQLite GLOB on the server (service.search) and the RegExp the
// browser uses to match live changes. They must agree on every row, or a board shows a change the
// next reload hides (or the reverse).
const KEYS = [
  'blockers',
  'session/dev-1/blockers',
  'session/dev-2/blockers',
  'session/dev-1/state',
  'session/development/state',
  'session/team/dev-3/state',
  'session/state',
  'session/review/init',
  'Session/Upper',
  'a.b',
  'aXb',
  'xa.by',
  'x[1]',
  'x1',
  'multi\nline',
  'k😀',
  'kk',
];

const CASES: { pattern: string; matches: string[]; why: string }[] = [
  {
    pattern: '*/blockers',
    matches: ['session/dev-1/blockers', 'session/dev-2/blockers'],
    why: '* spans slashes; the slash before blockers is literal',
  },
  {
    pattern: 'session/*',
    matches: [
      'session/dev-1/blockers',
      'session/dev-2/blockers',
      'session/dev-1/state',
      'session/development/state',
      'session/team/dev-3/state',
      'session/state',
      'session/review/init',
    ],
    why: 'a trailing * takes every deeper key',
  },
  {
    pattern: 'session/*/state',
    matches: ['session/dev-1/state', 'session/development/state', 'session/team/dev-3/state'],
    why: 'both slashes are required; * may span several segments',
  },
  { pattern: 'a.b', matches: ['a.b', 'xa.by'], why: 'a dot is literal, and no wildcard means substring' },
  { pattern: 'a?b', matches: ['a.b', 'aXb'], why: '? is any one character, anchored when wildcards are present' },
  { pattern: 'x[1]', matches: ['x[1]'], why: 'brackets are literal, not a character class' },
  { pattern: 'x[1]*', matches: ['x[1]'], why: 'brackets stay literal next to a wildcard' },
  { pattern: 'Session/*', matches: ['Session/Upper'], why: 'matching is case-sensitive' },
  { pattern: 'upper', matches: [], why: 'substring matching is case-sensitive too' },
  { pattern: 'dev-1', matches: ['session/dev-1/blockers', 'session/dev-1/state'], why: 'no wildcard: substring' },
  { pattern: '*blockers', matches: ['blockers', 'session/dev-1/blockers', 'session/dev-2/blockers'], why: 'anchored at the end' },
  { pattern: 'blockers*', matches: ['blockers'], why: 'anchored at the start' },
  { pattern: 'k?', matches: ['k😀', 'kk'], why: '? is one character even outside the BMP' },
  { pattern: 'multi?line', matches: ['multi\nline'], why: '? matches a newline' },
  { pattern: 'multi*', matches: ['multi\nline'], why: '* matches across a newline' },
];

const sorted = (keys: string[]) => [...keys].sort();

describe('key globs through service.search (SQLite GLOB)', () => {
  let db: ReturnType<typeof openTempDatabase>;
  let memory: MemoryService;

  beforeAll(() => {
    db = openTempDatabase();
    memory = new MemoryService(db.handle);
    for (const key of KEYS) memory.store({ namespace: 'globs', key, value: 'v' }, 'test');
  });
  afterAll(() => db.cleanup());

  it.each(CASES)('$pattern ($why)', ({ pattern, matches }) => {
    const page = memory.search({ namespace: 'globs', pattern, limit: 1000 });
    expect(sorted(page.items.map((e) => e.key))).toEqual(sorted(matches));
  });
});

describe('key globs through globToRegExp (browser)', () => {
  it.each(CASES)('$pattern ($why)', ({ pattern, matches }) => {
    const re = globToRegExp(pattern);
    expect(sorted(KEYS.filter((key) => re.test(key)))).toEqual(sorted(matches));
  });
});
