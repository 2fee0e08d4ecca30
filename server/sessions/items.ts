import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.ts';
import { sessionItems, workSessions } from '../../db/schema.ts';
import {
  boardFieldsSchema,
  boardItemSchemas,
  itemCreateSchema,
  itemPatchSchema,
  type BoardFields,
  type BoardItemKind,
} from '../../lib/board-items.ts';
import { BatonError, fromZodError } from '../../lib/errors.ts';
import type { SessionBoard } from '../../lib/session-types.ts';
import type { SessionService } from './service.ts';

/** A session holds at most this many board items (all kinds together). */
export const MAX_ITEMS_PER_SESSION = 500;

const json = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

/** Validates `data` against its kind's schema; errors name the field (`data.points: …`). */
export function validateItemData(kind: BoardItemKind, data: unknown, prefix = 'data'): Record<string, unknown> {
  const r = boardItemSchemas[kind].safeParse(data ?? {});
  if (!r.success) throw fromZodError(r.error, prefix);
  return r.data as Record<string, unknown>;
}

function validateFields(input: unknown, prefix?: string): BoardFields {
  const r = boardFieldsSchema.safeParse(input ?? {});
  if (!r.success) {
    // An unknown key is reported by zod on the object itself (path []); name the key instead.
    const issue = r.error.issues[0];
    if (issue?.code === 'unrecognized_keys' && issue.keys.length) {
      const field = [prefix, ...issue.path.map(String), issue.keys[0]].filter(Boolean).join('.');
      throw new BatonError('invalid_input', `${field}: is not a board field (sprintGoal, capacity, verdict, signOff, horizon)`, { field });
    }
    throw fromZodError(r.error, prefix);
  }
  return r.data;
}

const countItems = (h: DbHandle, sessionId: string, kind?: BoardItemKind) =>
  h.db
    .select({ n: sql<number>`count(*)` })
    .from(sessionItems)
    .where(kind ? and(eq(sessionItems.sessionId, sessionId), eq(sessionItems.kind, kind)) : eq(sessionItems.sessionId, sessionId))
    .get()!.n;

function requireRoom(h: DbHandle, sessionId: string, adding: number) {
  const n = countItems(h, sessionId);
  if (n + adding > MAX_ITEMS_PER_SESSION) {
    throw new BatonError('invalid_input', `items: a session holds at most ${MAX_ITEMS_PER_SESSION} board items (this one has ${n}); remove some first`, { field: 'items' });
  }
}

function insertItem(h: DbHandle, sessionId: string, kind: BoardItemKind, data: Record<string, unknown>, by: string | null, at: number): number {
  const position = h.db
    .select({ next: sql<number>`coalesce(max(${sessionItems.position}) + 1, 0)` })
    .from(sessionItems)
    .where(and(eq(sessionItems.sessionId, sessionId), eq(sessionItems.kind, kind)))
    .get()!.next;
  const row = h.db.insert(sessionItems).values({ sessionId, kind, position, data: JSON.stringify(data), createdAt: at, updatedAt: at, createdBy: by }).returning({ id: sessionItems.id }).get();
  return row.id;
}

function mergeFields(h: DbHandle, sessionId: string, fields: BoardFields, at: number) {
  const row = h.db.select({ details: workSessions.details }).from(workSessions).where(eq(workSessions.id, sessionId)).get();
  if (!row) throw new BatonError('not_found', `id: no session "${sessionId}"`, { field: 'id' });
  const details = json<Record<string, unknown>>(row.details, {});
  const current = details.fields && typeof details.fields === 'object' && !Array.isArray(details.fields) ? (details.fields as Record<string, unknown>) : {};
  details.fields = { ...current, ...fields };
  h.db.update(workSessions).set({ details: JSON.stringify(details), lastActivityAt: at, updatedAt: at }).where(eq(workSessions.id, sessionId)).run();
}

/** What the projection of a seed write adds to a board: typed items and single-valued fields. */
export interface SeedBoardPatch {
  items?: { kind: BoardItemKind; data: Record<string, unknown> }[];
  fields?: BoardFields;
}

/**
 * Applies a projected write's items and fields, inside the caller's transaction (no bump: the
 * caller bumps once for the whole write). Idempotent: a kind's seed items are inserted only when
 * the session has none of that kind yet, so re-storing an init never duplicates them. Fields are
 * merged (the latest write wins, as for the session's other projected values).
 */
export function applySeedPatch(h: DbHandle, sessionId: string, patch: SeedBoardPatch, by: string, at: number): void {
  if (patch.items?.length) {
    const byKind = new Map<BoardItemKind, Record<string, unknown>[]>();
    for (const item of patch.items) {
      const data = validateItemData(item.kind, item.data, `items.${item.kind}`);
      byKind.set(item.kind, [...(byKind.get(item.kind) ?? []), data]);
    }
    const fresh = [...byKind].filter(([kind]) => countItems(h, sessionId, kind) === 0);
    requireRoom(h, sessionId, fresh.reduce((n, [, list]) => n + list.length, 0));
    for (const [kind, list] of fresh) for (const data of list) insertItem(h, sessionId, kind, data, by, at);
  }
  if (patch.fields && Object.keys(patch.fields).length) mergeFields(h, sessionId, validateFields(patch.fields, 'fields'), at);
}

/**
 * The typed items of coordination, review and planning boards (agenda, projects, findings, backlog…)
 * and the board's single-valued fields. Every edit runs in one transaction, bumps the session and
 * appends the whole board to the feed (room `session:<id>`), and answers with that board.
 */
export class BoardItems {
  constructor(
    private readonly h: DbHandle,
    private readonly sessions: SessionService,
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds an item at the end of its kind. Any kind may be added to any board (boards can show extras). */
  add(sessionId: string, input: unknown, by: string): SessionBoard {
    const r = itemCreateSchema.safeParse(input ?? {});
    if (!r.success) throw fromZodError(r.error);
    const { kind } = r.data;
    const data = validateItemData(kind, r.data.data);
    return this.sessions.edit(() => {
      this.sessions.requireSession(sessionId);
      requireRoom(this.h, sessionId, 1);
      const at = this.now();
      insertItem(this.h, sessionId, kind, data, by, at);
      return this.finish(sessionId, by, at);
    });
  }

  /**
   * Merges `data` into the item's data and validates the whole against its kind's schema;
   * `position` moves it within its kind (0 = first; past the end = last). Public and stable: the
   * meeting mode marks agenda items active/done through it.
   */
  update(sessionId: string, itemId: number, input: unknown, by: string): SessionBoard {
    const r = itemPatchSchema.safeParse(input ?? {});
    if (!r.success) throw fromZodError(r.error);
    const patch = r.data;
    if (patch.data === undefined && patch.position === undefined) throw new BatonError('invalid_input', 'body: give data or position', { field: 'body' });
    return this.sessions.edit(() => {
      const item = this.requireItem(sessionId, itemId);
      const kind = item.kind as BoardItemKind;
      const at = this.now();
      if (patch.data) {
        const data = validateItemData(kind, { ...json<Record<string, unknown>>(item.data, {}), ...patch.data });
        this.h.db.update(sessionItems).set({ data: JSON.stringify(data), updatedAt: at }).where(eq(sessionItems.id, item.id)).run();
      }
      if (patch.position !== undefined) this.reposition(sessionId, kind, item.id, patch.position, at);
      return this.finish(sessionId, by, at);
    });
  }

  /** Marks an agenda item pending, active or done (the meeting mode's "next item"). */
  markAgenda(sessionId: string, itemId: number, status: 'pending' | 'active' | 'done', by: string): SessionBoard {
    const item = this.h.db.select({ kind: sessionItems.kind }).from(sessionItems).where(and(eq(sessionItems.id, itemId), eq(sessionItems.sessionId, sessionId))).get();
    if (item && item.kind !== 'agenda') throw new BatonError('invalid_input', `item: ${itemId} is a ${item.kind}, not an agenda item`, { field: 'item' });
    return this.update(sessionId, itemId, { data: { status } }, by);
  }

  remove(sessionId: string, itemId: number, by: string): SessionBoard {
    return this.sessions.edit(() => {
      const item = this.requireItem(sessionId, itemId);
      const at = this.now();
      this.h.db.delete(sessionItems).where(eq(sessionItems.id, item.id)).run();
      // Close the gap so positions stay 0..n-1 within the kind.
      this.h.db
        .update(sessionItems)
        .set({ position: sql`${sessionItems.position} - 1` })
        .where(and(eq(sessionItems.sessionId, sessionId), eq(sessionItems.kind, item.kind), sql`${sessionItems.position} > ${item.position}`))
        .run();
      return this.finish(sessionId, by, at);
    });
  }

  /** Sets single-valued board fields (`boardFieldsSchema`), merged into the session's `details.fields`. */
  setFields(sessionId: string, input: unknown, by: string): SessionBoard {
    const fields = validateFields(input);
    if (Object.keys(fields).length === 0) throw new BatonError('invalid_input', 'fields: give at least one of sprintGoal, capacity, verdict, signOff, horizon', { field: 'fields' });
    return this.sessions.edit(() => {
      this.sessions.requireSession(sessionId);
      const at = this.now();
      mergeFields(this.h, sessionId, fields, at);
      return this.finish(sessionId, by, at);
    });
  }

  /** The projection's entry point: no transaction of its own, no bump (the projected write bumps once). */
  applySeedItems(sessionId: string, items: SeedBoardPatch['items'], by: string, at: number, fields?: BoardFields): void {
    applySeedPatch(this.h, sessionId, { items, fields }, by, at);
  }

  private requireItem(sessionId: string, itemId: number) {
    this.sessions.requireSession(sessionId);
    const item = this.h.db.select().from(sessionItems).where(and(eq(sessionItems.id, itemId), eq(sessionItems.sessionId, sessionId))).get();
    if (!item) throw new BatonError('not_found', `item: no item ${itemId} in session ${sessionId}`, { field: 'item' });
    return item;
  }

  private reposition(sessionId: string, kind: BoardItemKind, itemId: number, position: number, at: number) {
    const ids = this.h.db
      .select({ id: sessionItems.id })
      .from(sessionItems)
      .where(and(eq(sessionItems.sessionId, sessionId), eq(sessionItems.kind, kind)))
      .orderBy(asc(sessionItems.position), asc(sessionItems.id))
      .all()
      .map((r) => r.id)
      .filter((id) => id !== itemId);
    ids.splice(Math.min(position, ids.length), 0, itemId);
    ids.forEach((id, i) => this.h.db.update(sessionItems).set({ position: i, ...(id === itemId ? { updatedAt: at } : {}) }).where(eq(sessionItems.id, id)).run());
  }

  private finish(sessionId: string, by: string, at: number): SessionBoard {
    this.h.db.update(workSessions).set({ lastActivityAt: at }).where(eq(workSessions.id, sessionId)).run();
    this.sessions.bump(sessionId, by, at);
    return this.sessions.board(sessionId)!;
  }
}
