import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { txRunner, type DbHandle } from '../../db/client.ts';
import {
  handoffs,
  sessionAgents,
  sessionBlockers,
  sessionCheckpoints,
  sessionDecisions,
  sessionFiles,
  sessionGoals,
  sessionWorkstreams,
  workSessions,
} from '../../db/schema.ts';
import { diffSnapshots } from '../../lib/checkpoint-diff.ts';
import { BatonError, parseInput } from '../../lib/errors.ts';
import type { SessionBoard, SessionStatus, SessionType } from '../../lib/session-types.ts';
import type { StoredWrite } from '../memory/service.ts';
import { projectWrite, type SeedHandoff, type SessionPatch } from './projection.ts';
import type { ChangeFeed } from '../feed/feed.ts';
import { currentWriterId } from '../feed/writer-scope.ts';
import { SessionReads, type SessionRow } from './reads.ts';
import { blockerInputSchema, checkpointInputSchema, decisionInputSchema, goalInputSchema, recoverInputSchema } from './schemas.ts';

export { blockerInputSchema, checkpointInputSchema, decisionInputSchema, goalInputSchema, recoverInputSchema, sessionListSchema } from './schemas.ts';
import { applySeedPatch } from './items.ts';

const json = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

/** Finished sessions the retention sweep may archive (an interrupted one never resumed was abandoned). */
const ARCHIVABLE: SessionStatus[] = ['completed', 'handed-off', 'interrupted'];

/** A session's details without its archive mark. */
function withoutArchive(details: string): string {
  const { archivedAt: _archived, ...rest } = json<Record<string, unknown>>(details, {});
  return JSON.stringify(rest);
}

/** "4 hours", "90 minutes", "2 weeks" → minutes; unknown shapes → null. */
export function durationMinutes(text: string | null | undefined): number | null {
  if (!text) return null;
  const m = /([\d.]+)\s*(minute|min|hour|hr|h|day|week)s?/i.exec(text);
  if (!m) return null;
  const n = Number.parseFloat(m[1]!);
  const unit = m[2]!.toLowerCase();
  const factor = unit.startsWith('min') ? 1 : unit === 'day' ? 60 * 24 : unit === 'week' ? 60 * 24 * 7 : 60;
  return Math.round(n * factor);
}

export interface SessionServiceOptions {
  now?: () => number;
  /** A session whose owner and agents are silent this long becomes interrupted. */
  idleMinutes?: number;
  onCommit?: () => void;
  /** The change feed board changes are appended to. */
  feed: ChangeFeed;
  /** Seed-shaped handoff writes open, and ownership writes accept, handoffs (the HandoffService). */
  seedHandoffs: SeedHandoffSink;
}

/** What a projected memory write asks of handoffs, inside the write's transaction. */
export interface SeedHandoffSink {
  prepared(sessionId: string, handoff: SeedHandoff, write: StoredWrite, checkpointId: number | null): void;
  continued(parentId: string, childId: string, owner: string | null, write: StoredWrite, handoffId: string | null): void;
}

/**
 * Work sessions: the typed rows behind every board. Changes come from projected memory writes
 * (inside the memory transaction) and from people editing boards; each bumps the session's version
 * and appends a `session` change (the whole board) to the feed, in the same transaction.
 */
export class SessionService extends SessionReads {
  private readonly now: () => number;
  private readonly idleMs: number;
  private readonly onCommit: () => void;
  private readonly feed: ChangeFeed;
  private readonly seedHandoffs: SeedHandoffSink;

  constructor(h: DbHandle, options: SessionServiceOptions) {
    super(h);
    this.now = options.now ?? Date.now;
    this.idleMs = (options.idleMinutes ?? 120) * 60_000;
    this.onCommit = options.onCommit ?? (() => {});
    this.feed = options.feed;
    this.seedHandoffs = options.seedHandoffs;
  }

  // ---- projection of memory writes -----------------------------------------------------------

  /** MemoryService's `project` hook: runs in the store's transaction; a bad value is a warning, never an error. */
  projectMemoryWrite = (write: StoredWrite): string | null => {
    const result = projectWrite(write.namespace, write.key, write.value, write.seq);
    if (result.kind === 'none') return null;
    if (result.kind === 'warning') return result.message;
    try {
      // A savepoint: a projection that fails half-way leaves no partial board behind.
      this.h.sqlite.transaction(() => this.applyPatch(result.patch, write))();
      return null;
    } catch (err) {
      if (err instanceof BatonError) return `Not projected: ${err.message}`;
      return `Not projected: ${(err as Error).message}`;
    }
  };

  private resolveTarget(patch: SessionPatch, write: StoredWrite): string | null {
    const t = patch.target;
    if (t.by === 'id') {
      const exists = this.h.db.select({ id: workSessions.id }).from(workSessions).where(eq(workSessions.id, t.id)).get();
      if (exists) return t.id;
      return t.create ? this.createSession(t.id, patch, write) : null;
    }
    const latest =
      this.h.db
        .select({ id: workSessions.id })
        .from(workSessions)
        .where(and(eq(workSessions.type, t.type), eq(workSessions.sourceNamespace, t.namespace)))
        .orderBy(desc(workSessions.lastActivityAt))
        .limit(1)
        .get() ??
      this.h.db
        .select({ id: workSessions.id })
        .from(workSessions)
        .where(eq(workSessions.type, t.type))
        .orderBy(desc(workSessions.lastActivityAt))
        .limit(1)
        .get();
    if (latest) return latest.id;
    return t.create ? this.createSession(t.newId, patch, write) : null;
  }

  private createSession(id: string, patch: SessionPatch, write: StoredWrite): string {
    const kind = patch.create ?? { type: 'development' as SessionType, subtype: null, title: 'Development session' };
    const at = patch.core?.startedAt ?? write.at;
    let parentId: string | null = null;
    if (patch.continuation) {
      // The ownership step: continue the previous owner's handed-off session.
      const named = patch.continuation.handoffId
        ? this.h.db.select({ id: handoffs.sessionId }).from(handoffs).where(eq(handoffs.id, patch.continuation.handoffId)).get()
        : undefined;
      const parent =
        named ??
        this.h.db
          .select({ id: workSessions.id, title: workSessions.title, project: workSessions.project, type: workSessions.type })
          .from(workSessions)
          .where(
            patch.continuation.previousOwner
              ? and(eq(workSessions.status, 'handed-off'), eq(workSessions.owner, patch.continuation.previousOwner))
              : eq(workSessions.status, 'handed-off'),
          )
          .orderBy(desc(workSessions.lastActivityAt))
          .limit(1)
          .get();
      if (parent) parentId = parent.id;
    }
    this.h.db
      .insert(workSessions)
      .values({
        id,
        type: kind.type,
        subtype: kind.subtype,
        title: kind.title,
        status: 'active',
        startedAt: at,
        lastActivityAt: write.at,
        parentId,
        sourceNamespace: write.namespace,
        // Who started it, by id (user:…, token:…, local:…): "my sessions" for the caller's tools.
        ...(write.writer.principalId ? { details: JSON.stringify({ createdBy: write.writer.principalId, createdByAccount: write.writer.accountId }) } : {}),
        createdAt: write.at,
        updatedAt: write.at,
      })
      .run();
    if (parentId) this.inheritFrom(parentId, id, write.at);
    return id;
  }

  /** A continuation starts with its parent's open work: goals, workstreams, files, open blockers, decisions. */
  private inheritFrom(parentId: string, id: string, at: number) {
    const parent = this.h.db.select().from(workSessions).where(eq(workSessions.id, parentId)).get()!;
    this.h.db
      .update(workSessions)
      // A continuation says what it continues (never "Continuation of Continuation of …").
      .set({
        title: `Continuation of “${parent.title.replace(/^Continuation of “(.*)”$/, '$1')}”`,
        project: parent.project,
        branch: parent.branch,
        lastCommit: parent.lastCommit,
        nextSteps: parent.nextSteps,
        focusArea: parent.focusArea,
        resumeCount: parent.resumeCount + 1,
      })
      .where(eq(workSessions.id, id))
      .run();
    const s = this.h.sqlite;
    s.prepare(
      `INSERT INTO session_goals (session_id, position, text, done, done_at) SELECT ?, position, text, done, done_at FROM session_goals WHERE session_id = ?`,
    ).run(id, parentId);
    s.prepare(
      `INSERT INTO session_workstreams (session_id, name, status, progress, next_steps, files, position, updated_at) SELECT ?, name, status, progress, next_steps, files, position, ? FROM session_workstreams WHERE session_id = ?`,
    ).run(id, at, parentId);
    s.prepare(
      `INSERT INTO session_files (session_id, path, kind, touched_at, touched_by) SELECT ?, path, kind, touched_at, touched_by FROM session_files WHERE session_id = ?`,
    ).run(id, parentId);
    s.prepare(
      `INSERT INTO session_blockers (session_id, description, kind, severity, owner, impact, expected_resolution, created_at) SELECT ?, description, kind, severity, owner, impact, expected_resolution, created_at FROM session_blockers WHERE session_id = ? AND resolved_at IS NULL`,
    ).run(id, parentId);
    s.prepare(
      `INSERT INTO session_decisions (session_id, topic, decision, rationale, alternatives, decided_at, decided_by) SELECT ?, topic, decision, rationale, alternatives, decided_at, decided_by FROM session_decisions WHERE session_id = ?`,
    ).run(id, parentId);
    // The agents carry on in the continuation; board items (agenda, backlog, ADRs…) come along too.
    s.prepare(
      `INSERT INTO session_agents (session_id, name, role, status, current_task, last_activity_at) SELECT ?, name, role, status, current_task, ? FROM session_agents WHERE session_id = ? ON CONFLICT DO NOTHING`,
    ).run(id, at, parentId);
    s.prepare(`UPDATE session_agents SET status = 'reassigned' WHERE session_id = ?`).run(parentId);
    s.prepare(
      `INSERT INTO session_items (session_id, kind, position, data, created_at, updated_at, created_by) SELECT ?, kind, position, data, created_at, ?, created_by FROM session_items WHERE session_id = ?`,
    ).run(id, at, parentId);
    this.h.db
      .update(workSessions)
      .set({ status: 'handed-off', endedAt: parent.endedAt ?? at })
      .where(eq(workSessions.id, parentId))
      .run();
    this.bump(parentId, 'system', at);
  }

  private applyPatch(patch: SessionPatch, write: StoredWrite): void {
    const id = this.resolveTarget(patch, write);
    if (!id) throw new BatonError('not_found', `no session to apply ${write.key} to (store its init first)`);
    const at = write.at;
    const session = this.h.db.select().from(workSessions).where(eq(workSessions.id, id)).get()!;
    const core = patch.core ?? {};
    const set: Partial<SessionRow> = { lastActivityAt: at, updatedAt: at };
    for (const [k, v] of Object.entries(core)) {
      if (v === undefined || v === null) continue;
      if (k === 'nextSteps' || k === 'tags') (set as Record<string, unknown>)[k] = JSON.stringify(v);
      else (set as Record<string, unknown>)[k] = v;
    }
    if (core.expectedDuration) set.expectedMinutes = durationMinutes(core.expectedDuration);
    if (core.status === 'completed' || core.status === 'handed-off') set.endedAt = at;
    if (core.status === 'active') set.endedAt = null;
    if (patch.metrics) set.metrics = JSON.stringify({ ...json(session.metrics, {}), ...patch.metrics });
    if (patch.details) set.details = JSON.stringify({ ...json(session.details, {}), ...patch.details });
    // New work on an archived session brings it back to the list.
    if (json<Record<string, unknown>>(session.details, {}).archivedAt !== undefined) set.details = withoutArchive(set.details ?? session.details);
    if (patch.resumed) set.resumeCount = session.resumeCount + 1;
    this.h.db.update(workSessions).set(set).where(eq(workSessions.id, id)).run();

    if (patch.goals) this.replaceGoals(id, patch.goals);
    if (patch.goalsDone?.length) this.markGoalsDone(id, patch.goalsDone, at);
    if (patch.workstreams) for (const w of patch.workstreams) this.upsertWorkstream(id, w, at);
    if (patch.files) for (const f of patch.files) this.touchFile(id, f.path, f.kind, write.actor, at);
    if (patch.blockers) for (const b of patch.blockers) this.upsertBlocker(id, b, at);
    if (patch.decisions) for (const d of patch.decisions) this.upsertDecision(id, d, write.actor, at);
    if (patch.agents) for (const a of patch.agents) this.upsertAgent(id, a.name, a.role ?? null, a.status ?? 'active', null, at);
    if (patch.items || patch.fields) applySeedPatch(this.h, id, patch, write.actor, at);
    this.bump(id, write.actor, at, write.writer.principalId);
    const checkpointId = patch.checkpoint
      ? this.writeCheckpoint(id, patch.checkpoint.kind, patch.checkpoint.label, write.actor, at, patch.checkpoint.validation)
      : null;
    if (patch.handoff) this.seedHandoffs.prepared(id, patch.handoff, write, checkpointId);
    const parentId = this.h.db.select({ parentId: workSessions.parentId }).from(workSessions).where(eq(workSessions.id, id)).get()?.parentId;
    if (patch.continuation && parentId) this.seedHandoffs.continued(parentId, id, patch.core?.owner ?? null, write, patch.continuation.handoffId);
  }

  private replaceGoals(id: string, goals: string[]) {
    const existing = this.h.db.select().from(sessionGoals).where(eq(sessionGoals.sessionId, id)).all();
    const doneByText = new Map(existing.map((g) => [g.text, g]));
    this.h.db.delete(sessionGoals).where(eq(sessionGoals.sessionId, id)).run();
    goals.forEach((text, position) => {
      const previous = doneByText.get(text);
      this.h.db
        .insert(sessionGoals)
        .values({ sessionId: id, position, text, done: previous?.done ?? false, doneAt: previous?.doneAt ?? null })
        .run();
    });
  }

  private markGoalsDone(id: string, texts: string[], at: number) {
    const goals = this.h.db.select().from(sessionGoals).where(eq(sessionGoals.sessionId, id)).all();
    let position = goals.length;
    for (const text of texts) {
      const goal = goals.find((g) => g.text === text);
      if (goal) {
        if (!goal.done) this.h.db.update(sessionGoals).set({ done: true, doneAt: at }).where(eq(sessionGoals.id, goal.id)).run();
      } else this.h.db.insert(sessionGoals).values({ sessionId: id, position: position++, text, done: true, doneAt: at }).run();
    }
  }

  private upsertWorkstream(id: string, w: { name: string; status?: string; progress?: number; nextSteps?: string[]; files?: string[] }, at: number) {
    const existing = this.h.db
      .select()
      .from(sessionWorkstreams)
      .where(and(eq(sessionWorkstreams.sessionId, id), eq(sessionWorkstreams.name, w.name)))
      .get();
    const values = {
      status: w.status ?? existing?.status ?? 'in-progress',
      progress: w.progress ?? existing?.progress ?? 0,
      nextSteps: JSON.stringify(w.nextSteps ?? json(existing?.nextSteps ?? '[]', [])),
      files: JSON.stringify(w.files ?? json(existing?.files ?? '[]', [])),
      updatedAt: at,
    };
    if (existing) this.h.db.update(sessionWorkstreams).set(values).where(eq(sessionWorkstreams.id, existing.id)).run();
    else {
      const position = this.h.db
        .select({ n: sql<number>`count(*)` })
        .from(sessionWorkstreams)
        .where(eq(sessionWorkstreams.sessionId, id))
        .get()!.n;
      this.h.db
        .insert(sessionWorkstreams)
        .values({ sessionId: id, name: w.name, position, ...values })
        .run();
    }
  }

  private touchFile(id: string, path: string, kind: 'active' | 'modified' | 'test', by: string, at: number) {
    this.h.db
      .insert(sessionFiles)
      .values({ sessionId: id, path, kind, touchedAt: at, touchedBy: by })
      .onConflictDoUpdate({ target: [sessionFiles.sessionId, sessionFiles.path], set: { kind, touchedAt: at, touchedBy: by } })
      .run();
  }

  private upsertBlocker(
    id: string,
    b: {
      description: string;
      kind?: string | null;
      severity?: 'low' | 'medium' | 'high' | 'critical';
      owner?: string | null;
      impact?: string | null;
      expectedResolution?: string | null;
      createdAt?: number | null;
    },
    at: number,
  ) {
    const existing = this.h.db
      .select()
      .from(sessionBlockers)
      .where(and(eq(sessionBlockers.sessionId, id), eq(sessionBlockers.description, b.description)))
      .get();
    const values = {
      kind: b.kind ?? null,
      severity: b.severity ?? 'medium',
      owner: b.owner ?? null,
      impact: b.impact ?? null,
      expectedResolution: b.expectedResolution ?? null,
    };
    if (existing) this.h.db.update(sessionBlockers).set(values).where(eq(sessionBlockers.id, existing.id)).run();
    else
      this.h.db
        .insert(sessionBlockers)
        .values({ sessionId: id, description: b.description, createdAt: b.createdAt ?? at, ...values })
        .run();
  }

  private upsertDecision(
    id: string,
    d: { topic: string; decision: string; rationale?: string | null; alternatives?: string[]; decidedAt?: number | null; decidedBy?: string | null },
    by: string,
    at: number,
  ) {
    const existing = this.h.db
      .select()
      .from(sessionDecisions)
      .where(and(eq(sessionDecisions.sessionId, id), eq(sessionDecisions.topic, d.topic), eq(sessionDecisions.decision, d.decision)))
      .get();
    if (existing) return;
    this.h.db
      .insert(sessionDecisions)
      .values({
        sessionId: id,
        topic: d.topic,
        decision: d.decision,
        rationale: d.rationale ?? null,
        alternatives: JSON.stringify(d.alternatives ?? []),
        decidedAt: d.decidedAt ?? at,
        decidedBy: d.decidedBy ?? by,
      })
      .run();
  }

  upsertAgent(id: string, name: string, role: string | null, status: string, currentTask: string | null, at: number) {
    // A waiting agent's text is what it waits for ("Needs you"), kept apart from its task; any other status clears it.
    const waiting = status === 'waiting' ? { waitingMessage: currentTask, waitingSince: at } : { waitingMessage: null, waitingSince: null };
    const task = status === 'waiting' ? null : currentTask;
    this.h.db
      .insert(sessionAgents)
      .values({ sessionId: id, name, role, status, currentTask: task, lastActivityAt: at, ...waiting })
      .onConflictDoUpdate({
        target: [sessionAgents.sessionId, sessionAgents.name],
        set: { ...(role ? { role } : {}), status, ...(task ? { currentTask: task } : {}), lastActivityAt: at, ...waiting },
      })
      .run();
  }

  // ---- the feed --------------------------------------------------------------------------------

  /**
   * Bumps the version and appends the whole board to the change feed (room session:<id>), with
   * `writerId`: who made the change (`user:<id>`, `token:<id>`; by default the gate's current
   * writer), so pages never tell people about their own changes.
   */
  bump(id: string, actor: string, at: number, writerId: string | null = currentWriterId()) {
    this.h.db
      .update(workSessions)
      .set({ version: sql`${workSessions.version} + 1`, updatedAt: at })
      .where(eq(workSessions.id, id))
      .run();
    const board = this.board(id)!;
    this.feed.append({
      topic: 'session',
      namespace: this.sourceNamespace(id) ?? '',
      key: id,
      op: 'store',
      version: board.version,
      value: JSON.stringify({ ...board, writerId }),
      actor,
      at,
      expiresAt: null,
    });
  }

  /** Runs a board edit in its own transaction, then wakes the broadcaster. */
  edit<T>(fn: () => T): T {
    const result = txRunner(this.h.sqlite).immediate(fn) as T;
    this.onCommit();
    return result;
  }

  // ---- checkpoints -------------------------------------------------------------------------

  writeCheckpoint(
    id: string,
    kind: 'manual' | 'auto' | 'agent' | 'recovery' | 'handoff',
    label: string | null,
    by: string,
    at: number,
    validation?: Record<string, unknown>,
  ): number {
    const board = this.board(id)!;
    const { id: checkpointId } = this.h.db
      .insert(sessionCheckpoints)
      .values({
        sessionId: id,
        kind,
        label,
        snapshot: JSON.stringify(this.snapshotOf(board, validation)),
        sessionVersion: board.version,
        createdAt: at,
        createdBy: by,
      })
      .returning({ id: sessionCheckpoints.id })
      .get();
    this.h.db.update(workSessions).set({ lastCheckpointAt: at, checkpointVersion: board.version }).where(eq(workSessions.id, id)).run();
    this.bump(id, by, at);
    // The bump itself changed the version: the checkpoint covers everything up to it.
    this.h.db
      .update(workSessions)
      .set({ checkpointVersion: sql`${workSessions.version}` })
      .where(eq(workSessions.id, id))
      .run();
    return checkpointId;
  }

  checkpoint(id: string, input: unknown, by: string) {
    const { label } = parseInput(checkpointInputSchema, input);
    return this.edit(() => {
      this.requireSession(id);
      this.writeCheckpoint(id, 'manual', label || 'Checkpoint', by, this.now());
      return this.board(id)!;
    });
  }

  /**
   * Periodic duties (the sweeper calls this): autosave a changed session every autosaveMinutes, and
   * mark sessions whose owner and agents went silent as interrupted.
   */
  tick(): { autosaved: string[]; interrupted: string[] } {
    const now = this.now();
    const autosaved: string[] = [];
    const interrupted: string[] = [];
    const active = this.h.db.select().from(workSessions).where(eq(workSessions.status, 'active')).all();
    if (active.length === 0) return { autosaved, interrupted };
    this.edit(() => {
      for (const s of active) {
        const changed = s.version > s.checkpointVersion;
        const due = now - (s.lastCheckpointAt ?? s.startedAt) >= s.autosaveMinutes * 60_000;
        if (s.autosaveMinutes > 0 && changed && due) {
          this.writeCheckpoint(s.id, 'auto', 'Autosave', 'system:autosave', now);
          autosaved.push(s.id);
        }
        const lastAgent =
          this.h.db
            .select({ at: sql<number>`max(${sessionAgents.lastActivityAt})` })
            .from(sessionAgents)
            .where(eq(sessionAgents.sessionId, s.id))
            .get()?.at ?? 0;
        if (now - Math.max(s.lastActivityAt, lastAgent ?? 0) > this.idleMs) {
          this.h.db.update(workSessions).set({ status: 'interrupted' }).where(eq(workSessions.id, s.id)).run();
          this.bump(s.id, 'system:idle', now);
          interrupted.push(s.id);
        }
      }
    });
    return { autosaved, interrupted };
  }

  // ---- retention (SESSION_ARCHIVE_DAYS) -----------------------------------------------------

  /**
   * Archives up to `limit` finished sessions (completed, handed off, or interrupted and never
   * resumed) with no activity since `before`: `details.archivedAt` is set, so the list leaves them
   * out unless asked (`archived=true`); each is a `session` change, so open screens update.
   */
  archiveInactive(before: number, limit: number): string[] {
    const rows = this.h.db
      .select({ id: workSessions.id })
      .from(workSessions)
      .where(
        and(
          inArray(workSessions.status, ARCHIVABLE),
          sql`${workSessions.lastActivityAt} < ${before}`,
          sql`json_extract(${workSessions.details}, '$.archivedAt') IS NULL`,
        ),
      )
      .orderBy(asc(workSessions.lastActivityAt))
      .limit(limit)
      .all();
    if (rows.length === 0) return [];
    const now = this.now();
    this.edit(() => {
      for (const { id } of rows) {
        // The details rewritten here rather than with json_set, which PostgreSQL does not have.
        const details = json<Record<string, unknown>>(this.requireSession(id).details, {});
        this.h.db
          .update(workSessions)
          .set({ details: JSON.stringify({ ...details, archivedAt: new Date(now).toISOString() }) })
          .where(eq(workSessions.id, id))
          .run();
        this.bump(id, 'system:retention', now);
      }
    });
    return rows.map((r) => r.id);
  }

  /** Brings an archived session back to the list (its inactivity clock starts again). */
  unarchive(id: string, by: string): SessionBoard {
    return this.edit(() => {
      const session = this.requireSession(id);
      if (json<Record<string, unknown>>(session.details, {}).archivedAt === undefined) return this.board(id)!;
      const now = this.now();
      this.h.db
        .update(workSessions)
        .set({ details: withoutArchive(session.details) })
        .where(eq(workSessions.id, id))
        .run();
      this.touch(id, now);
      this.bump(id, by, now);
      return this.board(id)!;
    });
  }

  // ---- recovery ------------------------------------------------------------------------------

  /**
   * Resumes an interrupted (or paused) session as a continuation linked to it: a new session with its
   * open work, a recovery checkpoint holding the validation results, the original marked continued.
   */
  recover(id: string, input: unknown, by: string): SessionBoard {
    const { validation } = parseInput(recoverInputSchema, input);
    return this.edit(() => {
      const original = this.requireSession(id);
      if (!['interrupted', 'paused'].includes(original.status)) {
        throw new BatonError('invalid_input', `status: only an interrupted or paused session can be recovered (this one is ${original.status})`, {
          field: 'status',
        });
      }
      const now = this.now();
      const base = original.parentId ? id.replace(/-[rh]\d+(-\d+)?$/, '') : id;
      const childId = this.continueAs(id, `${base}-r${original.resumeCount + 1}`, original.owner, now);
      this.h.db
        .update(workSessions)
        .set({ status: 'completed', endedAt: original.endedAt ?? now })
        .where(eq(workSessions.id, id))
        .run();
      this.bump(id, by, now);
      this.writeCheckpoint(childId, 'recovery', `Recovered from ${id}`, by, now, validation);
      return this.board(childId)!;
    });
  }

  /**
   * Inside a transaction: a new session continuing `parentId` (same type, fields and open work, the
   * agents reassigned to it), owned by `owner`; the parent is marked handed-off. An id already taken
   * gets a numeric suffix. Returns the new session's id.
   */
  continueAs(parentId: string, wantedId: string, owner: string | null, at: number): string {
    const original = this.requireSession(parentId);
    let childId = wantedId;
    for (let n = 2; this.h.db.select({ id: workSessions.id }).from(workSessions).where(eq(workSessions.id, childId)).get(); n++) childId = `${wantedId}-${n}`;
    this.h.db
      .insert(workSessions)
      .values({
        id: childId,
        type: original.type,
        subtype: original.subtype,
        title: original.title,
        owner,
        project: original.project,
        status: 'active',
        startedAt: at,
        expectedDuration: original.expectedDuration,
        expectedMinutes: original.expectedMinutes,
        focusArea: original.focusArea,
        tags: original.tags,
        metrics: original.metrics,
        details: withoutArchive(original.details),
        autosaveMinutes: original.autosaveMinutes,
        parentId,
        lastActivityAt: at,
        sourceNamespace: original.sourceNamespace,
        createdAt: at,
        updatedAt: at,
      })
      .run();
    this.inheritFrom(parentId, childId, at);
    return childId;
  }

  // ---- board edits (members) -------------------------------------------------------------------

  addBlocker(id: string, input: unknown, by: string) {
    const b = parseInput(blockerInputSchema, input);
    return this.edit(() => {
      this.requireSession(id);
      const now = this.now();
      this.h.db
        .insert(sessionBlockers)
        .values({ sessionId: id, description: b.description, severity: b.severity, owner: b.owner ?? null, kind: b.kind ?? null, createdAt: now })
        .run();
      this.touch(id, now);
      this.bump(id, by, now);
      return this.board(id)!;
    });
  }

  resolveBlocker(id: string, blockerId: number, by: string) {
    return this.edit(() => {
      const now = this.now();
      const r = this.h.db
        .update(sessionBlockers)
        .set({ resolvedAt: now, resolvedBy: by })
        .where(and(eq(sessionBlockers.sessionId, id), eq(sessionBlockers.id, blockerId), isNull(sessionBlockers.resolvedAt)))
        .run();
      if (r.changes === 0) throw new BatonError('not_found', `blocker: no open blocker ${blockerId} in session ${id}`, { field: 'blocker' });
      this.touch(id, now);
      this.bump(id, by, now);
      return this.board(id)!;
    });
  }

  addGoal(id: string, input: unknown, by: string) {
    const { text } = parseInput(goalInputSchema, input);
    return this.edit(() => {
      this.requireSession(id);
      const now = this.now();
      const position = this.h.db
        .select({ n: sql<number>`count(*)` })
        .from(sessionGoals)
        .where(eq(sessionGoals.sessionId, id))
        .get()!.n;
      this.h.db.insert(sessionGoals).values({ sessionId: id, position, text }).run();
      this.touch(id, now);
      this.bump(id, by, now);
      return this.board(id)!;
    });
  }

  setGoalDone(id: string, goalId: number, done: boolean, by: string) {
    return this.edit(() => {
      const now = this.now();
      const r = this.h.db
        .update(sessionGoals)
        .set({ done, doneAt: done ? now : null })
        .where(and(eq(sessionGoals.sessionId, id), eq(sessionGoals.id, goalId)))
        .run();
      if (r.changes === 0) throw new BatonError('not_found', `goal: no goal ${goalId} in session ${id}`, { field: 'goal' });
      this.touch(id, now);
      this.bump(id, by, now);
      return this.board(id)!;
    });
  }

  addDecision(id: string, input: unknown, by: string) {
    const d = parseInput(decisionInputSchema, input);
    return this.edit(() => {
      this.requireSession(id);
      const now = this.now();
      this.h.db
        .insert(sessionDecisions)
        .values({
          sessionId: id,
          topic: d.topic,
          decision: d.decision,
          rationale: d.rationale ?? null,
          alternatives: JSON.stringify(d.alternatives),
          decidedAt: now,
          decidedBy: by,
        })
        .run();
      this.touch(id, now);
      this.bump(id, by, now);
      return this.board(id)!;
    });
  }

  setStatus(id: string, status: SessionStatus, by: string) {
    return this.edit(() => {
      this.requireSession(id);
      const now = this.now();
      this.h.db
        .update(workSessions)
        .set({ status, endedAt: status === 'completed' ? now : null })
        .where(eq(workSessions.id, id))
        .run();
      this.touch(id, now);
      this.bump(id, by, now);
      return this.board(id)!;
    });
  }

  setAutosave(id: string, minutes: number, by: string) {
    if (!Number.isInteger(minutes) || minutes < 0 || minutes > 24 * 60)
      throw new BatonError('invalid_input', 'autosaveMinutes: must be 0 (off) to 1440', { field: 'autosaveMinutes' });
    return this.edit(() => {
      this.requireSession(id);
      this.h.db.update(workSessions).set({ autosaveMinutes: minutes }).where(eq(workSessions.id, id)).run();
      this.bump(id, by, this.now());
      return this.board(id)!;
    });
  }

  /** Agents (swarm_init / agent_register / hooks) report in: the roster and the idle clock. */
  reportAgent(id: string, agent: { name: string; role?: string | null; status?: string; currentTask?: string | null }, by: string) {
    return this.edit(() => {
      this.requireSession(id);
      const now = this.now();
      this.upsertAgent(id, agent.name, agent.role ?? null, agent.status ?? 'active', agent.currentTask ?? null, now);
      this.bump(id, by, now);
      return this.board(id)!;
    });
  }

  /** Files an agent is working on (the PostToolUse hook on Edit/Write). */
  touchFiles(id: string, paths: string[], kind: 'active' | 'modified' | 'test', by: string) {
    return this.edit(() => {
      this.requireSession(id);
      const now = this.now();
      for (const path of paths) this.touchFile(id, path, kind, by, now);
      this.touch(id, now);
      this.bump(id, by, now);
      return this.board(id)!;
    });
  }

  private touch(id: string, at: number) {
    this.h.db.update(workSessions).set({ lastActivityAt: at }).where(eq(workSessions.id, id)).run();
  }
}

/** Re-exported: the diff lives in lib/ so the board computes exactly what the server does. */
export { diffSnapshots };
