// Turns a memory write at a session-shaped key (the seed's snake_case values) into a patch the
// SessionService applies in the same transaction. Pure: no database, no clock. Tolerant of missing
// and extra fields, other ids and more workstreams; what cannot be a session returns a warning.

import type { HandoffContext, HandoffSummary } from '../../lib/handoff-types.ts';
import type { SessionType } from '../../lib/session-types.ts';
import type { BoardFields, BoardItemKind } from '../../lib/board-items.ts';
import { seedBoardOf } from './items.ts';

type Json = Record<string, unknown>;

export interface BlockerInput {
  description: string;
  kind?: string | null;
  severity?: 'low' | 'medium' | 'high' | 'critical';
  owner?: string | null;
  impact?: string | null;
  expectedResolution?: string | null;
  createdAt?: number | null;
}
export interface DecisionInput {
  topic: string;
  decision: string;
  rationale?: string | null;
  alternatives?: string[];
  decidedAt?: number | null;
  decidedBy?: string | null;
}
export interface WorkstreamInput {
  name: string;
  status?: string;
  progress?: number;
  nextSteps?: string[];
  files?: string[];
}

/** How to find the session a write is about. */
export type SessionTarget =
  | { by: 'id'; id: string; create: boolean }
  /** No id in the value: the latest session of this type written from the same namespace (or anywhere). */
  | { by: 'latest'; type: SessionType; namespace: string; create: boolean; newId: string };

export interface SessionPatch {
  target: SessionTarget;
  /** Fields of a session created by this write. */
  create?: { type: SessionType; subtype: string | null; title: string };
  core?: {
    title?: string;
    project?: string | null;
    owner?: string | null;
    status?: 'active' | 'paused' | 'interrupted' | 'handed-off' | 'completed';
    startedAt?: number | null;
    expectedDuration?: string | null;
    focusArea?: string | null;
    branch?: string | null;
    lastCommit?: string | null;
    nextSteps?: string[];
    tags?: string[];
  };
  goals?: string[];
  goalsDone?: string[];
  workstreams?: WorkstreamInput[];
  files?: { path: string; kind: 'active' | 'modified' | 'test' }[];
  blockers?: BlockerInput[];
  decisions?: DecisionInput[];
  agents?: { name: string; role?: string | null; status?: string }[];
  metrics?: Json;
  details?: Json;
  checkpoint?: { kind: 'agent' | 'recovery' | 'handoff'; label: string; validation?: Json };
  resumed?: boolean;
  /** The ownership step after a handoff: a continuation of the previous owner's handed-off session. */
  continuation?: { previousOwner: string | null; handoffId: string | null };
  /** Typed board items the write describes (agenda, projects, criteria…); a kind is only seeded into a session that has none of it. */
  items?: { kind: BoardItemKind; data: Record<string, unknown> }[];
  /** Single-valued board fields (capacity, horizon…), merged into details.fields. */
  fields?: BoardFields;
  /** `session/handoff/preparation`: the handoff record it opens (HandoffService). */
  handoff?: SeedHandoff;
}

/** A handoff as the seed's preparation write describes it (labels, not yet resolved to members). */
export interface SeedHandoff {
  from: string | null;
  to: string | null;
  type: string | null;
  summary: HandoffSummary;
  context: HandoffContext;
}

export type ProjectionResult = { kind: 'patch'; patch: SessionPatch } | { kind: 'warning'; message: string } | { kind: 'none' };

const KNOWN_SECTIONS = new Set([
  'development',
  'coordination',
  'multi-project',
  'review',
  'qa-review',
  'sprint-planning',
  'architecture-planning',
  'handoff',
  'current',
  'analytics',
  'team-coordination',
]);

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);
const strings = (v: unknown): string[] =>
  Array.isArray(v)
    ? v
        .map((x) =>
          typeof x === 'string'
            ? x
            : x && typeof x === 'object'
              ? str((x as Json).name ?? (x as Json).task ?? (x as Json).description ?? (x as Json).title)
              : str(x),
        )
        .filter((x): x is string => !!x)
    : [];
const obj = (v: unknown): Json | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);
const time = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
};
const percent = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number.parseFloat(v) : Number.NaN;
  if (!Number.isFinite(n)) return undefined;
  return Math.max(0, Math.min(100, Math.round(n <= 1 && typeof v === 'number' && !Number.isInteger(v) ? n * 100 : n)));
};
const severity = (v: unknown): BlockerInput['severity'] => {
  const s = str(v)?.toLowerCase();
  return s === 'low' || s === 'high' || s === 'critical' ? s : 'medium';
};
const titleCase = (s: string) => s.replace(/[-_]+/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());

function blockersOf(v: unknown): BlockerInput[] {
  if (!Array.isArray(v)) return [];
  return v
    .map((b): BlockerInput | null => {
      if (typeof b === 'string') return { description: b };
      const o = obj(b);
      const description = o && str(o.description ?? o.title ?? o.summary);
      if (!o || !description) return null;
      return {
        description,
        kind: str(o.type ?? o.kind),
        severity: severity(o.severity ?? o.priority),
        owner: str(o.owner ?? o.escalated_to ?? o.assignee),
        impact: str(o.impact),
        expectedResolution: str(o.expected_resolution),
        createdAt: time(o.created_at),
      };
    })
    .filter((b): b is BlockerInput => b !== null);
}

function decisionsOf(v: unknown): DecisionInput[] {
  if (!Array.isArray(v)) return [];
  return v
    .map((d): DecisionInput | null => {
      const o = obj(d);
      const decision = o && str(o.decision ?? o.outcome);
      if (!o || !decision) return null;
      return {
        topic: str(o.topic ?? o.title) ?? decision,
        decision,
        rationale: str(o.rationale ?? o.reason),
        alternatives: strings(o.alternatives ?? o.alternatives_considered),
        decidedAt: time(o.timestamp ?? o.decided_at),
        decidedBy: str(o.decided_by ?? o.by),
      };
    })
    .filter((d): d is DecisionInput => d !== null);
}

/** `progress: { "user-authentication": { status, completion_percentage, files_modified, next_steps } }` */
function workstreamsOf(v: unknown): WorkstreamInput[] {
  const o = obj(v);
  if (o) {
    return Object.entries(o).map(([name, w]) => {
      const ws = obj(w) ?? {};
      return {
        name,
        status: str(ws.status) ?? 'in-progress',
        progress: percent(ws.completion_percentage ?? ws.progress) ?? (str(ws.status) === 'completed' ? 100 : 0),
        nextSteps: strings(ws.next_steps),
        files: [...strings(ws.files_modified), ...strings(ws.tests_written)],
      };
    });
  }
  if (Array.isArray(v)) {
    return v
      .map((w) => obj(w))
      .filter((w): w is Json => !!w && !!str(w.name ?? w.task))
      .map((w) => ({
        name: str(w.name ?? w.task)!,
        status: str(w.status) ?? 'in-progress',
        progress: percent(w.completion_percentage ?? w.progress) ?? 0,
        nextSteps: strings(w.next_steps),
        files: strings(w.files_modified),
      }));
  }
  return [];
}

const SUBTYPES: Record<string, { type: SessionType; subtype: string | null }> = {
  development: { type: 'development', subtype: null },
  coordination: { type: 'coordination', subtype: 'team' },
  'team-coordination': { type: 'coordination', subtype: 'team' },
  'multi-project': { type: 'coordination', subtype: 'cross-project' },
  'cross-project-coordination': { type: 'coordination', subtype: 'cross-project' },
  review: { type: 'review', subtype: 'code' },
  'code-review': { type: 'review', subtype: 'code' },
  'qa-review': { type: 'review', subtype: 'qa' },
  'quality-assurance-review': { type: 'review', subtype: 'qa' },
  'sprint-planning': { type: 'planning', subtype: 'sprint' },
  'architecture-planning': { type: 'planning', subtype: 'architecture' },
};

/** The session kind a value declares (`session_type`), else the one its key implies. */
function kindOf(section: string, value: Json): { type: SessionType; subtype: string | null } {
  const declared = str(value.session_type)?.toLowerCase();
  return (declared && SUBTYPES[declared]) || SUBTYPES[section] || { type: 'development', subtype: null };
}

/**
 * Which projection a key asks for: `session/<section>/<kind>` with a known section (the seed's keys),
 * or `session/<id>/<init|state|recovery>` (keys that carry the session id).
 */
export function parseSessionKey(key: string): { section: string; kind: string; idFromKey: string | null } | null {
  const m = /^session\/([^/]+)\/([^/]+)$/.exec(key);
  if (!m) return null;
  const [, section, kind] = m as unknown as [string, string, string];
  if (KNOWN_SECTIONS.has(section)) return { section, kind, idFromKey: null };
  if (['init', 'state', 'recovery', 'checkpoint', 'swarm'].includes(kind)) return { section: 'development', kind, idFromKey: section };
  return null;
}

export function projectWrite(namespace: string, key: string, raw: string, seq: number): ProjectionResult {
  const parsedKey = parseSessionKey(key);
  if (!parsedKey) return { kind: 'none' };
  const { section, kind, idFromKey } = parsedKey;
  let value: Json | null = null;
  try {
    value = obj(JSON.parse(raw));
  } catch {
    value = null;
  }
  if (!value) return { kind: 'warning', message: `Not projected: ${key} looks like a session key but its value is not a JSON object.` };

  const id = str(value.session_id) ?? idFromKey;
  const { type, subtype } = kindOf(section, value);
  const target = (create: boolean): SessionTarget => (id ? { by: 'id', id, create } : { by: 'latest', type, namespace, create, newId: `${type}-${seq}` });
  const context = obj(value.context) ?? {};
  const startedAt = time(value.started_at);

  // session/<x>/init and the cross-project write: a session begins (or is re-initialised).
  if (kind === 'init' || (section === 'multi-project' && kind === 'coordination')) {
    const title =
      str(value.title) ??
      str(value.feature) ??
      (obj(value.review_scope) && str(obj(value.review_scope)!.feature)
        ? `Review ${str(obj(value.review_scope)!.pull_request) ?? ''} ${str(obj(value.review_scope)!.feature)}`.trim()
        : null) ??
      str(value.project_name) ??
      str(value.scope) ??
      (value.sprint_number !== undefined ? `Sprint ${str(value.sprint_number)} planning` : null) ??
      (str(value.focus_area) ? titleCase(str(value.focus_area)!) : null) ??
      id ??
      titleCase(str(value.session_type) ?? `${type} session`);
    const details: Json = {};
    for (const [k, v] of Object.entries(value)) {
      if (!['session_id', 'session_type', 'started_at', 'goals', 'context', 'project_name', 'focus_area', 'expected_duration'].includes(k)) details[k] = v;
    }
    const owner = str(
      value.developer_id ?? value.coordinator ?? value.reviewer ?? value.qa_lead ?? value.planning_facilitator ?? value.architect ?? value.owner,
    );
    const participants = [...strings(value.participants), ...strings(value.team_members)];
    return {
      kind: 'patch',
      patch: {
        target: target(true),
        create: { type, subtype, title },
        core: {
          title,
          project: str(value.project_name ?? value.project),
          owner,
          startedAt,
          expectedDuration: str(value.expected_duration ?? value.meeting_duration ?? value.sprint_duration ?? value.planning_horizon),
          focusArea: str(value.focus_area ?? value.scope ?? value.feature),
          branch: str(context.current_branch),
          lastCommit: str(context.last_commit),
          status: 'active',
        },
        goals: value.goals !== undefined ? strings(value.goals) : value.objectives !== undefined ? strings(value.objectives) : undefined,
        files: strings(context.active_files).map((path) => ({ path, kind: 'active' as const })),
        agents: participants.map((name) => ({ name, role: 'participant' })),
        details,
        ...seedBoardOf(value),
      },
    };
  }

  // session/development/state (and session/<id>/state): the periodic save, a checkpoint from the agent.
  if (kind === 'state' || kind === 'checkpoint') {
    const workstreams = workstreamsOf(value.progress ?? value.workstreams);
    const fileKind = (path: string): 'test' | 'modified' => (/(^|\/)tests?\/|\.test\./.test(path) ? 'test' : 'modified');
    const files = workstreams.flatMap((w) => (w.files ?? []).map((path) => ({ path, kind: fileKind(path) })));
    return {
      kind: 'patch',
      patch: {
        target: target(true),
        // A session an agent starts with a save: named after its project, focus or key, not its type.
        create: {
          type,
          subtype,
          title: str(value.project_name) ?? (str(value.focus_area) ? titleCase(str(value.focus_area)!) : null) ?? id ?? titleCase(`${type} session`),
        },
        core: {
          branch: str(value.current_branch ?? context.current_branch),
          lastCommit: str(value.last_commit ?? context.last_commit),
          nextSteps: value.next_steps !== undefined ? strings(value.next_steps) : undefined,
        },
        goalsDone: strings(value.goals_completed),
        workstreams,
        files: [...files, ...strings(value.active_files ?? context.active_files).map((path) => ({ path, kind: 'active' as const }))],
        blockers: blockersOf(value.blockers),
        decisions: decisionsOf(value.decisions),
        metrics: obj(value.metrics) ?? undefined,
        checkpoint: { kind: 'agent', label: `State saved${str(value.last_updated) ? ` at ${str(value.last_updated)}` : ''}` },
      },
    };
  }

  // session/<id>/swarm (swarm_init): the swarm working on the session, shown with its roster.
  if (kind === 'swarm') {
    return {
      kind: 'patch',
      patch: {
        target: target(false),
        details: {
          swarm: {
            id: str(value.swarm_id),
            topology: str(value.topology),
            maxAgents: typeof value.max_agents === 'number' ? value.max_agents : null,
            strategy: str(value.strategy),
            coordinator: str(value.coordinator),
          },
        },
      },
    };
  }

  // session/development/recovery: an interrupted session resumed; the agent's validation results.
  if (kind === 'recovery') {
    const validation = obj(value.validation_results) ?? {};
    return {
      kind: 'patch',
      patch: {
        target: target(false),
        core: { status: 'active' },
        resumed: true,
        details: {
          lastRecovery: {
            status: str(value.recovery_status),
            resumedFrom: str(value.work_resumed_from),
            contextRestored: value.context_restored ?? null,
            previousEnd: str(value.previous_session_end),
          },
        },
        checkpoint: { kind: 'recovery', label: `Recovered: ${str(value.work_resumed_from) ?? str(value.recovery_status) ?? 'resumed'}`, validation },
      },
    };
  }

  // session/handoff/preparation: the owner hands the session over (the handoff review is #8).
  if (section === 'handoff') {
    const summary = obj(value.session_summary) ?? {};
    const next = obj(value.context_for_next_session) ?? {};
    const inProgress = Array.isArray(summary.in_progress_work) ? summary.in_progress_work : [];
    return {
      kind: 'patch',
      patch: {
        target: target(true),
        // Named after the work handed over (its first task in progress, else its branch).
        create: {
          type: 'development',
          subtype: null,
          title:
            inProgress.map((w) => str(obj(w)?.task)).find(Boolean) ?? str(next.current_branch) ?? `Work of ${str(value.current_owner) ?? 'the previous owner'}`,
        },
        core: {
          owner: str(value.current_owner),
          status: 'handed-off',
          branch: str(next.current_branch),
          nextSteps: strings(next.next_priorities),
        },
        goalsDone: strings(summary.completed_work),
        workstreams: inProgress
          .map((w) => obj(w))
          .filter((w): w is Json => !!w && !!str(w.task))
          .map((w) => ({
            name: str(w.task)!,
            status: 'in-progress',
            progress: percent(w.progress) ?? 0,
            nextSteps: strings(w.next_steps),
            files: strings(w.files_modified),
          })),
        files: strings(next.active_files).map((path) => ({ path, kind: 'active' as const })),
        blockers: blockersOf(summary.blockers),
        details: {
          handoff: {
            type: str(value.handoff_type),
            from: str(value.current_owner),
            to: str(value.next_owner),
            at: str(value.handoff_timestamp),
            notes: strings(summary.important_notes),
            environment: obj(next.environment_setup),
          },
        },
        checkpoint: { kind: 'handoff', label: `Handoff ${str(value.current_owner) ?? ''} → ${str(value.next_owner) ?? 'next owner'}`.replace('  ', ' ') },
        handoff: {
          from: str(value.current_owner),
          to: str(value.next_owner),
          type: str(value.handoff_type),
          summary: {
            completed: strings(summary.completed_work),
            inProgress: inProgress
              .map((w) => obj(w))
              .filter((w): w is Json => !!w && !!str(w.task))
              .map((w) => ({
                task: str(w.task)!,
                progress: percent(w.progress) ?? 0,
                nextSteps: strings(w.next_steps),
                files: strings(w.files_modified),
                estimatedCompletion: str(w.estimated_completion),
              })),
            blockers: (Array.isArray(summary.blockers) ? summary.blockers : [])
              .map((b) => (typeof b === 'string' ? { description: b } : obj(b)))
              .filter((b): b is Json => !!b && !!str(b.description))
              .map((b) => ({
                description: str(b.description)!,
                impact: str(b.impact),
                owner: str(b.escalated_to ?? b.owner),
                expectedResolution: str(b.expected_resolution),
              })),
            notes: strings(summary.important_notes),
          },
          context: {
            priorities: strings(next.next_priorities),
            filesToReview: strings(next.active_files),
            decisionsNeeded: strings(next.decisions_needed),
            testStatus: str(next.test_status),
            branch: str(next.current_branch),
            environment: obj(next.environment_setup) ?? {},
          },
        },
      },
    };
  }

  // session/current/ownership: the next owner took over; the session continues, linked to the original.
  if (section === 'current') {
    return {
      kind: 'patch',
      patch: {
        target: target(true),
        create: { type: 'development', subtype: null, title: 'Continued session' },
        core: { owner: str(value.current_owner), status: 'active', startedAt: time(value.restoration_timestamp) },
        continuation: { previousOwner: str(value.previous_owner), handoffId: str(value.handoff_id) },
        details: {
          restoration: {
            status: str(value.restoration_status),
            previousOwner: str(value.previous_owner),
            environmentValidated: value.environment_validated ?? null,
            contextUnderstood: value.context_understood ?? null,
            readyToContinue: value.ready_to_continue ?? null,
          },
        },
      },
    };
  }

  // session/analytics/productivity: metrics of one session.
  if (section === 'analytics') {
    return {
      kind: 'patch',
      patch: {
        target: target(false),
        metrics: { ...(obj(value.metrics) ?? {}), quality: obj(value.quality_metrics), collaboration: obj(value.collaboration_metrics) },
      },
    };
  }

  // session/team-coordination/metrics: about a team, not one session; analytics reads it from memory.
  if (section === 'team-coordination') return { kind: 'none' };

  return { kind: 'warning', message: `Not projected: no session projection for ${key}.` };
}
