import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { BatonError, parseInput } from '../../lib/errors.ts';
import type { MemoryBackend } from './backend.ts';
import type { SessionBackend } from './session-backend.ts';
import type { Handoff, HandoffCreateInput } from '../../lib/handoff-types.ts';
import { refuseUnknownArguments, toolError, type ToolResult } from './memory-tool.ts';
import { AGENT_STATUS_TOOL, runAgentStatus } from './agent-status-tool.ts';
import { analyticsQuerySchema } from '../../lib/analytics-types.ts';
import { SESSION_STATUSES, SESSION_TYPES } from '../../lib/session-types.ts';

const DEFAULT_SESSION_NAMESPACE = 'session-management';

/** A tool's result: its JSON as text (what claude-flow clients read) and as structured content. */
const ok = (body: Record<string, unknown>): ToolResult => {
  const result = { success: true, ...body, timestamp: new Date().toISOString() };
  return { content: [{ type: 'text', text: JSON.stringify(result, null, 2) }], structuredContent: result };
};

/** What a session id may contain (enforced where a session is created: session_start). */
export const SESSION_ID_PATTERN = '^[A-Za-z0-9._:-]{1,120}$';
const sessionRef = {
  sessionId: {
    type: 'string',
    minLength: 1,
    maxLength: 500,
    description:
      'The session to act on. Default: the session this connection started or resumed, else your own most recent open session; without either, the error lists the open sessions to choose from.',
  },
} as const;
const text = (description: string, maxLength = 500) => ({ type: 'string', minLength: 1, maxLength, description }) as const;
const texts = (description: string, maxItems = 100, maxLength = 500) =>
  ({ type: 'array', maxItems, items: { type: 'string', minLength: 1, maxLength }, description }) as const;

/** MCP tool annotations: hints a client may use to decide what to confirm with the user. */
const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;
const WRITES = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false } as const;
const UPSERTS = { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

/** Every result: `success`, a timestamp and the fields of the tool (see each outputSchema). */
const output = (properties: Record<string, object>, required: string[] = []) =>
  ({ type: 'object', properties: { success: { type: 'boolean' }, timestamp: { type: 'string' }, ...properties }, required: ['success', ...required] }) as const;
const anyObject = { type: 'object' } as const;
const nullableObject = { type: ['object', 'null'] } as const;

export const AGENT_STATUSES = ['active', 'busy', 'idle', 'waiting', 'blocked', 'paused', 'completed', 'failed', 'offline'] as const;
const HANDOFF_ACTIONS = ['create', 'accept', 'decline', 'request-changes', 'comment', 'get', 'list'] as const;
const HANDOFF_STATUSES = ['pending', 'changes-requested', 'accepted', 'declined', 'expired', 'cancelled'] as const;

/** session_checkpoint.state: the seed's session state (session/<id>/state), field by field. */
const STATE_SCHEMA = {
  type: 'object',
  description:
    'Session state saved before the checkpoint (stored as session/<id>/state, snake_case like the seed guide). Every field is optional; other fields are kept as they are.',
  properties: {
    progress: {
      type: 'object',
      description: 'Workstreams by name, e.g. {"user-authentication": {"status": "in-progress", "completion_percentage": 60}}',
      additionalProperties: {
        type: 'object',
        properties: {
          status: { type: 'string', description: 'e.g. in-progress, completed, blocked' },
          completion_percentage: { type: 'number', minimum: 0, maximum: 100, description: 'How far along, 0-100' },
          files_modified: { type: 'array', items: { type: 'string' }, description: 'Files this workstream changed (project-relative paths)' },
          tests_written: { type: 'array', items: { type: 'string' }, description: 'Test files written for it' },
          next_steps: { type: 'array', items: { type: 'string' }, description: 'What comes next in this workstream' },
        },
      },
    },
    blockers: {
      type: 'array',
      description: 'Open blockers: a sentence, or an object',
      items: {
        anyOf: [
          { type: 'string', description: 'The blocker, in a sentence' },
          {
            type: 'object',
            properties: {
              description: { type: 'string', description: 'What blocks' },
              severity: { type: 'string', enum: ['low', 'medium', 'high', 'critical'], description: 'Default medium' },
              owner: { type: 'string', description: 'Who is on it' },
              impact: { type: 'string', description: 'What it holds up' },
              expected_resolution: { type: 'string', description: 'When it should be resolved' },
            },
            required: ['description'],
          },
        ],
      },
    },
    decisions: {
      type: 'array',
      description: 'Decisions taken',
      items: {
        type: 'object',
        properties: {
          topic: { type: 'string', description: 'What was decided about' },
          decision: { type: 'string', description: 'The decision' },
          rationale: { type: 'string', description: 'Why' },
          alternatives: { type: 'array', items: { type: 'string' }, description: 'Options considered' },
        },
        required: ['decision'],
      },
    },
    goals_completed: { type: 'array', items: { type: 'string' }, description: 'Goals now done, by their text (ticks them on the board)' },
    next_steps: { type: 'array', items: { type: 'string' }, description: 'Next steps for the session as a whole' },
    active_files: { type: 'array', items: { type: 'string' }, description: 'Files being worked on (project-relative paths)' },
    metrics: { type: 'object', description: 'Figures such as {"lines_of_code": 420, "tests": 31, "coverage": 0.82}' },
    current_branch: { type: 'string', description: 'The git branch' },
    last_commit: { type: 'string', description: 'The last commit hash' },
  },
} as const;

/** The published tool list: claude-flow's swarm and agent tools, plus Baton's session tools. */
export const SESSION_TOOLS = [
  {
    name: 'swarm_init',
    title: 'Declare an agent swarm',
    description: "Declare the agent swarm working on a session (topology, size, strategy); it shows on the session's board.",
    annotations: WRITES,
    inputSchema: {
      type: 'object',
      properties: {
        topology: { type: 'string', enum: ['mesh', 'hierarchical', 'ring', 'star'], description: 'How the agents are connected' },
        maxAgents: { type: 'integer', minimum: 1, maximum: 1000, description: 'The most agents the swarm may have' },
        strategy: text('How work is shared, e.g. "development-focused"'),
        coordinator: text('The coordinating agent; it joins the roster as coordinator'),
        ...sessionRef,
      },
      required: ['topology'],
    },
    outputSchema: output(
      {
        swarmId: { type: 'string' },
        sessionId: { type: 'string' },
        topology: { type: 'string' },
        maxAgents: { type: ['integer', 'null'] },
        strategy: { type: ['string', 'null'] },
      },
      ['swarmId', 'sessionId'],
    ),
  },
  {
    name: 'agent_register',
    title: 'Add an agent to the roster',
    description: "Add an agent to a session's roster with its role (registering one already there updates it).",
    annotations: UPSERTS,
    inputSchema: {
      type: 'object',
      properties: {
        name: text('The agent, as it appears on the roster', 120),
        role: text('What it does, e.g. "Backend Developer"', 120),
        status: { type: 'string', enum: AGENT_STATUSES, default: 'active', description: 'Its state now' },
        currentTask: text('What it is working on'),
        ...sessionRef,
      },
      required: ['name'],
    },
    outputSchema: output({ sessionId: { type: 'string' }, agent: nullableObject, roster: { type: 'integer' } }, ['sessionId']),
  },
  {
    name: 'agent_update',
    title: 'Update an agent on the roster',
    description:
      "Update an agent already on a session's roster: status, current task or role (also its heartbeat). An agent not on the roster is an error: register it with agent_register.",
    annotations: UPSERTS,
    inputSchema: {
      type: 'object',
      properties: {
        name: text('The agent to update (as registered)', 120),
        status: { type: 'string', enum: AGENT_STATUSES, description: 'Its state now (unchanged when omitted)' },
        currentTask: text('What it is working on now'),
        role: text('A new role', 120),
        ...sessionRef,
      },
      required: ['name'],
    },
    outputSchema: output({ sessionId: { type: 'string' }, agent: nullableObject, roster: { type: 'integer' } }, ['sessionId']),
  },
  {
    name: 'session_start',
    title: 'Start a session',
    description:
      'Start a development session (or another type) with goals; stored as session/<id>/init and shown live on a board. Later session tools on this connection act on it by default.',
    annotations: WRITES,
    inputSchema: {
      type: 'object',
      properties: {
        sessionId: {
          type: 'string',
          pattern: SESSION_ID_PATTERN,
          description: "The new session's id: letters, digits and . _ : - (default: generated, e.g. dev-lx3k9-ab12)",
        },
        type: { type: 'string', enum: SESSION_TYPES, default: 'development', description: 'The kind of board' },
        title: text('A short title'),
        project: text('The project it belongs to'),
        owner: text('Who owns the work (a person or agent name)'),
        focusArea: text('What this session concentrates on'),
        expectedDuration: text('How long it should take, e.g. "4 hours"'),
        goals: texts('Goals to tick off', 100),
        branch: text('The git branch'),
        activeFiles: texts('Files being worked on (project-relative paths)', 500),
        namespace: { type: 'string', minLength: 1, default: DEFAULT_SESSION_NAMESPACE, description: 'Memory namespace the session is stored in' },
      },
    },
    outputSchema: output({ sessionId: { type: 'string' }, seq: { type: 'integer' }, board: anyObject }, ['sessionId']),
  },
  {
    name: 'session_checkpoint',
    title: 'Checkpoint a session',
    description: 'Record a checkpoint of a session; optional state (progress, blockers, decisions, metrics, next steps, active files) is saved first.',
    annotations: WRITES,
    inputSchema: {
      type: 'object',
      properties: { ...sessionRef, label: text('What the checkpoint marks, e.g. "login done" (default "Checkpoint from agent")', 200), state: STATE_SCHEMA },
    },
    outputSchema: output({ sessionId: { type: 'string' }, checkpoint: nullableObject }, ['sessionId']),
  },
  {
    name: 'session_resume',
    title: 'Resume a session',
    description:
      'What an agent needs to continue a session: last checkpoint, what changed since, open blockers, next steps, decisions, active files. Later session tools on this connection act on it by default.',
    annotations: READ_ONLY,
    inputSchema: { type: 'object', properties: { ...sessionRef } },
    outputSchema: output({ sessionId: { type: 'string' }, session: anyObject, lastCheckpoint: nullableObject }, ['sessionId']),
  },
  {
    name: 'session_analytics',
    title: 'Session analytics',
    description:
      'Figures Baton computed from what it recorded (not self-reported): sessions by status and type, goal completion, open blockers and time to resolve, checkpoints, handoff acceptance and time to accept, memory writes by agents and people per day, the busiest writers and the sessions active in the window.',
    annotations: READ_ONLY,
    inputSchema: {
      type: 'object',
      properties: {
        days: { type: 'integer', minimum: 1, maximum: 90, default: 14, description: 'Window in days, ending now' },
        type: { type: 'string', enum: SESSION_TYPES, description: 'Only sessions of this type' },
        project: text('Only sessions of this project'),
        tz: { type: 'string', maxLength: 64, description: 'IANA time zone for the daily figures, e.g. Europe/Paris (default UTC)' },
      },
    },
    outputSchema: output({ analytics: anyObject }, ['analytics']),
  },
  {
    name: 'session_list',
    title: 'List sessions',
    description: 'List sessions, newest activity first.',
    annotations: READ_ONLY,
    inputSchema: {
      type: 'object',
      properties: {
        type: { type: 'string', enum: SESSION_TYPES, description: 'Only sessions of this type' },
        status: { type: 'string', enum: SESSION_STATUSES, description: 'Only sessions with this status' },
        project: text('Only sessions of this project'),
        limit: { type: 'integer', minimum: 1, maximum: 500, description: 'At most this many (default 100)' },
      },
    },
    outputSchema: output({ sessions: { type: 'array', items: anyObject }, count: { type: 'integer' } }, ['sessions', 'count']),
  },
  {
    name: 'session_handoff',
    title: 'Hand a session over',
    description:
      'Hand a session over to a teammate or an agent, with its context; or act on a handoff. action "create" (default) needs `to`: summary and context are pre-filled from the board, ' +
      'the recipient reviews it on /handoffs/<id>. "accept" returns the continued session and what is needed to resume it (later session tools on this connection act on it). Also "decline" / "request-changes" (reason), "comment" (body), "get", "list".',
    annotations: WRITES,
    inputSchema: {
      type: 'object',
      properties: {
        action: { type: 'string', enum: HANDOFF_ACTIONS, default: 'create', description: 'What to do' },
        ...sessionRef,
        handoffId: text('The handoff to act on (accept, decline, request-changes, comment, get)', 200),
        to: text('Recipient (required to create): a member (email, name or id), an agent name, or "team" for anyone on the team', 254),
        toKind: { type: 'string', enum: ['user', 'agent', 'team'], description: 'Force how `to` is read (default: a member when one matches, else an agent)' },
        handoffType: { type: 'string', maxLength: 60, description: 'e.g. end-of-shift' },
        completed: texts('Work completed (default: goals done on the board)'),
        inProgress: {
          type: 'array',
          maxItems: 50,
          description: 'Work in progress (default: workstreams on the board)',
          items: {
            type: 'object',
            properties: {
              task: text('The task'),
              progress: { type: 'number', minimum: 0, maximum: 100, description: 'Percent done' },
              nextSteps: texts('What comes next', 50),
              files: texts('Files it touches', 100),
            },
            required: ['task'],
          },
        },
        blockers: texts('Open blockers (default: open blockers on the board)', 50),
        notes: texts('Important notes for the recipient', 100, 2000),
        priorities: texts('Priorities for the next session (default: next steps)'),
        filesToReview: texts('Files the recipient should look at (default: active files)'),
        decisionsNeeded: texts('Decisions the recipient has to take'),
        testStatus: { type: 'string', maxLength: 1000, description: 'e.g. "unit green, e2e red"' },
        ttl: { type: 'integer', minimum: 60, maximum: 90 * 86_400, description: 'Seconds until it expires (default 259200: three days)' },
        reason: { type: 'string', maxLength: 2000, description: 'Why (decline, request-changes)' },
        body: { type: 'string', maxLength: 4000, description: 'Comment text (comment)' },
        box: { type: 'string', enum: ['inbox', 'sent', 'all'], description: 'Which handoffs to list: to you, from you, or all (list; default all)' },
        status: { type: 'string', enum: HANDOFF_STATUSES, description: 'Only handoffs with this status (list)' },
      },
    },
    outputSchema: output({
      handoff: anyObject,
      handoffs: { type: 'array', items: anyObject },
      count: { type: 'integer' },
      sessionId: { type: ['string', 'null'] },
      checklist: { type: 'array', items: { type: 'string' } },
    }),
  },
  AGENT_STATUS_TOOL,
] as const;

export const SESSION_TOOL_NAMES = new Set<string>(SESSION_TOOLS.map((t) => t.name));
const ACCEPTED = Object.fromEntries(SESSION_TOOLS.map((t) => [t.name, new Set(Object.keys(t.inputSchema.properties))])) as Record<string, Set<string>>;

const s = z.string().trim().min(1).max(500);
const agentStatus = z.enum(AGENT_STATUSES, { error: `must be one of ${AGENT_STATUSES.join(', ')}` });
const schemas = {
  swarm_init: z.object({
    topology: z.enum(['mesh', 'hierarchical', 'ring', 'star'], { error: 'must be mesh, hierarchical, ring or star' }),
    maxAgents: z.number().int().min(1).max(1000).optional(),
    strategy: s.optional(),
    coordinator: s.optional(),
    sessionId: s.optional(),
  }),
  agent_register: z.object({
    name: s.max(120),
    role: s.max(120).optional(),
    status: agentStatus.default('active'),
    currentTask: s.optional(),
    sessionId: s.optional(),
  }),
  agent_update: z.object({ name: s.max(120), role: s.max(120).optional(), status: agentStatus.optional(), currentTask: s.optional(), sessionId: s.optional() }),
  session_start: z.object({
    sessionId: z.string().trim().regex(new RegExp(SESSION_ID_PATTERN), 'may contain only letters, digits and . _ : -').optional(),
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
    action: z.enum(HANDOFF_ACTIONS).default('create'),
    sessionId: s.optional(),
    handoffId: s.optional(),
    to: z.string().trim().min(1).max(254).optional(),
    toKind: z.enum(['user', 'agent', 'team']).optional(),
    handoffType: z.string().trim().max(60).optional(),
    completed: z.array(s).max(100).optional(),
    inProgress: z
      .array(
        z.object({
          task: s,
          progress: z.number().min(0).max(100).default(0),
          nextSteps: z.array(s).max(50).default([]),
          files: z.array(s).max(100).default([]),
        }),
      )
      .max(50)
      .optional(),
    blockers: z.array(s).max(50).optional(),
    notes: z.array(z.string().trim().min(1).max(2000)).max(100).optional(),
    priorities: z.array(s).max(100).optional(),
    filesToReview: z.array(s).max(100).optional(),
    decisionsNeeded: z.array(s).max(100).optional(),
    testStatus: z.string().trim().max(1000).optional(),
    ttl: z
      .number()
      .int()
      .min(60)
      .max(90 * 86_400)
      .optional(),
    reason: z.string().trim().max(2000).optional(),
    body: z.string().trim().max(4000).optional(),
    box: z.enum(['inbox', 'sent', 'all']).optional(),
    status: z.enum(HANDOFF_STATUSES).optional(),
  }),
  session_list: z.object({
    type: z.string().optional(),
    status: z.string().optional(),
    project: z.string().optional(),
    limit: z.number().int().min(1).max(500).optional(),
  }),
};

/**
 * What a session tool knows beyond the arguments: the session this connection (an MCP session over
 * HTTP, a stdio process) started, resumed or took over. The caller's own sessions come from the
 * backend (`list({ mine: true })`), which knows the caller by id.
 */
export interface SessionToolContext {
  current?: string | null;
}

const OPEN_STATUSES = new Set<string>(['active', 'paused', 'interrupted']);

/**
 * The session a call is about: the one named; else the one this connection started or resumed;
 * else the caller's own most recent open session. Never someone else's: without any of these the
 * call is refused, naming the open sessions to choose from.
 */
async function targetSession(memory: MemoryBackend, sessions: SessionBackend, ctx: SessionToolContext, sessionId?: string): Promise<string> {
  if (sessionId) return sessionId;
  if (ctx.current) return ctx.current;
  // The caller's own: started by this token or user, as the server knows it by id (never by a name).
  const mine = await sessions
    .list({ mine: true, limit: 200 })
    .then((items) => items.find((x) => OPEN_STATUSES.has(x.status)))
    .catch(() => undefined);
  if (mine) return mine.id;
  const open = await sessions
    .list({ limit: 200 })
    .then((items) => items.filter((x) => OPEN_STATUSES.has(x.status)))
    .catch(() => null);
  const choices = (open ?? []).slice(0, 10).map((x) => `${x.id} ("${x.title}"${x.owner ? `, ${x.owner}` : ''}, ${x.status})`);
  const more = open && open.length > 10 ? `, and ${open.length - 10} more (session_list)` : '';
  throw new BatonError(
    'invalid_input',
    `sessionId: required: this connection has not started or resumed a session and you have no open session of your own. ` +
      (choices.length
        ? `Name one of the open sessions: ${choices.join('; ')}${more}; or start one with session_start`
        : 'There are no open sessions: start one with session_start'),
    { field: 'sessionId' },
  );
}

/** Runs one session-family tool; never throws: failures are tool errors naming the field. */
export async function runSessionTool(
  name: string,
  args: unknown,
  memory: MemoryBackend,
  sessions: SessionBackend,
  ctx: SessionToolContext = {},
): Promise<ToolResult> {
  try {
    if (ACCEPTED[name]) refuseUnknownArguments(args, ACCEPTED[name]);
    switch (name) {
      case 'swarm_init': {
        const a = parseInput(schemas.swarm_init, args);
        const id = await targetSession(memory, sessions, ctx, a.sessionId);
        const swarmId = `swarm-${randomBytes(4).toString('hex')}`;
        const board = await sessions.board(id);
        const existing = (board.details.swarm as Record<string, unknown> | undefined) ?? {};
        // The swarm is part of the session's story: a memory write the projection puts on the board.
        await memory.store({
          namespace: DEFAULT_SESSION_NAMESPACE,
          key: `session/${id}/swarm`,
          value: JSON.stringify({
            session_id: id,
            swarm_id: swarmId,
            topology: a.topology,
            max_agents: a.maxAgents ?? null,
            strategy: a.strategy ?? null,
            coordinator: a.coordinator ?? null,
            previous: existing.swarm_id ?? null,
          }),
        });
        if (a.coordinator) await sessions.reportAgent(id, { name: a.coordinator, role: 'coordinator', status: 'active' });
        return ok({ swarmId, sessionId: id, topology: a.topology, maxAgents: a.maxAgents ?? null, strategy: a.strategy ?? null });
      }
      case 'agent_register': {
        const a = parseInput(schemas.agent_register, args);
        const id = await targetSession(memory, sessions, ctx, a.sessionId);
        const board = await sessions.reportAgent(id, { name: a.name, role: a.role ?? null, status: a.status, currentTask: a.currentTask ?? null });
        return ok({ sessionId: id, agent: board.agents.find((x) => x.name === a.name) ?? null, roster: board.agents.length });
      }
      case 'agent_update': {
        const a = parseInput(schemas.agent_update, args);
        const id = await targetSession(memory, sessions, ctx, a.sessionId);
        const before = (await sessions.board(id)).agents;
        const agent = before.find((x) => x.name === a.name);
        if (!agent) {
          throw new BatonError(
            'not_found',
            `name: no agent "${a.name}" on ${id}'s roster (${before.map((x) => x.name).join(', ') || 'empty'}); add it with agent_register`,
            { field: 'name' },
          );
        }
        const board = await sessions.reportAgent(id, {
          name: a.name,
          role: a.role ?? null,
          status: a.status ?? agent.status,
          currentTask: a.currentTask ?? null,
        });
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
        ctx.current = id;
        return ok({ sessionId: id, seq: stored.seq, board: { id: board.id, title: board.title, status: board.status, goals: board.goals.length } });
      }
      case 'session_checkpoint': {
        const a = parseInput(schemas.session_checkpoint, args);
        const id = await targetSession(memory, sessions, ctx, a.sessionId);
        if (a.state) {
          const namespace = DEFAULT_SESSION_NAMESPACE;
          await memory.store({
            namespace,
            key: `session/${id}/state`,
            value: JSON.stringify({ session_id: id, last_updated: new Date().toISOString(), ...a.state }),
          });
        }
        const board = await sessions.checkpoint(id, a.label ?? 'Checkpoint from agent');
        return ok({ sessionId: id, checkpoint: board.checkpoints[0] ?? null });
      }
      case 'session_resume': {
        const a = parseInput(schemas.session_resume, args);
        const id = await targetSession(memory, sessions, ctx, a.sessionId);
        const context = await sessions.resume(id);
        ctx.current = id;
        return ok({ sessionId: id, ...context });
      }
      case 'session_handoff':
        return ok(await runHandoff(parseInput(schemas.session_handoff, args), memory, sessions, ctx));
      case 'session_analytics':
        return ok({ analytics: await sessions.analytics(parseInput(analyticsQuerySchema, args ?? {})) });
      case 'session_list': {
        const a = parseInput(schemas.session_list, args);
        const items = await sessions.list(a);
        return ok({ sessions: items, count: items.length });
      }
      case 'agent_status':
        return await runAgentStatus(args, sessions, ctx);
      default:
        throw new BatonError('invalid_input', `name: unknown tool "${name}"`, { field: 'name' });
    }
  } catch (err) {
    return toolError(err);
  }
}

/** A recipient named the way an agent would: "team", a member's email, name or id, else an agent name. */
export async function resolveRecipient(sessions: SessionBackend, to: string | undefined, kind?: 'user' | 'agent' | 'team'): Promise<HandoffCreateInput['to']> {
  if (kind === 'team' || (!kind && to && /^(team|anyone|anyone on the team)$/i.test(to))) return { kind: 'team' };
  if (!to)
    throw new BatonError('invalid_input', 'to: name the recipient: a member (email, name or id), an agent name, or "team" for anyone on the team', {
      field: 'to',
    });
  if (kind === 'agent') return { kind: 'agent', name: to };
  const { users } = await sessions.handoffRecipients();
  const l = to.toLowerCase();
  const user = users.find((u) => u.id === to || u.email.toLowerCase() === l || u.name.toLowerCase() === l);
  if (user) return { kind: 'user', userId: user.id };
  if (kind === 'user')
    throw new BatonError('invalid_input', `to: no member "${to}" (members: ${users.map((u) => u.email).join(', ') || 'none'})`, { field: 'to' });
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

async function runHandoff(
  a: z.output<typeof schemas.session_handoff>,
  memory: MemoryBackend,
  sessions: SessionBackend,
  ctx: SessionToolContext,
): Promise<Record<string, unknown>> {
  const need = (v: string | undefined, field: string) => {
    if (!v) throw new BatonError('invalid_input', `${field}: required for action "${a.action}"`, { field });
    return v;
  };
  switch (a.action) {
    case 'list': {
      const items = await sessions.handoffList({ box: a.box ?? 'all', status: a.status, sessionId: a.sessionId });
      return {
        handoffs: items.map((h) => ({
          id: h.id,
          status: h.status,
          sessionId: h.sessionId,
          sessionTitle: h.sessionTitle,
          from: h.from.label,
          to: h.to.label,
          expiresAt: h.expiresAt,
        })),
        count: items.length,
      };
    }
    case 'get':
      return { handoff: await sessions.handoffGet(need(a.handoffId, 'handoffId')) };
    case 'accept': {
      const h = await sessions.handoffAct(need(a.handoffId, 'handoffId'), 'accept');
      if (h.continuationId) ctx.current = h.continuationId;
      return {
        handoff: handoffBrief(h),
        sessionId: h.continuationId,
        resume: h.continuationId ? await sessions.resume(h.continuationId) : null,
        summary: h.summary,
        context: h.context,
      };
    }
    case 'decline':
    case 'request-changes':
      return { handoff: handoffBrief(await sessions.handoffAct(need(a.handoffId, 'handoffId'), a.action, need(a.reason, 'reason'))) };
    case 'comment':
      return { handoff: handoffBrief(await sessions.handoffAct(need(a.handoffId, 'handoffId'), 'comment', need(a.body, 'body'))) };
    case 'create': {
      // Who gets the work is never guessed: an empty call must not hand it to the whole team.
      if (!a.to && a.toKind !== 'team')
        throw new BatonError('invalid_input', 'to: required to hand a session over: a member (email, name or id), an agent name, or "team"', { field: 'to' });
      const id = await targetSession(memory, sessions, ctx, a.sessionId);
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
      const h = await sessions.handoffCreate(id, {
        to: await resolveRecipient(sessions, a.to, a.toKind),
        handoffType: a.handoffType,
        summary,
        context,
        ...(a.ttl ? { ttl: a.ttl } : {}),
      });
      return { handoff: handoffBrief(h), checklist: h.checklist.map((c) => c.text) };
    }
  }
}
