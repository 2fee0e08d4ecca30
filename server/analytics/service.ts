import { txRunner, type DbHandle } from '../../db/client.ts';
import { HEAD_SEQ_SQL } from '../../db/schema.ts';
import { BLOCKER_SEVERITIES, CHECKPOINT_KINDS, SESSION_STATUSES, SESSION_TYPES } from '../../lib/session-types.ts';
import {
  REPORTED_METRIC_KEYS,
  WRITER_KINDS,
  analyticsQuerySchema,
  type Analytics,
  type AnalyticsDay,
  type AnalyticsSessionRow,
  type ReportedMetrics,
} from '../../lib/analytics-types.ts';
import { parseInput } from '../../lib/errors.ts';
import { WRITE_BUCKET_MS, WriteStats, writerKind } from './write-stats.ts';

export { writerKind };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Every time zone's offset is a multiple of 15 minutes, so 15-minute buckets fall into one local day each. */
const BUCKET = WRITE_BUCKET_MS;

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const hours = (ms: number) => Math.round((ms / HOUR) * 10) / 10;
/** The median of durations (ms), in hours; null for none. */
const medianHours = (durations: number[]) => {
  const m = median(durations);
  return m === null ? null : hours(m);
};
const rate = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 1000 : null);
const zeroes = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

/** Local calendar dates (YYYY-MM-DD) in one time zone, cached per 15-minute bucket. */
class LocalDays {
  private readonly format: Intl.DateTimeFormat;
  private readonly cache = new Map<number, string>();
  constructor(timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }
  ofBucket(bucket: number): string {
    let day = this.cache.get(bucket);
    if (day === undefined) {
      if (this.cache.size >= 100_000) this.cache.clear();
      day = this.format.format(new Date(bucket * BUCKET));
      this.cache.set(bucket, day);
    }
    return day;
  }
  of(at: number): string {
    return this.ofBucket(Math.floor(at / BUCKET));
  }
  /** The first moment of the local day `daysBack` days before the one holding `now`, and every date from it to now. */
  window(now: number, days: number): { from: number; dates: string[] } {
    const first = this.of(now - (days - 1) * DAY);
    // Walk to its first bucket from before its local midnight: at most a day (25 h across a DST change) before
    // any moment of it. (Starting 15 h back began the window after midnight when `now` was past 15:00 local.)
    let b = Math.floor((now - (days - 1) * DAY - 26 * HOUR) / BUCKET);
    while (this.ofBucket(b) < first) b++;
    const from = b * BUCKET;
    const dates: string[] = [];
    for (let t = b, last = Math.floor(now / BUCKET); t <= last; t++) {
      const d = this.ofBucket(t);
      if (dates.at(-1) !== d) dates.push(d);
    }
    return { from, dates };
  }
}

type Filter = { type: string | null; project: string | null };
/** Where a goal or blocker sits in a line of sessions (see AnalyticsService's queries). */
type Lineage = { sessionStart: number; sessionStatus: string; isCopy: number; continued: number };
/** Whether an event at `at` on a goal or blocker happened in this session, not before it was copied here. */
const happenedHere = (r: Lineage, at: number) => !r.isCopy || at >= r.sessionStart;

/** A row of the sessions query: the answer's row with times as stored (ms) and the end time. */
type SessionRowRaw = Omit<AnalyticsSessionRow, 'startedAt' | 'lastActivityAt' | 'hours'> & {
  startedAt: number;
  endedAt: number | null;
  lastActivityAt: number;
};

/**
 * Figures computed from what Baton recorded: sessions and their goals, blockers, checkpoints and
 * handoffs (all time, filtered by session type and project), and memory writes per 15 minutes and
 * writer (WriteStats, folded from the change feed). Besides folding new changes, read-only.
 */
export class AnalyticsService {
  private readonly q;

  constructor(
    private readonly h: DbHandle,
    private readonly now: () => number = Date.now,
    readonly writeStats = new WriteStats(h),
  ) {
    const s = h.sqlite;
    // The sessions a query is about: @type and @project, each NULL for any.
    const matching = `SELECT id FROM work_sessions WHERE (CAST(@type AS TEXT) IS NULL OR type = @type) AND (CAST(@project AS TEXT) IS NULL OR project = @project)`;
    const lineage = `w.started_at AS sessionStart, w.status AS sessionStatus, w.parent_id IS NOT NULL AS isCopy,
      EXISTS (SELECT 1 FROM work_sessions c WHERE c.parent_id = w.id) AS continued`;
    this.q = {
      head: s.prepare<[], { seq: number }>(HEAD_SEQ_SQL),
      sessions: s.prepare<[Filter], { type: string; status: string; startedAt: number; endedAt: number | null }>(
        `SELECT type, status, started_at AS startedAt, ended_at AS endedAt FROM work_sessions WHERE id IN (${matching})`,
      ),
      // A continuation (handoff or recovery) copies its parent's goals and blockers with their times:
      // each is counted once. Its state (done, open) counts in the newest session of the line; what
      // happened to it (ticked, raised, resolved) counts where it happened, not again in the copy.
      goals: s.prepare<[Filter], { done: number; doneAt: number | null } & Lineage>(
        `SELECT g.done, g.done_at AS doneAt, ${lineage} FROM session_goals g JOIN work_sessions w ON w.id = g.session_id WHERE w.id IN (${matching})`,
      ),
      blockers: s.prepare<[Filter], { severity: string; createdAt: number; resolvedAt: number | null } & Lineage>(
        `SELECT b.severity, b.created_at AS createdAt, b.resolved_at AS resolvedAt, ${lineage} FROM session_blockers b JOIN work_sessions w ON w.id = b.session_id WHERE w.id IN (${matching})`,
      ),
      checkpoints: s.prepare<[Filter & { from: number }], { kind: string; createdAt: number }>(
        `SELECT kind, created_at AS createdAt FROM session_checkpoints WHERE session_id IN (${matching}) AND created_at >= @from`,
      ),
      handoffs: s.prepare<[Filter], { status: string; createdAt: number; decidedAt: number | null }>(
        `SELECT status, created_at AS createdAt, decided_at AS decidedAt FROM handoffs WHERE session_id IN (${matching})`,
      ),
      reported: s.prepare<[string, number], { namespace: string; key: string; value: string; updatedAt: number; updatedBy: string }>(
        // memory_entries is keyed (namespace, key) and has no index on key alone (it would cost a page
        // per write): walk the distinct namespaces by index seeks, then look the key up in each.
        `WITH RECURSIVE ns(n) AS (
           SELECT min(namespace) FROM memory_entries
           UNION ALL SELECT (SELECT min(namespace) FROM memory_entries WHERE namespace > ns.n) FROM ns WHERE ns.n IS NOT NULL
         )
         SELECT e.namespace, e.key, e.value, e.updated_at AS updatedAt, e.updated_by AS updatedBy
         FROM ns JOIN memory_entries e ON e.namespace = ns.n AND e.key = ?
         WHERE e.expires_at IS NULL OR e.expires_at > ? ORDER BY e.updated_at DESC LIMIT 10`,
      ),
      rows: s.prepare<[Filter & { from: number }], SessionRowRaw>(
        `SELECT w.id, w.title, w.type, w.status, w.project, w.owner, w.started_at AS startedAt, w.ended_at AS endedAt,
                w.last_activity_at AS lastActivityAt,
                (SELECT count(*) FROM session_goals g WHERE g.session_id = w.id AND g.done = 1) AS goalsDone,
                (SELECT count(*) FROM session_goals g WHERE g.session_id = w.id) AS goalsTotal,
                (SELECT avg(progress) FROM session_workstreams ws WHERE ws.session_id = w.id) AS progress,
                (SELECT count(*) FROM session_blockers b WHERE b.session_id = w.id AND b.resolved_at IS NULL) AS openBlockers,
                (SELECT count(*) FROM session_checkpoints c WHERE c.session_id = w.id) AS checkpoints,
                (SELECT count(*) FROM handoffs hd WHERE hd.session_id = w.id) AS handoffs
         FROM work_sessions w WHERE w.id IN (${matching}) AND w.last_activity_at >= @from
         ORDER BY w.last_activity_at DESC LIMIT 20`,
      ),
    };
  }

  /** One per time zone asked for, so its cache of bucket → date serves every later call. */
  private readonly zones = new Map<string, LocalDays>();
  private localDays(tz: string): LocalDays {
    let days = this.zones.get(tz);
    if (!days) {
      if (this.zones.size >= 50) this.zones.clear();
      days = new LocalDays(tz);
      this.zones.set(tz, days);
    }
    return days;
  }

  /** Metrics agents stored at one of the seed's keys; a value that is not a JSON object is skipped. */
  private reported(key: ReportedMetrics['key'], now: number): ReportedMetrics[] {
    const out: ReportedMetrics[] = [];
    for (const r of this.q.reported.all(key, now)) {
      let value: unknown;
      try {
        value = JSON.parse(r.value);
      } catch {
        continue;
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
      out.push({
        namespace: r.namespace,
        key,
        updatedAt: new Date(r.updatedAt).toISOString(),
        updatedBy: r.updatedBy,
        value: value as Record<string, unknown>,
      });
    }
    return out;
  }

  compute(input: unknown): Analytics {
    const query = parseInput(analyticsQuerySchema, input);
    const now = this.now();
    const localDays = this.localDays(query.tz);
    const { from, dates } = localDays.window(now, query.days);
    const days = new Map<string, AnalyticsDay>(
      dates.map((date) => [
        date,
        { date, writes: 0, agentWrites: 0, peopleWrites: 0, checkpoints: 0, goalsDone: 0, blockersRaised: 0, sessionsStarted: 0, handoffs: 0 },
      ]),
    );
    const inWindow = (at: number | null): at is number => at !== null && at >= from && at <= now;
    const day = (at: number) => days.get(localDays.of(at));
    const filter: Filter = { type: query.type ?? null, project: query.project ?? null };

    // Count every change up to now, then read in one snapshot: a write landing half-way cannot make the figures disagree.
    this.writeStats.catchUp(now);
    // txRunner answers unknown; the function's own return type keeps the answer checked.
    return txRunner(this.h.sqlite).deferred((): Analytics => {
      const seq = this.q.head.get()!.seq;
      const countingSince = this.writeStats.countingSince();

      const sessions = {
        total: 0,
        byStatus: zeroes(SESSION_STATUSES),
        byType: zeroes(SESSION_TYPES),
        startedInWindow: 0,
        medianHoursToFinish: null as number | null,
      };
      const toFinish: number[] = [];
      for (const r of this.q.sessions.all(filter)) {
        sessions.total++;
        sessions.byStatus[r.status as keyof typeof sessions.byStatus]++;
        sessions.byType[r.type as keyof typeof sessions.byType]++;
        if (inWindow(r.startedAt)) {
          sessions.startedInWindow++;
          day(r.startedAt)!.sessionsStarted++;
        }
        if ((r.status === 'completed' || r.status === 'handed-off') && inWindow(r.endedAt)) toFinish.push(r.endedAt - r.startedAt);
      }
      sessions.medianHoursToFinish = medianHours(toFinish);

      const goals = { total: 0, done: 0, completionRate: null as number | null, doneInWindow: 0 };
      for (const g of this.q.goals.all(filter)) {
        if (!g.continued) {
          goals.total++;
          if (g.done) goals.done++;
        }
        if (g.done && inWindow(g.doneAt) && happenedHere(g, g.doneAt)) {
          goals.doneInWindow++;
          day(g.doneAt)!.goalsDone++;
        }
      }
      goals.completionRate = rate(goals.done, goals.total);

      const blockers = {
        open: 0,
        openBySeverity: zeroes(BLOCKER_SEVERITIES),
        raisedInWindow: 0,
        resolvedInWindow: 0,
        medianHoursToResolve: null as number | null,
      };
      const toResolve: number[] = [];
      for (const b of this.q.blockers.all(filter)) {
        // Open: still in the way of a session that is not finished and was not carried on elsewhere.
        if (b.resolvedAt === null && !b.continued && b.sessionStatus !== 'completed') {
          blockers.open++;
          blockers.openBySeverity[b.severity as keyof typeof blockers.openBySeverity]++;
        } else if (inWindow(b.resolvedAt) && happenedHere(b, b.resolvedAt)) {
          blockers.resolvedInWindow++;
          toResolve.push(b.resolvedAt - b.createdAt);
        }
        if (inWindow(b.createdAt) && happenedHere(b, b.createdAt)) {
          blockers.raisedInWindow++;
          day(b.createdAt)!.blockersRaised++;
        }
      }
      blockers.medianHoursToResolve = medianHours(toResolve);

      const checkpoints = { inWindow: 0, byKind: zeroes(CHECKPOINT_KINDS) };
      for (const c of this.q.checkpoints.all({ ...filter, from })) {
        if (!inWindow(c.createdAt)) continue;
        checkpoints.inWindow++;
        checkpoints.byKind[c.kind as keyof typeof checkpoints.byKind]++;
        day(c.createdAt)!.checkpoints++;
      }

      const handoffs = {
        createdInWindow: 0,
        open: 0,
        accepted: 0,
        declined: 0,
        expired: 0,
        cancelled: 0,
        acceptanceRate: null as number | null,
        medianHoursToAccept: null as number | null,
      };
      const toAccept: number[] = [];
      for (const h of this.q.handoffs.all(filter)) {
        if (h.status === 'pending' || h.status === 'changes-requested') handoffs.open++;
        if (!inWindow(h.createdAt)) continue;
        handoffs.createdInWindow++;
        day(h.createdAt)!.handoffs++;
        if (h.status === 'accepted' || h.status === 'declined' || h.status === 'expired' || h.status === 'cancelled') handoffs[h.status]++;
        if (h.status === 'accepted' && h.decidedAt !== null) toAccept.push(h.decidedAt - h.createdAt);
      }
      handoffs.acceptanceRate = rate(handoffs.accepted, handoffs.accepted + handoffs.declined + handoffs.expired);
      handoffs.medianHoursToAccept = medianHours(toAccept);

      const writes = { total: 0, byKind: zeroes(WRITER_KINDS) };
      // Per bucket and kind for the totals and the local days, per writer (summed in SQL) for the list.
      const fromBucket = Math.floor(from / BUCKET);
      for (const w of this.writeStats.kindsSince(fromBucket)) {
        writes.total += w.writes;
        writes.byKind[w.kind] += w.writes;
        const d = days.get(localDays.ofBucket(w.bucket));
        if (d) {
          d.writes += w.writes;
          if (w.kind === 'agent') d.agentWrites += w.writes;
          else if (w.kind === 'person') d.peopleWrites += w.writes;
        }
      }
      const writers = this.writeStats.writersSince(fromBucket).map((w) => ({ ...w, kind: writerKind(w.actor) }));

      const sessionRows: AnalyticsSessionRow[] = this.q.rows.all({ ...filter, from }).map(({ endedAt, ...r }) => ({
        ...r,
        progress: r.progress === null ? null : Math.round(r.progress),
        startedAt: new Date(r.startedAt).toISOString(),
        lastActivityAt: new Date(r.lastActivityAt).toISOString(),
        hours: hours((endedAt ?? r.lastActivityAt) - r.startedAt),
      }));

      return {
        generatedAt: new Date(now).toISOString(),
        seq,
        query,
        window: { from: new Date(from).toISOString(), to: new Date(now).toISOString() },
        feedCoversFrom: countingSince === null ? null : new Date(countingSince).toISOString(),
        sessions,
        goals,
        blockers,
        checkpoints,
        handoffs,
        recovery: {
          interruptedNow: sessions.byStatus.interrupted,
          recoveredInWindow: checkpoints.byKind.recovery,
        },
        writes,
        daily: [...days.values()],
        writers: writers
          .sort((a, b) => b.writes - a.writes || b.lastAt - a.lastAt || (a.actor < b.actor ? -1 : a.actor > b.actor ? 1 : 0))
          .slice(0, 10)
          .map((w) => ({ ...w, lastAt: new Date(w.lastAt).toISOString() })),
        sessionRows,
        reported: { team: this.reported(REPORTED_METRIC_KEYS[0], now), sessions: this.reported(REPORTED_METRIC_KEYS[1], now) },
      };
    }) as Analytics;
  }
}
