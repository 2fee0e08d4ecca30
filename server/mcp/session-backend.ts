import type { SessionBoard, SessionStatus, SessionSummary } from '../../lib/session-types.ts';
import { authorize } from '../auth/authorize.ts';
import { principalKey } from '../../lib/access.ts';
import type { Caller, WriteGate } from '../gate.ts';
import type { HandoffActor, HandoffService } from '../handoffs/service.ts';
import { authorizeHandoffRead, handoffActor, handoffCreateOp, handoffStepOp } from '../handoffs/ops.ts';
import { sessionEditOp } from '../sessions/ops.ts';
import type { Handoff, HandoffCreateInput, HandoffListItem } from '../../lib/handoff-types.ts';
import type { SessionService } from '../sessions/service.ts';
import type { AnalyticsService } from '../analytics/service.ts';
import type { Analytics, AnalyticsQuery } from '../../lib/analytics-types.ts';

export type ResumeContext = ReturnType<SessionService['resumeContext']>;
export interface AgentReport {
  name: string;
  role?: string | null;
  status?: string;
  currentTask?: string | null;
}

/**
 * What the session tools (MCP and CLI) need beyond memory. Starting a session and declaring a swarm
 * are memory writes at the seed's keys (so they take the one write path and projection); the rest
 * reads boards or edits them through the write gate (in-process) or the REST API (cli/remote.ts).
 */
export interface SessionBackend {
  /** `mine`: only the sessions the caller started (decided by its id, on the server). */
  list(filters: { type?: string; status?: string; project?: string; limit?: number; mine?: boolean }): Promise<SessionSummary[]>;
  board(id: string): Promise<SessionBoard>;
  resume(id: string): Promise<ResumeContext>;
  checkpoint(id: string, label: string | null): Promise<SessionBoard>;
  reportAgent(id: string, agent: AgentReport): Promise<SessionBoard>;
  touchFiles(id: string, paths: string[]): Promise<SessionBoard>;
  setStatus(id: string, status: SessionStatus): Promise<SessionBoard>;
  /** Tick (or untick) a goal: a milestone every viewer of the board sees. */
  setGoalDone(id: string, goalId: number, done: boolean): Promise<SessionBoard>;
  /** Handoffs: create from a session, act on one (accept, decline, request changes, comment), read. */
  handoffCreate(sessionId: string, input: HandoffCreateInput): Promise<Handoff>;
  handoffAct(id: string, action: 'accept' | 'decline' | 'request-changes' | 'comment', text?: string): Promise<Handoff>;
  handoffGet(id: string): Promise<Handoff>;
  handoffList(filters: { box?: string; status?: string; sessionId?: string; limit?: number }): Promise<HandoffListItem[]>;
  handoffRecipients(): Promise<{ users: { id: string; name: string; email: string }[]; agents: string[] }>;
  /** Figures computed from what Baton recorded (see lib/analytics-types.ts). */
  analytics(query: AnalyticsQuery): Promise<Analytics>;
}

function actOn(
  handoffs: HandoffService,
  id: string,
  action: 'accept' | 'decline' | 'request-changes' | 'comment',
  text: string | undefined,
  actor: HandoffActor,
): Handoff {
  if (action === 'accept') return handoffs.accept(id, actor);
  if (action === 'decline') return handoffs.decline(id, { reason: text }, actor);
  if (action === 'request-changes') return handoffs.requestChanges(id, { reason: text }, actor);
  return handoffs.comment(id, { body: text }, actor);
}

/**
 * The session tools for a caller, in a process that holds the database (the server's MCP sessions,
 * or stdio and the CLI on a file): reads authorized per call, every edit and handoff step through
 * the write gate, exactly as the REST routes do.
 */
export function gatedSessionBackend(
  deps: { sessions: SessionService; handoffs: HandoffService; analytics: AnalyticsService; gate: WriteGate },
  caller: () => Caller,
): SessionBackend {
  const { sessions, handoffs, analytics, gate } = deps;
  const principal = () => gate.caller(caller());
  const view = (id: string) => authorize(principal(), { action: 'session:view', sessionId: id });
  const readAll = () => authorize(principal(), { action: 'memory:read', namespace: '*' });
  const edit = (id: string, action: string, input: unknown, run: (by: string) => SessionBoard) =>
    gate.write(
      caller(),
      sessionEditOp(sessions, id, action, input, ({ writer }) => ({ board: run(writer.label) })),
    );
  return {
    list: async ({ mine, ...filters }) => {
      const p = principal();
      authorize(p, { action: 'memory:read', namespace: '*' });
      return sessions.list(mine ? { ...filters, createdBy: principalKey(p) } : filters).items;
    },
    board: async (id) => (view(id), sessions.requireBoard(id)),
    resume: async (id) => (view(id), sessions.resumeContext(id)),
    checkpoint: (id, label) => edit(id, 'session.checkpoint', { label }, (by) => sessions.checkpoint(id, { label }, by)),
    reportAgent: (id, agent) => edit(id, 'session.agent', agent, (by) => sessions.reportAgent(id, agent, by)),
    touchFiles: (id, paths) => edit(id, 'session.files', { paths }, (by) => sessions.touchFiles(id, paths, 'active', by)),
    setStatus: (id, status) => edit(id, 'session.update', { status }, (by) => sessions.setStatus(id, status, by)),
    setGoalDone: (id, goalId, done) => edit(id, 'session.goal.update', { goalId, done }, (by) => sessions.setGoalDone(id, goalId, done, by)),
    handoffCreate: (sessionId, input) => gate.write(caller(), handoffCreateOp(handoffs, sessions, sessionId, input as Record<string, unknown>, 'mcp')),
    handoffAct: async (id, action, text) =>
      gate.write(
        caller(),
        handoffStepOp(handoffs, sessions, id, `handoff.${action.replace('-', '_')}`, { text }, (actor) => actOn(handoffs, id, action, text, actor)),
      ),
    handoffGet: async (id) => (authorizeHandoffRead(principal(), handoffs.sessionOf(id)), handoffs.get(id)),
    handoffList: async (filters) => (readAll(), handoffs.list(filters, handoffActor(principal(), sessions, '')).items),
    handoffRecipients: async () => (readAll(), handoffs.recipients()),
    analytics: async (query) => (readAll(), analytics.compute(query)),
  };
}
