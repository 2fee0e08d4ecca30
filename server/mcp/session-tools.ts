import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { BatonError, parseInput } from '../../lib/errors.ts';
import type { MemoryBackend } from './backend.ts';
import type { SessionBackend } from './session-backend.ts';
import type { Handoff, HandoffCreateInput } from '../../lib/handoff-types.ts';
import { toolError, type ToolResult } from './memory-tool.ts';
import { analyticsQuerySchema } from '../../lib/analytics-types.ts';
import { SESSION_STATUSES, SESSION_TYPES } from '../../lib/session-types.ts';

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
        type: { type: 'string', enum: SESSION_TYPES },
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
    name: 'session_analytics',
    description:
      'Figures Baton computed from what it recorded (not self-reported): sessions by status and type, goal completion, open blockers and time to resolve, checkpoints, handoff acceptance and time to accept, memory writes by agents and people per day, the busiest writers and the sessions active in the window.',
    inputSchema: {
      type: 'object',
      properties: {
        days: { type: 'integer', minimum: 1, maximum: 90, description: 'Window in days, ending now (default 14)' },
        type: { type: 'string', enum: SESSION_TYPES },
        project: { type: 'string' },
        tz: { type: 'string', description: 'IANA time zone for the daily figures (default UTC)' },
      },
    },
  },
  {
    name: 'session_list',
    description: 'List sessions, newest activity first.',
    inputSchema: {
      type: 'object',
      properties: {
        type: { type: 'string', enum: SESSION_TYPES },
        status: { type: 'string', enum: SESSION_STATUSES },
        project: { type: 'string' },
        limit: { type: 'integer', minimum: 1, maximum: 500 },
      },
    },
  },
  {
    name: 'session_handoff',
    description:
      'Hand a session over to a teammate or an agent, with its context; or act on a handoff. action "create" (default): summary and context are pre-filled from the board, ' +
      'the recipient reviews it on /handoffs/<id>. "accept" returns the continued session and what is needed to resume it. Also "decline" / "request-changes" (reason), "comment" (body), "get", "list".',
    inputSchema: {
      type: 'object',
      properties: {
        action: { type: 'string', enum: ['create', 'accept', 'decline', 'request-changes', 'comment', 'get', 'list'], default: 'create' },
        ...sessionRef,
        handoffId: { type: 'string', description: 'The handoff to act on (accept, decline, request-changes, comment, get)' },
        to: { type: 'string', description: 'Recipient: a member (email, name or id), an agent name, or "team" for anyone on the team' },
        toKind: { type: 'string', enum: ['user', 'agent', 'team'], description: 'Force how `to` is read (default: a member when one matches, else an agent)' },
        handoffType: { type: 'string', description: 'e.g. end-of-shift' },
        completed: { type: 'array', items: { type: 'string' } },
        inProgress: {
          type: 'array',
          items: { type: 'object', properties: { task: { type: 'string' }, progress: { type: 'number' }, nextSteps: { type: 'array', items: { type: 'string' } }, files: { type: 'array', items: { type: 'string' } } }, required: ['task'] },
        },
        blockers: { type: 'array', items: { type: 'string' } },
        notes: { type: 'array', items: { type: 'string' } },
        priorities: { type: 'array', items: { type: 'string' } },
        filesToReview: { type: 'array', items: { type: 'string' } },
        decisionsNeeded: { type: 'array', items: { type: 'string' } },
        testStatus: { type: 'string' },
        ttl: { type: 'integer', minimum: 60, description: 'Seconds until it expires (default 259200: three days)' },
        reason: { type: 'string', description: 'Why (decline, request-changes)' },
        body: { type: 'string', description: 'Comment text' },
        box: { type: 'string', enum: ['inbox', 'sent', 'all'] },
        status: { type: 'string', enum: ['pending', 'changes-requested', 'accepted', 'declined', 'expired', 'cancelled'] },
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
    type: z.enum(SESSION_TYPES).default('development'),
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
  session_handoff: z.object({
    action: z.enum(['create', 'accept', 'decline', 'request-changes', 'comment', 'get', 'list']).default('create'),
    sessionId: s.optional(),
    handoffId: s.optional(),
    to: z.string().trim().min(1).max(254).optional(),
    toKind: z.enum(['user', 'agent', 'team']).optional(),
    handoffType: z.string().trim().max(60).optional(),
    completed: z.array(s).max(100).optional(),
    inProgress: z.array(z.object({ task: s, progress: z.number().min(0).max(100).default(0), nextSteps: z.array(s).max(50).default([]), files: z.array(s).max(100).default([]) })).max(50).optional(),
    blockers: z.array(s).max(50).optional(),
    notes: z.array(z.string().trim().min(1).max(2000)).max(100).optional(),
    priorities: z.array(s).max(100).optional(),
    filesToReview: z.array(s).max(100).optional(),
    decisionsNeeded: z.array(s).max(100).optional(),
    testStatus: z.string().trim().max(1000).optional(),
    ttl: z.number().int().min(60).max(90 * 86_400).optional(),
    reason: z.string().trim().max(2000).optional(),
    body: z.string().trim().max(4000).optional(),
    box: z.enum(['inbox', 'sent', 'all']).optional(),
    status: z.enum(['pending', 'changes-requested', 'accepted', 'declined', 'expired', 'cancelled']).optional(),
  }),
  session_list: z.object({ type: z.string().optional(), status: z.string().optional(), project: z.string().optional(), limit: z.number().int().min(1).max(500).optional() }),
};

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
        const a = parseInput(schemas.swarm_init, args);
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
        const a = parseInput(schemas.agent, args);
        const id = await targetSession(sessions, a.sessionId);
        const board = await sessions.reportAgent(id, { name: a.name, role: a.role ?? null, status: a.status ?? 'active', currentTask: a.currentTask ?? null });
        return ok({ sessionId: id, agent: board.agents.find((x) => x.name === a.name) ?? null, roster: board.agents.length });
      }
      case 'session_start': {
        const a = parseInput(schemas.session_start, args);
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
        const a = parseInput(schemas.session_checkpoint, args);
        const id = await targetSession(sessions, a.sessionId);
        if (a.state) {
          const namespace = DEFAULT_SESSION_NAMESPACE;
          await memory.store({ namespace, key: `session/${id}/state`, value: JSON.stringify({ session_id: id, last_updated: new Date().toISOString(), ...a.state }) });
        }
        const board = await sessions.checkpoint(id, a.label ?? 'Checkpoint from agent');
        return ok({ sessionId: id, checkpoint: board.checkpoints[0] ?? null });
      }
      case 'session_resume': {
        const a = parseInput(schemas.session_resume, args);
        const id = await targetSession(sessions, a.sessionId);
        return ok({ sessionId: id, ...(await sessions.resume(id)) });
      }
      case 'session_handoff':
        return ok(await runHandoff(parseInput(schemas.session_handoff, args), sessions));
      case 'session_analytics':
        return ok({ analytics: await sessions.analytics(parseInput(analyticsQuerySchema, args ?? {})) });
      case 'session_list': {
        const a = parseInput(schemas.session_list, args);
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

/** A recipient named the way an agent would: "team", a member's email, name or id, else an agent name. */
export async function resolveRecipient(sessions: SessionBackend, to: string | undefined, kind?: 'user' | 'agent' | 'team'): Promise<HandoffCreateInput['to']> {
  if (kind === 'team' || (!kind && (!to || /^(team|anyone|anyone on the team)$/i.test(to)))) return { kind: 'team' };
  if (!to) throw new BatonError('invalid_input', 'to: name the recipient (a member, an agent, or "team")', { field: 'to' });
  if (kind === 'agent') return { kind: 'agent', name: to };
  const { users } = await sessions.handoffRecipients();
  const l = to.toLowerCase();
  const user = users.find((u) => u.id === to || u.email.toLowerCase() === l || u.name.toLowerCase() === l);
  if (user) return { kind: 'user', userId: user.id };
  if (kind === 'user') throw new BatonError('invalid_input', `to: no member "${to}" (members: ${users.map((u) => u.email).join(', ') || 'none'})`, { field: 'to' });
  return { kind: 'agent', name: to };
}

const handoffBrief = (h: Handoff) => ({
  id: h.id,
  status: h.status,
  sessionId: h.sessionId,
  from: h.from.label,
  to: h.to.label,
  expiresAt: h.expiresAt,
  continuationId: h.continuationId,
  reviewPath: `/handoffs/${h.id}`,
});

async function runHandoff(a: z.output<typeof schemas.session_handoff>, sessions: SessionBackend): Promise<Record<string, unknown>> {
  const need = (v: string | undefined, field: string) => {
    if (!v) throw new BatonError('invalid_input', `${field}: required for action "${a.action}"`, { field });
    return v;
  };
  switch (a.action) {
    case 'list': {
      const items = await sessions.handoffList({ box: a.box ?? 'all', status: a.status, sessionId: a.sessionId });
      return { handoffs: items.map((h) => ({ id: h.id, status: h.status, sessionId: h.sessionId, sessionTitle: h.sessionTitle, from: h.from.label, to: h.to.label, expiresAt: h.expiresAt })), count: items.length };
    }
    case 'get':
      return { handoff: await sessions.handoffGet(need(a.handoffId, 'handoffId')) };
    case 'accept': {
      const h = await sessions.handoffAct(need(a.handoffId, 'handoffId'), 'accept');
      return { handoff: handoffBrief(h), sessionId: h.continuationId, resume: h.continuationId ? await sessions.resume(h.continuationId) : null, summary: h.summary, context: h.context };
    }
    case 'decline':
    case 'request-changes':
      return { handoff: handoffBrief(await sessions.handoffAct(need(a.handoffId, 'handoffId'), a.action, need(a.reason, 'reason'))) };
    case 'comment':
      return { handoff: handoffBrief(await sessions.handoffAct(need(a.handoffId, 'handoffId'), 'comment', need(a.body, 'body'))) };
    case 'create': {
      const id = await targetSession(sessions, a.sessionId);
      const summary: Record<string, unknown> = {};
      if (a.completed) summary.completed = a.completed;
      if (a.inProgress) summary.inProgress = a.inProgress;
      if (a.blockers) summary.blockers = a.blockers.map((description) => ({ description }));
      if (a.notes) summary.notes = a.notes;
      const context: Record<string, unknown> = {};
      if (a.priorities) context.priorities = a.priorities;
      if (a.filesToReview) context.filesToReview = a.filesToReview;
      if (a.decisionsNeeded) context.decisionsNeeded = a.decisionsNeeded;
      if (a.testStatus) context.testStatus = a.testStatus;
      const h = await sessions.handoffCreate(id, { to: await resolveRecipient(sessions, a.to, a.toKind), handoffType: a.handoffType, summary, context, ...(a.ttl ? { ttl: a.ttl } : {}) });
      return { handoff: handoffBrief(h), checklist: h.checklist.map((c) => c.text) };
    }
  }
}
