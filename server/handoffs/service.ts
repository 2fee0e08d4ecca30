import { randomBytes } from 'node:crypto';
import { and, asc, count, desc, eq, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { DbHandle } from '../../db/client.ts';
import {
  HEAD_SEQ_SQL,
  authUser,
  handoffChecklist,
  handoffEvents,
  handoffs,
  sessionAgents,
  sessionCheckpoints,
  workSessions,
  type HandoffRow,
} from '../../db/schema.ts';
import { diffSnapshots } from '../../lib/checkpoint-diff.ts';
import { BatonError, parseInput } from '../../lib/errors.ts';
import {
  DEFAULT_HANDOFF_TTL_SECONDS,
  handoffChecklistPatchSchema,
  handoffCommentSchema,
  handoffCreateSchema,
  handoffDecisionSchema,
  handoffListSchema,
  OPEN_HANDOFF_STATUSES,
  type Handoff,
  type HandoffContext,
  type HandoffEvent,
  type HandoffListItem,
  type HandoffPermissions,
  type HandoffView,
  type HandoffRecipient,
  type HandoffStatus,
  type HandoffSummary,
} from '../../lib/handoff-types.ts';
import type { SessionBoard } from '../../lib/session-types.ts';
import type { MemoryService, StoredWrite } from '../memory/service.ts';
import type { SeedHandoff } from '../sessions/projection.ts';
import type { SeedHandoffSink, SessionService } from '../sessions/service.ts';
import type { ChangeFeed } from '../feed/feed.ts';
import { currentWriterId } from '../feed/writer-scope.ts';

/** Who is acting, as far as handoffs care; `canWrite` = may write the handoff's session. */
export interface HandoffActor {
  label: string;
  /** The signed-in user, or the owner of the token. */
  userId: string | null;
  admin: boolean;
  canWrite: boolean;
  /** An API token's name: handoffs to the agent of that name are in its inbox. */
  agentName?: string | null;
}

const SESSION_NAMESPACE = 'session-management';
const OPEN = new Set<HandoffStatus>(OPEN_HANDOFF_STATUSES);
const emptySummary = (): HandoffSummary => ({ completed: [], inProgress: [], blockers: [], notes: [] });
const emptyContext = (): HandoffContext => ({ priorities: [], filesToReview: [], decisionsNeeded: [], testStatus: null, branch: null, environment: {} });
const json = <T>(text: string | null, fallback: T): T => {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};
const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms == null ? null : iso(ms));

const updateSchema = handoffCreateSchema.omit({ fromBoard: true, ttl: true }).partial().extend({ to: handoffCreateSchema.shape.to.optional() });
const renewSchema = z.object({
  ttl: z
    .number()
    .int()
    .min(60)
    .max(90 * 86_400)
    .default(DEFAULT_HANDOFF_TTL_SECONDS),
});

/** The pure rule: what this actor may do with this handoff now. */
export function handoffPermissions(h: Pick<HandoffRow, 'status' | 'toKind' | 'toUserId' | 'fromUserId'>, a: HandoffActor): HandoffPermissions {
  const open = OPEN.has(h.status);
  const recipient = a.canWrite && (h.toKind === 'user' ? a.userId !== null && a.userId === h.toUserId : true);
  // The sender is the account that made it (a person, or the owner of the token), by id; never a
  // matching display name, which anyone can choose for themself or a token.
  const sender = a.canWrite && ((h.fromUserId !== null && a.userId === h.fromUserId) || a.admin);
  return {
    decide: open && recipient,
    check: open && recipient,
    comment: recipient || sender || a.canWrite,
    edit: open && sender,
    cancel: open && sender,
    renew: (h.status === 'expired' || h.status === 'declined' || h.status === 'cancelled') && sender,
  };
}

/**
 * Handoffs: create (board, REST, MCP, CLI or the seed's `session/handoff/preparation` write), review
 * (checklist, comments), accept (the recipient continues the session: a linked continuation with the
 * agents reassigned, `session/current/ownership` written as in the seed), decline, request changes,
 * expire and renew. Every step is a row in `handoff_events` and a `handoff` change in the feed (rooms
 * `handoffs` and `user:<id>`); the session's board changes with it.
 */
export class HandoffService implements SeedHandoffSink {
  private readonly now: () => number;
  private readonly headSeq;
  private readonly feed: ChangeFeed;

  constructor(
    private readonly h: DbHandle,
    private readonly sessions: SessionService,
    private readonly memory: MemoryService,
    options: { now?: () => number; feed: ChangeFeed },
  ) {
    this.now = options.now ?? Date.now;
    this.feed = options.feed;
    this.headSeq = h.sqlite.prepare<[], { seq: number }>(HEAD_SEQ_SQL);
  }

  // ---- reads -----------------------------------------------------------------------------------

  private row(id: string): HandoffRow {
    const row = this.h.db.select().from(handoffs).where(eq(handoffs.id, id)).get();
    if (!row) throw new BatonError('not_found', `id: no handoff "${id}"`, { field: 'id' });
    return row;
  }

  /** The session a handoff belongs to (for authorizing a request before acting on it). */
  sessionOf(id: string): string {
    return this.row(id).sessionId;
  }

  private recipientOf(r: HandoffRow): HandoffRecipient {
    if (r.toKind === 'user') return { kind: 'user', userId: r.toUserId ?? '', label: r.toLabel };
    if (r.toKind === 'agent') return { kind: 'agent', name: r.toLabel, label: r.toLabel };
    return { kind: 'team', label: r.toLabel };
  }

  /** A handoff as lists and the feed show it (an import publishes what it wrote). */
  listItemOf(id: string): HandoffListItem {
    return this.listItem(this.row(id));
  }

  private listItem(r: HandoffRow): HandoffListItem {
    // Only the title: building the whole board here made every list row and feed change cost a board.
    const title = this.h.db.select({ title: workSessions.title }).from(workSessions).where(eq(workSessions.id, r.sessionId)).get()?.title ?? r.sessionId;
    const checks = this.h.db
      .select({ total: count(), done: sql<number>`coalesce(sum(${handoffChecklist.done}), 0)` })
      .from(handoffChecklist)
      .where(eq(handoffChecklist.handoffId, r.id))
      .get()!;
    const comments = this.h.db
      .select({ n: count() })
      .from(handoffEvents)
      .where(and(eq(handoffEvents.handoffId, r.id), eq(handoffEvents.kind, 'comment')))
      .get()!.n;
    return {
      id: r.id,
      sessionId: r.sessionId,
      sessionTitle: title,
      continuationId: r.continuationId,
      status: r.status,
      handoffType: r.handoffType,
      from: { label: r.fromLabel, userId: r.fromUserId },
      to: this.recipientOf(r),
      checkpointId: r.checkpointId,
      baseCheckpointId: r.baseCheckpointId,
      memoryKeys: json(r.memoryKeys, []),
      source: r.source,
      createdAt: iso(r.createdAt),
      expiresAt: iso(r.expiresAt),
      decidedAt: isoOrNull(r.decidedAt),
      decidedBy: r.decidedBy,
      reason: r.reason,
      renewedFrom: r.renewedFrom,
      version: r.version,
      checklistDone: Number(checks.done),
      checklistTotal: checks.total,
      comments,
    };
  }

  get(id: string): Handoff {
    return this.full(this.row(id));
  }

  private full(r: HandoffRow): Handoff {
    const id = r.id;
    const { checklistDone: _d, checklistTotal: _t, comments: _c, ...base } = this.listItem(r);
    return {
      ...base,
      summary: json<HandoffSummary>(r.summary, emptySummary()),
      context: json<HandoffContext>(r.context, emptyContext()),
      checklist: this.h.db
        .select()
        .from(handoffChecklist)
        .where(eq(handoffChecklist.handoffId, id))
        .orderBy(asc(handoffChecklist.position), asc(handoffChecklist.id))
        .all()
        .map((c) => ({ id: c.id, text: c.text, done: c.done, doneBy: c.doneBy, doneAt: isoOrNull(c.doneAt) })),
      events: this.h.db
        .select()
        .from(handoffEvents)
        .where(eq(handoffEvents.handoffId, id))
        .orderBy(asc(handoffEvents.at), asc(handoffEvents.id))
        .all()
        .map((e) => ({ id: e.id, kind: e.kind as HandoffEvent['kind'], author: e.author, body: e.body, at: iso(e.at) })),
    };
  }

  /** The review page's data: the handoff, what changed since the checkpoint before it, what the caller may do. */
  view(id: string, actor: HandoffActor): HandoffView {
    return this.h.sqlite
      .transaction(() => {
        const r = this.row(id);
        const diff =
          r.checkpointId && r.baseCheckpointId
            ? diffSnapshots(this.sessions.checkpointSnapshot(r.sessionId, r.baseCheckpointId), this.sessions.checkpointSnapshot(r.sessionId, r.checkpointId))
            : null;
        const session = this.sessions.requireSession(r.sessionId);
        return {
          ...this.full(r),
          seq: this.headSeq.get()!.seq,
          diff,
          permissions: handoffPermissions(r, actor),
          session: { id: session.id, title: session.title, status: session.status, owner: session.owner, type: session.type },
        };
      })
      .deferred();
  }

  list(input: unknown, actor: HandoffActor): { items: HandoffListItem[]; seq: number } {
    const q = parseInput(handoffListSchema, input);
    const where: SQL[] = [];
    // My inbox: addressed to me, to the team, or (for an agent's token) to the agent of its name.
    const mine = or(
      eq(handoffs.toKind, 'team'),
      ...(actor.userId ? [eq(handoffs.toUserId, actor.userId)] : []),
      ...(actor.agentName ? [and(eq(handoffs.toKind, 'agent'), eq(handoffs.toLabel, actor.agentName))] : []),
    );
    // Sent by my account (by id): a display name says nothing about who sent it.
    const sent = actor.userId ? eq(handoffs.fromUserId, actor.userId) : sql`1 = 0`;
    if (q.box === 'inbox') where.push(mine!);
    if (q.box === 'sent') where.push(sent);
    if (q.status) where.push(eq(handoffs.status, q.status));
    if (q.sessionId) where.push(eq(handoffs.sessionId, q.sessionId));
    return this.h.sqlite
      .transaction(() => ({
        items: this.h.db
          .select()
          .from(handoffs)
          .where(where.length ? and(...where) : undefined)
          .orderBy(desc(handoffs.createdAt), desc(handoffs.id))
          .limit(q.limit)
          .all()
          .map((r) => this.listItem(r)),
        seq: this.headSeq.get()!.seq,
      }))
      .deferred();
  }

  /** Who a handoff can go to: members who can write, and agent names seen on sessions. */
  recipients(): { users: { id: string; name: string; email: string; role: string }[]; agents: string[] } {
    const users = this.h.db
      .select({ id: authUser.id, name: authUser.name, email: authUser.email, role: authUser.role })
      .from(authUser)
      .where(and(eq(authUser.disabled, false), inArray(authUser.role, ['admin', 'member'])))
      .orderBy(asc(authUser.name))
      .all();
    const agents = this.h.db
      .selectDistinct({ name: sessionAgents.name })
      .from(sessionAgents)
      .orderBy(asc(sessionAgents.name))
      .limit(500)
      .all()
      .map((a) => a.name);
    return { users, agents };
  }

  // ---- writes ----------------------------------------------------------------------------------

  private edit<T>(fn: () => T): T {
    return this.sessions.edit(fn);
  }

  private event(handoffId: string, kind: HandoffEvent['kind'], author: string, body: string | null, at: number) {
    this.h.db.insert(handoffEvents).values({ handoffId, kind, author, body, at }).run();
  }

  /** Bumps the handoff's version, appends it to the feed, and re-publishes the boards it shows on. */
  private publish(id: string, actor: string, at: number, sessionIds: (string | null)[] = []) {
    this.h.db
      .update(handoffs)
      .set({ version: sql`${handoffs.version} + 1` })
      .where(eq(handoffs.id, id))
      .run();
    const r = this.row(id);
    const item = this.listItem(r);
    this.feed.append({
      topic: 'handoff',
      namespace: this.sessions.sourceNamespaceOf(r.sessionId) ?? '',
      key: id,
      op: 'store',
      version: r.version,
      // Who made the step (`user:<id>`…) (pages never tell people about their own actions).
      value: JSON.stringify({ ...item, writerId: currentWriterId() }),
      actor,
      at,
      expiresAt: null,
    });
    for (const s of new Set([r.sessionId, ...sessionIds])) if (s) this.sessions.bump(s, actor, at);
  }

  /** Throws forbidden (naming who may) unless the actor may take this step on this handoff. */
  permit(id: string, actor: HandoffActor, what: keyof HandoffPermissions): void {
    try {
      this.require(id, actor, what);
    } catch (err) {
      // Only who may: whether the handoff's state allows the step is the step's own answer, later.
      if (!(err instanceof BatonError && err.code === 'version_conflict')) throw err;
    }
  }

  private require(id: string, actor: HandoffActor, what: keyof HandoffPermissions): HandoffRow {
    const r = this.row(id);
    if (handoffPermissions(r, actor)[what]) return r;
    const reason: Record<keyof HandoffPermissions, string> = {
      decide: OPEN.has(r.status) ? `only ${r.toLabel} can accept, decline or send back this handoff` : `this handoff is ${r.status}`,
      check: OPEN.has(r.status) ? `only ${r.toLabel} can tick its checklist` : `this handoff is ${r.status}`,
      comment: 'you may not comment on this handoff',
      edit: OPEN.has(r.status) ? `only ${r.fromLabel} can change this handoff` : `this handoff is ${r.status}`,
      cancel: OPEN.has(r.status) ? `only ${r.fromLabel} can cancel this handoff` : `this handoff is ${r.status}`,
      renew:
        r.status === 'expired' || r.status === 'declined' || r.status === 'cancelled'
          ? `only ${r.fromLabel} can renew this handoff`
          : `only an expired, declined or cancelled handoff can be renewed (this one is ${r.status})`,
    };
    // A caller who may not write the session is refused outright; a writer hears what the state allows.
    if (!actor.canWrite) throw new BatonError('forbidden', `status: ${reason[what]}`, { field: 'status' });
    const conflict = !OPEN.has(r.status) && what !== 'comment' && what !== 'renew';
    throw new BatonError(
      conflict || (what === 'renew' && !['expired', 'declined', 'cancelled'].includes(r.status)) ? 'version_conflict' : 'forbidden',
      `status: ${reason[what]}`,
      { field: 'status' },
    );
  }

  private resolveRecipient(input: z.output<typeof handoffCreateSchema>['to']): { toKind: HandoffRow['toKind']; toUserId: string | null; toLabel: string } {
    if (input.kind === 'team') return { toKind: 'team', toUserId: null, toLabel: 'anyone on the team' };
    if (input.kind === 'agent') return { toKind: 'agent', toUserId: null, toLabel: input.name };
    const user = this.h.db.select().from(authUser).where(eq(authUser.id, input.userId)).get();
    if (!user || user.disabled) throw new BatonError('invalid_input', `to.userId: no member "${input.userId}"`, { field: 'to.userId' });
    if (user.role === 'viewer')
      throw new BatonError('invalid_input', `to.userId: ${user.name} is a viewer and cannot continue a session`, { field: 'to.userId' });
    return { toKind: 'user', toUserId: user.id, toLabel: user.name || user.email };
  }

  /** A label from the seed (`developer-002`, a name or an email) → a member when one matches, else an agent. */
  private recipientFromLabel(label: string | null): { toKind: HandoffRow['toKind']; toUserId: string | null; toLabel: string } {
    if (!label) return { toKind: 'team', toUserId: null, toLabel: 'anyone on the team' };
    const user = this.userByLabel(label);
    return user ? { toKind: 'user', toUserId: user.id, toLabel: user.name || user.email } : { toKind: 'agent', toUserId: null, toLabel: label };
  }

  private userByLabel(label: string) {
    const l = label.toLowerCase();
    return this.h.db
      .select()
      .from(authUser)
      .where(and(eq(authUser.disabled, false), or(sql`lower(${authUser.name}) = ${l}`, sql`lower(${authUser.email}) = ${l}`)))
      .get();
  }

  private openFor(sessionId: string): HandoffRow | undefined {
    return this.h.db
      .select()
      .from(handoffs)
      .where(and(eq(handoffs.sessionId, sessionId), inArray(handoffs.status, [...OPEN_HANDOFF_STATUSES])))
      .orderBy(desc(handoffs.createdAt))
      .get();
  }

  private latestCheckpoint(sessionId: string, before?: number): number | null {
    return (
      this.h.db
        .select({ id: sessionCheckpoints.id })
        .from(sessionCheckpoints)
        .where(
          before ? and(eq(sessionCheckpoints.sessionId, sessionId), sql`${sessionCheckpoints.id} < ${before}`) : eq(sessionCheckpoints.sessionId, sessionId),
        )
        .orderBy(desc(sessionCheckpoints.id))
        .get()?.id ?? null
    );
  }

  /** What the board already knows, as a handoff summary and context. */
  private fromBoard(board: SessionBoard): { summary: HandoffSummary; context: HandoffContext } {
    return {
      summary: {
        completed: board.goals.filter((g) => g.done).map((g) => g.text),
        inProgress: board.workstreams
          .filter((w) => w.progress < 100)
          .map((w) => ({ task: w.name, progress: w.progress, nextSteps: w.nextSteps, files: w.files, estimatedCompletion: null })),
        blockers: board.blockers
          .filter((b) => !b.resolvedAt)
          .map((b) => ({ description: b.description, impact: b.impact, owner: b.owner, expectedResolution: b.expectedResolution })),
        notes: [],
      },
      context: {
        priorities: [...board.nextSteps, ...board.goals.filter((g) => !g.done).map((g) => g.text)].slice(0, 20),
        filesToReview: board.files
          .filter((f) => f.kind !== 'test')
          .map((f) => f.path)
          .slice(0, 50),
        decisionsNeeded: [],
        testStatus: null,
        branch: board.branch,
        environment: {},
      },
    };
  }

  private defaultChecklist(summary: HandoffSummary, context: HandoffContext): string[] {
    const list = ['Read the summary and the open work'];
    if (context.branch) list.push(`Check out ${context.branch}`);
    if (Object.keys(context.environment).length) list.push('Set up the environment as described');
    if (context.filesToReview.length) list.push(`Review the ${context.filesToReview.length} file${context.filesToReview.length === 1 ? '' : 's'} listed`);
    if (summary.blockers.length) list.push(`Acknowledge ${summary.blockers.length} open blocker${summary.blockers.length === 1 ? '' : 's'}`);
    for (const d of context.decisionsNeeded.slice(0, 5)) list.push(`Decide: ${d}`);
    list.push('Run the tests');
    return list;
  }

  private newId(): string {
    return `ho_${randomBytes(6).toString('base64url')}`;
  }

  private insert(values: Omit<typeof handoffs.$inferInsert, 'id' | 'version' | 'status'>, checklist: string[], author: string, at: number): string {
    const id = this.newId();
    this.h.db
      .insert(handoffs)
      .values({ ...values, id, status: 'pending' })
      .run();
    checklist.forEach((text, position) => this.h.db.insert(handoffChecklist).values({ handoffId: id, position, text }).run());
    this.event(id, 'created', author, null, at);
    return id;
  }

  /** Hands a session over; the session shows as handed-off until the handoff is accepted, declined or expires. */
  create(sessionId: string, input: unknown, actor: HandoffActor, source: HandoffRow['source']): Handoff {
    const data = parseInput(handoffCreateSchema, input);
    const raw = (input ?? {}) as { summary?: Record<string, unknown>; context?: Record<string, unknown> };
    const id = this.edit(() => {
      const session = this.sessions.requireSession(sessionId);
      if (session.status === 'completed')
        throw new BatonError('version_conflict', `sessionId: session ${sessionId} is completed; there is nothing to hand off`, { field: 'sessionId' });
      const open = this.openFor(sessionId);
      if (open)
        throw new BatonError('version_conflict', `sessionId: session ${sessionId} already has an open handoff (${open.id}) to ${open.toLabel}`, {
          field: 'sessionId',
        });
      const to = this.resolveRecipient(data.to);
      const prefill = data.fromBoard ? this.fromBoard(this.sessions.requireBoard(sessionId)) : { summary: emptySummary(), context: emptyContext() };
      // Fields the caller sent win over what the board knows.
      const summary: HandoffSummary = {
        ...prefill.summary,
        ...Object.fromEntries(Object.keys(raw.summary ?? {}).map((k) => [k, (data.summary as Record<string, unknown>)[k]])),
      };
      const context: HandoffContext = {
        ...prefill.context,
        ...Object.fromEntries(Object.keys(raw.context ?? {}).map((k) => [k, (data.context as Record<string, unknown>)[k]])),
      };
      const now = this.now();
      const base = this.latestCheckpoint(sessionId);
      this.h.db.update(workSessions).set({ status: 'handed-off', endedAt: now }).where(eq(workSessions.id, sessionId)).run();
      const checkpointId = this.sessions.writeCheckpoint(sessionId, 'handoff', `Handoff ${actor.label} → ${to.toLabel}`, actor.label, now);
      const id = this.insert(
        {
          sessionId,
          handoffType: data.handoffType ?? null,
          fromLabel: actor.label,
          fromUserId: actor.userId,
          ...to,
          summary: JSON.stringify(summary),
          context: JSON.stringify(context),
          checkpointId,
          baseCheckpointId: base,
          source,
          createdAt: now,
          expiresAt: now + data.ttl * 1000,
        },
        data.checklist ?? this.defaultChecklist(summary, context),
        actor.label,
        now,
      );
      this.publish(id, actor.label, now);
      return id;
    });
    return this.get(id);
  }

  /** `session/handoff/preparation` (inside the memory write's transaction): opens, or updates, the session's handoff. */
  prepared(sessionId: string, seed: SeedHandoff, write: StoredWrite, checkpointId: number | null) {
    const to = this.recipientFromLabel(seed.to);
    const open = this.openFor(sessionId);
    const link = { namespace: write.namespace, key: write.key };
    if (open) {
      const keys = json<{ namespace: string; key: string }[]>(open.memoryKeys, []);
      if (!keys.some((k) => k.namespace === link.namespace && k.key === link.key)) keys.push(link);
      this.h.db
        .update(handoffs)
        .set({
          ...to,
          handoffType: seed.type ?? open.handoffType,
          summary: JSON.stringify(seed.summary),
          context: JSON.stringify(seed.context),
          checkpointId: checkpointId ?? open.checkpointId,
          memoryKeys: JSON.stringify(keys),
          status: 'pending',
        })
        .where(eq(handoffs.id, open.id))
        .run();
      this.event(open.id, 'updated', write.actor, `Updated by a write to ${write.key}`, write.at);
      this.publish(open.id, write.actor, write.at);
      return;
    }
    const id = this.insert(
      {
        sessionId,
        handoffType: seed.type,
        // The seed's `current_owner` is shown; the sender is whoever wrote it, by account id.
        fromLabel: seed.from ?? write.actor,
        fromUserId: write.writer.accountId,
        ...to,
        summary: JSON.stringify(seed.summary),
        context: JSON.stringify(seed.context),
        checkpointId,
        baseCheckpointId: checkpointId ? this.latestCheckpoint(sessionId, checkpointId) : this.latestCheckpoint(sessionId),
        memoryKeys: JSON.stringify([link]),
        source: 'memory',
        createdAt: write.at,
        expiresAt: write.at + DEFAULT_HANDOFF_TTL_SECONDS * 1000,
      },
      this.defaultChecklist(seed.summary, seed.context),
      write.actor,
      write.at,
    );
    this.publish(id, write.actor, write.at);
  }

  /** `session/current/ownership` created a continuation: the open handoff of the parent is accepted by it. */
  continued(parentId: string, childId: string, owner: string | null, write: StoredWrite, handoffId: string | null) {
    const r = handoffId ? this.h.db.select().from(handoffs).where(eq(handoffs.id, handoffId)).get() : this.openFor(parentId);
    if (!r || !OPEN.has(r.status) || r.sessionId !== parentId) return;
    // A handoff to a person is accepted only by that person (or their token), by account id; a
    // `current_owner` naming them proves nothing. Internal and local-file writes are trusted.
    const w = write.writer;
    const trusted = w.principalId === null || w.principalId.startsWith('local:');
    if (r.toKind === 'user' && !trusted && w.accountId !== r.toUserId) return;
    const keys = json<{ namespace: string; key: string }[]>(r.memoryKeys, []);
    keys.push({ namespace: write.namespace, key: write.key });
    this.h.db
      .update(handoffs)
      .set({ status: 'accepted', continuationId: childId, decidedAt: write.at, decidedBy: owner ?? write.actor, memoryKeys: JSON.stringify(keys) })
      .where(eq(handoffs.id, r.id))
      .run();
    this.event(r.id, 'accepted', owner ?? write.actor, `Ownership taken over in ${childId} (${write.key})`, write.at);
    this.publish(r.id, write.actor, write.at, [childId]);
  }

  /**
   * The recipient takes over: a continuation of the session owned by them (open work and agents
   * carried over, both linked), a handoff checkpoint on it, and `session/current/ownership` written as
   * in the seed's restoration step.
   */
  accept(id: string, actor: HandoffActor): Handoff {
    this.edit(() => {
      const r = this.require(id, actor, 'decide');
      const now = this.now();
      if (r.expiresAt <= now)
        throw new BatonError('version_conflict', `expiresAt: this handoff expired at ${iso(r.expiresAt)}; ask ${r.fromLabel} to renew it`, {
          field: 'expiresAt',
        });
      const owner = r.toKind === 'team' ? actor.label : r.toLabel;
      const session = this.sessions.requireSession(r.sessionId);
      // A continuation of a continuation is named after the original (auth-1-h1 → auth-1-h2).
      const base = session.parentId ? r.sessionId.replace(/-[rh]\d+(-\d+)?$/, '') : r.sessionId;
      const childId = this.sessions.continueAs(r.sessionId, `${base}-h${session.resumeCount + 1}`, owner, now);
      const namespace = session.sourceNamespace || SESSION_NAMESPACE;
      const keys = json<{ namespace: string; key: string }[]>(r.memoryKeys, []);
      keys.push({ namespace, key: 'session/current/ownership' });
      this.h.db
        .update(handoffs)
        .set({ status: 'accepted', continuationId: childId, decidedAt: now, decidedBy: actor.label, memoryKeys: JSON.stringify(keys) })
        .where(eq(handoffs.id, id))
        .run();
      this.event(id, 'accepted', actor.label, `Continues in ${childId}`, now);
      this.sessions.writeCheckpoint(childId, 'handoff', `Handoff from ${r.fromLabel} accepted by ${actor.label}`, actor.label, now);
      const checklist = this.h.db.select({ done: handoffChecklist.done }).from(handoffChecklist).where(eq(handoffChecklist.handoffId, id)).all();
      // The seed's restoration step, so agents reading memory see the new owner too.
      this.memory.store(
        {
          namespace,
          key: 'session/current/ownership',
          value: JSON.stringify({
            session_id: childId,
            current_owner: owner,
            previous_owner: r.fromLabel,
            handoff_id: id,
            handoff_completed: true,
            restoration_timestamp: iso(now),
            restoration_status: 'successful',
            environment_validated: checklist.length > 0 && checklist.every((c) => c.done),
            context_understood: true,
            ready_to_continue: true,
          }),
        },
        actor.label,
      );
      this.publish(id, actor.label, now, [childId]);
    });
    return this.get(id);
  }

  /** Back to the sender: the session is paused (not lost) until they renew the handoff or carry on. */
  decline(id: string, input: unknown, actor: HandoffActor): Handoff {
    const { reason } = parseInput(handoffDecisionSchema, input);
    this.edit(() => {
      // Who may decide comes first: a caller who may not learns nothing about what the step needs.
      const r = this.require(id, actor, 'decide');
      if (!reason) throw new BatonError('invalid_input', 'reason: say why you decline (the sender sees it)', { field: 'reason' });
      const now = this.now();
      this.h.db.update(handoffs).set({ status: 'declined', decidedAt: now, decidedBy: actor.label, reason }).where(eq(handoffs.id, id)).run();
      this.event(id, 'declined', actor.label, reason, now);
      this.releaseSession(r.sessionId, 'paused');
      this.publish(id, actor.label, now);
    });
    return this.get(id);
  }

  requestChanges(id: string, input: unknown, actor: HandoffActor): Handoff {
    const { reason } = parseInput(handoffDecisionSchema, input);
    this.edit(() => {
      this.require(id, actor, 'decide');
      if (!reason) throw new BatonError('invalid_input', 'reason: say what should change', { field: 'reason' });
      const now = this.now();
      this.h.db.update(handoffs).set({ status: 'changes-requested', reason }).where(eq(handoffs.id, id)).run();
      this.event(id, 'changes-requested', actor.label, reason, now);
      this.publish(id, actor.label, now);
    });
    return this.get(id);
  }

  /** The sender edits (after changes were requested, or anytime it is open); it goes back to pending. */
  update(id: string, input: unknown, actor: HandoffActor): Handoff {
    const data = parseInput(updateSchema, input);
    this.edit(() => {
      const r = this.require(id, actor, 'edit');
      const now = this.now();
      const summary = { ...json<HandoffSummary>(r.summary, emptySummary()), ...(data.summary ?? {}) };
      const context = { ...json<HandoffContext>(r.context, emptyContext()), ...(data.context ?? {}) };
      this.h.db
        .update(handoffs)
        .set({
          status: 'pending',
          reason: null,
          summary: JSON.stringify(summary),
          context: JSON.stringify(context),
          ...(data.to ? this.resolveRecipient(data.to) : {}),
          ...(data.handoffType !== undefined ? { handoffType: data.handoffType ?? null } : {}),
        })
        .where(eq(handoffs.id, id))
        .run();
      if (data.checklist) {
        this.h.db.delete(handoffChecklist).where(eq(handoffChecklist.handoffId, id)).run();
        data.checklist.forEach((text, position) => this.h.db.insert(handoffChecklist).values({ handoffId: id, position, text }).run());
      }
      this.event(id, 'updated', actor.label, null, now);
      this.publish(id, actor.label, now);
    });
    return this.get(id);
  }

  comment(id: string, input: unknown, actor: HandoffActor): Handoff {
    const { body } = parseInput(handoffCommentSchema, input);
    this.edit(() => {
      this.require(id, actor, 'comment');
      const now = this.now();
      this.event(id, 'comment', actor.label, body, now);
      this.publish(id, actor.label, now);
    });
    return this.get(id);
  }

  check(id: string, itemId: number, input: unknown, actor: HandoffActor): Handoff {
    const { done } = parseInput(handoffChecklistPatchSchema, input);
    this.edit(() => {
      this.require(id, actor, 'check');
      const item = this.h.db
        .select()
        .from(handoffChecklist)
        .where(and(eq(handoffChecklist.id, itemId), eq(handoffChecklist.handoffId, id)))
        .get();
      if (!item) throw new BatonError('not_found', `item: no checklist item ${itemId} in handoff ${id}`, { field: 'item' });
      const now = this.now();
      this.h.db
        .update(handoffChecklist)
        .set({ done, doneBy: done ? actor.label : null, doneAt: done ? now : null })
        .where(eq(handoffChecklist.id, itemId))
        .run();
      this.publish(id, actor.label, now);
    });
    return this.get(id);
  }

  renew(id: string, input: unknown, actor: HandoffActor): Handoff {
    const { ttl } = parseInput(renewSchema, input);
    this.edit(() => {
      const r = this.require(id, actor, 'renew');
      const open = this.openFor(r.sessionId);
      if (open) throw new BatonError('version_conflict', `status: session ${r.sessionId} already has an open handoff (${open.id})`, { field: 'status' });
      const session = this.sessions.requireSession(r.sessionId);
      if (session.status === 'completed' || session.status === 'handed-off')
        throw new BatonError('version_conflict', `status: session ${r.sessionId} is ${session.status}; start a new handoff from the current session`, {
          field: 'status',
        });
      const now = this.now();
      this.h.db
        .update(handoffs)
        .set({ status: 'pending', expiresAt: now + ttl * 1000, decidedAt: null, decidedBy: null, reason: null })
        .where(eq(handoffs.id, id))
        .run();
      this.h.db.update(workSessions).set({ status: 'handed-off', endedAt: now }).where(eq(workSessions.id, r.sessionId)).run();
      this.event(id, 'renewed', actor.label, `Expires ${iso(now + ttl * 1000)}`, now);
      this.publish(id, actor.label, now);
    });
    return this.get(id);
  }

  cancel(id: string, actor: HandoffActor): Handoff {
    this.edit(() => {
      const r = this.require(id, actor, 'cancel');
      const now = this.now();
      this.h.db.update(handoffs).set({ status: 'cancelled', decidedAt: now, decidedBy: actor.label }).where(eq(handoffs.id, id)).run();
      this.event(id, 'cancelled', actor.label, null, now);
      this.releaseSession(r.sessionId, 'active');
      this.publish(id, actor.label, now);
    });
    return this.get(id);
  }

  /** A handed-off session whose handoff did not go through is the sender's again. */
  private releaseSession(sessionId: string, status: 'active' | 'paused') {
    this.h.db
      .update(workSessions)
      .set({ status, endedAt: null, lastActivityAt: this.now() })
      .where(and(eq(workSessions.id, sessionId), eq(workSessions.status, 'handed-off')))
      .run();
  }

  /** Expires open handoffs past their expiry (the sweeper calls this); their sessions are paused. */
  sweep(): string[] {
    const now = this.now();
    const due = this.h.db
      .select({ id: handoffs.id, sessionId: handoffs.sessionId })
      .from(handoffs)
      .where(and(inArray(handoffs.status, [...OPEN_HANDOFF_STATUSES]), lte(handoffs.expiresAt, now)))
      .limit(100)
      .all();
    if (due.length === 0) return [];
    this.edit(() => {
      for (const d of due) {
        this.h.db.update(handoffs).set({ status: 'expired', decidedAt: now, decidedBy: 'system:expiry' }).where(eq(handoffs.id, d.id)).run();
        this.event(d.id, 'expired', 'system:expiry', null, now);
        this.releaseSession(d.sessionId, 'paused');
        this.publish(d.id, 'system:expiry', now);
      }
    });
    return due.map((d) => d.id);
  }
}
