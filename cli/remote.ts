// The CLI's and stdio MCP's client for a running Baton over REST: the same backends the tools use
// in-process, with the server's errors coming back as the same BatonError values.
import type { HistoryItem } from '../lib/memory-types.ts';
import { BatonError, type ApiError } from '../lib/errors.ts';
import type { MemoryBackend } from '../server/mcp/backend.ts';
import type { SessionBackend } from '../server/mcp/session-backend.ts';
import type { SessionSummary } from '../lib/session-types.ts';
import type { HandoffListItem } from '../lib/handoff-types.ts';

/** The server cannot be reached: what failed and what to do (the message starts "Cannot reach", exit code 5). */
export function unreachable(root: string, err: unknown): BatonError {
  const why = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
  return new BatonError(
    'internal',
    `Cannot reach Baton at ${root} (${why}): start it (npm start in the Baton checkout) or set BATON_URL (or --url) to where it runs`,
  );
}

/** A 401 or 403, said plainly: no token, a refused token, or a token without the access. */
export function accessError(root: string, status: number, token: string | undefined, e: ApiError | undefined): BatonError {
  if (status === 401 && token) {
    return new BatonError(
      'unauthorized',
      `The token was refused by ${root}: it is unknown, revoked or expired. Make a new one (baton token create, or Settings → API tokens) and set BATON_TOKEN`,
    );
  }
  if (status === 401)
    return new BatonError(
      'unauthorized',
      `${root} needs an API token: set BATON_TOKEN (or --token); make one with baton token create or in Settings → API tokens`,
    );
  return new BatonError(e?.code ?? 'forbidden', e?.message ?? `Baton answered ${status}`, { field: e?.field });
}

/** A running Baton over REST; its errors come back as the same BatonError values. */
export function remoteBackend(baseUrl: string, options: { token?: string; actor?: string } = {}): MemoryBackend {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.actor) headers['x-baton-actor'] = options.actor;
  const root = baseUrl.replace(/\/+$/, '');

  async function call<T>(method: string, path: string, params: Record<string, unknown>, body?: unknown): Promise<T> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) qs.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    let res: Response;
    try {
      res = await fetch(`${root}${path}${qs.size ? `?${qs}` : ''}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw unreachable(root, err);
    }
    const payload = (await res.json().catch(() => null)) as { error?: ApiError } | null;
    if (!res.ok) {
      const e = payload?.error;
      if (res.status === 404 && method === 'GET' && path.endsWith('/entry')) return null as T;
      if (res.status === 401 || res.status === 403) throw accessError(root, res.status, options.token, e);
      throw new BatonError(e?.code ?? 'internal', e?.message ?? `Baton answered ${res.status}`, {
        field: e?.field,
        currentVersion: e?.currentVersion,
      });
    }
    return payload as T;
  }

  return {
    store: (input) => call('PUT', '/api/v1/memory/entry', {}, input),
    retrieve: (input) => call('GET', '/api/v1/memory/entry', { namespace: input.namespace, key: input.key }),
    list: (input) => call('GET', '/api/v1/memory', input),
    search: (input) => call('GET', '/api/v1/memory/search', input),
    delete: (input) => call('DELETE', '/api/v1/memory/entry', { namespace: input.namespace, key: input.key }),
    history: async (input) => (await call<{ items: HistoryItem[] }>('GET', '/api/v1/memory/history', { namespace: input.namespace, key: input.key })).items,
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
      throw unreachable(root, err);
    }
    const payload = (await res.json().catch(() => null)) as ({ error?: ApiError } & T) | null;
    if (!res.ok) {
      const e = payload?.error;
      if (res.status === 401 || res.status === 403) throw accessError(root, res.status, token, e);
      throw new BatonError(e?.code ?? 'internal', e?.message ?? `Baton answered ${res.status}`, { field: e?.field });
    }
    return payload as T;
  };
  const id = (s: string) => encodeURIComponent(s);
  return {
    list: async (filters) => {
      const qs = new URLSearchParams(
        Object.entries(filters)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, String(v)]),
      );
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
      call(
        'POST',
        `/api/v1/handoffs/${id(h)}/${action === 'comment' ? 'comments' : action}`,
        action === 'comment' ? { body: text } : action === 'accept' ? {} : { reason: text },
      ),
    handoffGet: (h) => call('GET', `/api/v1/handoffs/${id(h)}`),
    handoffList: async (filters) => {
      const qs = new URLSearchParams(
        Object.entries(filters)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, String(v)]),
      );
      return (await call<{ items: HandoffListItem[] }>('GET', `/api/v1/handoffs${qs.size ? `?${qs}` : ''}`)).items;
    },
    handoffRecipients: () => call('GET', '/api/v1/handoffs/recipients'),
    analytics: (query) => {
      const qs = new URLSearchParams(
        Object.entries(query)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, String(v)]),
      );
      return call('GET', `/api/v1/analytics?${qs}`);
    },
  };
}
