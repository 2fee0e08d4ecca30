import type { Principal } from '../../lib/access.ts';
import { principalLabel } from '../../lib/access.ts';
import { BatonError, type ApiError } from '../../lib/errors.ts';
import type { SessionBoard, SessionStatus, SessionSummary } from '../../lib/session-types.ts';
import { authorize } from '../auth/authorize.ts';
import type { SessionService } from '../sessions/service.ts';

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
}

/** In the server: authorized per call for the MCP session's caller (re-read each time). */
export function authorizedSessionBackend(sessions: SessionService, caller: () => Principal): SessionBackend {
  const view = (id: string) => authorize(caller(), { action: 'session:view', sessionId: id });
  const edit = (id: string) => {
    const p = caller();
    const namespace = sessions.sourceNamespaceOf(id);
    if (namespace === null) sessions.requireBoard(id);
    authorize(p, { action: 'memory:write', namespace: namespace ?? '*' });
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
  };
}

/** A database file opened directly (stdio MCP or CLI without a server): trusted like the file. */
export function localSessionBackend(sessions: SessionService, actor: string): SessionBackend {
  return {
    list: async (filters) => sessions.list(filters).items,
    board: async (id) => sessions.requireBoard(id),
    resume: async (id) => sessions.resumeContext(id),
    checkpoint: async (id, label) => sessions.checkpoint(id, { label }, actor),
    reportAgent: async (id, agent) => sessions.reportAgent(id, agent, actor),
    touchFiles: async (id, paths) => sessions.touchFiles(id, paths, 'active', actor),
    setStatus: async (id, status) => sessions.setStatus(id, status, actor),
  };
}

/** A running Baton over REST. */
export function remoteSessionBackend(baseUrl: string, token?: string): SessionBackend {
  const root = baseUrl.replace(/\/+$/, '');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${root}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
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
  };
}
