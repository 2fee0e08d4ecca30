// Rollback of one key (issue 17): a kept version written back as a new version, through the gate:
// audited, broadcast live to another client, projected like any store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../lib/events.ts';
import { api, connectClient, connected, startTestServer, waitFor, type TestServer } from './helpers.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const NS = 'rollback';
const put = (key: string, value: unknown) => api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: NS, key, value } });

describe('POST /api/v1/memory/entry/restore', () => {
  it('writes an earlier version as a new version, seen live by a second client and audited', async () => {
    for (const step of [1, 2, 3]) expect((await put('plan', { step })).status).toBeLessThan(300);
    const other = connectClient(s.url);
    await connected(other);
    const seen: Change[] = [];
    other.on('feed:changes', (changes) => seen.push(...changes));
    const sub = await other.emitWithAck('subscribe', { rooms: [`ns:${NS}`], sinceSeq: s.app.feed.headSeq() });
    expect(sub.ok).toBe(true);

    const res = await api(s.url, '/api/v1/memory/entry/restore', { method: 'POST', json: { namespace: NS, key: 'plan', version: 1 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 4, restoredFrom: 1 });
    await waitFor(() => seen.some((c) => c.key === 'plan' && c.version === 4), 5000, 'the restore on the second client');
    const change = seen.find((c) => c.version === 4)!;
    expect(change.op).toBe('store');
    expect(JSON.parse(change.value!)).toEqual({ step: 1 });
    other.close();

    const entry = await api(s.url, `/api/v1/memory/entry?namespace=${NS}&key=plan`);
    expect(entry.body.value).toEqual({ step: 1 });
    const history = await api(s.url, `/api/v1/memory/history?namespace=${NS}&key=plan`);
    expect(history.body.items.map((h: { version: number }) => h.version)).toEqual([4, 3, 2, 1]);
    const audit = s.app.audit.list({ action: 'memory.restore', limit: 5 }).items;
    expect(audit[0]).toMatchObject({ target: `${NS}/plan`, outcome: 'ok' });
    expect(audit[0]!.detail).toMatchObject({ restoredFrom: 1, version: 4 });
  });

  it('refuses a version that is not kept (404), a stale ifVersion (409), and a reader (403)', async () => {
    await put('small', 'a');
    const missing = await api(s.url, '/api/v1/memory/entry/restore', { method: 'POST', json: { namespace: NS, key: 'small', version: 7 } });
    expect(missing.status).toBe(404);
    expect(missing.body.error.field).toBe('version');
    await put('small', 'b');
    const stale = await api(s.url, '/api/v1/memory/entry/restore', { method: 'POST', json: { namespace: NS, key: 'small', version: 1, ifVersion: 1 } });
    expect(stale.status).toBe(409);
    const bad = await api(s.url, '/api/v1/memory/entry/restore', { method: 'POST', json: { namespace: NS, key: 'small', version: 0 } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.field).toBe('version');
    const reader = s.app.identity.createToken(s.admin, { name: 'reader', scopes: [{ access: 'read', namespaces: '*' }] }, null).token;
    const denied = await api(s.url, '/api/v1/memory/entry/restore', { method: 'POST', token: reader, json: { namespace: NS, key: 'small', version: 1 } });
    expect(denied.status).toBe(403);
    expect((await api(s.url, `/api/v1/memory/entry?namespace=${NS}&key=small`)).body.raw).toBe('b');
  });

  it('projects a restored session value onto its board like any store', async () => {
    const key = 'session/rb-1/init';
    const ns = 'session-management';
    await api(s.url, '/api/v1/memory/entry', {
      method: 'PUT',
      json: { namespace: ns, key, value: { session_id: 'rb-1', title: 'First title', goals: ['a'] } },
    });
    await api(s.url, '/api/v1/memory/entry', {
      method: 'PUT',
      json: { namespace: ns, key, value: { session_id: 'rb-1', title: 'Second title', goals: ['a'] } },
    });
    expect(s.app.sessions.board('rb-1')?.title).toBe('Second title');
    const res = await api(s.url, '/api/v1/memory/entry/restore', { method: 'POST', json: { namespace: ns, key, version: 1 } });
    expect(res.status).toBe(200);
    expect(s.app.sessions.board('rb-1')?.title).toBe('First title');
  });
});
