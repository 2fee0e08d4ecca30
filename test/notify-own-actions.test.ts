// In-app notices never tell people about their own actions (issue 18, item 5), compared by account
// id, never by name: every session and handoff change in the feed carries `writerId` (the gate's
// principal id: `user:<id>`, `token:<id>`; null for internal writes), which pages compare with
// `user:<my account id>` (lib/notices.ts isOwnChange). And the header's browser notifications for
// blockers follow the person's chosen severity (`blockerAlerts`), not only critical ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../lib/events.ts';
import { isOwnChange, writerIdOf } from '../lib/notices.ts';
import { cookieFrom, cookieHeaders } from './auth-helpers.ts';
import { api, startTestServer, type TestServer } from './helpers.ts';

let s: TestServer;
const SESSION = 'own-actions-1';
const people: { id: string; cookie: string }[] = [];

/** Two accounts with the same name: "Sam". */
async function sam(email: string) {
  const invite = await api(s.url, '/api/v1/invites', { method: 'POST', json: { role: 'member' } });
  expect(invite.status).toBe(201);
  const accepted = await api(s.url, `/api/v1/invites/${invite.body.token}/accept`, {
    method: 'POST',
    token: null,
    json: { name: 'Sam', email, password: 'Sam password 123' },
  });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return { id: s.app.identity.listUsers().find((u) => u.email === email)!.id, cookie: cookieFrom(accepted.headers) };
}

/** The session changes appended by `fn`. */
async function changesOf(fn: () => Promise<unknown>, session = SESSION): Promise<Change[]> {
  const before = s.app.feed.headSeq();
  await fn();
  return s.app.feed.readAfter(before, 100).filter((c) => c.key === session || c.topic === 'handoff');
}

beforeAll(async () => {
  s = await startTestServer();
  const made = await api(s.url, '/api/v1/memory/entry', {
    method: 'PUT',
    json: { namespace: 'own', key: `session/${SESSION}/init`, value: { session_id: SESSION, developer_id: 'Owner' } },
  });
  expect(made.status).toBe(201);
  people.push(await sam('sam.one@example.test'), await sam('sam.two@example.test'));
});
afterAll(async () => {
  await s?.close();
});

describe('who made a change, by id', () => {
  it('a person’s board edit names their account: theirs, not the other Sam’s (same name, same feed label)', async () => {
    const [one, two] = people as [{ id: string; cookie: string }, { id: string; cookie: string }];
    const changes = await changesOf(() =>
      api(s.url, `/api/v1/sessions/${SESSION}/blockers`, {
        method: 'POST',
        token: null,
        headers: cookieHeaders(s.url, one.cookie),
        json: { description: 'Staging is down', severity: 'high' },
      }).then((r) => expect(r.status, JSON.stringify(r.body)).toBe(201)),
    );
    expect(changes).toHaveLength(1);
    const c = changes[0]!;
    expect(c.actor).toBe('Sam');
    expect(writerIdOf(c.value)).toBe(`user:${one.id}`);
    expect(isOwnChange(writerIdOf(c.value), one.id)).toBe(true);
    expect(isOwnChange(writerIdOf(c.value), two.id)).toBe(false);
  });

  it('an agent on my token is not me; a write through memory (the seed’s path) carries the token too', async () => {
    const rest = await changesOf(() =>
      api(s.url, `/api/v1/sessions/${SESSION}/decisions`, { method: 'POST', json: { topic: 'Cache', decision: 'Redis' } }).then((r) =>
        expect(r.status, JSON.stringify(r.body)).toBe(201),
      ),
    );
    const seed = await changesOf(
      () =>
        api(s.url, '/api/v1/memory/entry', {
          method: 'PUT',
          json: { namespace: 'own', key: 'session/own-actions-2/init', value: { session_id: 'own-actions-2', goals: ['Write the plan'] } },
        }).then((r) => expect(r.status, JSON.stringify(r.body)).toBe(201)),
      'own-actions-2',
    );
    for (const c of [...rest, ...seed]) {
      expect(writerIdOf(c.value)).toMatch(/^token:/);
      expect(isOwnChange(writerIdOf(c.value), s.admin.id)).toBe(false);
    }
    expect(rest.length + seed.length).toBeGreaterThanOrEqual(2);
  });

  it('a handoff step names who took it', async () => {
    const [one] = people as [{ id: string; cookie: string }];
    const changes = await changesOf(() =>
      api(s.url, `/api/v1/sessions/${SESSION}/handoffs`, {
        method: 'POST',
        token: null,
        headers: cookieHeaders(s.url, one.cookie),
        json: { to: { kind: 'user', userId: s.admin.id } },
      }).then((r) => expect(r.status, JSON.stringify(r.body)).toBe(201)),
    );
    const handoff = changes.find((c) => c.topic === 'handoff');
    expect(handoff, 'a handoff change').toBeDefined();
    expect(writerIdOf(handoff!.value)).toBe(`user:${one.id}`);
    expect(isOwnChange(writerIdOf(handoff!.value), s.admin.id)).toBe(false);
  });

  it('internal writes name nobody', () => {
    expect(writerIdOf(null)).toBeNull();
    expect(writerIdOf('{"version":3}')).toBeNull();
    expect(isOwnChange(null, s.admin.id)).toBe(false);
  });
});

describe('browser notifications for blockers follow the chosen severity', () => {
  it('blockerAlerts holds open blockers at or above the threshold; the count stays on critical ones', async () => {
    await api(s.url, `/api/v1/sessions/${SESSION}/blockers`, { method: 'POST', json: { description: 'Flaky test', severity: 'medium' } });
    await api(s.url, `/api/v1/sessions/${SESSION}/blockers`, { method: 'POST', json: { description: 'Prod is down', severity: 'critical' } });
    const high = s.app.notify.needsYou.read(s.admin, 'high');
    expect(high.blockerAlerts.map((b) => b.description).sort()).toEqual(['Prod is down', 'Staging is down']);
    expect(high.blockers.map((b) => b.description)).toEqual(['Prod is down']);
    expect(s.app.notify.needsYou.read(s.admin, 'low').blockerAlerts).toHaveLength(3);
    expect(s.app.notify.needsYou.read(s.admin, null).blockerAlerts).toEqual([]);
    // Over REST the threshold is the person’s stored preference; an agent’s token has none (people only).
    const cookieLess = await api(s.url, '/api/v1/needs-you');
    expect(cookieLess.status).toBe(403);
  });
});

describe('preferences (PUT /api/v1/me/notifications)', () => {
  it('a change keeps everything it does not name, and a bad field is named', async () => {
    const [one] = people as [{ id: string; cookie: string }];
    const put = (json: unknown) => api(s.url, '/api/v1/me/notifications', { method: 'PUT', token: null, headers: cookieHeaders(s.url, one.cookie), json });
    expect((await put({ browser: { enabled: true } })).body.browser.enabled).toBe(true);
    expect((await put({ browser: { blockerSeverity: 'high' } })).status).toBe(200);
    expect((await put({ popups: { handoffs: false } })).status).toBe(200);
    expect((await put({ quiet: true })).status).toBe(200);
    const got = await api(s.url, '/api/v1/me/notifications', { token: null, headers: cookieHeaders(s.url, one.cookie) });
    expect(got.body).toEqual({
      popups: { boardChanges: true, handoffs: false, agentsWaiting: true },
      browser: { enabled: true, handoffs: true, agentsWaiting: true, blockerSeverity: 'high' },
      quiet: true,
    });
    const bad = await put({ browser: { enabled: 'yes' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ field: 'browser.enabled', message: expect.stringContaining('browser.enabled') });
  });
});
