import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.ts';
import {
  HEAD_SEQ_SQL,
  handoffs,
  sessionAgents,
  sessionBlockers,
  sessionCheckpoints,
  sessionDecisions,
  sessionFiles,
  sessionGoals,
  sessionItems,
  sessionWorkstreams,
  workSessions,
} from '../../db/schema.ts';
import type { BoardItemData, BoardItemKind } from '../../lib/board-items.ts';
import { diffSnapshots, snapshotOfBoard } from '../../lib/checkpoint-diff.ts';
import { BatonError, parseInput } from '../../lib/errors.ts';
import type { CheckpointSnapshot, SessionBoard, SessionSummary } from '../../lib/session-types.ts';
import { sessionListSchema } from './schemas.ts';

export type SessionRow = typeof workSessions.$inferSelect;

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms == null ? null : iso(ms));
/** `{ archivedAt }` when the session was archived (SESSION_ARCHIVE_DAYS), else nothing. */
function archivedAt(details: string): { archivedAt?: string } {
  const at = json<{ archivedAt?: unknown }>(details, {}).archivedAt;
  return typeof at === 'string' ? { archivedAt: at } : {};
}

const json = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

/**
 * Reading sessions: lists, whole boards (with the feed seq they are consistent with), checkpoints
 * and what an agent needs to resume. SessionService adds the writes on top.
 */
export class SessionReads {
  private readonly headSeqStmt;

  constructor(protected readonly h: DbHandle) {
    this.headSeqStmt = h.sqlite.prepare<[], { seq: number }>(HEAD_SEQ_SQL);
  }

  protected headSeq(): number {
    return this.headSeqStmt.get()!.seq;
  }

  /** The namespace a session is projected from (null: unknown session). */
  sourceNamespaceOf(id: string): string | null {
    return this.sourceNamespace(id);
  }

  protected sourceNamespace(id: string): string | null {
    return this.h.db.select({ ns: workSessions.sourceNamespace }).from(workSessions).where(eq(workSessions.id, id)).get()?.ns ?? null;
  }

  requireSession(id: string): SessionRow {
    const row = this.h.db.select().from(workSessions).where(eq(workSessions.id, id)).get();
    if (!row) throw new BatonError('not_found', `id: no session "${id}"`, { field: 'id' });
    return row;
  }

  // ---- reads ---------------------------------------------------------------------------------

  private summaries(rows: SessionRow[]): SessionSummary[] {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const blockers = new Map(
      this.h.db
        .select({ id: sessionBlockers.sessionId, n: sql<number>`count(*)` })
        .from(sessionBlockers)
        .where(and(inArray(sessionBlockers.sessionId, ids), isNull(sessionBlockers.resolvedAt)))
        .groupBy(sessionBlockers.sessionId)
        .all()
        .map((r) => [r.id, r.n]),
    );
    const goals = new Map(
      this.h.db
        .select({ id: sessionGoals.sessionId, total: sql<number>`count(*)`, done: sql<number>`sum(${sessionGoals.done})` })
        .from(sessionGoals)
        .where(inArray(sessionGoals.sessionId, ids))
        .groupBy(sessionGoals.sessionId)
        .all()
        .map((r) => [r.id, r]),
    );
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      subtype: r.subtype,
      title: r.title,
      project: r.project,
      owner: r.owner,
      status: r.status,
      startedAt: iso(r.startedAt),
      endedAt: isoOrNull(r.endedAt),
      expectedDuration: r.expectedDuration,
      expectedMinutes: r.expectedMinutes,
      focusArea: r.focusArea,
      tags: json(r.tags, []),
      lastActivityAt: iso(r.lastActivityAt),
      lastCheckpointAt: isoOrNull(r.lastCheckpointAt),
      parentId: r.parentId,
      resumeCount: r.resumeCount,
      version: r.version,
      openBlockers: blockers.get(r.id) ?? 0,
      goalsDone: Number(goals.get(r.id)?.done ?? 0),
      goalsTotal: Number(goals.get(r.id)?.total ?? 0),
      ...archivedAt(r.details),
    }));
  }

  /**
   * One page of sessions, most recent activity first: `total` counts every session the filters
   * match (not only this page), `nextCursor` (null on the last page) asks for the next one.
   */
  list(input: unknown): { items: SessionSummary[]; seq: number; total: number; nextCursor: string | null } {
    const q = parseInput(sessionListSchema, input);
    return this.h.sqlite
      .transaction(() => {
        const conditions = [];
        if (q.type) conditions.push(eq(workSessions.type, q.type));
        if (q.status) conditions.push(eq(workSessions.status, q.status));
        if (q.project) conditions.push(eq(workSessions.project, q.project));
        if (q.createdBy) conditions.push(sql`json_extract(${workSessions.details}, '$.createdBy') = ${q.createdBy}`);
        if (q.archived === 'false') conditions.push(sql`json_extract(${workSessions.details}, '$.archivedAt') IS NULL`);
        if (q.archived === 'only') conditions.push(sql`json_extract(${workSessions.details}, '$.archivedAt') IS NOT NULL`);
        const filtered = conditions.length ? and(...conditions) : undefined;
        const total =
          this.h.db
            .select({ n: sql<number>`count(*)` })
            .from(workSessions)
            .where(filtered)
            .get()?.n ?? 0;
        if (q.cursor) {
          // `<lastActivityAt>:<id>` of the last row of the page before: (time, id) strictly after it in this order.
          const at = Number(q.cursor.slice(0, q.cursor.indexOf(':')));
          const id = q.cursor.slice(q.cursor.indexOf(':') + 1);
          conditions.push(or(lt(workSessions.lastActivityAt, at), and(eq(workSessions.lastActivityAt, at), lt(workSessions.id, id)))!);
        }
        const rows = this.h.db
          .select()
          .from(workSessions)
          .where(conditions.length ? and(...conditions) : undefined)
          .orderBy(desc(workSessions.lastActivityAt), desc(workSessions.id))
          .limit(q.limit + 1)
          .all();
        const more = rows.length > q.limit;
        const page = more ? rows.slice(0, q.limit) : rows;
        const last = page.at(-1);
        const seq = this.headSeq();
        return { items: this.summaries(page), seq, total, nextCursor: more && last ? `${last.lastActivityAt}:${last.id}` : null };
      })
      .deferred();
  }

  board(id: string): SessionBoard | null {
    const r = this.h.db.select().from(workSessions).where(eq(workSessions.id, id)).get();
    if (!r) return null;
    const [summary] = this.summaries([r]);
    const children = this.h.db
      .select({ id: workSessions.id, title: workSessions.title, status: workSessions.status })
      .from(workSessions)
      .where(eq(workSessions.parentId, id))
      .all();
    const parent = r.parentId
      ? (this.h.db
          .select({ id: workSessions.id, title: workSessions.title, status: workSessions.status })
          .from(workSessions)
          .where(eq(workSessions.id, r.parentId))
          .get() ?? null)
      : null;
    return {
      ...summary!,
      branch: r.branch,
      lastCommit: r.lastCommit,
      nextSteps: json(r.nextSteps, []),
      metrics: json(r.metrics, {}),
      details: json(r.details, {}),
      autosaveMinutes: r.autosaveMinutes,
      goals: this.h.db
        .select()
        .from(sessionGoals)
        .where(eq(sessionGoals.sessionId, id))
        .orderBy(asc(sessionGoals.position), asc(sessionGoals.id))
        .all()
        .map((g) => ({ id: g.id, text: g.text, done: g.done, doneAt: isoOrNull(g.doneAt) })),
      workstreams: this.h.db
        .select()
        .from(sessionWorkstreams)
        .where(eq(sessionWorkstreams.sessionId, id))
        .orderBy(asc(sessionWorkstreams.position))
        .all()
        .map((w) => ({ id: w.id, name: w.name, status: w.status, progress: w.progress, nextSteps: json(w.nextSteps, []), files: json(w.files, []) })),
      files: this.h.db
        .select()
        .from(sessionFiles)
        .where(eq(sessionFiles.sessionId, id))
        .orderBy(desc(sessionFiles.touchedAt))
        .all()
        .map((f) => ({ path: f.path, kind: f.kind, touchedAt: iso(f.touchedAt), touchedBy: f.touchedBy })),
      blockers: this.h.db
        .select()
        .from(sessionBlockers)
        .where(eq(sessionBlockers.sessionId, id))
        .orderBy(asc(sessionBlockers.id))
        .all()
        .map((b) => ({
          id: b.id,
          description: b.description,
          kind: b.kind,
          severity: b.severity,
          owner: b.owner,
          impact: b.impact,
          expectedResolution: b.expectedResolution,
          createdAt: iso(b.createdAt),
          resolvedAt: isoOrNull(b.resolvedAt),
          resolvedBy: b.resolvedBy,
        })),
      decisions: this.h.db
        .select()
        .from(sessionDecisions)
        .where(eq(sessionDecisions.sessionId, id))
        .orderBy(asc(sessionDecisions.decidedAt))
        .all()
        .map((d) => ({
          id: d.id,
          topic: d.topic,
          decision: d.decision,
          rationale: d.rationale,
          alternatives: json(d.alternatives, []),
          decidedAt: iso(d.decidedAt),
          decidedBy: d.decidedBy,
        })),
      agents: this.h.db
        .select()
        .from(sessionAgents)
        .where(eq(sessionAgents.sessionId, id))
        .orderBy(asc(sessionAgents.name))
        .all()
        .map((a) => ({
          name: a.name,
          role: a.role,
          status: a.status,
          currentTask: a.currentTask,
          lastActivityAt: iso(a.lastActivityAt),
          ...(a.status === 'waiting' ? { message: a.waitingMessage, waitingSince: a.waitingSince == null ? null : iso(a.waitingSince) } : {}),
        })),
      checkpoints: this.h.db
        .select()
        .from(sessionCheckpoints)
        .where(eq(sessionCheckpoints.sessionId, id))
        .orderBy(desc(sessionCheckpoints.id))
        .limit(100)
        .all()
        .map((c) => ({
          id: c.id,
          kind: c.kind,
          label: c.label,
          createdAt: iso(c.createdAt),
          createdBy: c.createdBy,
          sessionVersion: c.sessionVersion,
          metrics: json<CheckpointSnapshot>(c.snapshot, {} as CheckpointSnapshot).metrics ?? {},
        })),
      items: this.h.db
        .select()
        .from(sessionItems)
        .where(eq(sessionItems.sessionId, id))
        .orderBy(asc(sessionItems.kind), asc(sessionItems.position), asc(sessionItems.id))
        .all()
        .map((i) => ({
          id: i.id,
          kind: i.kind as BoardItemKind,
          position: i.position,
          data: json(i.data, {}) as BoardItemData,
          createdAt: iso(i.createdAt),
          updatedAt: iso(i.updatedAt),
          createdBy: i.createdBy,
        })),
      handoffs: this.h.db
        .select()
        .from(handoffs)
        .where(or(eq(handoffs.sessionId, id), eq(handoffs.continuationId, id)))
        .orderBy(desc(handoffs.createdAt))
        .limit(50)
        .all()
        .map((x) => ({
          id: x.id,
          status: x.status,
          from: x.fromLabel,
          to: x.toLabel,
          createdAt: iso(x.createdAt),
          expiresAt: iso(x.expiresAt),
          continuationId: x.continuationId,
          reason: x.reason ?? null,
        })),
      lineage: { parent, children },
    };
  }

  /** The board and the feed position it is consistent with (one read transaction): follow from that seq. */
  boardWithSeq(id: string): SessionBoard & { seq: number } {
    return this.h.sqlite
      .transaction(() => {
        const board = this.requireBoard(id);
        const seq = this.headSeq();
        return { ...board, seq };
      })
      .deferred();
  }

  requireBoard(id: string): SessionBoard {
    this.requireSession(id);
    return this.board(id)!;
  }

  // ---- checkpoints and recovery --------------------------------------------------------------

  snapshotOf(board: SessionBoard, validation?: Record<string, unknown>): CheckpointSnapshot {
    return snapshotOfBoard(board, validation);
  }

  checkpointSnapshot(id: string, checkpointId: number): CheckpointSnapshot & { id: number; createdAt: string; kind: string; label: string | null } {
    const c = this.h.db
      .select()
      .from(sessionCheckpoints)
      .where(and(eq(sessionCheckpoints.sessionId, id), eq(sessionCheckpoints.id, checkpointId)))
      .get();
    if (!c) throw new BatonError('not_found', `checkpoint: no checkpoint ${checkpointId} in session ${id}`, { field: 'checkpoint' });
    return { ...json<CheckpointSnapshot>(c.snapshot, {} as CheckpointSnapshot), id: c.id, createdAt: iso(c.createdAt), kind: c.kind, label: c.label };
  }

  /** What an agent needs to continue: last checkpoint, what changed since, open blockers, next steps, decisions. */
  resumeContext(id: string) {
    const board = this.requireBoard(id);
    const last = board.checkpoints[0] ? this.checkpointSnapshot(id, board.checkpoints[0].id) : null;
    return {
      session: {
        id: board.id,
        title: board.title,
        type: board.type,
        status: board.status,
        owner: board.owner,
        project: board.project,
        branch: board.branch,
        lastCommit: board.lastCommit,
      },
      lastCheckpoint: last,
      changedSinceCheckpoint: last ? diffSnapshots(last, this.snapshotOf(board)) : null,
      openBlockers: board.blockers.filter((b) => !b.resolvedAt),
      nextSteps: [...board.nextSteps, ...board.workstreams.filter((w) => w.progress < 100).flatMap((w) => w.nextSteps.map((s) => `${w.name}: ${s}`))],
      goals: board.goals,
      decisions: board.decisions,
      activeFiles: board.files.filter((f) => f.kind === 'active').map((f) => f.path),
      workstreams: board.workstreams,
    };
  }
}
