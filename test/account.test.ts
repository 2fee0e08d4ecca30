// Self-service password change and account disable/enable: the REST routes, what they end, and the audit trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieFrom, cookieHeaders, handshake, invitedUser, rawSocket, signIn, type TestUser } from './auth-helpers.ts';
import { api, startTestServer, TEST_ADMIN, waitFor, type TestServer } from './helpers.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ rateLimits: { signInPerMinutePerIp: 10_000, signInPerMinutePerEmail: 10_000 } });
});
afterAll(async () => {
  await s.close();
});

const asCookie = (cookie: string, init: Parameters<typeof api>[2] = {}) => ({
  ...init,
  token: null,
  headers: { ...cookieHeaders(s.url, cookie), ...(init.headers as Record<string, string> | undefined) },
});
const me = (cookie: string) => api(s.url, '/api/v1/me', asCookie(cookie));
const actions = (target: string) =>
  (s.app.audit.list({ limit: 500 }).items as { action: string; target: string | null; outcome: string }[])
    .filter((r) => r.target === target)
    .map((r) => `${r.action}:${r.outcome}`);

describe('changing one’s own password', () => {
  let pat: TestUser;
  beforeAll(async () => {
    pat = await invitedUser(s, 'member', 'Pat Password');
  });

  it('names the field for every bad input and changes nothing', async () => {
    const cases: [unknown, string][] = [
      [{ newPassword: 'a new password 1' }, 'currentPassword'],
      [{ currentPassword: pat.password, newPassword: 'short' }, 'newPassword'],
      [{ currentPassword: pat.password, newPassword: pat.password }, 'newPassword'],
      [{ currentPassword: 'not my password', newPassword: 'a new password 1' }, 'currentPassword'],
      [{ currentPassword: pat.password, newPassword: 'x'.repeat(300) }, 'newPassword'],
    ];
    for (const [json, field] of cases) {
      const r = await api(s.url, '/api/v1/me/password', asCookie(pat.cookie, { method: 'POST', json }));
      expect(r.status, JSON.stringify(json)).toBe(422);
      expect(r.body.error.field).toBe(field);
    }
    expect((await me(pat.cookie)).status).toBe(200);
    await signIn(s.url, pat.email, pat.password); // still the old password
    expect(actions(pat.id)).toContain('account.password.failed:failed');
  });

  it('is for people only: an API token or a share link is refused', async () => {
    const r = await api(s.url, '/api/v1/me/password', { method: 'POST', json: { currentPassword: TEST_ADMIN.password, newPassword: 'a new password 1' } });
    expect(r.status).toBe(403);
    await signIn(s.url, TEST_ADMIN.email, TEST_ADMIN.password);
  });

  it('changes it, keeps this browser signed in with a new cookie, signs out every other browser and closes their sockets', async () => {
    const other = await signIn(s.url, pat.email, pat.password);
    const socket = rawSocket(s.url, { cookie: other, origin: s.url });
    expect(await handshake(socket)).toEqual({ connected: true });
    let disconnected = false;
    socket.on('disconnect', () => (disconnected = true));

    const r = await api(
      s.url,
      '/api/v1/me/password',
      asCookie(pat.cookie, { method: 'POST', json: { currentPassword: pat.password, newPassword: 'Pat new password 456' } }),
    );
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ changed: true });
    const fresh = cookieFrom(r.headers);
    expect((await me(fresh)).status).toBe(200);
    expect((await me(other)).status).toBe(401);
    await waitFor(() => disconnected, 5000, 'the other browser’s socket to close');
    socket.close();

    expect((await api(s.url, '/api/auth/sign-in/email', { method: 'POST', token: null, json: { email: pat.email, password: pat.password } })).status).toBe(401);
    await signIn(s.url, pat.email, 'Pat new password 456');
    expect(actions(pat.id)).toContain('account.password:ok');
    pat = { ...pat, password: 'Pat new password 456', cookie: fresh };
  });
});

describe('disabling and enabling an account', () => {
  let dana: TestUser;
  let danaToken: string;
  beforeAll(async () => {
    dana = await invitedUser(s, 'member', 'Dana Disabled');
    const t = await api(
      s.url,
      '/api/v1/tokens',
      asCookie(dana.cookie, { method: 'POST', json: { name: 'dana agent', scopes: [{ access: 'write', namespaces: '*' }] } }),
    );
    expect(t.status).toBe(201);
    danaToken = t.body.token;
  });

  it('stops the person at once: cookie, token, open sockets, sign-in; and enabling lets them sign in again', async () => {
    const cookieSocket = rawSocket(s.url, { cookie: dana.cookie, origin: s.url });
    const tokenSocket = rawSocket(s.url, { token: danaToken });
    expect(await handshake(cookieSocket)).toEqual({ connected: true });
    expect(await handshake(tokenSocket)).toEqual({ connected: true });
    const closed = { cookie: false, token: false };
    cookieSocket.on('disconnect', () => (closed.cookie = true));
    tokenSocket.on('disconnect', () => (closed.token = true));

    const off = await api(s.url, `/api/v1/users/${dana.id}`, { method: 'PATCH', json: { disabled: true } });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ id: dana.id, role: 'member', disabled: true });
    await waitFor(() => closed.cookie && closed.token, 5000, 'both of Dana’s sockets to close');
    cookieSocket.close();
    tokenSocket.close();
    expect((await me(dana.cookie)).status).toBe(401);
    expect((await api(s.url, '/api/v1/memory/entry', { method: 'PUT', token: danaToken, json: { key: 'k', value: 'v' } })).status).toBe(401);
    const refused = await api(s.url, '/api/auth/sign-in/email', { method: 'POST', token: null, json: { email: dana.email, password: dana.password } });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ field: 'email', message: 'This account is disabled; ask an admin to enable it' });
    // The wrong password is still just "wrong": nothing about the account is revealed.
    const guess = await api(s.url, '/api/auth/sign-in/email', { method: 'POST', token: null, json: { email: dana.email, password: 'a guess 12345' } });
    expect(guess.status).toBe(401);
    // Signing in with the right password left no usable session behind.
    const leftover = s.app.db.sqlite.prepare('SELECT count(*) AS n FROM auth_session WHERE user_id = ?').get(dana.id) as { n: number };
    expect(leftover.n).toBe(0);
    expect((await api(s.url, '/api/v1/users')).body.items.find((u: { id: string }) => u.id === dana.id).disabled).toBe(true);

    const on = await api(s.url, `/api/v1/users/${dana.id}`, { method: 'PATCH', json: { disabled: false } });
    expect(on.body).toEqual({ id: dana.id, role: 'member', disabled: false });
    const back = await signIn(s.url, dana.email, dana.password);
    expect((await me(back)).status).toBe(200);
    expect((await api(s.url, '/api/v1/memory/entry', { method: 'PUT', token: danaToken, json: { key: 'k', value: 'v' } })).status).toBe(201);
    expect(actions(dana.id)).toEqual(expect.arrayContaining(['account.disable:ok', 'account.enable:ok']));
  });

  it('refuses disabling oneself or the last admin, and bad bodies, naming the field and changing nothing', async () => {
    const self = await api(s.url, `/api/v1/users/${s.admin.id}`, { method: 'PATCH', json: { disabled: true } });
    expect(self.status).toBe(422);
    expect(self.body.error).toMatchObject({ field: 'disabled', message: 'disabled: you cannot disable your own account' });

    const ada = await invitedUser(s, 'admin', 'Ada Admin');
    const adaCookie = cookieHeaders(s.url, ada.cookie);
    // Ada disables the owner (two admins, one left enabled), then may not disable herself, the last one.
    expect((await api(s.url, `/api/v1/users/${s.admin.id}`, { method: 'PATCH', token: null, headers: adaCookie, json: { disabled: true } })).status).toBe(200);
    const last = await api(s.url, `/api/v1/users/${ada.id}`, { method: 'PATCH', token: null, headers: adaCookie, json: { disabled: true } });
    expect(last.status).toBe(422);
    expect(last.body.error.field).toBe('disabled');
    expect((await api(s.url, `/api/v1/users/${s.admin.id}`, { method: 'PATCH', token: null, headers: adaCookie, json: { disabled: false } })).status).toBe(200);

    for (const [json, field] of [
      [{}, 'body'],
      [{ disabled: 'yes' }, 'disabled'],
      [{ role: 'owner' }, 'role'],
    ] as const) {
      const r = await api(s.url, `/api/v1/users/${dana.id}`, { method: 'PATCH', json });
      expect(r.status, JSON.stringify(json)).toBe(422);
      expect(r.body.error.field).toBe(field);
    }
    expect((await api(s.url, '/api/v1/users/no-such-user', { method: 'PATCH', json: { disabled: true } })).status).toBe(404);
    expect(s.app.identity.listUsers().filter((u) => u.disabled)).toEqual([]);
  });

  it('a member cannot disable anyone', async () => {
    const mo = await invitedUser(s, 'member', 'Mo Member');
    const r = await api(s.url, `/api/v1/users/${dana.id}`, {
      method: 'PATCH',
      token: null,
      headers: cookieHeaders(s.url, mo.cookie),
      json: { disabled: true },
    });
    expect(r.status).toBe(403);
    expect(s.app.identity.listUsers().find((u) => u.id === dana.id)!.disabled).toBe(false);
  });
});
