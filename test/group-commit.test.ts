import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatonError } from '../lib/errors.ts';
import { ChangeFeed } from '../server/feed/feed.ts';
import { MemoryService } from '../server/memory/service.ts';
import { openTempDatabase } from './helpers.ts';

let db: ReturnType<typeof openTempDatabase>;
let memory: MemoryService;
let feed: ChangeFeed;
let commits: number;

beforeEach(() => {
  db = openTempDatabase();
  commits = 0;
  memory = new MemoryService(db.handle, { onCommit: () => commits++ });
  feed = new ChangeFeed(db.handle);
});
afterEach(() => db.cleanup());

describe('group commit', () => {
  it('commits writes from one tick together, each with its own version and seq, in call order', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => memory.storeSoon({ namespace: 'g', key: 'counter', value: String(i) }, 'a')));
    expect(results.map((r) => r.version)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const seqs = results.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(50);
    expect(memory.retrieve({ namespace: 'g', key: 'counter' })?.raw).toBe('49');
    expect(feed.readAfter(0, 100).map((c) => c.seq)).toEqual(seqs);
  });

  it('rolls back only the failing write of a batch; the others commit and the caller gets the field error', async () => {
    memory.store({ namespace: 'g', key: 'cas', value: 'v1' }, 'a');
    const outcomes = await Promise.allSettled([
      memory.storeSoon({ namespace: 'g', key: 'first', value: 'ok' }, 'a'),
      memory.storeSoon({ namespace: 'g', key: 'cas', value: 'stale', ifVersion: 7 }, 'b'),
      memory.storeSoon({ namespace: 'g', key: '', value: 'no key' }, 'c'),
      memory.deleteSoon({ namespace: 'g', key: 'first' }, 'a'),
      memory.storeSoon({ namespace: 'g', key: 'last', value: 'ok' }, 'a'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
    const conflict = (outcomes[1] as PromiseRejectedResult).reason as BatonError;
    expect([conflict.code, conflict.field, conflict.currentVersion]).toEqual(['version_conflict', 'ifVersion', 1]);
    expect(((outcomes[2] as PromiseRejectedResult).reason as BatonError).field).toBe('key');
    expect(memory.retrieve({ namespace: 'g', key: 'cas' })?.raw).toBe('v1');
    expect(memory.retrieve({ namespace: 'g', key: 'first' })).toBeNull();
    expect(memory.retrieve({ namespace: 'g', key: 'last' })?.raw).toBe('ok');
    // The setup store, then store first, delete first, store last: the failed writes left no change row.
    expect(feed.readAfter(0, 100).map((c) => [c.key, c.op])).toEqual([
      ['cas', 'store'],
      ['first', 'store'],
      ['first', 'delete'],
      ['last', 'store'],
    ]);
  });
});
