import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionBackend } from '../server/mcp/session-backend.ts';

/**
 * "Needs you" from Claude Code (issue 18). `baton hooks install` also registers:
 *   Notification      → `baton hooks waiting`: the agent shows "Waiting for you" with Claude's message
 *                       on the board's roster, the dashboard and the header count (and `agent.waiting`);
 *   PostToolUse (any) and UserPromptSubmit → `baton hooks resumed`, only while a wait is marked in
 *                       .baton/waiting: a shell test, so the common case (not waiting) starts no process.
 */
const AGENT = 'claude-code';
const MAX_MESSAGE = 500;
const MINE = /\bhooks (waiting|resumed)\b/;
const RESUME_COMMAND = 'test -f "${CLAUDE_PROJECT_DIR:-.}/.baton/waiting" && baton hooks resumed || true';

interface HookEntry {
  matcher?: string;
  hooks: { type: 'command'; command: string; timeout?: number }[];
}

/** Adds the Notification, PostToolUse and UserPromptSubmit entries, replacing earlier ones of ours. */
export function withNeedsYouHooks(settings: Record<string, unknown>): Record<string, unknown> {
  const hooks = { ...((settings.hooks as Record<string, HookEntry[]>) ?? {}) };
  const add = (event: string, entry: HookEntry) => {
    const others = (hooks[event] ?? []).filter((h) => !h.hooks?.some((x) => MINE.test(x.command ?? '')));
    hooks[event] = [...others, entry];
  };
  add('Notification', { hooks: [{ type: 'command', command: 'baton hooks waiting', timeout: 15 }] });
  add('PostToolUse', { matcher: '*', hooks: [{ type: 'command', command: RESUME_COMMAND, timeout: 15 }] });
  add('UserPromptSubmit', { hooks: [{ type: 'command', command: RESUME_COMMAND, timeout: 15 }] });
  return { ...settings, hooks };
}

const marker = (projectDir: string) => join(projectDir, '.baton', 'waiting');

/** `baton hooks waiting` / `baton hooks resumed` for the project's current session `id`. */
export async function runNeedsYouHook(
  action: 'waiting' | 'resumed',
  input: { message?: unknown },
  projectDir: string,
  id: string,
  sessions: SessionBackend,
): Promise<string> {
  if (action === 'waiting') {
    const text = typeof input.message === 'string' && input.message.trim() ? input.message.trim() : 'Claude Code is waiting for your input';
    await sessions.reportAgent(id, {
      name: AGENT,
      role: 'agent',
      status: 'waiting',
      currentTask: text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text,
    });
    mkdirSync(join(projectDir, '.baton'), { recursive: true });
    writeFileSync(marker(projectDir), `${id}\n`);
    return '';
  }
  if (!existsSync(marker(projectDir))) return '';
  rmSync(marker(projectDir), { force: true });
  await sessions.reportAgent(id, { name: AGENT, role: 'agent', status: 'active' });
  return '';
}
