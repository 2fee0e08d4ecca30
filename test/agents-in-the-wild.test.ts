// Issue 21: what breaks when real agents and real teams use Baton. Each block is one item of it.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withBatonHooks } from '../cli/hooks.ts';
import { api, startTestServer, type TestServer } from './helpers.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
let s: TestServer;
const cleanup: (() => Promise<unknown> | void)[] = [];

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
  await s?.close();
});

/** A token of its own (a teammate, another agent). */
function tokenFor(name: string, scopes = [{ access: 'write' as const, namespaces: '*' }]): string {
  return s.app.identity.createToken(s.admin, { name, scopes }, null).token;
}

async function mcpAs(token: string): Promise<Client> {
  const client = new Client({ name: 'wild', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  cleanup.push(() => client.close());
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>) {
  const r = (await client.callTool({ name, arguments: args })) as { isError?: boolean; content: { text: string }[] };
  return { isError: !!r.isError, body: JSON.parse(r.content[0]!.text) };
}

/** The real binary, from `cwd` (default: a directory outside the checkout), hook JSON on stdin. */
function baton(
  args: string[],
  options: { stdin?: string; env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, BATON_URL: s.url, BATON_TOKEN: s.token, ...options.env })) if (v !== undefined) env[k] = v;
    const child = spawn(process.execPath, [join(root, 'cli/bin.mjs'), ...args], { cwd: options.cwd ?? tmpdir(), env: env as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

const board = async (id: string) => (await api(s.url, `/api/v1/sessions/${id}`)).body;

describe('1. session tools pick the right session', () => {
  it("a call without sessionId acts on the session this MCP connection started, not on a teammate's newer one", async () => {
    const agent = await mcpAs(tokenFor('agent-a'));
    expect((await call(agent, 'session_start', { sessionId: 'agent-a-session', title: 'A' })).isError).toBe(false);
    // A teammate starts a session afterwards (the most recently active one on the server).
    const teammate = tokenFor('teammate-b');
    const put = await api(s.url, '/api/v1/memory/entry', {
      method: 'PUT',
      token: teammate,
      json: {
        namespace: 'session-management',
        key: 'session/teammate-b-session/init',
        value: JSON.stringify({ session_id: 'teammate-b-session', title: 'B' }),
      },
    });
    expect(put.status).toBe(201);
    const r = await call(agent, 'session_checkpoint', { label: "A's checkpoint" });
    expect(r.body.sessionId).toBe('agent-a-session');
    expect((await board('agent-a-session')).checkpoints[0]).toMatchObject({ label: "A's checkpoint" });
    expect(JSON.stringify((await board('teammate-b-session')).checkpoints)).not.toContain("A's checkpoint");
    // Resuming another session makes it this connection's session.
    await call(agent, 'session_resume', { sessionId: 'teammate-b-session' });
    expect((await call(agent, 'agent_register', { name: 'helper' })).body.sessionId).toBe('teammate-b-session');
  });

  it("a new connection acts on the caller's own latest open session; without one the error names the choices", async () => {
    const token = tokenFor('owner-c');
    await api(s.url, '/api/v1/memory/entry', {
      method: 'PUT',
      token,
      json: { namespace: 'session-management', key: 'session/own-c/init', value: JSON.stringify({ session_id: 'own-c', title: 'C' }) },
    });
    // Someone else's session is newer.
    await api(s.url, '/api/v1/memory/entry', {
      method: 'PUT',
      token: tokenFor('someone-else'),
      json: { namespace: 'session-management', key: 'session/newer-d/init', value: JSON.stringify({ session_id: 'newer-d', title: 'D' }) },
    });
    const again = await mcpAs(token);
    expect((await call(again, 'session_checkpoint', { label: 'mine' })).body.sessionId).toBe('own-c');

    const stranger = await mcpAs(tokenFor('no-sessions'));
    const refused = await call(stranger, 'session_checkpoint', { label: 'whose?' });
    expect(refused.isError).toBe(true);
    expect(refused.body).toMatchObject({ code: 'invalid_input', field: 'sessionId' });
    expect(refused.body.error).toMatch(/newer-d \("D"/);
    expect(refused.body.error).toMatch(/own-c \("C"/);
  });

  it("'my own session' is decided by the token's id: another token with the same name is someone else", async () => {
    // Two tokens both named "claude": the admin's, and a second one (its own id) that starts a session.
    const theirs = tokenFor('claude');
    await api(s.url, '/api/v1/memory/entry', {
      method: 'PUT',
      token: theirs,
      json: { namespace: 'session-management', key: 'session/their-claude/init', value: JSON.stringify({ session_id: 'their-claude', title: 'Theirs' }) },
    });
    const mine = await mcpAs(tokenFor('claude'));
    const r = await call(mine, 'session_checkpoint', { label: 'not theirs' });
    expect(r.isError).toBe(true);
    expect(r.body).toMatchObject({ code: 'invalid_input', field: 'sessionId' });
    expect(JSON.stringify((await board('their-claude')).checkpoints)).not.toContain('not theirs');
    // Over REST, `mine=true` lists what the caller started, by id.
    const listed = await api(s.url, '/api/v1/sessions?mine=true', { token: theirs });
    expect(listed.body.items.map((x: { id: string }) => x.id)).toEqual(['their-claude']);
  });

  it('session_handoff needs an explicit recipient: an empty call hands nothing to the team', async () => {
    const agent = await mcpAs(tokenFor('handoff-agent'));
    await call(agent, 'session_start', { sessionId: 'handoff-needs-to' });
    const r = await call(agent, 'session_handoff', {});
    expect(r.isError).toBe(true);
    expect(r.body).toMatchObject({ code: 'invalid_input', field: 'to' });
    expect((await board('handoff-needs-to')).handoffs ?? []).toEqual([]);
    expect((await call(agent, 'session_handoff', { to: 'team' })).body.handoff).toMatchObject({ sessionId: 'handoff-needs-to', to: expect.any(String) });
  });
});

describe('2. Claude Code hooks, current versions', () => {
  let project: string;
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'baton-wild-'));
    cleanup.push(() => rmSync(project, { recursive: true, force: true }));
  });
  const hook = (action: string, input: Record<string, unknown>, env: Record<string, string | undefined> = {}) =>
    baton(['hooks', action], { stdin: JSON.stringify({ session_id: 'wild-0001', cwd: project, ...input }), env: { CLAUDE_PROJECT_DIR: undefined, ...env } });

  it('install writes a portable command (no path of this machine) and ignores .baton/', async () => {
    writeFileSync(join(project, '.gitignore'), 'node_modules/');
    const r = await baton(['hooks', 'install', '--project', project]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(project, '.claude', 'settings.json'), 'utf8');
    expect(text).not.toContain(root);
    const commands = Object.values(JSON.parse(text).hooks as Record<string, { hooks: { command: string }[] }[]>).flatMap((e) =>
      e.flatMap((h) => h.hooks.map((x) => x.command)),
    );
    // Each runs `baton hooks <action>` from the PATH; the resume hook is guarded by a shell test on the project's own .baton/.
    expect(
      commands.filter(
        (c) => !/^baton hooks [a-z-]+$/.test(c) && !/^test -f "\$\{CLAUDE_PROJECT_DIR:-\.\}\/\.baton\/waiting" && baton hooks resumed \|\| true$/.test(c),
      ),
    ).toEqual([]);
    expect(readFileSync(join(project, '.gitignore'), 'utf8')).toBe('node_modules/\n.baton/\n');
    expect(withBatonHooks({}).hooks).toMatchObject({
      PostToolUse: expect.arrayContaining([expect.objectContaining({ matcher: 'TodoWrite|TaskCreate|TaskUpdate' })]),
    });
  });

  it('TaskCreate/TaskUpdate drive milestones; paths are stored relative to the project; over-long fields never exit 2', async () => {
    const start = await hook('session-start', { hook_event_name: 'SessionStart' });
    expect(start.code, start.stderr).toBe(0);
    const id = readFileSync(join(project, '.baton', 'session'), 'utf8').trim();
    expect((await api(s.url, `/api/v1/sessions/${id}/goals`, { method: 'POST', json: { text: 'Ship the login' } })).status).toBe(201);

    const created = await hook('todos', {
      hook_event_name: 'PostToolUse',
      tool_name: 'TaskCreate',
      tool_input: { subject: 'Ship the login', description: 'd', activeForm: 'Shipping the login' },
      tool_response: { task: { id: '1', subject: 'Ship the login' } },
    });
    expect(created.code, created.stderr).toBe(0);
    const working = await hook('todos', { hook_event_name: 'PostToolUse', tool_name: 'TaskUpdate', tool_input: { taskId: '1', status: 'in_progress' } });
    expect(working.code, working.stderr).toBe(0);
    expect((await board(id)).agents.find((a: { name: string }) => a.name === 'claude-code')).toMatchObject({
      status: 'busy',
      currentTask: 'Shipping the login',
    });
    const done = await hook('todos', { hook_event_name: 'PostToolUse', tool_name: 'TaskUpdate', tool_input: { taskId: '1', status: 'completed' } });
    expect(done.stdout).toMatch(/goal done — Ship the login/);

    const edit = await hook('file-touched', { hook_event_name: 'PostToolUse', tool_name: 'Edit', tool_input: { file_path: join(project, 'src', 'auth.ts') } });
    expect(edit.code, edit.stderr).toBe(0);
    expect((await board(id)).files.map((f: { path: string }) => f.path)).toContain('src/auth.ts');

    // A task far longer than Baton keeps, and a path longer than it accepts: cut, not refused.
    const long = await hook('todos', {
      hook_event_name: 'PostToolUse',
      tool_name: 'TodoWrite',
      tool_input: { todos: [{ content: 'x'.repeat(5000), status: 'in_progress', activeForm: 'y'.repeat(5000) }] },
    });
    expect(long.code, long.stderr).toBe(0);
    const longPath = await hook('file-touched', { hook_event_name: 'PostToolUse', tool_name: 'Write', tool_input: { file_path: `${'d/'.repeat(1500)}f.ts` } });
    expect(longPath.code, longPath.stderr).toBe(0);
  });

  it('Stop records a checkpoint only when something changed; the hook after a resume makes the session active again', async () => {
    const id = readFileSync(join(project, '.baton', 'session'), 'utf8').trim();
    const first = await hook('checkpoint', { hook_event_name: 'Stop' });
    expect(first.code, first.stderr).toBe(0);
    const second = await hook('checkpoint', { hook_event_name: 'Stop' });
    expect(second.code, second.stderr).toBe(0);
    expect((await board(id)).checkpoints.filter((c: { label: string }) => c.label === 'Agent stopped')).toHaveLength(1);

    expect((await hook('checkpoint', { hook_event_name: 'SessionEnd' })).code).toBe(0);
    expect((await board(id)).status).toBe('interrupted');
    const resumed = await hook('session-start', { hook_event_name: 'SessionStart', source: 'resume' });
    expect(resumed.stdout).toMatch(/\(interrupted\)/);
    await hook('file-touched', { hook_event_name: 'PostToolUse', tool_name: 'Edit', tool_input: { file_path: 'src/next.ts' } });
    expect((await board(id)).status).toBe('active');
  });

  it('says what failed (server down, token refused, no configuration) instead of "Internal error", and never exits 2', async () => {
    const [down, refused, unconfigured] = await Promise.all([
      hook('checkpoint', { hook_event_name: 'Stop' }, { BATON_URL: 'http://127.0.0.1:1' }),
      hook('checkpoint', { hook_event_name: 'Stop' }, { BATON_TOKEN: 'btn_not_a_real_token' }),
      hook('checkpoint', { hook_event_name: 'Stop' }, { BATON_URL: undefined, BATON_TOKEN: undefined }),
    ]);
    for (const r of [down, refused, unconfigured]) {
      expect(r.code).not.toBe(2);
      expect(r.code).not.toBe(0);
      expect(r.stderr).not.toMatch(/Internal error/);
    }
    expect(down.stderr).toMatch(/Cannot reach Baton at http:\/\/127\.0\.0\.1:1 .*set BATON_URL/);
    expect(refused.stderr).toMatch(/token was refused/);
    expect(unconfigured.stderr).toMatch(/not configured.*BATON_URL and BATON_TOKEN/);
  });
});

describe('3. a CLI nobody else names, that works from any directory', () => {
  it('has a package name of its own with the baton bin, and baton --version', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('baton-sessions');
    expect(pkg.bin).toMatchObject({ baton: 'cli/bin.mjs', 'baton-sessions': 'cli/bin.mjs' });
    const r = await baton(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });
});

describe('4. auth discovery and errors, per the MCP authorization spec', () => {
  it('/mcp answers 401 with WWW-Authenticate: Bearer and a JSON-RPC body; a refused token is told so', async () => {
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}',
    };
    const none = await fetch(`${s.url}/mcp`, init);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${s.url}/.well-known/oauth-protected-resource/mcp"`);
    expect(await none.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32001, message: expect.stringMatching(/needs an API token/) } });
    const bad = await fetch(`${s.url}/mcp`, { ...init, headers: { ...init.headers, authorization: 'Bearer btn_revoked_or_made_up' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata=".*", error="invalid_token"/);
    const body = await bad.json();
    expect(body.error.message).toMatch(/^The token was refused/);
    expect(body.error.message).not.toMatch(/Sign in/);
  });

  it('serves protected resource metadata, and JSON 404s (never HTML or a redirect) under /.well-known/', async () => {
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      const r = await fetch(`${s.url}${path}`, { redirect: 'manual' });
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ resource: `${s.url}/mcp`, bearer_methods_supported: ['header'] });
    }
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration', '/.well-known/anything/else']) {
      const r = await fetch(`${s.url}${path}`, { redirect: 'manual' });
      expect(r.status).toBe(404);
      expect(r.headers.get('content-type')).toMatch(/application\/json/);
      expect((await r.json()).error).toMatchObject({ code: 'not_found' });
    }
  });
});

describe('5. tools a model can use', () => {
  it('every parameter has a description and every tool has annotations; schemas say what is enforced', async () => {
    const client = await mcpAs(s.token);
    const { tools } = await client.listTools();
    const missing: string[] = [];
    for (const tool of tools) {
      for (const [param, schema] of Object.entries((tool.inputSchema.properties ?? {}) as Record<string, { description?: string }>))
        if (!schema.description) missing.push(`${tool.name}.${param}`);
      const a = tool.annotations ?? {};
      if (typeof a.readOnlyHint !== 'boolean' || typeof a.destructiveHint !== 'boolean' || typeof a.idempotentHint !== 'boolean')
        missing.push(`${tool.name} annotations`);
    }
    expect(missing).toEqual([]);
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    const props = (name: string) => byName[name]!.inputSchema.properties as Record<string, any>;
    expect(Object.keys(props('session_checkpoint').state.properties)).toEqual(
      expect.arrayContaining(['progress', 'blockers', 'decisions', 'goals_completed', 'next_steps', 'active_files', 'metrics']),
    );
    expect(props('agent_register').status.enum).toContain('busy');
    expect(props('agent_update').status.enum).toEqual(props('agent_register').status.enum);
    expect(byName.agent_update!.description).not.toEqual(byName.agent_register!.description);
    expect(props('session_start').sessionId.pattern).toBe('^[A-Za-z0-9._:-]{1,120}$');
    expect(byName.memory_read!.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.session_list!.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.memory_usage!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    for (const name of ['session_start', 'session_checkpoint', 'session_resume', 'session_list', 'memory_read'])
      expect(byName[name]!.outputSchema, name).toBeDefined();
  });

  it('agent_update refuses an agent that is not on the roster, and status must be one of the enum', async () => {
    const client = await mcpAs(s.token);
    await call(client, 'session_start', { sessionId: 'roster-check' });
    const update = await call(client, 'agent_update', { name: 'ghost', status: 'busy' });
    expect(update).toMatchObject({ isError: true, body: { code: 'not_found', field: 'name' } });
    expect((await call(client, 'agent_register', { name: 'real', status: 'dancing' })).body).toMatchObject({ code: 'invalid_input', field: 'status' });
    expect((await call(client, 'agent_register', { name: 'real' })).isError).toBe(false);
    expect((await call(client, 'agent_update', { name: 'real', currentTask: 'tests' })).body.agent).toMatchObject({
      name: 'real',
      status: 'active',
      currentTask: 'tests',
    });
    // Structured results come with the text, for clients that read outputSchema.
    const structured = (await client.callTool({ name: 'session_list', arguments: { limit: 1 } })) as { structuredContent?: { count: number } };
    expect(structured.structuredContent).toMatchObject({ success: true, count: 1 });
    const read = (await client.callTool({
      name: 'memory_read',
      arguments: { action: 'retrieve', namespace: 'session-management', key: 'session/roster-check/init' },
    })) as { structuredContent?: { found: boolean } };
    expect(read.structuredContent).toMatchObject({ success: true, found: true });
  });
});

describe('6. arguments are never silently ignored', () => {
  it('list takes prefix, search takes q; unknown arguments are refused by name', async () => {
    const client = await mcpAs(s.token);
    for (const key of ['notes/a', 'notes/b', 'other/c'])
      await call(client, 'memory_usage', { action: 'store', namespace: 'args', key, value: `value of ${key}` });
    const listed = await call(client, 'memory_usage', { action: 'list', namespace: 'args', prefix: 'notes/' });
    expect(listed.body.entries.map((e: { key: string }) => e.key)).toEqual(['notes/a', 'notes/b']);
    const found = await call(client, 'memory_usage', { action: 'search', namespace: 'args', q: 'other/c' });
    expect(found.body.results.map((e: { key: string }) => e.key)).toEqual(['other/c']);
    const unknown = await call(client, 'memory_usage', { action: 'list', namespace: 'args', prefx: 'notes/' });
    expect(unknown).toMatchObject({ isError: true, body: { code: 'invalid_input', field: 'prefx' } });
    expect(unknown.body.error).toMatch(/unknown argument "prefx"/);
    const sessionUnknown = await call(client, 'session_list', { staus: 'active' });
    expect(sessionUnknown).toMatchObject({ isError: true, body: { field: 'staus' } });
  });

  it('resource URIs are percent-encoded and read back; a missing one is -32002 with one message; an unknown tool is -32602', async () => {
    const client = await mcpAs(s.token);
    await call(client, 'memory_usage', { action: 'store', namespace: 'uris', key: 'notes/plain text#1?x', value: 'hello' });
    const { resources } = await client.listResources();
    const uri = resources.find((r) => r.name === 'uris/notes/plain text#1?x')!.uri;
    expect(uri).toBe('baton://memory/uris/notes/plain%20text%231%3Fx');
    expect(new URL(uri).href).toBe(uri);
    expect((await client.readResource({ uri })).contents[0]).toMatchObject({ text: 'hello' });
    const missing = await client.readResource({ uri: 'baton://memory/uris/nope' }).catch((e: { code: number; message: string }) => e);
    expect(missing).toMatchObject({ code: -32002 });
    expect((missing as { message: string }).message.match(/MCP error/g)).toHaveLength(1);
    await expect(client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toMatchObject({ code: -32602 });
  });
});

describe('7. CLI details', () => {
  it('doctor exits 5 when the server is unreachable; memory get --json errors carry a code; stdin loses its final newline', async () => {
    const [doctor, get, piped] = await Promise.all([
      baton(['--url', 'http://127.0.0.1:1', 'doctor']),
      baton(['memory', 'get', 'nope', '--json']),
      baton(['memory', 'store', 'piped', '-', '-n', 'cli-stdin'], { stdin: 'one line\n' }),
    ]);
    expect(doctor.code, doctor.stdout).toBe(5);
    expect(get.code).toBe(3);
    expect(JSON.parse(get.stderr)).toMatchObject({ error: { code: 'not_found' } });
    expect(piped.code, piped.stderr).toBe(0);
    expect((await api(s.url, '/api/v1/memory/entry?namespace=cli-stdin&key=piped')).body).toMatchObject({ raw: 'one line' });
  });
});
