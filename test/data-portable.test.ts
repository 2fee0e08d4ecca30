// Export and import (issue 17): NDJSON records, a round trip that gives the same records, the three
// modes on conflicting data, all-or-nothing on a corrupt line, and the import in the change feed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { txRunner } from '../db/client.ts';
import type { Change } from '../lib/events.ts';
import { api, connectClient, connected, startTestServer, waitFor, type TestServer } from './helpers.ts';

const N = 10_000;

async function exportOf(s: TestServer, query = ''): Promise<string[]> {
  const res = await fetch(`${s.url}/api/v1/export${query}`, { headers: { authorization: `Bearer ${s.token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/x-ndjson');
  const text = await res.text();
  return text.split('\n').filter((l) => l !== '');
}

async function importInto(s: TestServer, body: string, query: string) {
  const res = await fetch(`${s.url}/api/v1/import${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/x-ndjson' },
    body,
  });
  return { status: res.status, body: await res.json() };
}

describe('round trip: export A, import into an empty B, export B', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    [a, b] = await Promise.all([startTestServer(), startTestServer()]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it(`gives the same records for the seed's data plus ${N.toLocaleString()} entries with history`, async () => {
    expect((await api(a.url, '/api/v1/examples', { method: 'POST', json: {} })).status).toBe(201);
    const sessions = (await api(a.url, '/api/v1/sessions')).body.items as { id: string }[];
    expect(sessions.length).toBeGreaterThan(0);
    expect((await api(a.url, `/api/v1/sessions/${sessions[0]!.id}/checkpoints`, { method: 'POST', json: { label: 'before export' } })).status).toBe(201);
    const m = a.app.memory;
    txRunner(a.app.db.sqlite).immediate(() => {
      for (let i = 0; i < N; i++) {
        const ns = `gen-${i % 7}`;
        const key = `k/${String(i).padStart(5, '0')}`;
        for (let v = 0; v < 1 + (i % 3); v++) m.store({ namespace: ns, key, value: JSON.stringify({ i, v, text: 'x'.repeat(i % 50) }) }, `writer-${i % 5}`);
        if (i % 1000 === 0) m.delete({ namespace: ns, key }, 'cleaner'); // history without a live entry
      }
    });
    // The seed held the event loop for seconds (on PostgreSQL, ~20): let the servers close the keep-alive
    // sockets that timed out meanwhile, so the next request is not sent on one of them (ECONNRESET).
    await new Promise((r) => setTimeout(r, 100));

    // The sweeper may append changes (autosave, idle sessions) while the export runs: its seq is the
    // snapshot's, between the head before and after.
    const headBefore = a.app.feed.headSeq();
    const first = await exportOf(a);
    const header = JSON.parse(first[0]!);
    expect(header).toMatchObject({ format: 'baton-export', version: 1 });
    expect(header.seq).toBeGreaterThanOrEqual(headBefore);
    expect(header.seq).toBeLessThanOrEqual(a.app.feed.headSeq());
    const types = new Set(first.slice(1).map((l) => JSON.parse(l).type));
    for (const t of ['user', 'entry', 'history', 'session', 'item', 'checkpoint', 'handoff']) expect(types, t).toContain(t);
    const text = first.join('\n');
    for (const secret of [a.token, '"password":', 'tokenHash', 'token_hash', '"secret"']) expect(text).not.toContain(secret);

    const imported = await importInto(b, `${first.join('\n')}\n`, '?mode=skip');
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body.counts.entry.created).toBeGreaterThanOrEqual(N - 10);

    const second = await exportOf(b);
    expect(JSON.parse(second[0]!)).toMatchObject({ format: 'baton-export', version: 1 });
    expect(second.length).toBe(first.length);
    const differing = second.slice(1).findIndex((line, i) => line !== first[i + 1]);
    expect(differing === -1 ? null : { line: differing + 2, a: first[differing + 1]!.slice(0, 300), b: second[differing + 1]!.slice(0, 300) }).toBeNull();

    // B kept A's checkpoint ids: the next one B draws is above them (PostgreSQL's identity was moved past them).
    const kept = Math.max(
      ...second
        .map((l) => JSON.parse(l))
        .filter((r) => r.type === 'checkpoint')
        .map((r) => r.id as number),
    );
    const next = await api(b.url, `/api/v1/sessions/${sessions[0]!.id}/checkpoints`, { method: 'POST', json: { label: 'after import' } });
    expect(next.status, JSON.stringify(next.body)).toBe(201);
    const newest = b.app.db.sqlite.prepare<[], { id: number }>('SELECT max(id) AS id FROM session_checkpoints').get()!.id;
    expect(newest).toBeGreaterThan(kept);
  }, 120_000);
});

describe('import modes, dry run, errors', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  const header = JSON.stringify({ format: 'baton-export', version: 1, exportedAt: '2026-01-01T00:00:00.000Z', seq: 1 });
  const entry = (key: string, value: string, updatedAt: number) =>
    JSON.stringify({
      type: 'entry',
      namespace: 'modes',
      key,
      value,
      version: 1,
      createdAt: updatedAt,
      updatedAt,
      updatedBy: 'elsewhere',
      expiresAt: null,
      history: [{ op: 'store', version: 1, value, actor: 'elsewhere', at: updatedAt, expiresAt: null }],
    });
  const value = async (key: string) => (await api(s.url, `/api/v1/memory/entry?namespace=modes&key=${key}`)).body;

  it('skip keeps what is here, overwrite replaces it, merge keeps the newer; each write is a new version in the feed', async () => {
    for (const k of ['a', 'b']) await api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: 'modes', key: k, value: `here-${k}` } });
    const hereAt = Date.parse((await value('a')).updatedAt);
    const file = [header, entry('a', 'file-a-newer', hereAt + 60_000), entry('b', 'file-b-older', hereAt - 60_000), entry('c', 'file-c', hereAt)].join('\n');

    const skip = await importInto(s, file, '?mode=skip');
    expect(skip.body.counts.entry).toEqual({ skipped: 2, created: 1 });
    expect((await value('a')).raw).toBe('here-a');
    expect((await value('c')).raw).toBe('file-c');
    expect((await value('c')).updatedBy).toBe('elsewhere');

    const dry = await importInto(s, file, '?mode=overwrite&dryRun=1');
    expect(dry.body).toMatchObject({ dryRun: true, counts: { entry: { overwritten: 3 } } });
    expect((await value('a')).raw).toBe('here-a');

    const other = connectClient(s.url);
    await connected(other);
    const seen: Change[] = [];
    other.on('feed:changes', (changes) => seen.push(...changes));
    expect((await other.emitWithAck('subscribe', { rooms: ['ns:modes'], sinceSeq: s.app.feed.headSeq() })).ok).toBe(true);

    const merge = await importInto(s, file, '?mode=merge');
    expect(merge.body.counts.entry).toEqual({ merged: 1, kept: 2 });
    expect(await value('a')).toMatchObject({ raw: 'file-a-newer', version: 2 });
    expect((await value('b')).raw).toBe('here-b');
    await waitFor(() => seen.some((c) => c.key === 'a' && c.version === 2), 5000, 'the merged key on an open screen');

    const overwrite = await importInto(s, file, '?mode=overwrite');
    expect(overwrite.body.counts.entry).toEqual({ overwritten: 3 });
    expect(await value('b')).toMatchObject({ raw: 'file-b-older', version: 2 });
    await waitFor(() => seen.some((c) => c.key === 'b' && c.version === 2), 5000, 'the overwritten key on an open screen');
    other.close();
    const audit = s.app.audit.list({ action: 'data.import', limit: 5 }).items;
    expect(audit.filter((row) => row.action === 'data.import').length).toBe(3);
  });

  it('a corrupt line at 5,001 stops the import with its line number and applies nothing', async () => {
    const lines = [header];
    for (let i = 2; i <= 6000; i++) lines.push(entry(`bulk-${i}`, `v${i}`, 1_700_000_000_000));
    lines[5000] = lines[5000]!.replace('"version":1,"createdAt"', '"version":"one","createdAt"');
    const before = s.app.feed.headSeq();
    const res = await importInto(s, lines.join('\n'), '?mode=overwrite');
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/^line 5001: version:/);
    expect(res.body.error.field).toBe('line 5001: version');
    expect(s.app.feed.headSeq()).toBe(before);
    expect((await api(s.url, '/api/v1/memory/entry?namespace=modes&key=bulk-2')).status).toBe(404);

    lines[5000] = '{"type":"entry",';
    expect((await importInto(s, lines.join('\n'), '')).body.error.message).toMatch(/^line 5001: not a JSON object/);
    lines[5000] = '{"type":"secret"}';
    expect((await importInto(s, lines.join('\n'), '')).body.error.field).toBe('line 5001: type');
    expect((await importInto(s, lines.slice(1).join('\n'), '')).body.error.field).toMatch(/^line 1/);
    expect(s.app.feed.headSeq()).toBe(before);
  });

  it('needs an admin: a writer is refused before the body is read', async () => {
    const writer = s.app.identity.createToken(s.admin, { name: 'writer', scopes: [{ access: 'write', namespaces: '*' }] }, null).token;
    const res = await fetch(`${s.url}/api/v1/import`, { method: 'POST', headers: { authorization: `Bearer ${writer}` }, body: 'not even json' });
    expect(res.status).toBe(403);
    expect((await fetch(`${s.url}/api/v1/export`, { headers: { authorization: `Bearer ${writer}` } })).status).toBe(403);
  });
});
