import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { BatonError, fromZodError } from '../../lib/errors.ts';
import type { MemoryBackend } from './backend.ts';
import type { SessionBackend } from './session-backend.ts';
import { toolError, type ToolResult } from './memory-tool.ts';

const DEFAULT_SESSION_NAMESPACE = 'session-management';

const ok = (body: Record<string, unknown>): ToolResult => ({
  content: [{ type: 'text', text: JSON.stringify({ success: true, ...body, timestamp: new Date().toISOString() }, null, 2) }],
});

const sessionRef = { sessionId: { type: 'string', description: 'Session id (default: the most recently active session)' } } as const;

/** The published tool list: claude-flow's swarm and agent tools, plus Baton's session tools. */
export const SESSION_TOOLS = [
  {
    name: 'swarm_init',
    description: "Declare the agent swarm working on a session (topology, size, strategy); it shows on the session's board.",
    inputSchema: {
      type: 'object',
      properties: {
        topology: { type: 'string', enum: ['mesh', 'hierarchical', 'ring', 'star'] },
        maxAgents: { type: 'integer', minimum: 1, maximum: 1000 },
        strategy: { type: 'string' },
        coordinator: { type: 'string' },
        ...sessionRef,
      },
      required: ['topology'],
    },
  },
  {
    name: 'agent_register',
    description: "Add an agent to a session's roster (name, role, status, current task).",
    inputSchema: {
      type: 'object',
      properties: { name: { type: 'string' }, role: { type: 'string' }, status: { type: 'string' }, currentTask: { type: 'string' }, ...sessionRef },
      required: ['name'],
    },
  },
  {
    name: 'agent_update',
    description: "Update an agent on a session's roster: status, current task (also its heartbeat).",
    inputSchema: {
      type: 'object',
      properties: { name: { type: 'string' }, role: { type: 'string' }, status: { type: 'string' }, currentTask: { type: 'string' }, ...sessionRef },
      required: ['name'],
    },
  },
  {
    name: 'session_start',
    description: 'Start a development session (or another type) with goals; stored as session/<id>/init and shown live on a board.',
    inputSchema: {
      type: 'object',
      properties: {
        sessionId: { type: 'string' },
        type: { type: 'string', enum: ['development', 'coordination', 'review', 'planning'] },
        title: { type: 'string' },
        project: { type: 'string' },
        owner: { type: 'string' },
        focusArea: { type: 'string' },
        expectedDuration: { type: 'string', description: 'e.g. "4 hours"' },
        goals: { type: 'array', items: { type: 'string' } },
        branch: { type: 'string' },
        activeFiles: { type: 'array', items: { type: 'string' } },
        namespace: { type: 'string', default: DEFAULT_SESSION_NAMESPACE },
      },
    },
  },
  {
    name: 'session_checkpoint',
    description: 'Record a checkpoint of a session; optional state (progress, blockers, decisions, metrics, next steps, active files) is saved first.',
    inputSchema: {
      type: 'object',
      properties: { ...sessionRef, label: { type: 'string' }, state: { type: 'object', description: "The seed's session state shape (snake_case)" } },
    },
  },
  {
    name: 'session_resume',
    description: 'What an agent needs to continue a session: last checkpoint, what changed since, open blockers, next steps, decisions, active files.',
    inputSchema: { type: 'object', properties: { ...sessionRef } },
  },
  {
    name: 'session_list',
    description: 'List sessions, newest activity first.',
    inputSchema: {
      type: 'object',
      properties: {
        type: { type: 'string', enum: ['development', 'coordination', 'review', 'planning'] },
        status: { type: 'string', enum: ['active', 'paused', 'interrupted', 'handed-off', 'completed'] },
        project: { type: 'string' },
        limit: { type: 'integer', minimum: 1, maximum: 500 },
      },
    },
  },
] as const;

export const SESSION_TOOL_NAMES = new Set<string>(SESSION_TOOLS.map((t) => t.name));

const s = z.string().trim().min(1).max(500);
const schemas = {
  swarm_init: z.object({ topology: z.enum(['mesh', 'hierarchical', 'ring', 'star'], { error: 'must be mesh, hierarchical, ring or star' }), maxAgents: z.number().int().min(1).max(1000).optional(), strategy: s.optional(), coordinator: s.optional(), sessionId: s.optional() }),
  agent: z.object({ name: s, role: s.optional(), status: z.string().trim().max(40).optional(), currentTask: s.optional(), sessionId: s.optional() }),
  session_start: z.object({
    sessionId: z.string().trim().regex(/^[A-Za-z0-9._:-]{1,120}$/, 'may contain only letters, digits and . _ : -').optional(),
    type: z.enum(['development', 'coordination', 'review', 'planning']).default('development'),
    title: s.optional(),
    project: s.optional(),
    owner: s.optional(),
    focusArea: s.optional(),
    expectedDuration: s.optional(),
    goals: z.array(s).max(100).default([]),
    branch: s.optional(),
    activeFiles: z.array(s).max(500).default([]),
    namespace: z.string().optional(),
  }),
  session_checkpoint: z.object({ sessionId: s.optional(), label: z.string().trim().max(200).optional(), state: z.record(z.string(), z.unknown()).optional() }),
  session_resume: z.object({ sessionId: s.optional() }),
  session_list: z.object({ type: z.string().optional(), status: z.string().optional(), project: z.string().optional(), limit: z.number().int().min(1).max(500).optional() }),
};

function parse<S extends z.ZodType>(schema: S, args: unknown): z.output<S> {
  const r = schema.safeParse(args ?? {});
  if (!r.success) throw fromZodError(r.error);
  return r.data;
}

/** The session a call is about: the one named, else the most recently active one. */
async function targetSession(sessions: SessionBackend, sessionId?: string): Promise<string> {
  if (sessionId) return sessionId;
  const [latest] = await sessions.list({ status: 'active', limit: 1 });
  if (!latest) throw new BatonError('not_found', 'sessionId: no active session; start one with session_start or name one', { field: 'sessionId' });
  return latest.id;
}

/** Runs one session-family tool; never throws: failures are tool errors naming the field. */
export async function runSessionTool(name: string, args: unknown, memory: MemoryBackend, sessions: SessionBackend): Promise<ToolResult> {
  try {
    switch (name) {
      case 'swarm_init': {
        const a = parse(schemas.swarm_init, args);
        const id = await targetSession(sessions, a.sessionId);
        const swarmId = `swarm-${randomBytes(4).toString('hex')}`;
        const board = await sessions.board(id);
        const existing = (board.details.swarm as Record<string, unknown> | undefined) ?? {};
        // The swarm is part of the session's story: a memory write the projection puts on the board.
        await memory.store({
          namespace: DEFAULT_SESSION_NAMESPACE,
          key: `session/${id}/swarm`,
          value: JSON.stringify({ session_id: id, swarm_id: swarmId, topology: a.topology, max_agents: a.maxAgents ?? null, strategy: a.strategy ?? null, coordinator: a.coordinator ?? null, previous: existing.swarm_id ?? null }),
        });
        if (a.coordinator) await sessions.reportAgent(id, { name: a.coordinator, role: 'coordinator', status: 'active' });
        return ok({ swarmId, sessionId: id, topology: a.topology, maxAgents: a.maxAgents ?? null, strategy: a.strategy ?? null });
      }
      case 'agent_register':
      case 'agent_update': {
        const a = parse(schemas.agent, args);
        const id = await targetSession(sessions, a.sessionId);
        const board = await sessions.reportAgent(id, { name: a.name, role: a.role ?? null, status: a.status ?? 'active', currentTask: a.currentTask ?? null });
        return ok({ sessionId: id, agent: board.agents.find((x) => x.name === a.name) ?? null, roster: board.agents.length });
      }
      case 'session_start': {
        const a = parse(schemas.session_start, args);
        const id = a.sessionId ?? `${a.type === 'development' ? 'dev' : a.type}-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
        const stored = await memory.store({
          namespace: a.namespace ?? DEFAULT_SESSION_NAMESPACE,
          key: `session/${id}/init`,
          value: JSON.stringify({
            session_id: id,
            session_type: a.type,
            title: a.title,
            project_name: a.project,
            developer_id: a.owner,
            focus_area: a.focusArea,
            expected_duration: a.expectedDuration,
            started_at: new Date().toISOString(),
            goals: a.goals,
            context: { current_branch: a.branch, active_files: a.activeFiles },
          }),
        });
        const board = await sessions.board(id);
        return ok({ sessionId: id, seq: stored.seq, board: { id: board.id, title: board.title, status: board.status, goals: board.goals.length } });
      }
      case 'session_checkpoint': {
        const a = parse(schemas.session_checkpoint, args);
        const id = await targetSession(sessions, a.sessionId);
        if (a.state) {
          const namespace = DEFAULT_SESSION_NAMESPACE;
          await memory.store({ namespace, key: `session/${id}/state`, value: JSON.stringify({ session_id: id, last_updated: new Date().toISOString(), ...a.state }) });
        }
        const board = await sessions.checkpoint(id, a.label ?? 'Checkpoint from agent');
        return ok({ sessionId: id, checkpoint: board.checkpoints[0] ?? null });
      }
      case 'session_resume': {
        const a = parse(schemas.session_resume, args);
        const id = await targetSession(sessions, a.sessionId);
        return ok({ sessionId: id, ...(await sessions.resume(id)) });
      }
      case 'session_list': {
        const a = parse(schemas.session_list, args);
        const items = await sessions.list(a);
        return ok({ sessions: items, count: items.length });
      }
      default:
        throw new BatonError('invalid_input', `name: unknown tool "${name}"`, { field: 'name' });
    }
  } catch (err) {
    return toolError(err);
  }
}
