import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import type { MemoryBackend } from '../server/mcp/backend.ts';
import type { SessionBackend } from '../server/mcp/session-backend.ts';
import { runSessionTool } from '../server/mcp/session-tools.ts';
import { runNeedsYouHook, withNeedsYouHooks } from './hooks-waiting.ts';

/** The Claude Code hook events Baton installs, and what each does. */
export const HOOK_EVENTS = {
  SessionStart: 'session-start',
  Stop: 'checkpoint',
  SessionEnd: 'checkpoint',
  PostToolUse: 'file-touched',
} as const;
/**
 * PostToolUse on Claude's todo tools drives milestones (goals ticked, the agent's current task):
 * TodoWrite (the whole list) and, from Claude Code 2.1.142, TaskCreate / TaskUpdate (one task each).
 */
const TODO_HOOK = { event: 'PostToolUse', action: 'todos', matcher: 'TodoWrite|TaskCreate|TaskUpdate' } as const;

/** Recognises a hook Baton installed earlier (so a re-install replaces it instead of adding a twin). */
const OURS = /\bhooks (session-start|checkpoint|file-touched|todos)\b/;

/** Longest text a hook sends (the REST limits: an agent's task 500, a path 1000); longer is cut, never refused. */
const MAX_TASK = 500;
const MAX_PATH = 1000;
const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** What Claude Code sends on stdin (only the fields Baton reads; others are ignored). */
const hookInputSchema = z
  .object({
    session_id: z.string().max(200).optional(),
    cwd: z.string().max(4000).optional(),
    hook_event_name: z.string().max(100).optional(),
    tool_name: z.string().max(100).optional(),
    tool_input: z
      .object({
        file_path: z.string().optional(),
        edits: z.unknown().optional(),
        todos: z
          .array(z.object({ content: z.string(), status: z.string(), activeForm: z.string().optional() }).loose())
          .max(1000)
          .optional(),
        // TaskCreate / TaskUpdate (Claude Code 2.1.142+)
        taskId: z.union([z.string(), z.number()]).optional(),
        subject: z.string().optional(),
        activeForm: z.string().optional(),
        status: z.string().optional(),
      })
      .loose()
      .optional(),
    tool_response: z.unknown().optional(),
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

/**
 * The command a hook runs: `baton` from the PATH (the one-time `npm install -g .` or `npm link` in
 * Baton's checkout), never a path on this machine, so a committed .claude/settings.json works on a
 * teammate's machine too.
 */
function hookCommand(action: string): string {
  return `baton hooks ${action}`;
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
  hooks[TODO_HOOK.event] = [
    ...(hooks[TODO_HOOK.event] ?? []),
    { matcher: TODO_HOOK.matcher, hooks: [{ type: 'command', command: hookCommand(TODO_HOOK.action), timeout: 15 }] },
  ];
  return withNeedsYouHooks({ ...settings, hooks });
}

/** Adds `.baton/` (this machine's session pointer) to the project's .gitignore; true when it was added. */
export function ignoreBatonDir(projectDir: string, dryRun: boolean): boolean {
  const path = join(resolve(projectDir), '.gitignore');
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (current.split(/\r?\n/).some((line) => /^\/?\.baton\/?$/.test(line.trim()))) return false;
  if (!dryRun) writeFileSync(path, `${current}${current && !current.endsWith('\n') ? '\n' : ''}.baton/\n`);
  return true;
}

/** `baton hooks install`: writes the hooks into <project>/.claude/settings.json (or prints them). */
export function installHooks(projectDir: string, dryRun: boolean): { path: string; settings: Record<string, unknown>; written: boolean; ignored: boolean } {
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
  const ignored = ignoreBatonDir(projectDir, dryRun);
  return { path, settings, written: !dryRun, ignored };
}

/** Which Baton session this Claude Code project works in: remembered in .baton/session. */
function batonFile(cwd: string, name: string) {
  return join(cwd, '.baton', name);
}
export function currentSession(cwd: string): string | null {
  const file = batonFile(cwd, 'session');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || null : null;
}
function remember(cwd: string, name: string, value: string) {
  mkdirSync(join(cwd, '.baton'), { recursive: true });
  writeFileSync(batonFile(cwd, name), `${value}\n`);
}
function recall(cwd: string, name: string): string | null {
  const file = batonFile(cwd, name);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || null : null;
}
function forget(cwd: string, name: string) {
  rmSync(batonFile(cwd, name), { force: true });
}

const text = (r: { content: { text: string }[] }) => JSON.parse(r.content[0]!.text) as Record<string, any>;
const fail = (r: Record<string, any>) => new HookError(String(r.error ?? 'Baton refused the call'), r.code);

/** A hook's failure, with Baton's error code when there is one. */
export class HookError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The project a hook works for: Claude Code's project directory, else the hook's cwd. */
export function projectDirOf(input: HookInput): string {
  return resolve(process.env.CLAUDE_PROJECT_DIR || input.cwd || process.cwd());
}

/** A path as the board shows it: relative to the project when it is inside it. */
export function projectPath(projectDir: string, file: string, cwd = projectDir): string {
  const abs = isAbsolute(file) ? file : resolve(cwd, file);
  const rel = relative(projectDir, abs);
  const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  return cut(inside ? rel.split(sep).join('/') : file, MAX_PATH);
}

/**
 * Runs one hook. SessionStart prints the resume context (Claude Code adds it to the conversation)
 * of this project's session, starting one when there is none; Stop records a checkpoint when the
 * board changed since the last one, SessionEnd always (and leaves the session interrupted);
 * PostToolUse on Edit/Write records the file (relative to the project) as active, on the todo
 * tools it drives milestones. The first hook after a SessionStart that resumed an interrupted
 * session makes it active again: work goes on.
 */
export async function runHook(action: string, input: HookInput, memory: MemoryBackend, sessions: SessionBackend): Promise<string> {
  const cwd = projectDirOf(input);
  const project = basename(cwd);
  if (action === 'session-start') {
    let id = currentSession(cwd);
    if (id) {
      const resumed = await runSessionTool('session_resume', { sessionId: id }, memory, sessions);
      const r = text(resumed);
      if (resumed.isError && r.code !== 'not_found') throw fail(r);
      if (!resumed.isError) {
        if (r.session?.status === 'interrupted' || r.session?.status === 'paused') remember(cwd, 'resumed', id);
        return formatResume(r);
      }
      id = null;
    }
    const started = text(
      await runSessionTool(
        'session_start',
        {
          sessionId: input.session_id ? `cc-${input.session_id.replace(/[^A-Za-z0-9._:-]/g, '').slice(0, 12)}` : undefined,
          title: `${project} (Claude Code)`,
          project,
          owner: process.env.USER,
        },
        memory,
        sessions,
      ),
    );
    if (!started.success) throw fail(started);
    remember(cwd, 'session', started.sessionId);
    forget(cwd, 'checkpointed');
    return `Baton: started session ${started.sessionId} for ${project}. Checkpoints are recorded when you stop.`;
  }
  const id = currentSession(cwd);
  if (!id) return '';
  const ended = action === 'checkpoint' && input.hook_event_name === 'SessionEnd';
  // Work goes on in a session SessionStart found interrupted: it is active again.
  if (recall(cwd, 'resumed') === id) {
    forget(cwd, 'resumed');
    if (!ended) {
      const board = await sessions.board(id);
      if (board.status === 'interrupted' || board.status === 'paused') await sessions.setStatus(id, 'active');
    }
  }
  if (action === 'checkpoint') {
    if (!ended) {
      // Stop fires after every turn: a checkpoint only when the board changed since the last one.
      const board = await sessions.board(id);
      if (recall(cwd, 'checkpointed') === `${id}@${board.version}`) return '';
    }
    const r = text(await runSessionTool('session_checkpoint', { sessionId: id, label: ended ? 'Session ended' : 'Agent stopped' }, memory, sessions));
    if (!r.success) throw fail(r);
    // The Claude Code session ended without a handoff: the work is interrupted until someone
    // recovers it (the next SessionStart in this project gets the resume context either way).
    const board = await sessions.board(id);
    if (ended && (board.status === 'active' || board.status === 'paused')) {
      const after = await sessions.setStatus(id, 'interrupted');
      remember(cwd, 'checkpointed', `${id}@${after.version}`);
    } else remember(cwd, 'checkpointed', `${id}@${board.version}`);
    return '';
  }
  if (action === 'file-touched') {
    const path = input.tool_input?.file_path;
    if (!path) return '';
    await sessions.touchFiles(id, [projectPath(cwd, path, input.cwd ? resolve(input.cwd) : cwd)]);
    return '';
  }
  if (action === 'todos') {
    const tool = input.tool_name;
    if (tool === 'TaskCreate' || tool === 'TaskUpdate') return milestonesFromTodos(id, trackTask(cwd, input), sessions);
    return milestonesFromTodos(id, input.tool_input?.todos ?? [], sessions);
  }
  if (action === 'waiting' || action === 'resumed') return runNeedsYouHook(action, input as { message?: unknown }, cwd, id, sessions);
  throw new Error(`unknown hook action "${action}"`);
}

type Todo = { content: string; status: string; activeForm?: string };

/**
 * TaskCreate and TaskUpdate name one task at a time (an update only by its id): the project's task
 * list is kept in .baton/tasks.json, so an update to "completed" still knows the task's subject.
 */
function trackTask(cwd: string, input: HookInput): Todo[] {
  const file = batonFile(cwd, 'tasks.json');
  let tasks: Record<string, Todo> = {};
  try {
    if (existsSync(file)) tasks = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Todo>;
  } catch {
    tasks = {};
  }
  const t = input.tool_input ?? {};
  const response = (input.tool_response ?? {}) as { task?: { id?: unknown; subject?: unknown }; taskId?: unknown; id?: unknown };
  const rawId = t.taskId ?? response.task?.id ?? response.taskId ?? response.id;
  const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : (t.subject ?? '');
  if (!id) return Object.values(tasks);
  if (t.status === 'deleted') delete tasks[id];
  else {
    const before = tasks[id];
    const content = t.subject ?? (typeof response.task?.subject === 'string' ? response.task.subject : undefined) ?? before?.content;
    if (content)
      tasks[id] = {
        content,
        status: t.status ?? before?.status ?? 'pending',
        ...((t.activeForm ?? before?.activeForm) ? { activeForm: t.activeForm ?? before?.activeForm } : {}),
      };
  }
  mkdirSync(join(cwd, '.baton'), { recursive: true });
  writeFileSync(file, `${JSON.stringify(tasks)}\n`);
  return Object.values(tasks);
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

const norm = (t: string) =>
  t
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[.!]+$/, '');

/**
 * Claude's todo list → milestones on the board: a completed todo that names an open goal ticks it
 * (every viewer sees the goal done, live), and the todo in progress becomes the agent's current task.
 */
export async function milestonesFromTodos(id: string, todos: Todo[], sessions: SessionBackend): Promise<string> {
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
  await sessions.reportAgent(id, {
    name: 'claude-code',
    role: 'agent',
    status: current ? 'busy' : 'idle',
    currentTask: current ? cut(current.activeForm ?? current.content, MAX_TASK) : null,
  });
  return ticked.length ? `Baton: goal${ticked.length === 1 ? '' : 's'} done — ${ticked.join('; ')}` : '';
}
