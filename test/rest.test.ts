import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from './helpers.ts';

const MAX_VALUE_BYTES = 1024;
let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({ maxValueBytes: MAX_VALUE_BYTES });
});
afterAll(() => s.close());

const put = (json: unknown, headers: Record<string, string> = {}) => api(s.url, '/api/v1/memory/entry', { method: 'PUT', json, headers });
const entryPath = (namespace: string, key: string) => `/api/v1/memory/entry?namespace=${encodeURIComponent(namespace)}&key=${encodeURIComponent(key)}`;
const headSeq = async () => (await api(s.url, '/api/v1/health')).body.seq as number;

describe('statuses', () => {
  it('404 for a missing entry, 201 on create, 200 on update, 409 with the current version on conflict', async () => {
    const ns = 'statuses';
    const missing = await api(s.url, entryPath(ns, 'doc'));
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'not_found', field: 'key' });

    // The writer is whoever the credentials say, never a header the client chooses.
    const ci = s.app.identity.createToken(s.admin, { name: 'ci', scopes: [{ access: 'write', namespaces: '*' }] }, null).token;
    const created = await put({ namespace: ns, key: 'doc', value: 'v1' }, { authorization: `Bearer ${ci}`, 'x-baton-actor': 'spoofed' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ stored: true, namespace: ns, key: 'doc', version: 1, size: 2 });

    const updated = await put({ namespace: ns, key: 'doc', value: 'v2', ifVersion: 1 });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ version: 2, seq: created.body.seq + 1 });

    const head = await headSeq();
    const conflict = await put({ namespace: ns, key: 'doc', value: 'lost', ifVersion: 1 });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toMatchObject({ code: 'version_conflict', field: 'ifVersion', currentVersion: 2 });
    expect(await headSeq()).toBe(head);

    const read = await api(s.url, entryPath(ns, 'doc'));
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ raw: 'v2', version: 2, updatedBy: 'token:tests' });
    expect((await api(s.url, `/api/v1/memory/history?namespace=${ns}&key=doc`)).body.items.map((h: any) => h.actor)).toEqual(['token:tests', 'token:ci']);

    const removed = await api(s.url, entryPath(ns, 'doc'), { method: 'DELETE' });
    expect(removed).toMatchObject({ status: 200, body: { deleted: true } });
    expect((await api(s.url, entryPath(ns, 'doc'), { method: 'DELETE' })).body.deleted).toBe(false);
    expect((await api(s.url, entryPath(ns, 'doc'))).status).toBe(404);
  });

  it('stores a non-string JSON value as its JSON text and returns it parsed', async () => {
    const res = await put({ namespace: 'json', key: 'session/dev/state', value: { progress: 40, files: ['a.ts'] } });
    expect(res.status).toBe(201);
    const read = await api(s.url, entryPath('json', 'session/dev/state'));
    expect(read.body).toMatchObject({ isJson: true, value: { progress: 40, files: ['a.ts'] }, raw: '{"progress":40,"files":["a.ts"]}' });
  });

  it('search without a namespace covers every namespace; q searches values', async () => {
    await put({ namespace: 'find-a', key: 'session/1/blockers', value: 'waiting on review' });
    await put({ namespace: 'find-b', key: 'session/2/blockers', value: 'nothing' });
    const all = await api(s.url, '/api/v1/memory/search?pattern=*/blockers');
    expect(all.body.items.map((e: any) => e.namespace)).toEqual(['find-a', 'find-b']);
    const one = await api(s.url, '/api/v1/memory/search?pattern=*/blockers&namespace=find-b');
    expect(one.body.items.map((e: any) => e.namespace)).toEqual(['find-b']);
    const text = await api(s.url, '/api/v1/memory/search?q=review');
    expect(text.body.items.map((e: any) => e.key)).toEqual(['session/1/blockers']);
  });
});

describe('bad input changes nothing', () => {
  const ns = 'guarded';
  const key = 'session/x/state';
  let original: any;

  beforeAll(async () => {
    expect((await put({ namespace: ns, key, value: 'original' })).status).toBe(201);
    original = (await api(s.url, entryPath(ns, key))).body;
  });

  const cases: { name: string; init: RequestInit & { json?: unknown }; status: number; code: string; field: string }[] = [
    { name: 'missing key', init: { json: { namespace: ns, value: 'x' } }, status: 422, code: 'invalid_input', field: 'key' },
    { name: 'empty key', init: { json: { namespace: ns, key: '', value: 'x' } }, status: 422, code: 'invalid_input', field: 'key' },
    { name: 'missing value', init: { json: { namespace: ns, key } }, status: 422, code: 'invalid_input', field: 'value' },
    { name: 'invalid JSON body', init: { body: '{"namespace": "guarded", "key": ' }, status: 400, code: 'invalid_json', field: 'body' },
    { name: 'JSON array body', init: { body: '[1,2]' }, status: 400, code: 'invalid_json', field: 'body' },
    { name: 'empty body', init: { body: '' }, status: 400, code: 'invalid_json', field: 'body' },
    {
      name: 'value too large',
      init: { json: { namespace: ns, key, value: 'x'.repeat(MAX_VALUE_BYTES + 1) } },
      status: 413,
      code: 'too_large',
      field: 'value',
    },
    {
      name: 'JSON value too large once serialised',
      init: { json: { namespace: ns, key, value: { text: 'x'.repeat(MAX_VALUE_BYTES) } } },
      status: 413,
      code: 'too_large',
      field: 'value',
    },
    {
      name: 'body over the body limit',
      init: { body: JSON.stringify({ namespace: ns, key, value: 'x'.repeat(MAX_VALUE_BYTES * 8 + 64 * 1024) }) },
      status: 413,
      code: 'too_large',
      field: 'body',
    },
    { name: 'negative ttl', init: { json: { namespace: ns, key, value: 'x', ttl: -10 } }, status: 422, code: 'invalid_input', field: 'ttl' },
    { name: 'ttl as text', init: { json: { namespace: ns, key, value: 'x', ttl: '60' } }, status: 422, code: 'invalid_input', field: 'ttl' },
    {
      name: 'bad namespace',
      init: { json: { namespace: 'no spaces please', key, value: 'x' } },
      status: 422,
      code: 'invalid_input',
      field: 'namespace',
    },
    {
      name: 'namespace too long',
      init: { json: { namespace: 'n'.repeat(129), key, value: 'x' } },
      status: 422,
      code: 'invalid_input',
      field: 'namespace',
    },
    { name: 'key too long', init: { json: { namespace: ns, key: 'k'.repeat(513), value: 'x' } }, status: 422, code: 'invalid_input', field: 'key' },
    {
      name: 'bad ifVersion',
      init: { json: { namespace: ns, key, value: 'x', ifVersion: -1 } },
      status: 422,
      code: 'invalid_input',
      field: 'ifVersion',
    },
  ];

  it.each(cases)('PUT with $name → $status naming $field', async ({ init, status, code, field }) => {
    const head = await headSeq();
    const res = await api(s.url, '/api/v1/memory/entry', { method: 'PUT', ...init });
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ code, field });
    expect(typeof res.body.error.message).toBe('string');
    expect(await headSeq()).toBe(head);
    expect((await api(s.url, entryPath(ns, key))).body).toEqual(original);
  });

  it.each([
    { name: 'DELETE with a bad namespace', method: 'DELETE', path: `/api/v1/memory/entry?namespace=bad%20ns&key=${key}`, field: 'namespace' },
    { name: 'DELETE without a key', method: 'DELETE', path: `/api/v1/memory/entry?namespace=${ns}`, field: 'key' },
    { name: 'GET entry without a key', method: 'GET', path: `/api/v1/memory/entry?namespace=${ns}`, field: 'key' },
    { name: 'list with limit 0', method: 'GET', path: `/api/v1/memory?namespace=${ns}&limit=0`, field: 'limit' },
    { name: 'list with limit abc', method: 'GET', path: `/api/v1/memory?namespace=${ns}&limit=abc`, field: 'limit' },
    { name: 'list with a forged cursor', method: 'GET', path: `/api/v1/memory?namespace=${ns}&cursor=Zm9v`, field: 'cursor' },
    { name: 'search with a bad namespace', method: 'GET', path: '/api/v1/memory/search?namespace=a%20b', field: 'namespace' },
    { name: 'recent changes with limit 0', method: 'GET', path: '/api/v1/changes/recent?limit=0', field: 'limit' },
  ])('$name → 422 naming $field', async ({ method, path, field }) => {
    const head = await headSeq();
    const res = await api(s.url, path, { method });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'invalid_input', field });
    expect(await headSeq()).toBe(head);
    expect((await api(s.url, entryPath(ns, key))).body).toEqual(original);
  });

  it('an unknown route is a JSON 404', async () => {
    const res = await api(s.url, '/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('compare-and-set under contention', () => {
  it('8 concurrent incrementers doing 25 increments each lose no increment', async () => {
    const ns = 'cas';
    const key = 'counter';
    let conflicts = 0;

    const incrementer = async (worker: number) => {
      for (let done = 0; done < 25;) {
        const current = await api(s.url, entryPath(ns, key));
        const [value, version] = current.status === 404 ? [0, 0] : [current.body.value as number, current.body.version as number];
        const res = await put({ namespace: ns, key, value: String(value + 1), ifVersion: version }, { 'x-baton-actor': `w${worker}` });
        if (res.status === 409) {
          conflicts++;
          expect(res.body.error.currentVersion).toBeGreaterThan(version);
          continue;
        }
        expect(res.status).toBe(version === 0 ? 201 : 200);
        expect(res.body.version).toBe(version + 1);
        done++;
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => incrementer(w)));

    const final = await api(s.url, entryPath(ns, key));
    expect(final.body).toMatchObject({ value: 200, version: 200 });
    // Every accepted write is one feed row, in version order.
    const versions = s.app.feed
      .readForRooms(0, [`ns:${ns}`], 1000)
      .filter((c) => c.key === key)
      .map((c) => c.version);
    expect(versions).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // The workers really did collide; otherwise this test proves nothing about CAS.
    expect(conflicts).toBeGreaterThan(0);
  });
});
