import type { SnapshotDiff } from '../../lib/checkpoint-diff';
import type { Handoff, HandoffCreateInput, HandoffListItem, HandoffStatus } from '../../lib/handoff-types';
import type { SessionStatus } from '../../lib/session-types';
import { api } from '../auth/api';
import type { InboxBox } from './look';

/** What the signed-in caller may do with one handoff (the server decides; the page only shows it). */
export interface HandoffPermissions {
  decide: boolean;
  comment: boolean;
  check: boolean;
  edit: boolean;
  renew: boolean;
  cancel: boolean;
}

export interface HandoffSessionSummary {
  id: string;
  title: string;
  status: SessionStatus;
  owner: string | null;
}

/** GET /api/v1/handoffs/:id: the handoff, the diff it carries, its session now, and what the caller may do. */
export type HandoffDetail = Handoff & {
  seq: number;
  diff: SnapshotDiff | null;
  session?: HandoffSessionSummary;
  /** The same as `session` (the name the first contract used). */
  board?: HandoffSessionSummary;
  permissions: HandoffPermissions;
};

export interface HandoffRecipients {
  users: { id: string; name: string; email: string; role: string }[];
  agents: string[];
}

export type HandoffBox = InboxBox;
/** What the sender may change when editing (everything but the recipient). */
export type HandoffEditInput = Omit<HandoffCreateInput, 'to' | 'fromBoard'>;

const one = (id: string) => `/api/v1/handoffs/${encodeURIComponent(id)}`;
const post = <T,>(path: string, body: unknown = {}) => api<T>(path, { method: 'POST', body });

/** The handoffs REST API, as the signed-in browser. Every mutation answers with the handoff. */
export const handoffsApi = {
  list: (params: { box?: HandoffBox; status?: HandoffStatus; sessionId?: string; limit?: number } = {}) => {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') qs.set(k, String(v));
    return api<{ items: HandoffListItem[]; seq: number }>(`/api/v1/handoffs${qs.size ? `?${qs}` : ''}`);
  },
  recipients: () => api<HandoffRecipients>('/api/v1/handoffs/recipients'),
  get: (id: string) => api<HandoffDetail>(one(id)),
  create: (sessionId: string, input: HandoffCreateInput) => post<Handoff>(`/api/v1/sessions/${encodeURIComponent(sessionId)}/handoffs`, input),
  update: (id: string, input: HandoffEditInput) => api<Handoff>(one(id), { method: 'PATCH', body: input }),
  accept: (id: string) => post<Handoff>(`${one(id)}/accept`),
  decline: (id: string, reason: string) => post<Handoff>(`${one(id)}/decline`, { reason }),
  requestChanges: (id: string, reason: string) => post<Handoff>(`${one(id)}/request-changes`, { reason }),
  comment: (id: string, body: string) => post<Handoff>(`${one(id)}/comments`, { body }),
  check: (id: string, itemId: number, done: boolean) => api<Handoff>(`${one(id)}/checklist/${itemId}`, { method: 'PATCH', body: { done } }),
  renew: (id: string, ttl?: number) => post<Handoff>(`${one(id)}/renew`, ttl ? { ttl } : {}),
  cancel: (id: string) => post<Handoff>(`${one(id)}/cancel`),
};
