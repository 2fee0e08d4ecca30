import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatonError } from '../lib/errors.ts';
import { ChangeFeed } from '../server/feed/feed.ts';
import { MemoryService } from '../server/memory/service.ts';
import { openTempDatabase } from './helpers.ts';

const T0 = Date.UTC(2026, 0, 1);
let clock: number;
let db: ReturnType<typeof openTempDatabase>;
let memory: MemoryService;
let feed: ChangeFeed;

beforeEach(() => {
  clock = T0;
  db = openTempDatabase();
  memory = new MemoryService(db.handle, { now: () => clock, maxValueBytes: 64 });
  feed = new ChangeFeed(db.handle);
});
afterEach(() => db.cleanup());

/** The stored rows, read straight from SQLite: what the service hides is still visible here. */
const rawEntries = () => db.handle.sqlite.prepare('SELECT namespace, key, value, version, expires_at FROM memory_entries ORDER BY namespace, key').all();
const allChanges = () => feed.readAfter(0, 10_000);

function expectBatonError(fn: () => unknown, code: string, field: string): BatonError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(BatonError);
  const err = caught as BatonError;
  expect({ code: err.code, field: err.field }).toEqual({ code, field });
  return err;
}

describe('TTL', () => {
  it('hides an entry from every read from the exact millisecond it expires, before any sweep', () => {
    const stored = memory.store({ namespace: 'ttl', key: 'session/a/state', value: '{"x":1}', ttl: 10 }, 'agent');
    expect(stored.expiresAt).toBe(new Date(T0 + 10_000).toISOString());

    clock = T0 + 9_999;
    expect(memory.retrieve({ namespace: 'ttl', key: 'session/a/state' })?.value).toEqual({ x: 1 });
    expect(memory.list({ namespace: 'ttl' }).items).toHaveLength(1);
    expect(memory.search({ pattern: 'session/*' }).items).toHaveLength(1);
    expect(memory.search({ query: '"x"' }).items).toHaveLength(1);
    expect(memory.namespaces().items).toEqual([{ namespace: 'ttl', count: 1 }]);

    clock = T0 + 10_000;
    expect(memory.retrieve({ namespace: 'ttl', key: 'session/a/state' })).toBeNull();
    expect(memory.list({ namespace: 'ttl' }).items).toEqual([]);
    expect(memory.list({ namespace: 'ttl', prefix: 'session/' }).items).toEqual([]);
    expect(memory.search({ pattern: 'session/*' }).items).toEqual([]);
    expect(memory.search({ namespace: 'ttl', query: '"x"' }).items).toEqual([]);
    expect(memory.namespaces().items).toEqual([]);
    // Invisible is not yet purged: the row is still there and the feed has no expire yet.
    expect(rawEntries()).toHaveLength(1);
    expect(allChanges().map((c) => c.op)).toEqual(['store']);
  });

  it('sweep purges expired entries with an expire change and leaves live ones alone', () => {
    const doomed = memory.store({ namespace: 'ttl', key: 'doomed', value: 'bye', ttl: 1 }, 'agent');
    memory.store({ namespace: 'ttl', key: 'later', value: 'stays', ttl: 60 }, 'agent');
    memory.store({ namespace: 'ttl', key: 'forever', value: 'stays' }, 'agent');

    clock = T0 + 999;
    expect(memory.sweep()).toBe(0);
    clock = T0 + 1_000;
    expect(memory.sweep()).toBe(1);

    expect(rawEntries().map((r: any) => r.key)).toEqual(['forever', 'later']);
    const after = feed.readAfter(doomed.seq + 2, 100);
    expect(after).toEqual([
      {
        seq: doomed.seq + 3,
        topic: 'memory',
        namespace: 'ttl',
        key: 'doomed',
        op: 'expire',
        version: 1,
        value: null,
        actor: 'system:ttl',
        at: new Date(T0 + 1_000).toISOString(),
        expiresAt: new Date(T0 + 1_000).toISOString(),
      },
    ]);
    // A second sweep finds nothing and writes nothing.
    expect(memory.sweep()).toBe(0);
    expect(feed.headSeq()).toBe(doomed.seq + 3);
  });

  it('storing over an expired key starts again at version 1 with a fresh createdAt', () => {
    memory.store({ namespace: 'ttl', key: 'k', value: 'v1', ttl: 5 }, 'agent');
    clock += 1;
    memory.store({ namespace: 'ttl', key: 'k', value: 'v2', ttl: 5 }, 'agent');
    clock += 5_000; // v2 expires exactly now; never swept

    const again = memory.store({ namespace: 'ttl', key: 'k', value: 'v3' }, 'agent');
    expect(again.version).toBe(1);
    expect(again.createdAt).toBe(new Date(clock).toISOString());
    expect(again.expiresAt).toBeNull();
    // The old entry's end is recorded before the new one begins, so followers drop then re-add it.
    expect(allChanges().map((c) => [c.op, c.version])).toEqual([
      ['store', 1],
      ['store', 2],
      ['expire', 2],
      ['store', 1],
    ]);
  });

  it('an expired key counts as absent for compare-and-set', () => {
    memory.store({ namespace: 'ttl', key: 'k', value: 'v1', ttl: 1 }, 'agent');
    clock += 1_000;
    const err = expectBatonError(() => memory.store({ namespace: 'ttl', key: 'k', value: 'x', ifVersion: 1 }, 'agent'), 'version_conflict', 'ifVersion');
    expect(err.currentVersion).toBe(0);
    expect(memory.store({ namespace: 'ttl', key: 'k', value: 'x', ifVersion: 0 }, 'agent').version).toBe(1);
  });
});

describe('versions and compare-and-set', () => {
  it('each write adds one to the version and keeps createdAt', () => {
    const results = [];
    for (let i = 1; i <= 3; i++) {
      clock = T0 + i * 1000;
      results.push(memory.store({ key: 'counter', value: String(i) }, `agent-${i}`));
    }
    expect(results.map((r) => r.version)).toEqual([1, 2, 3]);
    expect(results.map((r) => r.seq)).toEqual([1, 2, 3]);
    const entry = memory.retrieve({ key: 'counter' })!;
    expect(entry).toMatchObject({
      namespace: 'default',
      version: 3,
      value: 3,
      raw: '3',
      createdAt: new Date(T0 + 1000).toISOString(),
      updatedAt: new Date(T0 + 3000).toISOString(),
      updatedBy: 'agent-3',
    });
  });

  it('a stale ifVersion is refused with the current version, and nothing is written', () => {
    memory.store({ key: 'doc', value: 'a' }, 'agent');
    memory.store({ key: 'doc', value: 'b' }, 'agent');
    const head = feed.headSeq();

    const err = expectBatonError(() => memory.store({ key: 'doc', value: 'lost', ifVersion: 1 }, 'agent'), 'version_conflict', 'ifVersion');
    expect(err.currentVersion).toBe(2);
    expect(err.status).toBe(409);
    expect(err.toJSON()).toMatchObject({ code: 'version_conflict', field: 'ifVersion', currentVersion: 2 });
    expect(memory.retrieve({ key: 'doc' })).toMatchObject({ raw: 'b', version: 2 });
    expect(feed.headSeq()).toBe(head);

    expect(memory.store({ key: 'doc', value: 'c', ifVersion: 2 }, 'agent').version).toBe(3);
    expect(memory.retrieve({ key: 'doc' })?.raw).toBe('c');
  });

  it('ifVersion 0 creates only', () => {
    expect(memory.store({ key: 'lock', value: 'mine', ifVersion: 0 }, 'a').version).toBe(1);
    const err = expectBatonError(() => memory.store({ key: 'lock', value: 'theirs', ifVersion: 0 }, 'b'), 'version_conflict', 'ifVersion');
    expect(err.currentVersion).toBe(1);
    expect(memory.retrieve({ key: 'lock' })).toMatchObject({ raw: 'mine', updatedBy: 'a' });
  });

  it('ifVersion on a missing key reports current version 0', () => {
    const err = expectBatonError(() => memory.store({ key: 'nothing', value: 'x', ifVersion: 3 }, 'a'), 'version_conflict', 'ifVersion');
    expect(err.currentVersion).toBe(0);
    expect(rawEntries()).toEqual([]);
  });
});

describe('input limits', () => {
  const namespace = 'limits';
  const key = 'session/x/state';

  beforeEach(() => {
    memory.store({ namespace, key, value: 'original' }, 'agent');
  });

  it.each([
    { name: 'empty key', input: { namespace, key: '', value: 'x' }, code: 'invalid_input', field: 'key' },
    { name: '513-character key', input: { namespace, key: 'k'.repeat(513), value: 'x' }, code: 'invalid_input', field: 'key' },
    { name: '129-character namespace', input: { namespace: 'n'.repeat(129), key, value: 'x' }, code: 'invalid_input', field: 'namespace' },
    { name: 'namespace with a space', input: { namespace: 'my ns', key, value: 'x' }, code: 'invalid_input', field: 'namespace' },
    { name: 'empty namespace', input: { namespace: '', key, value: 'x' }, code: 'invalid_input', field: 'namespace' },
    { name: 'value over maxValueBytes', input: { namespace, key, value: 'x'.repeat(65) }, code: 'too_large', field: 'value' },
    // 33 two-byte characters: under the limit in characters, over it in bytes.
    { name: 'value over maxValueBytes in UTF-8 bytes', input: { namespace, key, value: 'é'.repeat(33) }, code: 'too_large', field: 'value' },
    { name: 'value that is not a string', input: { namespace, key, value: 5 }, code: 'invalid_input', field: 'value' },
    { name: 'missing value', input: { namespace, key }, code: 'invalid_input', field: 'value' },
    { name: 'negative ttl', input: { namespace, key, value: 'x', ttl: -1 }, code: 'invalid_input', field: 'ttl' },
    { name: 'zero ttl', input: { namespace, key, value: 'x', ttl: 0 }, code: 'invalid_input', field: 'ttl' },
    { name: 'negative ifVersion', input: { namespace, key, value: 'x', ifVersion: -1 }, code: 'invalid_input', field: 'ifVersion' },
    { name: 'fractional ifVersion', input: { namespace, key, value: 'x', ifVersion: 1.5 }, code: 'invalid_input', field: 'ifVersion' },
  ])('$name → $code on $field, nothing changed', ({ input, code, field }) => {
    const entriesBefore = rawEntries();
    const headBefore = feed.headSeq();
    expectBatonError(() => memory.store(input, 'agent'), code, field);
    expect(rawEntries()).toEqual(entriesBefore);
    expect(feed.headSeq()).toBe(headBefore);
    expect(allChanges()).toHaveLength(1);
  });

  it('accepts values exactly at the limits', () => {
    expect(memory.store({ namespace: 'n'.repeat(128), key: 'k'.repeat(512), value: 'x'.repeat(64) }, 'a').version).toBe(1);
    expect(memory.store({ namespace: 'a-Z_0.9:/x', key: 'any key, even spaces', value: 'é'.repeat(32) }, 'a').size).toBe(64);
  });

  it('reads and deletes validate their namespace and key too', () => {
    expectBatonError(() => memory.retrieve({ namespace, key: '' }), 'invalid_input', 'key');
    expectBatonError(() => memory.delete({ namespace: 'bad ns', key }, 'a'), 'invalid_input', 'namespace');
    expectBatonError(() => memory.list({ namespace, limit: 0 }), 'invalid_input', 'limit');
    expectBatonError(() => memory.list({ namespace, limit: 1001 }), 'invalid_input', 'limit');
    expectBatonError(() => memory.list({ namespace, cursor: 'not-a-cursor' }), 'invalid_input', 'cursor');
    expect(memory.retrieve({ namespace, key })?.raw).toBe('original');
  });
});

describe('list', () => {
  const keys = (items: { key: string }[]) => items.map((i) => i.key);

  it('cursor pages neither skip nor repeat existing keys while new keys are inserted between reads', () => {
    const existing = Array.from({ length: 50 }, (_, i) => `k${String(i * 2).padStart(3, '0')}`); // k000, k002, …, k098
    for (const key of existing) memory.store({ namespace: 'pages', key, value: 'old' }, 'a');

    const seen: string[] = [];
    let cursor: string | undefined;
    let inserted = 0;
    do {
      const page = memory.list({ namespace: 'pages', limit: 7, cursor });
      seen.push(...keys(page.items));
      // Between page reads, insert keys before the cursor, just after it, and at the far end.
      const last = page.items.at(-1)!.key;
      const n = Number(last.slice(1));
      for (const key of [`k${String(n - 1).padStart(3, '0')}`, `k${String(n + 1).padStart(3, '0')}`, `k1${inserted}`]) {
        memory.store({ namespace: 'pages', key, value: 'new' }, 'b');
      }
      inserted++;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());
    for (const key of existing) expect(seen).toContain(key);
  });

  it('filters by prefix, by namespace, and pages to the end with a null cursor', () => {
    for (const key of ['session/a/state', 'session/b/state', 'sessions', 'other/session/x']) {
      memory.store({ namespace: 'p', key, value: 'v' }, 'a');
    }
    memory.store({ namespace: 'q', key: 'session/c/state', value: 'v' }, 'a');
    const first = memory.list({ namespace: 'p', prefix: 'session/', limit: 1 });
    expect(keys(first.items)).toEqual(['session/a/state']);
    const second = memory.list({ namespace: 'p', prefix: 'session/', limit: 1, cursor: first.nextCursor! });
    expect(keys(second.items)).toEqual(['session/b/state']);
    expect(second.nextCursor).toBeNull();
    expect(keys(memory.list({ namespace: 'p', prefix: 'session' }).items)).toEqual(['session/a/state', 'session/b/state', 'sessions']);
  });

  it('a prefix with characters outside the BMP still matches', () => {
    memory.store({ namespace: 'p', key: '😀/one', value: 'v' }, 'a');
    memory.store({ namespace: 'p', key: '😀x', value: 'v' }, 'a');
    expect(keys(memory.list({ namespace: 'p', prefix: '😀/' }).items)).toEqual(['😀/one']);
  });

  it('returns the feed seq the page is consistent with', () => {
    memory.store({ namespace: 'p', key: 'a', value: 'v' }, 'a');
    memory.store({ namespace: 'other', key: 'b', value: 'v' }, 'a');
    expect(memory.list({ namespace: 'p' }).seq).toBe(2);
  });
});

describe('history', () => {
  it('keeps the last 20 versions of a key, newest first, without touching other keys', () => {
    for (let v = 1; v <= 25; v++) {
      memory.store({ key: 'busy', value: `v${v}` }, 'a');
      if (v % 10 === 0) memory.store({ key: 'quiet', value: `q${v}` }, 'a');
    }
    const history = memory.history({ key: 'busy' });
    expect(history.map((h) => h.version)).toEqual(Array.from({ length: 20 }, (_, i) => 25 - i));
    expect(history[0]).toMatchObject({ op: 'store', value: 'v25', actor: 'a' });
    // Pruned in storage, not only cut at read time.
    const stored = db.handle.sqlite.prepare("SELECT count(*) AS n FROM memory_history WHERE key = 'busy'").get() as { n: number };
    expect(stored.n).toBe(20);
    expect(memory.history({ key: 'quiet' }).map((h) => h.value)).toEqual(['q20', 'q10']);
  });

  it('records deletions', () => {
    memory.store({ key: 'gone', value: 'x' }, 'a');
    memory.delete({ key: 'gone' }, 'b');
    expect(memory.history({ key: 'gone' }).map((h) => [h.op, h.version, h.actor])).toEqual([
      ['delete', 1, 'b'],
      ['store', 1, 'a'],
    ]);
  });
});

describe('delete', () => {
  it('says whether the entry existed and writes a change only when it did', () => {
    memory.store({ namespace: 'd', key: 'k', value: 'x' }, 'a');
    memory.store({ namespace: 'd', key: 'k', value: 'y' }, 'a');
    const removed = memory.delete({ namespace: 'd', key: 'k' }, 'b');
    expect(removed).toEqual({ namespace: 'd', key: 'k', deleted: true, seq: 3 });
    expect(memory.retrieve({ namespace: 'd', key: 'k' })).toBeNull();
    expect(allChanges().at(-1)).toMatchObject({ op: 'delete', key: 'k', version: 2, value: null, actor: 'b' });

    expect(memory.delete({ namespace: 'd', key: 'k' }, 'b')).toEqual({ namespace: 'd', key: 'k', deleted: false, seq: null });
    expect(memory.delete({ namespace: 'd', key: 'never' }, 'b').deleted).toBe(false);
    expect(feed.headSeq()).toBe(3);
  });

  it('an expired entry was already gone: deleted is false', () => {
    memory.store({ namespace: 'd', key: 'k', value: 'x', ttl: 1 }, 'a');
    clock += 1_000;
    expect(memory.delete({ namespace: 'd', key: 'k' }, 'b').deleted).toBe(false);
    expect(rawEntries()).toEqual([]);
    expect(allChanges().map((c) => c.op)).toEqual(['store', 'expire']);
  });
});

describe('search', () => {
  beforeEach(() => {
    memory.store({ namespace: 'alpha', key: 'session/dev-1/blockers', value: '["database lock"]' }, 'a');
    memory.store({ namespace: 'beta', key: 'session/dev-2/blockers', value: '["flaky test"]' }, 'a');
    memory.store({ namespace: 'beta', key: 'session/dev-2/state', value: '{"progress":"100%"}' }, 'a');
    memory.store({ namespace: 'gamma', key: 'notes', value: 'progress 1000 and a snake_case word' }, 'a');
  });
  const found = (page: { items: { namespace: string; key: string }[] }) => page.items.map((e) => `${e.namespace}:${e.key}`);

  it('searches every namespace unless one is named', () => {
    expect(found(memory.search({ pattern: '*/blockers' }))).toEqual(['alpha:session/dev-1/blockers', 'beta:session/dev-2/blockers']);
    expect(found(memory.search({ namespace: 'beta', pattern: '*/blockers' }))).toEqual(['beta:session/dev-2/blockers']);
    expect(found(memory.search({ namespace: 'delta', pattern: '*/blockers' }))).toEqual([]);
  });

  it('pages across namespaces with a cursor', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = memory.search({ pattern: 'session/*', limit: 1, cursor });
      seen.push(...found(page));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['alpha:session/dev-1/blockers', 'beta:session/dev-2/blockers', 'beta:session/dev-2/state']);
  });

  it('matches words in keys and values, text inside words when no word matches, with % and _ taken literally', () => {
    expect(found(memory.search({ query: 'lock' }))).toEqual(['alpha:session/dev-1/blockers']);
    expect(found(memory.search({ query: 'database lock' }))).toEqual(['alpha:session/dev-1/blockers']);
    expect(found(memory.search({ query: 'blocker' }))).toEqual(['alpha:session/dev-1/blockers', 'beta:session/dev-2/blockers']);
    // No word starts with 'ocke': found inside 'blockers' (newest first).
    expect(found(memory.search({ query: 'ocke' }))).toEqual(['beta:session/dev-2/blockers', 'alpha:session/dev-1/blockers']);
    expect(found(memory.search({ query: '100%' }))).toEqual(['beta:session/dev-2/state']);
    expect(found(memory.search({ query: 'e_c' }))).toEqual(['gamma:notes']);
    expect(found(memory.search({ query: 'e_w' }))).toEqual([]);
    expect(found(memory.search({ query: 'nowhere' }))).toEqual([]);
  });

  it('combines a key pattern with a text query', () => {
    expect(found(memory.search({ pattern: 'session/*', query: 'progress' }))).toEqual(['beta:session/dev-2/state']);
    expect(found(memory.search({ pattern: 'notes', query: 'progress' }))).toEqual(['gamma:notes']);
  });
});
