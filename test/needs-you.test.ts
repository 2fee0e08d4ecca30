// "Needs you" (issue 18): Claude Code's Notification hook marks the agent waiting (roster, the
// header's count, agent.waiting), and its next tool use clears it; agent_status does the same for
// any agent; the count includes handoffs to me and open critical blockers on my sessions.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withBatonHooks } from '../cli/hooks.ts';
import { api, startTestServer, type TestServer } from './helpers.ts';

let s: TestServer;
let project: string;
const SESSION = 'needs-you-1';

/** Runs a shell command the way Claude Code runs a hook: hook JSON on stdin, the project in CLAUDE_PROJECT_DIR. */
function hook(command: string, stdin: unknown): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      'sh',
      ['-c', command.replace(/^baton /, 'node cli/bin.mjs ').replace(/&& baton /, '&& node cli/bin.mjs ')],
      { env: { ...process.env, BATON_URL: s.url, BATON_TOKEN: s.token, CLAUDE_PROJECT_DIR: project } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    // The resume check may exit without reading stdin (not waiting), as Claude Code allows.
    child.stdin!.on('error', () => {});
    child.stdin!.end(JSON.stringify(stdin));
  });
}
const agent = async () =>
  ((await api(s.url, `/api/v1/sessions/${SESSION}`)).body.agents as { name: string; status: string; message?: string }[]).find((a) => a.name === 'claude-code');

beforeAll(async () => {
  s = await startTestServer();
  project = mkdtempSync(join(tmpdir(), 'baton-needs-you-'));
  // A session owned by the test's owner account ("Owner"), as this project's current session.
  await api(s.url, '/api/v1/memory/entry', {
    method: 'PUT',
    json: { namespace: 'needs', key: `session/${SESSION}/init`, value: { session_id: SESSION, developer_id: 'Owner' } },
  });
  mkdirSync(join(project, '.baton'), { recursive: true });
  writeFileSync(join(project, '.baton', 'session'), `${SESSION}\n`);
});
afterAll(async () => {
  await s?.close();
  rmSync(project, { recursive: true, force: true });
});

describe('Claude Code hooks', () => {
  it('install registers Notification, and the resume check on every tool use and prompt, once', () => {
    const twice = withBatonHooks(withBatonHooks({ hooks: { Notification: [{ hooks: [{ type: 'command', command: 'notify-send hi' }] }] } })) as {
      hooks: Record<string, { matcher?: string; hooks: { command: string }[] }[]>;
    };
    expect(twice.hooks.Notification!.map((h) => h.hooks[0]!.command)).toEqual(['notify-send hi', 'baton hooks waiting']);
    expect(twice.hooks.UserPromptSubmit!.map((h) => h.hooks[0]!.command)).toEqual([expect.stringMatching(/\.baton\/waiting" && baton hooks resumed/)]);
    expect(twice.hooks.PostToolUse!.filter((h) => h.matcher === '*')).toHaveLength(1);
  });

  it('the Notification hook marks the agent waiting with its message; the next tool use clears it', async () => {
    const settings = withBatonHooks({}) as { hooks: Record<string, { matcher?: string; hooks: { command: string }[] }[]> };
    const notification = settings.hooks.Notification![0]!.hooks[0]!.command;
    const onTool = settings.hooks.PostToolUse!.find((h) => h.matcher === '*')!.hooks[0]!.command;

    // Not waiting: the resume check starts no Baton process and changes nothing.
    expect(await hook(onTool, { hook_event_name: 'PostToolUse', tool_name: 'Bash' })).toMatchObject({ code: 0 });
    expect(await agent()).toBeUndefined();

    const waited = await hook(notification, { hook_event_name: 'Notification', message: 'Claude needs your permission to use Bash', cwd: project });
    expect(waited, waited.stderr).toMatchObject({ code: 0 });
    expect(await agent()).toMatchObject({ status: 'waiting', message: 'Claude needs your permission to use Bash' });
    expect(existsSync(join(project, '.baton', 'waiting'))).toBe(true);
    const needs = s.app.notify.needsYou.read(s.admin);
    expect(needs.agents).toEqual([expect.objectContaining({ sessionId: SESSION, name: 'claude-code', message: 'Claude needs your permission to use Bash' })]);
    expect(needs.count).toBe(1);

    const resumed = await hook(onTool, { hook_event_name: 'PostToolUse', tool_name: 'Bash', cwd: project });
    expect(resumed, resumed.stderr).toMatchObject({ code: 0 });
    const after = await agent();
    expect(after).toMatchObject({ status: 'active' });
    expect(after?.message).toBeUndefined();
    expect(existsSync(join(project, '.baton', 'waiting'))).toBe(false);
    expect(s.app.notify.needsYou.read(s.admin).count).toBe(0);
  }, 30_000);
});

describe('the needs-you count', () => {
  it('counts handoffs to me and open critical blockers on my sessions, and clears with them', async () => {
    const b = await api(s.url, `/api/v1/sessions/${SESSION}/blockers`, { method: 'POST', json: { description: 'Prod is down', severity: 'critical' } });
    await api(s.url, `/api/v1/sessions/${SESSION}/blockers`, { method: 'POST', json: { description: 'Flaky test', severity: 'low' } });
    const blockerId = (b.body.board ?? b.body).blockers.find((x: { description: string }) => x.description === 'Prod is down').id;
    expect(s.app.notify.needsYou.read(s.admin)).toMatchObject({ count: 1, blockers: [{ id: blockerId, severity: 'critical' }], sessionIds: [SESSION] });
    const other = 'needs-you-2';
    await api(s.url, '/api/v1/memory/entry', {
      method: 'PUT',
      json: { namespace: 'needs', key: `session/${other}/init`, value: { session_id: other, developer_id: 'someone-else' } },
    });
    const h = await api(s.url, `/api/v1/sessions/${other}/handoffs`, { method: 'POST', json: { to: { kind: 'user', userId: s.admin.id } } });
    expect(h.status).toBe(201);
    expect(s.app.notify.needsYou.read(s.admin)).toMatchObject({ count: 2, handoffs: [{ id: h.body.id, sessionId: other }] });
    await api(s.url, `/api/v1/sessions/${SESSION}/blockers/${blockerId}/resolve`, { method: 'POST' });
    await api(s.url, `/api/v1/handoffs/${h.body.id}/accept`, { method: 'POST' });
    expect(s.app.notify.needsYou.read(s.admin).count).toBe(0);
  });
});
