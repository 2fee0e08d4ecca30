import type { Blocker, CheckpointSnapshot, Decision, Goal, SessionBoard, SessionStatus, SessionSummary, Workstream } from '../../lib/session-types';
import type { SnapshotDiff } from '../../lib/checkpoint-diff';
import { api } from '../auth/api';
import { withShare } from './share';

export type CheckpointDetail = CheckpointSnapshot & { id: number; createdAt: string; kind: string; label: string | null };

/** What GET /api/v1/sessions/:id/resume returns. */
export interface ResumeContext {
  session: Pick<SessionBoard, 'id' | 'title' | 'type' | 'status' | 'owner' | 'project' | 'branch' | 'lastCommit'>;
  lastCheckpoint: CheckpointDetail | null;
  changedSinceCheckpoint: SnapshotDiff | null;
  openBlockers: Blocker[];
  nextSteps: string[];
  goals: Goal[];
  decisions: Decision[];
  activeFiles: string[];
  workstreams: Workstream[];
}

const base = (id: string) => `/api/v1/sessions/${encodeURIComponent(id)}`;

/** The sessions REST API, as the signed-in browser. Every mutation answers with the new board. */
export const sessionsApi = {
  list: (params: Record<string, string | number | undefined> = {}) => {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') qs.set(k, String(v));
    return api<{ items: SessionSummary[]; seq: number }>(`/api/v1/sessions${qs.size ? `?${qs}` : ''}`);
  },
  /** The board and the feed seq it is consistent with; with a share link's secret for a share viewer. */
  board: (id: string, share: string | null = null) => api<SessionBoard & { seq: number }>(withShare(base(id), share)),
  resume: (id: string) => api<ResumeContext>(`${base(id)}/resume`),
  checkpoint: (id: string, checkpoint: number, share: string | null = null) => api<CheckpointDetail>(withShare(`${base(id)}/checkpoints/${checkpoint}`, share)),

  createCheckpoint: (id: string, label: string) =>
    api<SessionBoard>(`${base(id)}/checkpoints`, { method: 'POST', body: label.trim() ? { label: label.trim() } : {} }),
  update: (id: string, patch: { status?: SessionStatus; autosaveMinutes?: number }) => api<SessionBoard>(base(id), { method: 'PATCH', body: patch }),
  recover: (id: string, validation: Record<string, unknown>) => api<SessionBoard>(`${base(id)}/recover`, { method: 'POST', body: { validation } }),
  /** Back from the archive (SESSION_ARCHIVE_DAYS) to the sessions list. */
  unarchive: (id: string) => api<SessionBoard>(`${base(id)}/unarchive`, { method: 'POST' }),
  addBlocker: (id: string, input: { description: string; severity: string; owner?: string | null }) =>
    api<SessionBoard>(`${base(id)}/blockers`, { method: 'POST', body: input }),
  resolveBlocker: (id: string, blocker: number) => api<SessionBoard>(`${base(id)}/blockers/${blocker}/resolve`, { method: 'POST' }),
  addGoal: (id: string, text: string) => api<SessionBoard>(`${base(id)}/goals`, { method: 'POST', body: { text } }),
  setGoalDone: (id: string, goal: number, done: boolean) => api<SessionBoard>(`${base(id)}/goals/${goal}`, { method: 'PATCH', body: { done } }),
  addDecision: (id: string, input: { topic: string; decision: string; rationale?: string | null; alternatives: string[] }) =>
    api<SessionBoard>(`${base(id)}/decisions`, { method: 'POST', body: input }),
};
