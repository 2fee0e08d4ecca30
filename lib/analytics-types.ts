/**
 * Analytics: figures computed by the server from what Baton recorded (sessions, goals, blockers,
 * checkpoints, handoffs and the change feed), never from numbers an agent reported about itself.
 * GET /api/v1/analytics?days=14&tz=Europe/Berlin&type=development&project=shop
 */
import { z } from 'zod';
import { BLOCKER_SEVERITIES, CHECKPOINT_KINDS, SESSION_TYPES, type SessionStatus, type SessionType } from './session-types.ts';

/** Who wrote: `token:` and `mcp:` writers are agents, `cli:` the command line, `system` Baton itself, anyone else a person. */
export const WRITER_KINDS = ['agent', 'person', 'cli', 'system'] as const;
export type WriterKind = (typeof WRITER_KINDS)[number];

export const analyticsQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(90).default(14),
  /** An IANA time zone for the daily buckets (the browser's own); UTC when absent. */
  tz: z
    .string()
    .max(64)
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-CA', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'not a known time zone')
    .default('UTC'),
  type: z.enum(SESSION_TYPES).optional(),
  project: z.string().trim().min(1).max(120).optional(),
});
export type AnalyticsQuery = z.output<typeof analyticsQuerySchema>;

export interface AnalyticsDay {
  /** The local date (YYYY-MM-DD in the query's time zone). */
  date: string;
  writes: number;
  agentWrites: number;
  peopleWrites: number;
  checkpoints: number;
  goalsDone: number;
  blockersRaised: number;
  sessionsStarted: number;
  handoffs: number;
}

export interface AnalyticsSessionRow {
  id: string;
  title: string;
  type: SessionType;
  status: SessionStatus;
  project: string | null;
  owner: string | null;
  goalsDone: number;
  goalsTotal: number;
  /** Mean progress of its workstreams, 0–100; null without workstreams. */
  progress: number | null;
  openBlockers: number;
  checkpoints: number;
  handoffs: number;
  startedAt: string;
  lastActivityAt: string;
  /** Hours from start to the end (or to the last activity while still open). */
  hours: number;
}

/** The seed's keys where agents store metrics about themselves (shown beside the measured ones). */
export const REPORTED_METRIC_KEYS = ['session/team-coordination/metrics', 'session/analytics/productivity'] as const;

/** One metrics entry an agent stored, as stored (JSON parsed). */
export interface ReportedMetrics {
  namespace: string;
  key: (typeof REPORTED_METRIC_KEYS)[number];
  updatedAt: string;
  updatedBy: string;
  value: Record<string, unknown>;
}

export interface Analytics {
  generatedAt: string;
  /** The feed's head when computed: a viewer refreshes when changes after it arrive. */
  seq: number;
  query: AnalyticsQuery;
  window: { from: string; to: string };
  /** Writes are counted from this moment on (the first change Baton folded into its write counts; null: none yet). */
  feedCoversFrom: string | null;
  sessions: {
    /** Sessions matching the filters, whenever started. */
    total: number;
    byStatus: Record<SessionStatus, number>;
    byType: Record<SessionType, number>;
    startedInWindow: number;
    /** Median hours from start to end, over sessions completed or handed off in the window. */
    medianHoursToFinish: number | null;
  };
  goals: { total: number; done: number; completionRate: number | null; doneInWindow: number };
  blockers: {
    open: number;
    openBySeverity: Record<(typeof BLOCKER_SEVERITIES)[number], number>;
    raisedInWindow: number;
    resolvedInWindow: number;
    medianHoursToResolve: number | null;
  };
  checkpoints: { inWindow: number; byKind: Record<(typeof CHECKPOINT_KINDS)[number], number> };
  handoffs: {
    createdInWindow: number;
    open: number;
    accepted: number;
    declined: number;
    expired: number;
    cancelled: number;
    /** accepted / (accepted + declined + expired), over handoffs created in the window. */
    acceptanceRate: number | null;
    medianHoursToAccept: number | null;
  };
  recovery: { interruptedNow: number; recoveredInWindow: number };
  /** Memory writes in the window (store, delete; expiries are Baton's own), all namespaces the caller may read. */
  writes: { total: number; byKind: Record<WriterKind, number> };
  daily: AnalyticsDay[];
  /** The ten busiest writers in the window. */
  writers: { actor: string; kind: WriterKind; writes: number; lastAt: string }[];
  /** Sessions active in the window, most recent first (at most 20). */
  sessionRows: AnalyticsSessionRow[];
  /**
   * What agents reported about themselves at the seed's metrics keys (any namespace, newest first,
   * at most 10 each): team coordination metrics and session productivity. Not filtered by type or project.
   */
  reported: { team: ReportedMetrics[]; sessions: ReportedMetrics[] };
}
