import { z } from 'zod';
import type { SnapshotDiff } from './checkpoint-diff.ts';
import { HANDOFF_STATUSES, type HandoffStatus, type SessionStatus, type SessionType } from './session-types.ts';

export { HANDOFF_STATUSES, type HandoffStatus };

/**
 * Handoffs: a session passed, with its context, from one teammate or agent to the next.
 * The contract shared by the HandoffService, REST, MCP, the CLI, socket delivery and the pages.
 */
/** Still waiting for the recipient (pending or sent back for changes). */
export const OPEN_HANDOFF_STATUSES: readonly HandoffStatus[] = ['pending', 'changes-requested'];

/** Who receives it: a member (by user id), an agent (by name), or anyone on the team. */
export type HandoffRecipient =
  { kind: 'user'; userId: string; label: string } | { kind: 'agent'; name: string; label: string } | { kind: 'team'; label: string };

export interface HandoffInProgress {
  task: string;
  /** 0–100 */
  progress: number;
  nextSteps: string[];
  files: string[];
  estimatedCompletion: string | null;
}
export interface HandoffBlocker {
  description: string;
  impact: string | null;
  owner: string | null;
  expectedResolution: string | null;
}
export interface HandoffSummary {
  completed: string[];
  inProgress: HandoffInProgress[];
  blockers: HandoffBlocker[];
  notes: string[];
}
export interface HandoffContext {
  priorities: string[];
  filesToReview: string[];
  decisionsNeeded: string[];
  /** Free text, e.g. "unit green, integration needs the test database". */
  testStatus: string | null;
  branch: string | null;
  environment: Record<string, unknown>;
}

export interface HandoffChecklistItem {
  id: number;
  text: string;
  done: boolean;
  doneBy: string | null;
  doneAt: string | null;
}

/** The timeline of a handoff: comments and every step (created, changes requested, accepted…). */
export interface HandoffEvent {
  id: number;
  kind: 'created' | 'comment' | 'changes-requested' | 'updated' | 'accepted' | 'declined' | 'expired' | 'renewed' | 'cancelled';
  author: string;
  body: string | null;
  at: string;
}

export interface Handoff {
  id: string;
  sessionId: string;
  sessionTitle: string;
  /** The session the recipient continues in, once accepted. */
  continuationId: string | null;
  status: HandoffStatus;
  handoffType: string | null;
  from: { label: string; userId: string | null };
  to: HandoffRecipient;
  summary: HandoffSummary;
  context: HandoffContext;
  /** The handoff checkpoint taken at creation, and the checkpoint before it (the review page diffs the two). */
  checkpointId: number | null;
  baseCheckpointId: number | null;
  /** Memory entries linked to this handoff (the seed-shaped write, notes agents stored). */
  memoryKeys: { namespace: string; key: string }[];
  source: 'board' | 'api' | 'mcp' | 'cli' | 'memory';
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  /** Why it was declined or sent back. */
  reason: string | null;
  renewedFrom: string | null;
  version: number;
  checklist: HandoffChecklistItem[];
  events: HandoffEvent[];
}

/** What the caller may do with one handoff now (the server decides; pages only show it). */
export interface HandoffPermissions {
  decide: boolean;
  comment: boolean;
  check: boolean;
  edit: boolean;
  renew: boolean;
  cancel: boolean;
}

/** `GET /api/v1/handoffs/:id`: the handoff, the diff since the checkpoint before it, its session now, the caller's permissions. */
export type HandoffView = Handoff & {
  seq: number;
  diff: SnapshotDiff | null;
  permissions: HandoffPermissions;
  session: { id: string; title: string; status: SessionStatus; owner: string | null; type: SessionType };
};

/** A handoff as lists and badges carry it (no checklist or timeline). */
export type HandoffListItem = Omit<Handoff, 'checklist' | 'events' | 'summary' | 'context'> & {
  checklistDone: number;
  checklistTotal: number;
  comments: number;
};

/** Default expiry: three days, the seed's TTL for `session/handoff/preparation`. */
export const DEFAULT_HANDOFF_TTL_SECONDS = 259_200;

const line = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const lines = (max: number, count = 100) => z.array(line(max)).max(count).default([]);

export const recipientInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), userId: line(100) }),
  z.object({ kind: z.literal('agent'), name: line(120) }),
  z.object({ kind: z.literal('team') }),
]);

export const handoffCreateSchema = z.object({
  to: recipientInputSchema,
  handoffType: z.string().trim().max(60).nullish(),
  summary: z
    .object({
      completed: lines(500),
      inProgress: z
        .array(
          z.object({
            task: line(500),
            progress: z.number().min(0).max(100).default(0),
            nextSteps: lines(500),
            files: lines(1000),
            estimatedCompletion: z.string().trim().max(100).nullish(),
          }),
        )
        .max(50)
        .default([]),
      blockers: z
        .array(
          z.object({
            description: line(1000),
            impact: z.string().trim().max(1000).nullish(),
            owner: z.string().trim().max(120).nullish(),
            expectedResolution: z.string().trim().max(200).nullish(),
          }),
        )
        .max(50)
        .default([]),
      notes: lines(2000),
    })
    .partial()
    .default({}),
  context: z
    .object({
      priorities: lines(500),
      filesToReview: lines(1000),
      decisionsNeeded: lines(1000),
      testStatus: z.string().trim().max(1000).nullish(),
      branch: z.string().trim().max(200).nullish(),
      environment: z.record(z.string(), z.unknown()).default({}),
    })
    .partial()
    .default({}),
  /** What the recipient should tick before accepting; defaults are derived from the context. */
  checklist: z.array(line(300)).max(50).optional(),
  /** Seconds until it expires (default three days). */
  ttl: z
    .number()
    .int()
    .min(60)
    .max(90 * 86_400)
    .default(DEFAULT_HANDOFF_TTL_SECONDS),
  /** Pre-fill the summary from the board (goals done, workstreams, open blockers, next steps). Default true. */
  fromBoard: z.boolean().default(true),
});
export type HandoffCreateInput = z.input<typeof handoffCreateSchema>;

export const handoffDecisionSchema = z.object({
  /** Required to decline or to request changes. */
  reason: z.string().trim().max(2000).nullish(),
});
export const handoffCommentSchema = z.object({ body: line(4000) });
export const handoffChecklistPatchSchema = z.object({ done: z.boolean({ error: 'must be true or false' }) });
export const handoffListSchema = z.object({
  box: z.enum(['inbox', 'sent', 'all']).default('all'),
  status: z.enum(HANDOFF_STATUSES).optional(),
  sessionId: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
