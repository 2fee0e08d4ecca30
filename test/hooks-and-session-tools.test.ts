import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withBatonHooks } from '../cli/hooks.ts';
import { api, startTestServer, type TestServer } from './helpers.ts';

let s: TestServer;
let project: string;
let mcp: Client;

/** The real binary, asynchronously (the server runs in this process), with hook JSON on stdin. */
function baton(args: string[], stdin = '', env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      'node',
      ['cli/bin.mjs', ...args],
      { env: { ...process.env, BATON_URL: s.url, BATON_TOKEN: s.token, ...env } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin);
  });
}
const call = async (name: string, args: Record<string, unknown>) => {
  const r = (await mcp.callTool({ name, arguments: args })) as { isError?: boolean; content: { text: string }[] };
  return { isError: !!r.isError, body: JSON.parse(r.content[0]!.text) };
};

beforeAll(async () => {
  s = await startTestServer();
  project = mkdtempSync(join(tmpdir(), 'baton-project-'));
  mcp = new Client({ name: 'hooks-test', version: '1' });
  await mcp.connect(new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${s.token}` } } }));
});
afterAll(async () => {
  await mcp?.close();
  await s?.close();
  rmSync(project, { recursive: true, force: true });
});

describe('MCP session tools', () => {
  it('start, swarm, agents, checkpoint with state, resume and list: all on the board', async () => {
    const tools = (await mcp.listTools()).tools.map((t) => t.name);
    expect(tools).toEqual(
      expect.arrayContaining([
        'memory_usage',
        'swarm_init',
        'agent_register',
        'agent_update',
        'session_start',
        'session_checkpoint',
        'session_resume',
        'session_list',
      ]),
    );

    const started = await call('session_start', {
      sessionId: 'mcp-1',
      title: 'Auth API',
      project: 'shop',
      goals: ['login', 'register'],
      branch: 'feature/auth',
    });
    expect(started.body).toMatchObject({ success: true, sessionId: 'mcp-1' });
    // The seed's swarm set-up and spawned agents land on the roster.
    expect((await call('swarm_init', { topology: 'mesh', maxAgents: 4, strategy: 'development-focused', sessionId: 'mcp-1' })).body).toMatchObject({
      success: true,
      topology: 'mesh',
    });
    await call('agent_register', { name: 'backend-dev', role: 'Backend Developer', sessionId: 'mcp-1' });
    await call('agent_update', { name: 'backend-dev', status: 'busy', currentTask: 'refresh tokens', sessionId: 'mcp-1' });
    const checkpoint = await call('session_checkpoint', {
      sessionId: 'mcp-1',
      label: 'half way',
      state: {
        progress: { login: { status: 'completed', completion_percentage: 100 } },
        blockers: [{ description: 'no staging DB', priority: 'high' }],
        goals_completed: ['login'],
      },
    });
    expect(checkpoint.body.checkpoint).toMatchObject({ kind: 'manual', label: 'half way' });

    const board = (await api(s.url, '/api/v1/sessions/mcp-1')).body;
    expect(board.details.swarm).toMatchObject({ topology: 'mesh', maxAgents: 4, strategy: 'development-focused' });
    expect(board.agents).toEqual([expect.objectContaining({ name: 'backend-dev', role: 'Backend Developer', status: 'busy', currentTask: 'refresh tokens' })]);
    expect(board.goals.map((g: { text: string; done: boolean }) => [g.text, g.done])).toEqual([
      ['login', true],
      ['register', false],
    ]);

    const resumed = await call('session_resume', { sessionId: 'mcp-1' });
    expect(resumed.body.lastCheckpoint).toMatchObject({ label: 'half way' });
    expect(resumed.body.openBlockers.map((b: { description: string }) => b.description)).toEqual(['no staging DB']);
    expect((await call('session_list', {})).body.sessions.map((x: { id: string }) => x.id)).toContain('mcp-1');
  });

  it('bad arguments are tool errors naming the field', async () => {
    const bad = await call('swarm_init', { topology: 'blob' });
    expect([bad.isError, bad.body.field]).toEqual([true, 'topology']);
    const missing = await call('session_resume', { sessionId: 'no-such-session' });
    expect([missing.isError, missing.body.code]).toEqual([true, 'not_found']);
    const badId = await call('session_start', { sessionId: 'has spaces' });
    expect([badId.isError, badId.body.field]).toEqual([true, 'sessionId']);
  });

  it('a token that may not view sessions learns nothing: unknown and foreign sessions are both refused, as over REST', async () => {
    await call('session_start', { sessionId: 'mcp-foreign', title: 'Not yours' });
    const { token } = s.app.identity.createToken(s.admin, { name: 'one-namespace', scopes: [{ access: 'write', namespaces: 'only-this' }] }, null);
    const scoped = new Client({ name: 'scoped', version: '1' });
    await scoped.connect(new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    try {
      const answers: [boolean, string][] = [];
      for (const sessionId of ['mcp-foreign', 'no-such-session']) {
        const r = (await scoped.callTool({ name: 'session_checkpoint', arguments: { sessionId, label: 'probe' } })) as {
          isError?: boolean;
          content: { text: string }[];
        };
        answers.push([!!r.isError, JSON.parse(r.content[0]!.text).code]);
        const rest = await api(s.url, `/api/v1/sessions/${sessionId}/checkpoints`, { method: 'POST', token, json: { label: 'probe' } });
        answers.push([rest.status === 403, rest.body.error?.code]);
      }
      expect(answers).toEqual([
        [true, 'forbidden'],
        [true, 'forbidden'],
        [true, 'forbidden'],
        [true, 'forbidden'],
      ]);
      expect(JSON.stringify((await api(s.url, '/api/v1/sessions/mcp-foreign')).body)).not.toContain('probe');
    } finally {
      await scoped.close();
    }
  });
});

describe('Claude Code hooks', () => {
  it('install merges into .claude/settings.json, keeps other hooks and does not duplicate on re-install', async () => {
    mkdirSync(join(project, '.claude'), { recursive: true });
    const mine = { matcher: 'Bash', hooks: [{ type: 'command', command: 'echo mine' }] };
    writeFileSync(join(project, '.claude', 'settings.json'), JSON.stringify({ model: 'x', hooks: { PostToolUse: [mine] } }));
    const dry = await baton(['hooks', 'install', '--project', project, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(readFileSync(join(project, '.claude', 'settings.json'), 'utf8')).hooks.SessionStart).toBeUndefined();
    expect((await baton(['hooks', 'install', '--project', project])).code).toBe(0);
    expect((await baton(['hooks', 'install', '--project', project])).code).toBe(0);
    const settings = JSON.parse(readFileSync(join(project, '.claude', 'settings.json'), 'utf8'));
    expect(settings.model).toBe('x');
    expect(settings.hooks.PostToolUse).toHaveLength(4);
    expect(settings.hooks.PostToolUse[0]).toEqual(mine);
    // '*': the "Needs you" resume check (cli/hooks-waiting.ts), beside Notification and UserPromptSubmit.
    expect(settings.hooks.PostToolUse.slice(1).map((h: { matcher: string }) => h.matcher)).toEqual([
      'Edit|Write|MultiEdit',
      'TodoWrite|TaskCreate|TaskUpdate',
      '*',
    ]);
    for (const event of ['Notification', 'UserPromptSubmit']) expect(settings.hooks[event]).toHaveLength(1);
    for (const event of ['SessionStart', 'Stop', 'SessionEnd']) expect(settings.hooks[event]).toHaveLength(1);
    expect(withBatonHooks(withBatonHooks({})).hooks).toEqual(withBatonHooks({}).hooks);
  });

  it('the installed commands, fed Claude Code hook JSON: session start, active files, checkpoint, resume context', async () => {
    const settings = JSON.parse(readFileSync(join(project, '.claude', 'settings.json'), 'utf8'));
    // Run exactly the command each installed hook names.
    const commandOf = (event: string, matcher?: string) =>
      ((matcher ? settings.hooks[event].find((h: { matcher?: string }) => h.matcher === matcher) : settings.hooks[event].at(-1)).hooks[0].command as string)
        .replace(/^baton /, '')
        .split(' ');
    const start = await baton(
      commandOf('SessionStart'),
      JSON.stringify({ session_id: 'claude-0001', cwd: project, hook_event_name: 'SessionStart', source: 'startup' }),
    );
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout).toMatch(/started session cc-claude-0001/);

    for (const file of ['src/auth.ts', 'src/user.ts']) {
      const r = await baton(
        commandOf('PostToolUse', 'Edit|Write|MultiEdit'),
        JSON.stringify({
          session_id: 'claude-0001',
          cwd: project,
          hook_event_name: 'PostToolUse',
          tool_name: 'Edit',
          tool_input: { file_path: file, old_string: 'a', new_string: 'b' },
        }),
      );
      expect(r.code, r.stderr).toBe(0);
    }
    // Claude's todo list: a completed todo naming a goal ticks it (a milestone on the board); the one in progress is the agent's task.
    expect((await api(s.url, '/api/v1/sessions/cc-claude-0001/goals', { method: 'POST', json: { text: 'Add the login endpoint' } })).status).toBe(201);
    const todos = await baton(
      commandOf('PostToolUse', 'TodoWrite|TaskCreate|TaskUpdate'),
      JSON.stringify({
        session_id: 'claude-0001',
        cwd: project,
        hook_event_name: 'PostToolUse',
        tool_name: 'TodoWrite',
        tool_input: {
          todos: [
            { content: 'Add the login endpoint.', status: 'completed', activeForm: 'Adding the login endpoint' },
            { content: 'Write tests', status: 'in_progress', activeForm: 'Writing tests' },
            { content: 'Docs', status: 'pending' },
          ],
        },
      }),
    );
    expect(todos.code, todos.stderr).toBe(0);
    expect(todos.stdout).toMatch(/goal done — Add the login endpoint/);
    const afterTodos = (await api(s.url, '/api/v1/sessions/cc-claude-0001')).body;
    expect(afterTodos.goals.map((g: { text: string; done: boolean }) => [g.text, g.done])).toEqual([['Add the login endpoint', true]]);
    expect(afterTodos.agents.find((a: { name: string }) => a.name === 'claude-code')).toMatchObject({ status: 'busy', currentTask: 'Writing tests' });

    const stop = await baton(commandOf('Stop'), JSON.stringify({ session_id: 'claude-0001', cwd: project, hook_event_name: 'Stop', stop_hook_active: false }));
    expect(stop.code, stop.stderr).toBe(0);

    const board = (await api(s.url, '/api/v1/sessions/cc-claude-0001')).body;
    expect(board.files.map((f: { path: string; kind: string }) => [f.path, f.kind]).sort()).toEqual([
      ['src/auth.ts', 'active'],
      ['src/user.ts', 'active'],
    ]);
    expect(board.checkpoints[0]).toMatchObject({ kind: 'manual', label: 'Agent stopped' });

    // The Claude Code session ends without a handoff: the board says interrupted.
    const end = await baton(
      commandOf('SessionEnd'),
      JSON.stringify({ session_id: 'claude-0001', cwd: project, hook_event_name: 'SessionEnd', reason: 'exit' }),
    );
    expect(end.code, end.stderr).toBe(0);
    const ended = (await api(s.url, '/api/v1/sessions/cc-claude-0001')).body;
    expect(ended.status).toBe('interrupted');
    expect(ended.checkpoints[0]).toMatchObject({ label: 'Session ended' });

    // The next Claude Code session in this project gets the resume context on stdout.
    const next = await baton(commandOf('SessionStart'), JSON.stringify({ session_id: 'claude-0002', cwd: project, hook_event_name: 'SessionStart' }));
    expect(next.stdout).toMatch(/resuming session cc-claude-0001 — .* \(interrupted\)/);
    expect(next.stdout).toMatch(/Last checkpoint: Session ended/);
    expect(next.stdout).toMatch(/Active files: .*src\/auth\.ts/);
  });

  it('malformed hook input never breaks the agent: it is ignored', async () => {
    const r = await baton(['hooks', 'file-touched'], 'not json at all', { BATON_URL: s.url });
    expect(r.code).toBe(0);
  });
});
