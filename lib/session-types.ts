import type { BoardItem } from './board-items.ts';

/** A handoff's states (lib/handoff-types.ts has the rest of the handoff contract; kept here so neither file imports the other). */
export const HANDOFF_STATUSES = ['pending', 'changes-requested', 'accepted', 'declined', 'expired', 'cancelled'] as const;
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number];

/** Longest text of each board edit: the server's schemas and the forms' maxlength and counters share them. */
export const BOARD_TEXT_LIMITS = { goal: 500, blockerDescription: 2000, blockerOwner: 120, decisionTopic: 300, decision: 2000, rationale: 4000 } as const;

/** The one list of each: the schema's columns, the APIs' validation and the pages all use these. */
export const SESSION_TYPES = ['development', 'coordination', 'review', 'planning'] as const;
export const SESSION_STATUSES = ['active', 'paused', 'interrupted', 'handed-off', 'completed'] as const;
export const BLOCKER_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const CHECKPOINT_KINDS = ['manual', 'auto', 'agent', 'recovery', 'handoff'] as const;

/** A session board as the browser, the API and the change feed carry it. */
export type SessionType = (typeof SESSION_TYPES)[number];
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export interface SessionSummary {
  id: string;
  /** Set once the session was archived (SESSION_ARCHIVE_DAYS): left out of lists unless asked for. */
  archivedAt?: string;
  type: SessionType;
  subtype: string | null;
  title: string;
  project: string | null;
  owner: string | null;
  status: SessionStatus;
  startedAt: string;
  endedAt: string | null;
  expectedDuration: string | null;
  expectedMinutes: number | null;
  focusArea: string | null;
  tags: string[];
  lastActivityAt: string;
  lastCheckpointAt: string | null;
  parentId: string | null;
  resumeCount: number;
  version: number;
  openBlockers: number;
  goalsDone: number;
  goalsTotal: number;
}

export interface Goal {
  id: number;
  text: string;
  done: boolean;
  doneAt: string | null;
}
export interface Workstream {
  id: number;
  name: string;
  status: string;
  progress: number;
  nextSteps: string[];
  files: string[];
}
export interface SessionFile {
  path: string;
  kind: 'active' | 'modified' | 'test';
  touchedAt: string;
  touchedBy: string | null;
}
export interface Blocker {
  id: number;
  description: string;
  kind: string | null;
  severity: 'low' | 'medium' | 'high' | 'critical';
  owner: string | null;
  impact: string | null;
  expectedResolution: string | null;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
}
export interface Decision {
  id: number;
  topic: string;
  decision: string;
  rationale: string | null;
  alternatives: string[];
  decidedAt: string;
  decidedBy: string | null;
}
export interface SessionAgent {
  name: string;
  role: string | null;
  status: string;
  currentTask: string | null;
  lastActivityAt: string;
  /** While `status` is `waiting`: what the agent waits for (shown as "Waiting for you"), and since when. */
  message?: string | null;
  waitingSince?: string | null;
}
export interface CheckpointSummary {
  id: number;
  kind: 'manual' | 'auto' | 'agent' | 'recovery' | 'handoff';
  label: string | null;
  createdAt: string;
  createdBy: string;
  sessionVersion: number;
  metrics: Record<string, unknown>;
}

export interface SessionBoard extends SessionSummary {
  branch: string | null;
  lastCommit: string | null;
  nextSteps: string[];
  metrics: Record<string, unknown>;
  details: Record<string, unknown>;
  autosaveMinutes: number;
  goals: Goal[];
  workstreams: Workstream[];
  files: SessionFile[];
  blockers: Blocker[];
  decisions: Decision[];
  agents: SessionAgent[];
  checkpoints: CheckpointSummary[];
  /** Typed items of coordination, review and planning boards (lib/board-items.ts), in position order. */
  items: BoardItem[];
  /** Handoffs of this session, newest first (the review page has the whole handoff). */
  handoffs: BoardHandoff[];
  /** The session this one continues (recovery or handoff), and those continuing it. */
  lineage: { parent: { id: string; title: string; status: SessionStatus } | null; children: { id: string; title: string; status: SessionStatus }[] };
}

/** What a checkpoint's snapshot holds: enough to show, diff and resume from. */
export interface CheckpointSnapshot {
  status: SessionStatus;
  owner: string | null;
  branch: string | null;
  lastCommit: string | null;
  nextSteps: string[];
  metrics: Record<string, unknown>;
  goals: { text: string; done: boolean }[];
  workstreams: { name: string; status: string; progress: number; nextSteps: string[] }[];
  files: { path: string; kind: string }[];
  blockers: { description: string; severity: string; resolved: boolean }[];
  decisions: { topic: string; decision: string }[];
  /** What the agent or CLI reported when validating a recovery. */
  validation?: Record<string, unknown>;
}

export interface BoardHandoff {
  id: string;
  status: HandoffStatus;
  from: string;
  to: string;
  createdAt: string;
  expiresAt: string;
  continuationId: string | null;
  /** Why it was declined or sent back (null otherwise). */
  reason?: string | null;
}

/** A board reduced to its summary (the fields of SessionSummary only), for lists fed by whole-board changes. */
export function summaryOf(board: SessionSummary): SessionSummary {
  const {
    id,
    type,
    subtype,
    title,
    project,
    owner,
    status,
    startedAt,
    endedAt,
    expectedDuration,
    expectedMinutes,
    focusArea,
    tags,
    lastActivityAt,
    lastCheckpointAt,
    parentId,
    resumeCount,
    version,
    openBlockers,
    goalsDone,
    goalsTotal,
  } = board;
  return {
    id,
    type,
    subtype,
    title,
    project,
    owner,
    status,
    startedAt,
    endedAt,
    expectedDuration,
    expectedMinutes,
    focusArea,
    tags,
    lastActivityAt,
    lastCheckpointAt,
    parentId,
    resumeCount,
    version,
    openBlockers,
    goalsDone,
    goalsTotal,
  };
}
