import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { MemoryBackend } from '../server/mcp/backend.ts';
import type { SessionBackend } from '../server/mcp/session-backend.ts';
import { runSessionTool } from '../server/mcp/session-tools.ts';

/** The Claude Code hook events Baton installs, and what each does. */
export const HOOK_EVENTS = {
  SessionStart: 'session-start',
  Stop: 'checkpoint',
  SessionEnd: 'checkpoint',
  PostToolUse: 'file-touched',
} as const;
/** PostToolUse on TodoWrite: Claude's todo list drives milestones (goals ticked, the agent's current task). */
const TODO_HOOK = { event: 'PostToolUse', action: 'todos', matcher: 'TodoWrite' } as const;

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), 'bin.mjs');
/** Recognises a hook Baton installed earlier (so a re-install replaces it instead of adding a twin). */
const OURS = /\bhooks (session-start|checkpoint|file-touched|todos)\b/;

/** What Claude Code sends on stdin (only the fields Baton reads; others are ignored). */
const hookInputSchema = z
  .object({
    session_id: z.string().max(200).optional(),
    cwd: z.string().max(4000).optional(),
    hook_event_name: z.string().max(100).optional(),
    tool_name: z.string().max(100).optional(),
    tool_input: z
      .object({
        file_path: z.string().max(4000).optional(),
        edits: z.unknown().optional(),
        todos: z.array(z.object({ content: z.string().max(2000), status: z.string().max(40), activeForm: z.string().max(2000).optional() }).loose()).max(500).optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
export type HookInput = z.output<typeof hookInputSchema>;

export function parseHookInput(text: string): HookInput {
  if (!text.trim()) return {};
  try {
    const r = hookInputSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : {};
  } catch {
    return {};
  }
}

/** The command a hook runs: this checkout's bin, so it works from any project directory. */
function hookCommand(action: string): string {
  return `node ${JSON.stringify(BIN)} hooks ${action}`;
}

interface HookEntry {
  matcher?: string;
  hooks: { type: 'command'; command: string; timeout?: number }[];
}

/** Merges Baton's hooks into a Claude Code settings object, replacing earlier Baton hooks only. */
export function withBatonHooks(settings: Record<string, unknown>): Record<string, unknown> {
  const hooks = { ...((settings.hooks as Record<string, HookEntry[]>) ?? {}) };
  for (const [event, action] of Object.entries(HOOK_EVENTS)) {
    const others = (hooks[event] ?? []).filter((h) => !h.hooks?.some((x) => OURS.test(x.command ?? '')));
    const entry: HookEntry = { hooks: [{ type: 'command', command: hookCommand(action), timeout: 15 }] };
    if (event === 'PostToolUse') entry.matcher = 'Edit|Write|MultiEdit';
    hooks[event] = [...others, entry];
  }
  hooks[TODO_HOOK.event] = [...(hooks[TODO_HOOK.event] ?? []), { matcher: TODO_HOOK.matcher, hooks: [{ type: 'command', command: hookCommand(TODO_HOOK.action), timeout: 15 }] }];
  return { ...settings, hooks };
}

/** `baton hooks install`: writes the hooks into <project>/.claude/settings.json (or prints them). */
export function installHooks(projectDir: string, dryRun: boolean): { path: string; settings: Record<string, unknown>; written: boolean } {
  const path = join(resolve(projectDir), '.claude', 'settings.json');
  let current: Record<string, unknown> = {};
  if (existsSync(path)) {
    try {
      current = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch {
      throw new Error(`${path} is not valid JSON; fix or move it first`);
    }
  }
  const settings = withBatonHooks(current);
  if (!dryRun) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(settings, null, 2)}\n`);
  }
  return { path, settings, written: !dryRun };
}

/** Which Baton session this Claude Code project works in: remembered in .baton/session. */
function sessionFile(cwd: string) {
  return join(cwd, '.baton', 'session');
}
export function currentSession(cwd: string): string | null {
  const file = sessionFile(cwd);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || null : null;
}
function rememberSession(cwd: string, id: string) {
  mkdirSync(join(cwd, '.baton'), { recursive: true });
  writeFileSync(sessionFile(cwd), `${id}\n`);
}

const text = (r: { content: { text: string }[] }) => JSON.parse(r.content[0]!.text) as Record<string, any>;

/**
 * Runs one hook. SessionStart prints the resume context (Claude Code adds it to the conversation)
 * of this project's session, starting one when there is none; Stop/SessionEnd record a checkpoint;
 * PostToolUse on Edit/Write records the file as active. Hooks never fail the agent: errors go to stderr.
 */
export async function runHook(action: string, input: HookInput, memory: MemoryBackend, sessions: SessionBackend): Promise<string> {
  const cwd = resolve(input.cwd ?? process.cwd());
  const project = basename(cwd);
  if (action === 'session-start') {
    let id = currentSession(cwd);
    if (id) {
      const resumed = await runSessionTool('session_resume', { sessionId: id }, memory, sessions);
      if (resumed.isError) id = null;
      else {
        const r = text(resumed);
        return formatResume(r);
      }
    }
    const started = text(
      await runSessionTool('session_start', { sessionId: input.session_id ? `cc-${input.session_id.slice(0, 12)}` : undefined, title: `${project} (Claude Code)`, project, owner: process.env.USER }, memory, sessions),
    );
    if (!started.success) throw new Error(started.error);
    rememberSession(cwd, started.sessionId);
    return `Baton: started session ${started.sessionId} for ${project}. Checkpoints are recorded when you stop.`;
  }
  const id = currentSession(cwd);
  if (!id) return '';
  if (action === 'checkpoint') {
    const ended = input.hook_event_name === 'SessionEnd';
    const r = text(await runSessionTool('session_checkpoint', { sessionId: id, label: ended ? 'Session ended' : 'Agent stopped' }, memory, sessions));
    if (!r.success) throw new Error(r.error);
    // The Claude Code session ended without a handoff: the work is interrupted until someone
    // recovers it (the next SessionStart in this project gets the resume context either way).
    if (ended) {
      const board = await sessions.board(id);
      if (board.status === 'active' || board.status === 'paused') await sessions.setStatus(id, 'interrupted');
    }
    return '';
  }
  if (action === 'file-touched') {
    const path = input.tool_input?.file_path;
    if (!path) return '';
    await sessions.touchFiles(id, [path]);
    return '';
  }
  if (action === 'todos') return milestonesFromTodos(id, input.tool_input?.todos ?? [], sessions);
  throw new Error(`unknown hook action "${action}"`);
}

function formatResume(r: Record<string, any>): string {
  const lines = [`Baton: resuming session ${r.session.id} — ${r.session.title} (${r.session.status}).`];
  if (r.session.branch) lines.push(`Branch: ${r.session.branch}${r.session.lastCommit ? ` @ ${r.session.lastCommit}` : ''}`);
  if (r.lastCheckpoint) lines.push(`Last checkpoint: ${r.lastCheckpoint.label ?? r.lastCheckpoint.kind} (${r.lastCheckpoint.createdAt}).`);
  const open = (r.goals ?? []).filter((g: any) => !g.done).map((g: any) => g.text);
  if (open.length) lines.push(`Open goals: ${open.join('; ')}`);
  if (r.openBlockers?.length) lines.push(`Open blockers: ${r.openBlockers.map((b: any) => `${b.description} (${b.severity})`).join('; ')}`);
  if (r.nextSteps?.length) lines.push(`Next steps: ${r.nextSteps.join('; ')}`);
  if (r.decisions?.length) lines.push(`Decisions: ${r.decisions.map((d: any) => `${d.topic}: ${d.decision}`).join('; ')}`);
  if (r.activeFiles?.length) lines.push(`Active files: ${r.activeFiles.join(', ')}`);
  return lines.join('\n');
}

const norm = (t: string) => t.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.!]+$/, '');

/**
 * Claude's todo list → milestones on the board: a completed todo that names an open goal ticks it
 * (every viewer sees the goal done, live), and the todo in progress becomes the agent's current task.
 */
export async function milestonesFromTodos(id: string, todos: { content: string; status: string; activeForm?: string }[], sessions: SessionBackend): Promise<string> {
  if (todos.length === 0) return '';
  const board = await sessions.board(id);
  const done = new Set(todos.filter((t) => t.status === 'completed').map((t) => norm(t.content)));
  const ticked: string[] = [];
  for (const goal of board.goals) {
    if (!goal.done && done.has(norm(goal.text))) {
      await sessions.setGoalDone(id, goal.id, true);
      ticked.push(goal.text);
    }
  }
  const current = todos.find((t) => t.status === 'in_progress');
  await sessions.reportAgent(id, { name: 'claude-code', role: 'agent', status: current ? 'busy' : 'idle', currentTask: current ? (current.activeForm ?? current.content) : null });
  return ticked.length ? `Baton: goal${ticked.length === 1 ? '' : 's'} done — ${ticked.join('; ')}` : '';
}
