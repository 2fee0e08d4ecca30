// The notifier moves past memory changes (which raise no event) without a write transaction per
// change, records that position durably on its poll tick, and still raises every board event once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const head = () => s.app.feed.headSeq();
const durable = () => Number((s.app.db.sqlite.prepare(`SELECT value FROM notify_state WHERE key = 'cursor'`).get() as { value: string }).value);
const until = async (ok: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('notifier over memory writes', () => {
  it('follows memory changes, persists its position on the tick, and raises a later blocker exactly once', async () => {
    const { notifier } = s.app.notify;
    s.app.memory.store({ namespace: 'skip', key: 'session/skip-1/init', value: JSON.stringify({ session_id: 'skip-1' }) }, 'tests');
    await until(() => notifier.position === head());
    const raised = notifier.raised;
    for (let i = 0; i < 50; i++) s.app.memory.store({ namespace: 'skip', key: `k/${i}`, value: 'v' }, 'tests');
    await until(() => notifier.position === head());
    expect(notifier.raised).toBe(raised);
    // The poll tick records how far memory changes were read.
    await until(() => durable() === head());

    for (let i = 0; i < 20; i++) s.app.memory.store({ namespace: 'skip', key: `k/${i}`, value: 'w' }, 'tests');
    s.app.sessions.addBlocker('skip-1', { description: 'The disk is full', severity: 'high' }, 'tests');
    for (let i = 0; i < 20; i++) s.app.memory.store({ namespace: 'skip', key: `k/${i}`, value: 'x' }, 'tests');
    await until(() => notifier.raised === raised + 1 && notifier.position === head());
    await until(() => durable() === head());
    // Caught up from the durable cursor again (as after a restart): nothing is raised twice.
    expect(notifier.catchUp(true)).toBe(0);
    expect(notifier.raised).toBe(raised + 1);
  });
});
