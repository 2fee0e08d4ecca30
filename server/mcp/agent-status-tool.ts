import { z } from 'zod';
import { BatonError, parseInput } from '../../lib/errors.ts';
import { toolError, type ToolResult } from './memory-tool.ts';
import type { SessionBackend } from './session-backend.ts';

/**
 * `agent_status { status: working|waiting|done, message? }`: "Needs you" for any agent. `waiting`
 * shows the agent as "Waiting for you" (with the message) on its board's roster, the dashboard and
 * the header's count, and raises `agent.waiting`; `working` or `done` clears it (`agent.resumed`).
 * The same roster write as the Claude Code Notification hook (cli/hooks-waiting.ts).
 */
export const AGENT_STATUS_TOOL = {
  name: 'agent_status',
  title: 'Say whether you are working or waiting for a person',
  description:
    'Tell the people on this session whether you are working, waiting for them (a permission, an answer, a review: say what in `message`), or done. Waiting shows as "Needs you" on the board and the dashboard and can notify them; call it with working when you continue.',
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  inputSchema: {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['working', 'waiting', 'done'], description: 'working, waiting (for a person) or done' },
      message: { type: 'string', minLength: 1, maxLength: 500, description: 'What you are waiting for, e.g. "Approve the migration?"' },
      agent: { type: 'string', minLength: 1, maxLength: 120, description: 'Your name on the roster (default: the name you connect as)' },
      sessionId: { type: 'string', minLength: 1, maxLength: 500, description: 'The session (default: the one this connection started or resumed)' },
    },
    required: ['status'],
  },
  outputSchema: {
    type: 'object',
    properties: { success: { type: 'boolean' }, timestamp: { type: 'string' }, sessionId: { type: 'string' }, agent: { type: 'object' } },
    required: ['success'],
  },
} as const;

/** The roster's status for each agent_status value. */
export const ROSTER_STATUS = { working: 'active', waiting: 'waiting', done: 'completed' } as const;

const schema = z
  .object({
    status: z.enum(['working', 'waiting', 'done'], { error: 'must be working, waiting or done' }),
    message: z.string().trim().min(1).max(500).optional(),
    agent: z.string().trim().min(1).max(120).optional(),
    sessionId: z.string().trim().min(1).max(500).optional(),
  })
  .strict();

export async function runAgentStatus(
  args: unknown,
  sessions: SessionBackend,
  ctx: { current?: string | null; whoami?: () => Promise<string | null> | string | null },
): Promise<ToolResult> {
  try {
    const a = parseInput(schema, args ?? {});
    const sessionId = a.sessionId ?? ctx.current;
    if (!sessionId) throw new BatonError('invalid_input', 'sessionId: required: this connection has not started or resumed a session', { field: 'sessionId' });
    const name = a.agent ?? (await ctx.whoami?.())?.replace(/^token:/, '') ?? 'agent';
    const board = await sessions.reportAgent(sessionId, {
      name,
      status: ROSTER_STATUS[a.status],
      currentTask: a.status === 'waiting' ? (a.message ?? 'Waiting for input') : (a.message ?? null),
    });
    const agent = board.agents.find((x) => x.name === name) ?? null;
    return { content: [{ type: 'text', text: JSON.stringify({ success: true, sessionId, agent, timestamp: new Date().toISOString() }, null, 2) }] };
  } catch (err) {
    return toolError(err);
  }
}
