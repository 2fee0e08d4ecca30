import type { Handoff, HandoffCreateInput, HandoffListItem, HandoffStatus, HandoffView } from '../../lib/handoff-types';
export type { HandoffPermissions } from '../../lib/handoff-types';
import { api } from '../auth/api';
import type { InboxBox } from './look';

/** GET /api/v1/handoffs/:id. */
export type HandoffDetail = HandoffView;

export interface HandoffRecipients {
  users: { id: string; name: string; email: string; role: string }[];
  agents: string[];
}

export type HandoffBox = InboxBox;
/** What the sender may change when editing (everything but the recipient). */
export type HandoffEditInput = Omit<HandoffCreateInput, 'to' | 'fromBoard'>;

const one = (id: string) => `/api/v1/handoffs/${encodeURIComponent(id)}`;
const post = <T>(path: string, body: unknown = {}) => api<T>(path, { method: 'POST', body });

/** The handoffs REST API, as the signed-in browser. Every mutation answers with the handoff. */
export const handoffsApi = {
  list: (params: { box?: HandoffBox; status?: HandoffStatus; sessionId?: string; limit?: number } = {}) => {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') qs.set(k, String(v));
    return api<{ items: HandoffListItem[]; seq: number }>(`/api/v1/handoffs${qs.size ? `?${qs}` : ''}`);
  },
  recipients: () => api<HandoffRecipients>('/api/v1/handoffs/recipients'),
  get: (id: string) => api<HandoffDetail>(one(id)),
  // Created on the board: the handoff's `source` says so.
  create: (sessionId: string, input: HandoffCreateInput) =>
    api<Handoff>(`/api/v1/sessions/${encodeURIComponent(sessionId)}/handoffs`, { method: 'POST', body: input, headers: { 'x-baton-client': 'board' } }),
  update: (id: string, input: HandoffEditInput) => api<Handoff>(one(id), { method: 'PATCH', body: input }),
  accept: (id: string) => post<Handoff>(`${one(id)}/accept`),
  decline: (id: string, reason: string) => post<Handoff>(`${one(id)}/decline`, { reason }),
  requestChanges: (id: string, reason: string) => post<Handoff>(`${one(id)}/request-changes`, { reason }),
  comment: (id: string, body: string) => post<Handoff>(`${one(id)}/comments`, { body }),
  check: (id: string, itemId: number, done: boolean) => api<Handoff>(`${one(id)}/checklist/${itemId}`, { method: 'PATCH', body: { done } }),
  renew: (id: string, ttl?: number) => post<Handoff>(`${one(id)}/renew`, ttl ? { ttl } : {}),
  cancel: (id: string) => post<Handoff>(`${one(id)}/cancel`),
};
