// Ranked text search (issue 20): relevance over a fixed corpus, hostile queries, and the key-range
// plan a literal-prefix glob uses. MemoryService on a real migrated database file, or on PostgreSQL with
// BATON_TEST_STORE=postgres (npm test runs both): the same queries, the same expected results.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryService } from '../server/memory/service.ts';
import { describeOn, itOn, openTempDatabase, openTempStore } from './helpers.ts';

let db: Awaited<ReturnType<typeof openTempStore>>;
let memory: MemoryService;

// A team's memory in miniature: runbooks, boards' keys, notes, decisions.
const CORPUS: [namespace: string, key: string, value: string][] = [
  ['ops', 'runbook/deploy', 'Steps: build the image, run migrations, switch traffic.'],
  ['ops', 'runbook/rollback', 'Rollback: switch traffic back, then rollback the database migration. A rollback never deletes data.'],
  ['ops', 'notes/friday', 'We deploy on Fridays only with a rollback plan. Deploy freeze starts in December.'],
  ['ops', 'notes/monday', 'Standup moved to 10:00. Nothing about releases here.'],
  ['team-a', 'session/dev-1/blockers', '["database lock on the orders table", "flaky test in checkout"]'],
  ['team-a', 'session/dev-1/state', '{"progress":"100%","phase":"testing"}'],
  ['team-a', 'session/dev-10/state', '{"progress":"10%","phase":"design"}'],
  ['team-a', 'design/auth-tokens', 'Authentication uses short-lived tokens; refresh tokens rotate on every use.'],
  ['team-a', 'decisions/postgres', 'Decision: move the store to Postgres after the migration tool lands.'],
  ['team-b', 'notes/retro', 'The flaky checkout test was a race in the socket reconnect; fixed by awaiting the handshake.'],
  ['team-b', 'notes/lunch', 'Café menu: soup, salad. Ask Zoë about the vegan option.'],
  ['team-b', 'session/dev-2/blockers', '["waiting for credentials from the authorization service"]'],
  ['team-b', 'config/snake_case_keys', 'keys are written in snake_case, e.g. max_retry_count'],
  ['team-b', 'log/long', `${'Status update, nothing notable. '.repeat(40)}One mention of rollback at the end.`],
];

beforeAll(async () => {
  db = await openTempStore();
  memory = new MemoryService(db.handle);
  for (const [namespace, key, value] of CORPUS) memory.store({ namespace, key, value }, 'loader');
});
afterAll(() => db.cleanup());

const keys = (query: string, extra: Record<string, unknown> = {}) => memory.search({ query, ...extra }).items.map((e) => `${e.namespace}:${e.key}`);

describe('relevance', () => {
  // [query, the results expected first, in order; `only`: nothing else matches; `tied`: equal scores, any order]
  const TABLE: [string, string[], { only?: boolean; tied?: boolean }?][] = [
    // A key match outweighs mentions in values.
    ['deploy', ['ops:runbook/deploy', 'ops:notes/friday'], { only: true }],
    ['rollback', ['ops:runbook/rollback', 'ops:notes/friday', 'team-b:log/long'], { only: true }],
    // Words are found by their start: auth finds authentication and authorization, not 'oauth'.
    ['auth', ['team-a:design/auth-tokens', 'team-b:session/dev-2/blockers'], { only: true }],
    // Every term must be found (AND), in key or value; the shorter value naming both comes first.
    ['flaky checkout', ['team-a:session/dev-1/blockers', 'team-b:notes/retro'], { only: true }],
    ['postgres migration', ['team-a:decisions/postgres'], { only: true }],
    // Case and diacritics are folded.
    ['CAFE zoe', ['team-b:notes/lunch'], { only: true }],
    ['Blockers', ['team-a:session/dev-1/blockers', 'team-b:session/dev-2/blockers'], { only: true, tied: true }],
    // A term with punctuation must also appear as written.
    ['100%', ['team-a:session/dev-1/state'], { only: true }],
    ['snake_case', ['team-b:config/snake_case_keys'], { only: true }],
    // ... as whole words: session/dev-1 is not session/dev-10.
    ['session/dev-1', ['team-a:session/dev-1/blockers', 'team-a:session/dev-1/state'], { only: true, tied: true }],
    // No word starts with it: found inside words instead (newest first).
    ['ollbac', ['team-b:log/long', 'ops:notes/friday', 'ops:runbook/rollback'], { only: true }],
    ['nothing-like-this', [], { only: true }],
  ];
  it.each(TABLE)('%s', (query, expected, opts) => {
    const found = keys(query);
    if (opts?.tied) expect([...found].sort()).toEqual([...expected].sort());
    if (opts?.tied) expect(found).toHaveLength(expected.length);
    else if (opts?.only) expect(found).toEqual(expected);
    else expect(found.slice(0, expected.length)).toEqual(expected);
  });

  it('scores fall from first to last and snippets mark what matched', () => {
    const page = memory.search({ query: 'rollback' });
    const scores = page.items.map((e) => e.match!.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores[0]).toBeGreaterThan(scores.at(-1)!);
    const top = page.items[0]!.match!;
    expect(top.key.text).toBe('runbook/rollback');
    expect(top.key.ranges).toEqual([[8, 16]]);
    const marked = top.value.ranges.map(([s, e]) => top.value.text.slice(s, e));
    expect(marked).toEqual(['Rollback', 'rollback', 'rollback']);
    // A long value is cut around its first match, and says so.
    const long = page.items.find((e) => e.key === 'log/long')!.match!.value;
    expect(long.cutStart).toBe(true);
    expect(long.text.length).toBeLessThanOrEqual(160);
    expect(long.ranges.map(([s, e]) => long.text.slice(s, e))).toEqual(['rollback']);
  });

  it('pages ranked results with a cursor, without repeats', () => {
    const all = keys('rollback');
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = memory.search({ query: 'rollback', limit: 1, cursor });
      seen.push(...page.items.map((e) => `${e.namespace}:${e.key}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all);
    // A key-order cursor is not a ranked one.
    const glob = memory.search({ pattern: 'notes/*', limit: 1 });
    expect(() => memory.search({ query: 'rollback', cursor: glob.nextCursor! })).toThrow(/cursor/);
  });

  it('filters ranked results by namespace, glob and readable namespaces', () => {
    expect(keys('rollback', { namespace: 'ops' })).toEqual(['ops:runbook/rollback', 'ops:notes/friday']);
    expect(keys('rollback', { pattern: 'notes/*' })).toEqual(['ops:notes/friday']);
    expect(memory.search({ query: 'rollback' }, ['team-*']).items.map((e) => e.key)).toEqual(['log/long']);
    expect(memory.search({ query: 'rollback' }, []).items).toEqual([]);
  });

  it('a glob alone keeps its (namespace, key) order and has no match details', () => {
    const page = memory.search({ pattern: 'session/*' });
    expect(page.items.map((e) => `${e.namespace}:${e.key}`)).toEqual([
      'team-a:session/dev-1/blockers',
      'team-a:session/dev-1/state',
      'team-a:session/dev-10/state',
      'team-b:session/dev-2/blockers',
    ]);
    expect(page.items.every((e) => e.match === undefined)).toBe(true);
  });
});

describe('hostile queries', () => {
  const HOSTILE = [
    '"',
    '""',
    '"unbalanced',
    '*',
    '**',
    'a*',
    '^deploy',
    'AND',
    'OR',
    'NOT',
    'deploy AND',
    'OR rollback',
    'NEAR(',
    'NEAR(deploy rollback, 2)',
    'key:deploy',
    '{key}: deploy',
    '-deploy',
    '+',
    '(',
    ')',
    'deploy)',
    "'; DROP TABLE memory_entries; --",
    '%',
    '_',
    '\\',
    '\u0000',
    '🙂',
    'x'.repeat(1000),
    Array.from({ length: 200 }, (_, i) => `w${i}`).join(' '),
  ];
  it.each(HOSTILE.map((q) => [q.length > 40 ? `${q.slice(0, 20)}… (${q.length})` : JSON.stringify(q), q]))('%s is plain text', (_label, q) => {
    expect(() => memory.search({ query: q })).not.toThrow();
    expect(() => memory.search({ query: q, pattern: 'notes/*', namespace: 'ops' })).not.toThrow();
  });

  it('finds operator words as words and punctuation as written', () => {
    memory.store({ namespace: 'ops', key: 'notes/ops-words', value: 'Use AND, OR and NOT carefully; NEAR(x) is a function. Also "quoted".' }, 'loader');
    expect(keys('NEAR(')).toEqual(['ops:notes/ops-words']);
    expect(keys('AND OR NOT')).toEqual(['ops:notes/ops-words']);
    expect(keys('"quoted"')).toEqual(['ops:notes/ops-words']);
    expect(keys('"quoted')).toEqual(['ops:notes/ops-words']);
    memory.delete({ namespace: 'ops', key: 'notes/ops-words' }, 'loader');
  });
});

describe('glob over keys', () => {
  const plan = (sql: string, ...params: unknown[]) =>
    (db.handle.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('\n');

  // The two plan checks read SQLite's EXPLAIN QUERY PLAN; on PostgreSQL the same range runs on the (namespace, key) btree.
  itOn('sqlite')('a literal prefix reads a key range through the (namespace, key) index, never the whole table', () => {
    // The statements search() runs for `session/*`, across namespaces (one range per namespace) and in one.
    const spied: string[] = [];
    const prepare = db.handle.sqlite.prepare.bind(db.handle.sqlite);
    db.handle.sqlite.prepare = (sql: string) => {
      spied.push(sql);
      return prepare(sql);
    };
    try {
      memory.search({ pattern: 'session/*' });
      memory.search({ pattern: 'session/*', namespace: 'team-a' });
    } finally {
      db.handle.sqlite.prepare = prepare;
    }
    const ranged = spied.filter((s) => s.includes('e.key >= ?'));
    expect(ranged.length).toBeGreaterThanOrEqual(2);
    for (const sql of ranged) {
      const params = (sql.match(/\?/g) ?? []).map(() => 'x');
      const detail = plan(sql, ...params);
      expect(detail).toMatch(/SEARCH e USING INDEX memory_entries_namespace_key \(namespace=\? AND key>\? AND key<\?\)/);
      expect(detail).not.toMatch(/SCAN e\b/);
    }
  });

  it('stays exact: GLOB still decides, and keys just past the range are not found', () => {
    memory.store({ namespace: 'edge', key: 'session0', value: 'x' }, 'loader');
    memory.store({ namespace: 'edge', key: 'session/', value: 'x' }, 'loader');
    memory.store({ namespace: 'edge', key: 'session/\u{10FFFF}z', value: 'x' }, 'loader');
    memory.store({ namespace: 'edge', key: 'sessio', value: 'x' }, 'loader');
    expect(memory.search({ namespace: 'edge', pattern: 'session/*' }).items.map((e) => e.key)).toEqual(['session/', 'session/\u{10FFFF}z']);
    expect(memory.search({ namespace: 'edge', pattern: 'session?' }).items.map((e) => e.key)).toEqual(['session/', 'session0']);
    expect(memory.search({ pattern: 'session/*/state' }).items.map((e) => e.key)).toEqual(['session/dev-1/state', 'session/dev-10/state']);
  });

  itOn('sqlite')('counts live entries per namespace from a covering index, never reading the rows (the dashboard asks on every visit)', () => {
    const spied: string[] = [];
    const prepare = db.handle.sqlite.prepare.bind(db.handle.sqlite);
    db.handle.sqlite.prepare = (sql: string) => {
      spied.push(sql);
      return prepare(sql);
    };
    let counts: { namespace: string; count: number }[];
    try {
      counts = memory.namespaces().items;
    } finally {
      db.handle.sqlite.prepare = prepare;
    }
    const sql = spied.find((s) => /group by/i.test(s));
    expect(sql).toBeDefined();
    const detail = plan(sql!, ...(sql!.match(/\?/g) ?? []).map(() => 0));
    expect(detail).toMatch(/USING COVERING INDEX memory_entries_namespace_expires/);
    const brute = db.handle.sqlite
      .prepare('SELECT namespace, count(*) AS count FROM memory_entries WHERE expires_at IS NULL OR expires_at > ? GROUP BY namespace ORDER BY namespace')
      .all(Date.now()) as { namespace: string; count: number }[];
    expect(counts.map((c) => [c.namespace, c.count])).toEqual(brute.map((c) => [c.namespace, c.count]));
  });

  it('pages a cross-namespace glob with its cursor', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = memory.search({ pattern: 'session/*', limit: 2, cursor });
      seen.push(...page.items.map((e) => `${e.namespace}:${e.key}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(memory.search({ pattern: 'session/*' }).items.map((e) => `${e.namespace}:${e.key}`));
    expect(new Set(seen).size).toBe(seen.length);
  });
});

// The rank window is SQLite's (FTS5 scores every match, so it ranks the newest few); PostgreSQL ranks all matches.
describeOn('sqlite')('a word in more entries than the rank window', () => {
  it('ranks the newest matches and every older key match, and pages through them', () => {
    const t = openTempDatabase();
    try {
      const m = new MemoryService(t.handle, { rankWindow: 3 });
      m.store({ namespace: 'w', key: 'deploy/checklist', value: 'the oldest entry, a key match' }, 'a');
      for (let i = 1; i <= 6; i++) m.store({ namespace: 'w', key: `note/${i}`, value: `deploy note ${i}` }, 'a');
      const all: string[] = [];
      let cursor: string | undefined;
      do {
        const page = m.search({ query: 'deploy', limit: 2, cursor });
        all.push(...page.items.map((e) => e.key));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      // The key match first, then the three newest value matches; note/1-3 are past the window.
      expect(all[0]).toBe('deploy/checklist');
      expect(all.slice(1).sort()).toEqual(['note/4', 'note/5', 'note/6']);
      // Under the window everything is ranked.
      expect(new MemoryService(t.handle, { rankWindow: 100 }).search({ query: 'deploy' }).items).toHaveLength(7);
    } finally {
      t.cleanup();
    }
  });
});
