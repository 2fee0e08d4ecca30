import type { HandoffListItem } from '../../lib/handoff-types.ts';
import type { NotifyEventData, NotifyEventType, Severity } from '../../lib/notify.ts';
import type { SessionBoard } from '../../lib/session-types.ts';

/**
 * Events derived from the change feed, as pure functions: a board against the digest of the board
 * last seen for that session, a handoff's status against the one last seen. The notifier keeps the
 * digests in `notify_state`, so the comparison survives restarts.
 */

/** What of a board the events depend on, small enough to keep one per session. */
export interface SessionDigest {
  /** status */
  st: string;
  /** open blockers: id → severity */
  b: Record<string, string>;
  /** goals done: ids */
  g: number[];
  /** workstreams completed: ids */
  w: number[];
  /** agents: name → status */
  a: Record<string, string>;
  /** a meeting has a presenter */
  m: boolean;
  /** recovery checkpoints (a recovered continuation starts with one; the seed's recovery store adds one) */
  r?: number;
}

export interface DerivedEvent {
  type: NotifyEventType;
  data: Omit<NotifyEventData, 'actor' | 'session'> & { severity?: Severity };
}

const workstreamDone = (w: { status: string; progress: number }) => w.progress >= 100 || /^(done|complete|completed)$/i.test(w.status);
const meetingLive = (details: Record<string, unknown>) => {
  const m = details.meeting as { presenter?: unknown } | undefined;
  return !!m && typeof m === 'object' && m.presenter != null;
};

const recoveries = (board: SessionBoard) => board.checkpoints.filter((c) => c.kind === 'recovery').length;

export function digestOf(board: SessionBoard): SessionDigest {
  return {
    st: board.status,
    b: Object.fromEntries(board.blockers.filter((b) => !b.resolvedAt).map((b) => [String(b.id), b.severity])),
    g: board.goals.filter((g) => g.done).map((g) => g.id),
    w: board.workstreams.filter(workstreamDone).map((w) => w.id),
    a: Object.fromEntries(board.agents.map((a) => [a.name, a.status])),
    m: meetingLive(board.details ?? {}),
    r: recoveries(board),
  };
}

/** A session seen for the first time is compared with an empty one: what it starts with is news. */
export const EMPTY_DIGEST: SessionDigest = { st: 'active', b: {}, g: [], w: [], a: {}, m: false };

export function sessionEvents(before: SessionDigest, board: SessionBoard): DerivedEvent[] {
  const out: DerivedEvent[] = [];
  for (const b of board.blockers) {
    const key = String(b.id);
    const blocker = { id: b.id, description: b.description, severity: b.severity, owner: b.owner };
    if (!b.resolvedAt && !(key in before.b)) out.push({ type: 'blocker.raised', data: { blocker, severity: b.severity } });
    if (b.resolvedAt && key in before.b) out.push({ type: 'blocker.resolved', data: { blocker, severity: b.severity, resolvedBy: b.resolvedBy } });
  }
  const goalsBefore = new Set(before.g);
  for (const g of board.goals) if (g.done && !goalsBefore.has(g.id)) out.push({ type: 'goal.done', data: { goal: { id: g.id, text: g.text } } });
  const wsBefore = new Set(before.w);
  for (const w of board.workstreams) {
    if (workstreamDone(w) && !wsBefore.has(w.id))
      out.push({ type: 'milestone', data: { workstream: { id: w.id, name: w.name }, milestone: `${w.name} completed` } });
  }
  for (const a of board.agents) {
    const was = before.a[a.name];
    const agent = { name: a.name, status: a.status, message: a.message ?? null };
    if (a.status === 'waiting' && was !== 'waiting') out.push({ type: 'agent.waiting', data: { agent } });
    if (a.status !== 'waiting' && was === 'waiting') out.push({ type: 'agent.resumed', data: { agent } });
  }
  if (board.status === 'interrupted' && before.st !== 'interrupted') out.push({ type: 'session.interrupted', data: {} });
  // Recovered: back to active from interrupted (an agent resumed it), or a new recovery checkpoint
  // (the continuation `recover` starts, the seed's session/development/recovery).
  if ((before.st === 'interrupted' && board.status === 'active') || recoveries(board) > (before.r ?? 0)) {
    out.push({ type: 'session.recovered', data: { recoveredFrom: board.lineage?.parent?.id ?? null } });
  }
  if (meetingLive(board.details ?? {}) && !before.m) {
    const m = board.details.meeting as { presenter?: { label?: string } };
    out.push({ type: 'meeting.started', data: { presenter: m.presenter?.label ?? null } });
  }
  return out;
}

const HANDOFF_EVENT: Partial<Record<string, NotifyEventType>> = {
  accepted: 'handoff.accepted',
  declined: 'handoff.declined',
  'changes-requested': 'handoff.changes_requested',
  expired: 'handoff.expired',
};

/** The event of a handoff change, given the status last seen for it (null: never seen). */
export function handoffEvent(before: string | null, h: HandoffListItem): NotifyEventType | null {
  if (h.status === before) return null;
  if (h.status === 'pending') return before === null ? 'handoff.created' : null;
  return HANDOFF_EVENT[h.status] ?? null;
}
