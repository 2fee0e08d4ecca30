import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../lib/events.ts';
import { followFeed } from '../lib/feed-client.ts';
import { api, connectClient, startTestServer, waitFor, type TestServer } from './helpers.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The caller's environment without any Baton settings, so each run says exactly where it goes. */
const cleanEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !k.startsWith('BATON_') && k !== 'DATABASE_PATH')) as Record<
    string,
    string
  >;

/**
 * Runs the real `baton` binary, asynchronously: the test server lives in this process and must
 * keep answering while the CLI waits on it.
 */
function baton(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['cli/bin.mjs', ...args], {
      cwd: root,
      env: { ...cleanEnv(), ...options.env } as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

let s: TestServer;
/** `baton --url <test server> …` with the admin token in BATON_TOKEN. */
const cli = (args: string[], options: { env?: Record<string, string>; input?: string } = {}) =>
  baton(['--url', s.url, ...args], { ...options, env: { BATON_TOKEN: s.token, ...options.env } });

beforeAll(async () => {
  s = await startTestServer({ feedPollMs: 20 });
});
afterAll(async () => {
  await s?.close();
});

// Each run of the binary costs about a second of CPU, so the tests spawn only what they check
// and set up or verify everything else in-process over REST.
describe('baton memory against a running server', () => {
  it('stores from an argument and from stdin, gets, lists, searches, shows history, deletes', async () => {
    const [stored, piped] = await Promise.all([
      cli(['memory', 'store', 'session/cli/state', '{"step":1,"files":["a.ts"]}', '-n', 'cli']),
      cli(['memory', 'store', 'session/cli/notes', '-', '-n', 'cli', '--ttl', '3600', '--json'], { input: 'line one\nline two\n' }),
      api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: 'cli-other', key: 'session/elsewhere/state', value: 'plain' } }),
    ]);
    expect(stored.code, stored.stderr).toBe(0);
    expect(stored.stdout).toMatch(/^stored cli\/session\/cli\/state v1 \(seq \d+\)\n$/);
    expect(piped.code, piped.stderr).toBe(0);
    const pipedResult = JSON.parse(piped.stdout);
    expect(pipedResult).toMatchObject({ stored: true, namespace: 'cli', key: 'session/cli/notes', version: 1, size: 17 });
    expect(Date.parse(pipedResult.expiresAt)).toBeGreaterThan(Date.now() + 3500_000);
    const notes = await api(s.url, '/api/v1/memory/entry?namespace=cli&key=session/cli/notes');
    // The newline that ends piped input is not part of the value (as with an argument).
    expect(notes.body).toMatchObject({ raw: 'line one\nline two', updatedBy: 'token:tests' });
    const v2 = await api(s.url, '/api/v1/memory/entry', {
      method: 'PUT',
      json: { namespace: 'cli', key: 'session/cli/state', value: '{"step":2,"files":["a.ts","b.ts"]}' },
    });
    expect(v2.body).toMatchObject({ version: 2 });

    const [human, json, list, search, history] = await Promise.all([
      cli(['memory', 'get', 'session/cli/state', '-n', 'cli']),
      cli(['--json', 'memory', 'get', 'session/cli/state', '-n', 'cli']),
      cli(['memory', 'list', '-n', 'cli']),
      cli(['memory', 'search', '*/state']),
      cli(['memory', 'history', 'session/cli/state', '-n', 'cli']),
    ]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toBe(`${JSON.stringify({ step: 2, files: ['a.ts', 'b.ts'] }, null, 2)}\n`);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ namespace: 'cli', key: 'session/cli/state', version: 2, value: { step: 2 }, isJson: true });

    expect(list.code, list.stderr).toBe(0);
    expect(
      list.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t').slice(0, 2)),
    ).toEqual([
      ['session/cli/notes', 'v1'],
      ['session/cli/state', 'v2'],
    ]);
    expect(list.stdout).toMatch(/session\/cli\/notes\tv1\t\S+\texpires /);

    // Without -n, search covers every namespace.
    expect(search.code, search.stderr).toBe(0);
    expect(search.stdout.trim().split('\n').sort()).toEqual(['cli-other\tsession/elsewhere/state\tv1', 'cli\tsession/cli/state\tv2'].sort());

    expect(history.code, history.stderr).toBe(0);
    expect(
      history.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t').slice(0, 3)),
    ).toEqual([
      ['v2', 'store', 'token:tests'],
      ['v1', 'store', 'token:tests'],
    ]);

    const deleted = await cli(['memory', 'delete', 'session/cli/notes', '-n', 'cli']);
    expect(deleted).toMatchObject({ code: 0, stdout: 'deleted cli/session/cli/notes\n' });
    expect((await api(s.url, '/api/v1/memory/entry?namespace=cli&key=session/cli/notes')).status).toBe(404);
  });

  it('exits 2 on invalid input, 3 not found, 4 version conflict, 5 unreachable, 1 unauthorized', async () => {
    await api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: 'codes', key: 'codes/k', value: 'v1' } });
    const [emptyKey, badTtl, missing, conflict, unreachable, noToken] = await Promise.all([
      cli(['--json', 'memory', 'store', '', 'x', '-n', 'codes']),
      cli(['memory', 'store', 'codes/k', 'x', '-n', 'codes', '--ttl', 'soon']),
      cli(['memory', 'get', 'codes/missing', '-n', 'codes']),
      cli(['memory', 'store', 'codes/k', 'x', '-n', 'codes', '--if-version', '7']),
      baton(['--url', 'http://127.0.0.1:1', 'memory', 'get', 'codes/k', '-n', 'codes'], { env: { BATON_TOKEN: s.token } }),
      baton(['--url', s.url, 'memory', 'store', 'codes/k', 'x', '-n', 'codes']),
    ]);
    expect(emptyKey.code, emptyKey.stderr).toBe(2);
    // --json puts the error on stderr as JSON, naming the field.
    expect(JSON.parse(emptyKey.stderr)).toMatchObject({ error: { code: 'invalid_input', field: 'key' } });
    expect(badTtl.code, badTtl.stderr).toBe(2);
    expect(badTtl.stderr).toMatch(/^baton: ttl: /);
    expect(missing).toMatchObject({ code: 3, stdout: '' });
    expect(missing.stderr).toMatch(/not found: codes\/codes\/missing/);
    expect(conflict.code, conflict.stderr).toBe(4);
    expect(unreachable.code, unreachable.stderr).toBe(5);
    expect(unreachable.stderr).toMatch(/Cannot reach Baton at http:\/\/127\.0\.0\.1:1/);
    expect(noToken.code, noToken.stderr).toBe(1);

    // Nothing above changed the entry.
    const entry = await api(s.url, '/api/v1/memory/entry?namespace=codes&key=codes/k');
    expect(entry.body).toMatchObject({ version: 1, value: 'v1' });
  });
});

describe('baton token', () => {
  it('creates a token that works, lists it, and revokes it so it stops working', async () => {
    const created = await cli(['--json', 'token', 'create', 'ci-bot', '--scope', 'write:cli-tokens']);
    expect(created.code, created.stderr).toBe(0);
    const { id, token } = JSON.parse(created.stdout) as { id: string; token: string };
    expect(token).toEqual(expect.any(String));

    const asBot = (args: string[]) => baton(['--url', s.url, ...args], { env: { BATON_TOKEN: token } });
    const [store, list] = await Promise.all([asBot(['memory', 'store', 'bot/state', 'working', '-n', 'cli-tokens']), cli(['token', 'list'])]);
    expect(store.code, store.stderr).toBe(0);
    expect(store.stdout).toMatch(/^stored cli-tokens\/bot\/state v1/);
    expect(list.code, list.stderr).toBe(0);
    const row = list.stdout.split('\n').find((l) => l.startsWith(`${id}\t`));
    expect(row).toMatch(/\tci-bot\t.*\twrite:cli-tokens\tlast used /);

    const revoked = await cli(['token', 'revoke', id]);
    expect(revoked).toMatchObject({ code: 0, stdout: `revoked ${id}\n` });
    const [after, doctor] = await Promise.all([asBot(['memory', 'store', 'bot/state', 'after revoke', '-n', 'cli-tokens']), asBot(['doctor'])]);
    expect(after.code, after.stderr).toBe(1);
    // doctor checks the token, not only that the server is up.
    expect(doctor.code, doctor.stdout).toBe(1);
    expect(doctor.stdout).toMatch(/✓ server /);
    expect(doctor.stdout).toMatch(/✗ token     rejected \(401\)/);
    const tokens = await api(s.url, '/api/v1/tokens');
    expect(tokens.body.items.find((t: { id: string }) => t.id === id).revokedAt).toEqual(expect.any(String));
    expect((await api(s.url, '/api/v1/memory/entry?namespace=cli-tokens&key=bot/state')).body).toMatchObject({ version: 1, value: 'working' });
  });
});

describe('baton doctor', () => {
  it('passes against the server with a good token, fails without one or against an unreachable URL', async () => {
    const [good, bad, noToken] = await Promise.all([cli(['doctor']), baton(['--url', 'http://127.0.0.1:1', 'doctor']), baton(['--url', s.url, 'doctor'])]);
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toMatch(/✓ node/);
    expect(good.stdout).toContain(`✓ server    ${s.url} answered 200`);
    expect(good.stdout).toContain('✓ token     accepted: token "tests" (admin:*)');
    expect(noToken.code).toBe(1);
    expect(noToken.stdout).toMatch(/✗ token     none given: set BATON_TOKEN/);
    // Exit codes as documented: unreachable is 5, a refused or missing token 1.
    expect(bad.code).toBe(5);
    expect(bad.stdout).toMatch(/✗ server    http:\/\/127\.0\.0\.1:1 unreachable/);
  });
});

describe('baton --db', () => {
  it('writes the database file directly, and the running server’s subscribers see it', async () => {
    const socket = connectClient(s.url);
    const received: Change[] = [];
    const feed = followFeed(socket, {
      rooms: ['ns:cli-direct'],
      sinceSeq: s.app.feed.headSeq(),
      onChanges: (changes) => received.push(...changes),
      onResync: async () => s.app.feed.headSeq(),
    });
    try {
      await waitFor(() => feed.status === 'live', 5000, 'the feed to go live');
      const r = await baton([
        '--db',
        s.dbPath,
        '--actor',
        'night-shift',
        '--json',
        'memory',
        'store',
        'session/direct/state',
        '{"ok":true}',
        '-n',
        'cli-direct',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result).toMatchObject({ stored: true, namespace: 'cli-direct', key: 'session/direct/state', version: 1 });
      await waitFor(() => received.some((c) => c.seq === result.seq), 5000, 'the direct write to be broadcast');
      expect(received.find((c) => c.seq === result.seq)).toMatchObject({
        op: 'store',
        namespace: 'cli-direct',
        key: 'session/direct/state',
        value: '{"ok":true}',
        actor: 'cli:night-shift',
      });
      const viaServer = await api(s.url, '/api/v1/memory/entry?namespace=cli-direct&key=session/direct/state');
      expect(viaServer.body).toMatchObject({ version: 1, value: { ok: true }, updatedBy: 'cli:night-shift' });
    } finally {
      feed.close();
      socket.close();
    }
  });
});

describe('baton session handoff and baton handoff', () => {
  it('hands a session to the team, shows it, accepts it (the continuation is printed), with meaningful exit codes', async () => {
    expect(
      (
        await api(s.url, '/api/v1/memory/entry', {
          method: 'PUT',
          json: {
            namespace: 'session-management',
            key: 'session/cli-h1/init',
            value: JSON.stringify({ session_id: 'cli-h1', title: 'CLI work', goals: ['one'] }),
          },
        })
      ).status,
    ).toBe(201);
    const created = await cli([
      'session',
      'handoff',
      'cli-h1',
      '--to',
      'team',
      '--note',
      'Watch the cache',
      '--decision',
      'Keep Redis?',
      '--tests',
      'unit green',
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const id = /: (ho_[\w-]+) \(pending/.exec(created.stdout)?.[1];
    expect(created.stdout, created.stdout).toMatch(/^handed cli-h1 to anyone on the team: ho_[\w-]+ \(pending, expires .+\)\nreview: \/handoffs\/ho_/);
    const h = (await api(s.url, `/api/v1/handoffs/${id}`)).body;
    expect(h).toMatchObject({
      source: 'cli',
      summary: { notes: ['Watch the cache'] },
      context: { decisionsNeeded: ['Keep Redis?'], testStatus: 'unit green' },
    });

    const [again, shown, listed] = await Promise.all([
      cli(['session', 'handoff', 'cli-h1', '--to', 'team']),
      cli(['--json', 'handoff', 'show', id!]),
      cli(['handoff', 'list', '--box', 'all', '--status', 'pending']),
    ]);
    expect(again.code).toBe(4); // already an open handoff: a conflict
    expect(again.stderr).toContain('already has an open handoff');
    expect(JSON.parse(shown.stdout).handoff.checklist.map((c: { text: string }) => c.text)).toContain('Decide: Keep Redis?');
    expect(listed.stdout).toContain(`${id}\tpending\t`);

    const accepted = await cli(['handoff', 'accept', id!]);
    expect(accepted).toMatchObject({ code: 0, stdout: `accepted ${id}: continue in cli-h1-h1\n` });
    expect((await api(s.url, '/api/v1/sessions/cli-h1-h1')).body).toMatchObject({ parentId: 'cli-h1', status: 'active' });

    const [missing, noReason] = await Promise.all([cli(['session', 'handoff', 'no-such-session', '--to', 'team']), cli(['handoff', 'decline', id!])]);
    expect(missing.code).toBe(3);
    expect(noReason.code).not.toBe(0);
    expect(noReason.stderr).toContain('--reason');
  });
});

describe('baton session analytics', () => {
  it('prints computed figures from the server (human and --json), from a database file with --db, and names a bad option', async () => {
    expect(
      (
        await api(s.url, '/api/v1/memory/entry', {
          method: 'PUT',
          json: {
            namespace: 'session-management',
            key: 'session/cli-a1/init',
            value: JSON.stringify({ session_id: 'cli-a1', session_type: 'review', title: 'CLI review', project: 'cli-analytics', goals: ['one', 'two'] }),
          },
        })
      ).status,
    ).toBe(201);
    const listed = (await api(s.url, '/api/v1/sessions/cli-a1')).body;
    await api(s.url, `/api/v1/sessions/cli-a1/goals/${listed.goals[0].id}`, { method: 'PATCH', json: { done: true } });
    const [human, json, bad] = await Promise.all([
      cli(['session', 'analytics', '--days', '7', '--project', 'cli-analytics', '--tz', 'UTC']),
      cli(['--json', 'session', 'analytics', '--type', 'review', '--project', 'cli-analytics']),
      cli(['session', 'analytics', '--days', '400']),
    ]);
    expect(human.stderr).toBe('');
    expect(human.stdout).toContain('Last 7 days');
    expect(human.stdout).toMatch(/Sessions\s+1 \(1 active/);
    expect(human.stdout).toMatch(/Goals\s+1\/2 done \(50 %\); 1 ticked in the window/);
    expect(
      human.stdout
        .trim()
        .split('\n')
        .filter((l) => /^\d{4}-\d{2}-\d{2} /.test(l)),
    ).toHaveLength(7);
    const a = JSON.parse(json.stdout).analytics;
    expect(a.query).toMatchObject({ days: 14, type: 'review', project: 'cli-analytics' });
    expect(a.sessionRows.map((r: { id: string }) => r.id)).toEqual(['cli-a1']);
    expect(a.writes.byKind.agent).toBeGreaterThanOrEqual(1); // the token's init write
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('days')]);

    // Straight from the database file: the same figures without a server round trip.
    const local = await baton(['--db', s.dbPath, '--json', 'session', 'analytics', '--project', 'cli-analytics']);
    expect(local.stderr).toBe('');
    expect(JSON.parse(local.stdout).analytics.goals).toEqual(a.goals);
  });
});
