import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApplication, type Application } from '../server/app.ts';
import { cookieFrom, cookieHeaders, emitAck, handshake, invitedUser, rawSocket, type TestUser } from './auth-helpers.ts';
import { api, startTestServer, TEST_ADMIN, waitFor, type TestServer } from './helpers.ts';

const auditItems = async (s: TestServer, query: string) => {
  const res = await api(s.url, `/api/v1/audit?limit=500&${query}`);
  expect(res.status).toBe(200);
  return res.body.items as {
    actorKind: string;
    actorId: string | null;
    actorLabel: string;
    action: string;
    target: string | null;
    outcome: string;
    detail: any;
  }[];
};

describe('first-run setup', () => {
  let app: Application;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-setup-'));
    app = await createApplication({ databasePath: join(dir, 'baton.db'), web: false, authSecret: 'test-secret-test-secret-test-secret-00' });
    url = await app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is needed on a fresh install, makes the first account the owner and signs it in, then is refused', async () => {
    expect((await api(url, '/api/v1/setup', { token: null })).body).toEqual({ needed: true });
    expect((await api(url, '/api/v1/me', { token: null })).status).toBe(401);

    const weak = await api(url, '/api/v1/setup', { method: 'POST', token: null, json: { name: 'Owner', email: 'owner@example.test', password: 'short' } });
    expect(weak.status).toBe(422);
    expect(weak.body.error.field).toBe('password');
    expect(app.identity.hasUsers()).toBe(false);

    const done = await api(url, '/api/v1/setup', {
      method: 'POST',
      token: null,
      json: { name: 'Owner', email: 'Owner@Example.test', password: 'owner password' },
    });
    expect(done.status).toBe(200);
    const cookie = cookieFrom(done.headers);
    const me = await api(url, '/api/v1/me', { token: null, headers: { cookie } });
    expect(me.body.principal).toMatchObject({ kind: 'user', role: 'admin', email: 'owner@example.test', name: 'Owner' });
    expect((await api(url, '/api/v1/setup', { token: null })).body).toEqual({ needed: false });

    const again = await api(url, '/api/v1/setup', {
      method: 'POST',
      token: null,
      json: { name: 'Second', email: 'second@example.test', password: 'second password' },
    });
    expect(again.status).toBe(422);
    expect(again.body.error).toMatchObject({ code: 'invalid_input', field: 'setup' });
    expect(app.identity.listUsers().map((u) => u.email)).toEqual(['owner@example.test']);
    expect(app.audit.list({ action: 'account.setup' }).items).toHaveLength(1);
  });
});

describe('accounts, tokens, sockets and the audit log', () => {
  let s: TestServer;
  let viewer: TestUser;
  let member: TestUser;
  const secrets: string[] = [];

  beforeAll(async () => {
    s = await startTestServer({ rateLimits: { signInPerMinutePerEmail: 3 } });
    secrets.push(s.token);
    viewer = await invitedUser(s, 'viewer', 'Vera Viewer');
    member = await invitedUser(s, 'member', 'Mo Member');
    // Share links are made only for sessions that exist.
    for (const id of ['s-secret', 'standup', 's-admin', 's-member']) {
      s.app.memory.store({ namespace: 'session-management', key: `session/${id}/init`, value: JSON.stringify({ session_id: id }) }, 'setup');
    }
  });
  afterAll(() => s.close());

  const asMember = (path: string, init: Parameters<typeof api>[2] = {}) =>
    api(s.url, path, { ...init, token: null, headers: { ...cookieHeaders(s.url, member.cookie), ...(init.headers as Record<string, string>) } });
  const asViewer = (path: string, init: Parameters<typeof api>[2] = {}) =>
    api(s.url, path, { ...init, token: null, headers: { ...cookieHeaders(s.url, viewer.cookie), ...(init.headers as Record<string, string>) } });
  const signIn = (email: string, password: string) => api(s.url, '/api/auth/sign-in/email', { method: 'POST', token: null, json: { email, password } });

  describe('sign-in', () => {
    it('a wrong password is 401 naming the password field; a right one sets a cookie; both are audited', async () => {
      const wrong = await signIn(TEST_ADMIN.email, 'not the password');
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toMatchObject({ code: 'unauthorized', field: 'password' });
      expect(wrong.headers.getSetCookie()).toEqual([]);
      // An unknown email gets the very same answer (no account enumeration).
      const unknown = await signIn('nobody@example.test', 'not the password');
      expect(unknown.status).toBe(401);
      expect(unknown.body.error.message).toBe(wrong.body.error.message);

      const ok = await signIn(TEST_ADMIN.email.toUpperCase(), TEST_ADMIN.password);
      expect(ok.status).toBe(200);
      const me = await api(s.url, '/api/v1/me', { token: null, headers: { cookie: cookieFrom(ok.headers) } });
      expect(me.body.principal).toMatchObject({ kind: 'user', id: s.admin.id, role: 'admin' });

      const failed = await auditItems(s, 'action=auth.sign-in.failed');
      expect(failed.map((r) => [r.target, r.outcome])).toEqual([
        ['nobody@example.test', 'failed'],
        [TEST_ADMIN.email, 'failed'],
      ]);
      const succeeded = (await auditItems(s, 'action=auth.sign-in')).filter((r) => r.action === 'auth.sign-in');
      expect(succeeded.map((r) => [r.target, r.outcome])).toEqual([[TEST_ADMIN.email, 'ok']]);
      // Passwords never reach the log.
      expect(JSON.stringify(await auditItems(s, ''))).not.toContain('not the password');
      expect(JSON.stringify(await auditItems(s, ''))).not.toContain(TEST_ADMIN.password);
    });

    it('is rate-limited per email: 429 with Retry-After, even for the right password', async () => {
      for (let i = 0; i < 3; i++) expect((await signIn(viewer.email, `wrong guess ${i}`)).status).toBe(401);
      const limited = await signIn(viewer.email, viewer.password);
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Other accounts are not locked out by it.
      expect((await signIn(member.email, member.password)).status).toBe(200);
    });
  });

  describe('audit', () => {
    it('memory.store names the writer from its credentials, not from a header; a refused write is audited as denied', async () => {
      const stored = await asMember('/api/v1/memory/entry', {
        method: 'PUT',
        json: { namespace: 'team-a', key: 'audit/doc', value: 'v1' },
        headers: { 'x-baton-actor': 'someone else' },
      });
      expect(stored.status).toBe(201);
      expect(s.app.memory.retrieve({ namespace: 'team-a', key: 'audit/doc' })?.updatedBy).toBe('Mo Member');
      const [row] = await auditItems(s, 'action=memory.store&outcome=ok');
      expect(row).toMatchObject({ actorKind: 'user', actorId: member.id, actorLabel: 'Mo Member', target: 'team-a/audit/doc', outcome: 'ok' });
      expect(row!.detail).toMatchObject({ version: 1, seq: stored.body.seq });

      const refused = await asViewer('/api/v1/memory/entry', { method: 'PUT', json: { namespace: 'team-a', key: 'audit/doc', value: 'v2' } });
      expect(refused.status).toBe(403);
      const [denied] = await auditItems(s, 'action=memory.store&outcome=denied');
      expect(denied).toMatchObject({ actorId: viewer.id, target: 'team-a/audit/doc' });
      expect(s.app.memory.retrieve({ namespace: 'team-a', key: 'audit/doc' })?.raw).toBe('v1');
    });

    it('records token.create, token.revoke and account.role, with who did it', async () => {
      const created = await asMember('/api/v1/tokens', { method: 'POST', json: { name: 'ci', scopes: [{ access: 'write', namespaces: 'team-*' }] } });
      expect(created.status).toBe(201);
      secrets.push(created.body.token);
      expect((await asMember(`/api/v1/tokens/${created.body.id}`, { method: 'DELETE' })).status).toBe(200);
      const target = await invitedUser(s, 'viewer', 'Role Target');
      expect((await api(s.url, `/api/v1/users/${target.id}`, { method: 'PATCH', json: { role: 'member' } })).body).toEqual({
        id: target.id,
        role: 'member',
        disabled: false,
      });

      const [create] = await auditItems(s, 'action=token.create');
      expect(create).toMatchObject({
        actorId: member.id,
        target: created.body.id,
        detail: { name: 'ci', scopes: [{ access: 'write', namespaces: 'team-*' }] },
      });
      const [revoke] = await auditItems(s, 'action=token.revoke');
      expect(revoke).toMatchObject({ actorId: member.id, target: created.body.id });
      const [role] = await auditItems(s, 'action=account.role');
      expect(role).toMatchObject({ actorKind: 'token', actorLabel: 'token:tests', target: target.id, detail: { from: 'viewer', to: 'member' } });
    });

    it('token, share-link and invitation secrets never appear in the audit log or the token list; only the prefix does', async () => {
      const token = await asMember('/api/v1/tokens', { method: 'POST', json: { name: 'secret-check', scopes: [{ access: 'read', namespaces: '*' }] } });
      const share = await asMember('/api/v1/share-links', { method: 'POST', json: { sessionId: 's-secret' } });
      const invite = await api(s.url, '/api/v1/invites', { method: 'POST', json: { role: 'viewer' } });
      secrets.push(token.body.token, share.body.token, invite.body.token);
      expect(token.body.prefix).toBe(token.body.token.slice(0, 10));

      const listed = await asMember('/api/v1/tokens');
      expect(listed.body.items.find((t: any) => t.id === token.body.id)).toMatchObject({ prefix: token.body.prefix });
      const everything = [
        JSON.stringify(listed.body),
        JSON.stringify((await api(s.url, '/api/v1/tokens')).body),
        JSON.stringify(await auditItems(s, '')),
        JSON.stringify((await api(s.url, '/api/v1/share-links')).body),
        JSON.stringify((await api(s.url, '/api/v1/invites')).body),
        // Stored as hashes only.
        JSON.stringify(s.app.db.sqlite.prepare('SELECT * FROM api_tokens').all()),
        JSON.stringify(s.app.db.sqlite.prepare('SELECT * FROM share_links').all()),
        JSON.stringify(s.app.db.sqlite.prepare('SELECT * FROM invites').all()),
        JSON.stringify(s.app.db.sqlite.prepare('SELECT * FROM audit_log').all()),
      ].join('\n');
      for (const secret of secrets) expect(everything.includes(secret), `${secret.slice(0, 10)}… leaked`).toBe(false);
    });
  });

  describe('revocation and role changes take effect at once', () => {
    it('revoking a token disconnects its open socket; its next REST call is 401 and it cannot reconnect', async () => {
      const created = await asMember('/api/v1/tokens', { method: 'POST', json: { name: 'live', scopes: [{ access: 'write', namespaces: 'team-a' }] } });
      const token = created.body.token as string;
      const socket = rawSocket(s.url, { token });
      try {
        expect(await handshake(socket)).toEqual({ connected: true });
        expect((await emitAck(socket, 'subscribe', { rooms: ['ns:team-a'] })).ok).toBe(true);
        let disconnected = false;
        socket.on('disconnect', () => (disconnected = true));

        expect((await asMember(`/api/v1/tokens/${created.body.id}`, { method: 'DELETE' })).status).toBe(200);
        await waitFor(() => disconnected, 5000, "the revoked token's socket to be disconnected");
        const after = await api(s.url, '/api/v1/memory?namespace=team-a', { token });
        expect(after.status).toBe(401);
        expect(after.body.error.code).toBe('unauthorized');
      } finally {
        socket.close();
      }
      const again = rawSocket(s.url, { token });
      try {
        expect(await handshake(again)).toMatchObject({ connected: false, code: 'unauthorized' });
      } finally {
        again.close();
      }
    });

    it('demoting a member disconnects their sockets, and their next write is refused', async () => {
      const demoted = await invitedUser(s, 'member', 'Dee Demoted');
      const socket = rawSocket(s.url, { cookie: demoted.cookie });
      try {
        expect(await handshake(socket)).toEqual({ connected: true });
        expect((await emitAck(socket, 'memory:store', { namespace: 'team-a', key: 'demoted', value: '1' })).ok).toBe(true);
        let disconnected = false;
        socket.on('disconnect', () => (disconnected = true));
        expect((await api(s.url, `/api/v1/users/${demoted.id}`, { method: 'PATCH', json: { role: 'viewer' } })).status).toBe(200);
        await waitFor(() => disconnected, 5000, "the demoted member's socket to be disconnected");
      } finally {
        socket.close();
      }
      const write = await api(s.url, '/api/v1/memory/entry', {
        method: 'PUT',
        token: null,
        headers: cookieHeaders(s.url, demoted.cookie),
        json: { namespace: 'team-a', key: 'demoted', value: '2' },
      });
      expect(write.status).toBe(403);
      expect(s.app.memory.retrieve({ namespace: 'team-a', key: 'demoted' })?.raw).toBe('1');
    });

    it('a token never outranks its owner: demoting an admin takes the admin power from their tokens too', async () => {
      const ada = await invitedUser(s, 'admin', 'Ada Admin');
      const made = await api(s.url, '/api/v1/tokens', {
        method: 'POST',
        token: null,
        headers: cookieHeaders(s.url, ada.cookie),
        json: { name: 'ada-admin', scopes: [{ access: 'admin', namespaces: '*' }] },
      });
      expect(made.status).toBe(201);
      const token = made.body.token as string;
      expect((await api(s.url, '/api/v1/users', { token })).status).toBe(200);

      expect((await api(s.url, `/api/v1/users/${ada.id}`, { method: 'PATCH', json: { role: 'member' } })).status).toBe(200);
      expect((await api(s.url, '/api/v1/users', { token })).status).toBe(403);
      // …so it cannot promote its owner back either.
      expect((await api(s.url, `/api/v1/users/${ada.id}`, { method: 'PATCH', token, json: { role: 'admin' } })).status).toBe(403);
      // What a member may do, the token still may.
      expect((await api(s.url, '/api/v1/memory/entry', { method: 'PUT', token, json: { namespace: 'team-a', key: 'ada', value: '1' } })).status).toBe(201);

      expect((await api(s.url, `/api/v1/users/${ada.id}`, { method: 'PATCH', json: { role: 'viewer' } })).status).toBe(200);
      expect((await api(s.url, '/api/v1/memory/entry', { method: 'PUT', token, json: { namespace: 'team-a', key: 'ada', value: '2' } })).status).toBe(403);
      expect((await api(s.url, '/api/v1/memory/entry?namespace=team-a&key=ada', { token })).status).toBe(200);

      // An open socket's token is re-read per event, so the cap applies there too.
      const socket = rawSocket(s.url, { token });
      try {
        expect(await handshake(socket)).toEqual({ connected: true });
        const ack = await emitAck(socket, 'memory:store', { namespace: 'team-a', key: 'ada', value: '3' });
        expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      } finally {
        socket.close();
      }
      expect(s.app.memory.retrieve({ namespace: 'team-a', key: 'ada' })?.raw).toBe('1');
    });
  });

  describe('sockets', () => {
    it("a viewer's forged write over the socket is refused as forbidden and nothing is stored", async () => {
      const socket = rawSocket(s.url, { cookie: viewer.cookie });
      try {
        expect(await handshake(socket)).toEqual({ connected: true });
        const seq = s.app.feed.headSeq();
        for (const [event, payload] of [
          ['memory:store', { namespace: 'team-a', key: 'forged', value: 'pwned' }],
          ['memory:store', { namespace: 'team-a', key: 'audit/doc', value: 'pwned', ifVersion: 1 }],
          ['memory:delete', { namespace: 'team-a', key: 'audit/doc' }],
        ] as const) {
          expect(await emitAck(socket, event, payload)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
        }
        // The socket stays usable for what a viewer may do.
        expect(await emitAck(socket, 'memory:retrieve', { namespace: 'team-a', key: 'audit/doc' })).toMatchObject({ ok: true, data: { raw: 'v1' } });
        expect(s.app.feed.headSeq()).toBe(seq);
        expect(s.app.memory.retrieve({ namespace: 'team-a', key: 'forged' })).toBeNull();
        const denied = (await auditItems(s, 'outcome=denied')).filter((r) => r.actorId === viewer.id && r.target === 'team-a/forged');
        expect(denied).toHaveLength(1);
      } finally {
        socket.close();
      }
    });

    it('a share link may follow its own session room, and nothing else', async () => {
      const share = await asMember('/api/v1/share-links', { method: 'POST', json: { sessionId: 'standup' } });
      expect(share.status).toBe(201);
      const socket = rawSocket(s.url, { share: share.body.token });
      try {
        expect(await handshake(socket)).toEqual({ connected: true });
        expect(await emitAck(socket, 'subscribe', { rooms: ['session:standup'] })).toMatchObject({ ok: true });
        for (const room of ['memory', 'ns:x', 'session:another']) {
          expect(await emitAck(socket, 'subscribe', { rooms: [room] }), room).toMatchObject({ ok: false, error: { code: 'forbidden' } });
        }
        expect(await emitAck(socket, 'memory:retrieve', { namespace: 'team-a', key: 'audit/doc' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
        // Over REST it is a principal too, with the same single permission.
        const me = await api(s.url, '/api/v1/me', { token: null, headers: { 'x-baton-share': share.body.token } });
        expect(me.body.principal).toMatchObject({ kind: 'share', sessionId: 'standup' });
        expect((await api(s.url, '/api/v1/memory?namespace=team-a', { token: null, headers: { 'x-baton-share': share.body.token } })).status).toBe(403);

        let disconnected = false;
        socket.on('disconnect', () => (disconnected = true));
        expect((await asMember(`/api/v1/share-links/${share.body.id}`, { method: 'DELETE' })).status).toBe(200);
        await waitFor(() => disconnected, 5000, "the revoked share link's socket to be disconnected");
      } finally {
        socket.close();
      }
    });
  });

  describe('share links', () => {
    it('a member lists and revokes only their own share links; an admin sees and revokes all', async () => {
      const adminLink = await api(s.url, '/api/v1/share-links', { method: 'POST', json: { sessionId: 's-admin' } });
      const memberLink = await asMember('/api/v1/share-links', { method: 'POST', json: { sessionId: 's-member' } });
      const mine = (await asMember('/api/v1/share-links')).body.items.map((l: any) => l.id);
      expect(mine).toContain(memberLink.body.id);
      expect(mine).not.toContain(adminLink.body.id);

      const revoke = await asMember(`/api/v1/share-links/${adminLink.body.id}`, { method: 'DELETE' });
      expect(revoke.status).toBe(404);
      expect(s.app.identity.sharePrincipal(adminLink.body.token)).not.toBeNull();

      const all = (await api(s.url, '/api/v1/share-links')).body.items.map((l: any) => l.id);
      expect(all).toEqual(expect.arrayContaining([adminLink.body.id, memberLink.body.id]));
      expect((await api(s.url, `/api/v1/share-links/${memberLink.body.id}`, { method: 'DELETE' })).status).toBe(200);
      expect(s.app.identity.sharePrincipal(memberLink.body.token)).toBeNull();
    });
  });

  describe('cross-site requests', () => {
    const put = (headers: Record<string, string>) =>
      api(s.url, '/api/v1/memory/entry', { method: 'PUT', token: null, headers, json: { namespace: 'team-a', key: 'csrf', value: 'x' } });

    it('a cookie-carried mutation from another origin (or with no origin) is 403 naming origin', async () => {
      const attempts: Record<string, string>[] = [
        { cookie: member.cookie, origin: 'http://evil.example' },
        { cookie: member.cookie, origin: s.url.replace('127.0.0.1', 'localhost') },
        { cookie: member.cookie },
        { cookie: member.cookie, referer: 'http://evil.example/page' },
        // A non-bearer Authorization header does not make the cookie any less ambient.
        { cookie: member.cookie, origin: 'http://evil.example', authorization: 'Basic Zm9vOmJhcg==' },
      ];
      for (const headers of attempts) {
        const res = await put(headers);
        expect(res.status, JSON.stringify(headers)).toBe(403);
        expect(res.body.error).toMatchObject({ code: 'forbidden', field: 'origin' });
      }
      expect(s.app.memory.retrieve({ namespace: 'team-a', key: 'csrf' })).toBeNull();
      expect((await put({ cookie: member.cookie, origin: s.url })).status).toBe(201);
    });

    it('a cookie socket from another origin is refused at the handshake', async () => {
      const socket = rawSocket(s.url, { cookie: member.cookie, origin: 'http://evil.example' });
      try {
        expect(await handshake(socket)).toMatchObject({ connected: false, code: 'forbidden', field: 'origin' });
      } finally {
        socket.close();
      }
    });
  });

  describe('invitations', () => {
    it('an invitation makes exactly one account, even when accepted twice at once', async () => {
      const invite = await api(s.url, '/api/v1/invites', { method: 'POST', json: { role: 'member' } });
      const before = s.app.identity.listUsers().length;
      const accept = (n: number) =>
        api(s.url, `/api/v1/invites/${invite.body.token}/accept`, {
          method: 'POST',
          token: null,
          json: { name: `Racer ${n}`, email: `racer${n}@example.test`, password: 'racer password' },
        });
      const results = await Promise.all([accept(1), accept(2), accept(3)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 404, 404]);
      expect(s.app.identity.listUsers().length).toBe(before + 1);
      expect((await accept(4)).status).toBe(404);
    });

    it('a refused accept (email taken) leaves the invitation usable', async () => {
      const invite = await api(s.url, '/api/v1/invites', { method: 'POST', json: { role: 'viewer' } });
      const accept = (email: string) =>
        api(s.url, `/api/v1/invites/${invite.body.token}/accept`, { method: 'POST', token: null, json: { name: 'Late', email, password: 'late password' } });
      const taken = await accept(member.email);
      expect(taken.status).toBe(422);
      expect(taken.body.error.field).toBe('email');
      expect((await accept('late@example.test')).status).toBe(200);
      expect((await api(s.url, `/api/v1/invites/${invite.body.token}`, { token: null })).status).toBe(404);
    });
  });
});
