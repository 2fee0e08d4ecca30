import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieHeaders, invitedUser, type TestUser } from './auth-helpers.ts';
import { api, startTestServer, type TestServer } from './helpers.ts';

// Issue 14: regression tests over the real REST API, one block per finding.

let s: TestServer;
let member: TestUser;
beforeAll(async () => {
  s = await startTestServer();
  member = await invitedUser(s, 'member', 'Mira');
});
afterAll(() => s.close());

async function mint(scopes: { access: string; namespaces: string }[], token?: string) {
  return api(s.url, '/api/v1/tokens', { method: 'POST', token, json: { name: `t-${Math.random().toString(36).slice(2, 8)}`, scopes } });
}

describe('finding 1: wildcards per pattern are capped', () => {
  it('a token namespace pattern may hold at most 8 `*`', async () => {
    const nine = await mint([{ access: 'read', namespaces: '*a*a*a*a*a*a*a*a*a*b' }]);
    expect(nine.status).toBe(422);
    expect(nine.body.error.field).toBe('scopes.0.namespaces');
    const eight = await mint([{ access: 'read', namespaces: '*a*a*a*a*a*a*a*a' }]);
    expect(eight.status).toBe(201);
  });

  it('a search key glob may hold at most 16 `*`', async () => {
    const many = await api(s.url, `/api/v1/memory/search?pattern=${encodeURIComponent('*a'.repeat(17))}`);
    expect(many.status).toBe(422);
    expect(many.body.error.field).toBe('pattern');
    const ok = await api(s.url, `/api/v1/memory/search?pattern=${encodeURIComponent('*a'.repeat(16))}`);
    expect(ok.status).toBe(200);
  });
});

describe('finding 5: an admin scope is bound to its namespace', () => {
  let narrow: string;
  let memberTokenId: string;
  beforeAll(async () => {
    const made = await mint([{ access: 'admin', namespaces: 'ns-a' }]);
    expect(made.status).toBe(201);
    narrow = made.body.token;
    const mine = await api(s.url, '/api/v1/tokens', {
      method: 'POST',
      token: null,
      headers: cookieHeaders(s.url, member.cookie),
      json: { name: 'mira-agent', scopes: [{ access: 'write', namespaces: 'mira' }] },
    });
    expect(mine.status).toBe(201);
    memberTokenId = mine.body.id;
  });

  it('admin on ns-a cannot administer accounts (users, invites, audit)', async () => {
    expect((await api(s.url, '/api/v1/users', { token: narrow })).status).toBe(403);
    expect((await api(s.url, '/api/v1/invites', { token: narrow })).status).toBe(403);
    expect((await api(s.url, '/api/v1/invites', { method: 'POST', token: narrow, json: { role: 'admin' } })).status).toBe(403);
    expect((await api(s.url, '/api/v1/audit', { token: narrow })).status).toBe(403);
    // admin on * still can
    expect((await api(s.url, '/api/v1/users')).status).toBe(200);
    expect((await api(s.url, '/api/v1/audit')).status).toBe(200);
  });

  it("admin on ns-a does not see or revoke other accounts' tokens", async () => {
    const list = await api(s.url, '/api/v1/tokens', { token: narrow });
    expect(list.status).toBe(200);
    expect(list.body.items.map((t: { id: string }) => t.id)).not.toContain(memberTokenId);
    expect((await api(s.url, `/api/v1/tokens/${memberTokenId}`, { method: 'DELETE', token: narrow })).status).toBe(404);
    const all = await api(s.url, '/api/v1/tokens');
    expect(all.body.items.map((t: { id: string }) => t.id)).toContain(memberTokenId);
  });

  it('a token never mints a scope wider than its own', async () => {
    const wide = await mint([{ access: 'admin', namespaces: '*' }], narrow);
    expect(wide.status).toBe(422);
    expect(wide.body.error.field).toBe('scopes.0');
    for (const namespaces of ['ns-*', 'ns-b', 'ns-a*', '*ns-a']) {
      const r = await mint([{ access: 'read', namespaces }], narrow);
      expect({ namespaces, status: r.status }).toEqual({ namespaces, status: 422 });
    }
    // the second scope is the wide one
    const second = await mint(
      [
        { access: 'read', namespaces: 'ns-a' },
        { access: 'write', namespaces: 'ns-b' },
      ],
      narrow,
    );
    expect(second.status).toBe(422);
    expect(second.body.error.field).toBe('scopes.1');
    // within its own scope it may mint
    for (const access of ['read', 'write', 'admin']) expect((await mint([{ access, namespaces: 'ns-a' }], narrow)).status).toBe(201);
  });

  it('a wildcard scope mints narrower patterns inside it, and no more', async () => {
    const team = (
      await mint([
        { access: 'write', namespaces: 'team-*' },
        { access: 'admin', namespaces: 'team-*' },
      ])
    ).body.token as string;
    for (const namespaces of ['team-a', 'team-*', 'team-a*', 'team-a-*']) {
      expect({ namespaces, status: (await mint([{ access: 'write', namespaces }], team)).status }).toEqual({ namespaces, status: 201 });
    }
    for (const namespaces of ['team*', '*', 'x-team-a', '*team-a', 'team']) {
      expect({ namespaces, status: (await mint([{ access: 'read', namespaces }], team)).status }).toEqual({ namespaces, status: 422 });
    }
    // the owner, an admin, is not bound by the token's scope when signed in; a token always is
    const readOnly = (
      await mint([
        { access: 'read', namespaces: '*' },
        { access: 'admin', namespaces: 'x' },
      ])
    ).body.token as string;
    expect((await mint([{ access: 'write', namespaces: 'y' }], readOnly)).status).toBe(422);
    expect((await mint([{ access: 'read', namespaces: 'y' }], readOnly)).status).toBe(201);
  });
});

describe('finding 9b: a key with a lone UTF-16 surrogate is refused (it could never be read back)', () => {
  const lone = ['a\uD800b', '\uDC00', 'x\uD83D', 'ok/\uDFFF/k'];

  it.each(lone)('PUT %j answers 422 naming the key', async (key) => {
    const r = await api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: 'surrogates', key, value: 'v' } });
    expect(r.status).toBe(422);
    expect(r.body.error.field).toBe('key');
  });

  it.each(lone)('the memory service refuses %j for store, retrieve and delete', (key) => {
    const memory = s.app.memory;
    for (const call of [
      () => memory.store({ namespace: 'surrogates', key, value: 'v' }, 'test'),
      () => memory.retrieve({ namespace: 'surrogates', key }),
      () => memory.delete({ namespace: 'surrogates', key }, 'test'),
    ]) {
      expect(call).toThrowError(expect.objectContaining({ code: 'invalid_input', field: 'key' }));
    }
  });

  it('a namespace with a lone surrogate is refused too (namespaces are ASCII only)', () => {
    expect(() => s.app.memory.store({ namespace: 'ns-\uD800', key: 'k', value: 'v' }, 'test')).toThrowError(
      expect.objectContaining({ code: 'invalid_input', field: 'namespace' }),
    );
  });

  it('a key with a whole surrogate pair (an emoji) is stored and read back over REST', async () => {
    const key = 'notes/😀';
    expect((await api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: 'surrogates', key, value: 'v' } })).status).toBe(201);
    const back = await api(s.url, `/api/v1/memory/entry?namespace=surrogates&key=${encodeURIComponent(key)}`);
    expect(back.status).toBe(200);
    expect(back.body.key).toBe(key);
  });
});
