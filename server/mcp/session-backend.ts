import type { Principal } from '../../lib/access.ts';
import { principalLabel } from '../../lib/access.ts';
import { BatonError, type ApiError } from '../../lib/errors.ts';
import type { SessionBoard, SessionStatus, SessionSummary } from '../../lib/session-types.ts';
import { authorize, authorizeSessionWrite } from '../auth/authorize.ts';
import type { AuditLog } from '../auth/audit.ts';
import type { HandoffActor, HandoffService } from '../handoffs/service.ts';
import { authorizeHandoffRead, handoffActor } from '../http/handoffs-api.ts';
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
 * reads boards or edits them through SessionService (in-process) or the REST API (remote).
 */
export interface SessionBackend {
  list(filters: { type?: string; status?: string; project?: string; limit?: number }): Promise<SessionSummary[]>;
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

function actOn(handoffs: HandoffService, id: string, action: 'accept' | 'decline' | 'request-changes' | 'comment', text: string | undefined, actor: HandoffActor): Handoff {
  if (action === 'accept') return handoffs.accept(id, actor);
  if (action === 'decline') return handoffs.decline(id, { reason: text }, actor);
  if (action === 'request-changes') return handoffs.requestChanges(id, { reason: text }, actor);
  return handoffs.comment(id, { body: text }, actor);
}

/** In the server: authorized per call for the MCP session's caller (re-read each time). */
export function authorizedSessionBackend(sessions: SessionService, caller: () => Principal, handoffs: HandoffService, analytics: AnalyticsService, audit?: AuditLog): SessionBackend {
  const view = (id: string) => authorize(caller(), { action: 'session:view', sessionId: id });
  // The REST routes' check: an unknown session is a 404 only for callers who may view sessions.
  const edit = (id: string) => {
    const p = caller();
    authorizeSessionWrite(p, sessions, id);
    return principalLabel(p);
  };
  return {
    list: async (filters) => {
      authorize(caller(), { action: 'memory:read', namespace: '*' });
      return sessions.list(filters).items;
    },
    board: async (id) => (view(id), sessions.requireBoard(id)),
    resume: async (id) => (view(id), sessions.resumeContext(id)),
    checkpoint: async (id, label) => sessions.checkpoint(id, { label }, edit(id)),
    reportAgent: async (id, agent) => sessions.reportAgent(id, agent, edit(id)),
    touchFiles: async (id, paths) => sessions.touchFiles(id, paths, 'active', edit(id)),
    setStatus: async (id, status) => sessions.setStatus(id, status, edit(id)),
    setGoalDone: async (id, goalId, done) => sessions.setGoalDone(id, goalId, done, edit(id)),
    handoffCreate: async (sessionId, input) => {
      edit(sessionId);
      const h = handoffs.create(sessionId, input, handoffActor(caller(), sessions, sessionId), 'mcp');
      audit?.record({ principal: caller(), action: 'handoff.create', target: h.id, detail: { session: sessionId, to: h.to.label, source: 'mcp' } });
      return h;
    },
    handoffAct: async (id, action, text) => {
      const sessionId = handoffs.sessionOf(id);
      authorizeHandoffRead(caller(), sessionId);
      const h = actOn(handoffs, id, action, text, handoffActor(caller(), sessions, sessionId));
      audit?.record({ principal: caller(), action: `handoff.${action.replace('-', '_')}`, target: id, detail: { session: sessionId, status: h.status, source: 'mcp' } });
      return h;
    },
    handoffGet: async (id) => (authorizeHandoffRead(caller(), handoffs.sessionOf(id)), handoffs.get(id)),
    handoffList: async (filters) => {
      authorize(caller(), { action: 'memory:read', namespace: '*' });
      return handoffs.list(filters, handoffActor(caller(), sessions, '')).items;
    },
    handoffRecipients: async () => (authorize(caller(), { action: 'memory:read', namespace: '*' }), handoffs.recipients()),
    analytics: async (query) => (authorize(caller(), { action: 'memory:read', namespace: '*' }), analytics.compute(query)),
  };
}

/** A database file opened directly (stdio MCP or CLI without a server): trusted like the file. */
export function localSessionBackend(sessions: SessionService, actor: string, handoffs: HandoffService, analytics: AnalyticsService): SessionBackend {
  // Trusted like the file, but not anyone in particular: handoffs addressed to a member are theirs to accept.
  const who: HandoffActor = { label: actor, userId: null, admin: false, canWrite: true };
  return {
    list: async (filters) => sessions.list(filters).items,
    board: async (id) => sessions.requireBoard(id),
    resume: async (id) => sessions.resumeContext(id),
    checkpoint: async (id, label) => sessions.checkpoint(id, { label }, actor),
    reportAgent: async (id, agent) => sessions.reportAgent(id, agent, actor),
    touchFiles: async (id, paths) => sessions.touchFiles(id, paths, 'active', actor),
    setStatus: async (id, status) => sessions.setStatus(id, status, actor),
    setGoalDone: async (id, goalId, done) => sessions.setGoalDone(id, goalId, done, actor),
    handoffCreate: async (sessionId, input) => handoffs.create(sessionId, input, who, 'mcp'),
    handoffAct: async (id, action, text) => actOn(handoffs, id, action, text, who),
    handoffGet: async (id) => handoffs.get(id),
    handoffList: async (filters) => handoffs.list(filters, who).items,
    handoffRecipients: async () => handoffs.recipients(),
    analytics: async (query) => analytics.compute(query),
  };
}

/** A running Baton over REST. */
/** `client` tells Baton where a handoff came from (`x-baton-client`: shown on its review page). */
export function remoteSessionBackend(baseUrl: string, token?: string, client: 'cli' | 'mcp' = 'mcp'): SessionBackend {
  const root = baseUrl.replace(/\/+$/, '');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${root}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-baton-client': client, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new BatonError('internal', `Cannot reach Baton at ${root}: ${(err as Error).message}`);
    }
    const payload = (await res.json().catch(() => null)) as ({ error?: ApiError } & T) | null;
    if (!res.ok) {
      const e = payload?.error;
      throw new BatonError(e?.code ?? 'internal', e?.message ?? `Baton answered ${res.status}`, { field: e?.field });
    }
    return payload as T;
  };
  const id = (s: string) => encodeURIComponent(s);
  return {
    list: async (filters) => {
      const qs = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
      return (await call<{ items: SessionSummary[] }>('GET', `/api/v1/sessions${qs.size ? `?${qs}` : ''}`)).items;
    },
    board: (s) => call('GET', `/api/v1/sessions/${id(s)}`),
    resume: (s) => call('GET', `/api/v1/sessions/${id(s)}/resume`),
    checkpoint: (s, label) => call('POST', `/api/v1/sessions/${id(s)}/checkpoints`, { label }),
    reportAgent: (s, agent) => call('POST', `/api/v1/sessions/${id(s)}/agents`, agent),
    touchFiles: (s, paths) => call('POST', `/api/v1/sessions/${id(s)}/files`, { paths, kind: 'active' }),
    setStatus: (s, status) => call('PATCH', `/api/v1/sessions/${id(s)}`, { status }),
    setGoalDone: (s, goalId, done) => call('PATCH', `/api/v1/sessions/${id(s)}/goals/${goalId}`, { done }),
    handoffCreate: (s, input) => call('POST', `/api/v1/sessions/${id(s)}/handoffs`, input),
    handoffAct: (h, action, text) =>
      call('POST', `/api/v1/handoffs/${id(h)}/${action === 'comment' ? 'comments' : action}`, action === 'comment' ? { body: text } : action === 'accept' ? {} : { reason: text }),
    handoffGet: (h) => call('GET', `/api/v1/handoffs/${id(h)}`),
    handoffList: async (filters) => {
      const qs = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
      return (await call<{ items: HandoffListItem[] }>('GET', `/api/v1/handoffs${qs.size ? `?${qs}` : ''}`)).items;
    },
    handoffRecipients: () => call('GET', '/api/v1/handoffs/recipients'),
    analytics: (query) => {
      const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
      return call('GET', `/api/v1/analytics?${qs}`);
    },
  };
}
