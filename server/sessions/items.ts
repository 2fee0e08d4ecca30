import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.ts';
import { sessionItems, workSessions } from '../../db/schema.ts';
import { boardFieldsSchema, boardItemSchemas, itemCreateSchema, itemPatchSchema, type BoardFields, type BoardItemKind } from '../../lib/board-items.ts';
import { BatonError, fromZodError } from '../../lib/errors.ts';
import type { SessionBoard } from '../../lib/session-types.ts';
import type { SessionRow } from './reads.ts';

/** What board items need of the sessions (SessionService has it; named here so neither file imports the other). */
export interface BoardHost {
  edit<T>(fn: () => T): T;
  requireSession(id: string): SessionRow;
  bump(id: string, actor: string, at: number): void;
  board(id: string): SessionBoard | null;
}

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
  return r.data;
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
    throw new BatonError('invalid_input', `items: a session holds at most ${MAX_ITEMS_PER_SESSION} board items (this one has ${n}); remove some first`, {
      field: 'items',
    });
  }
}

function insertItem(h: DbHandle, sessionId: string, kind: BoardItemKind, data: Record<string, unknown>, by: string | null, at: number): number {
  const position = h.db
    .select({ next: sql<number>`coalesce(max(${sessionItems.position}) + 1, 0)` })
    .from(sessionItems)
    .where(and(eq(sessionItems.sessionId, sessionId), eq(sessionItems.kind, kind)))
    .get()!.next;
  const row = h.db
    .insert(sessionItems)
    .values({ sessionId, kind, position, data: JSON.stringify(data), createdAt: at, updatedAt: at, createdBy: by })
    .returning({ id: sessionItems.id })
    .get();
  return row.id;
}

function mergeFields(h: DbHandle, sessionId: string, fields: BoardFields, at: number) {
  const row = h.db.select({ details: workSessions.details }).from(workSessions).where(eq(workSessions.id, sessionId)).get();
  if (!row) throw new BatonError('not_found', `id: no session "${sessionId}"`, { field: 'id' });
  const details = json<Record<string, unknown>>(row.details, {});
  const current = details.fields && typeof details.fields === 'object' && !Array.isArray(details.fields) ? (details.fields as Record<string, unknown>) : {};
  details.fields = { ...current, ...fields };
  h.db
    .update(workSessions)
    .set({ details: JSON.stringify(details), lastActivityAt: at, updatedAt: at })
    .where(eq(workSessions.id, sessionId))
    .run();
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
    requireRoom(
      h,
      sessionId,
      fresh.reduce((n, [, list]) => n + list.length, 0),
    );
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
    private readonly sessions: BoardHost,
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
        this.h.db
          .update(sessionItems)
          .set({ data: JSON.stringify(data), updatedAt: at })
          .where(eq(sessionItems.id, item.id))
          .run();
      }
      if (patch.position !== undefined) this.reposition(sessionId, kind, item.id, patch.position, at);
      return this.finish(sessionId, by, at);
    });
  }

  /**
   * Marks an agenda item pending, active or done (the meeting mode's "next item"), inside the
   * caller's transaction and without appending the board: a meeting step changes up to two items
   * and its own state, and appends the board once for all of it.
   */
  markAgenda(sessionId: string, itemId: number, status: 'pending' | 'active' | 'done', at: number): void {
    const item = this.requireItem(sessionId, itemId);
    if (item.kind !== 'agenda') throw new BatonError('invalid_input', `item: ${itemId} is a ${item.kind}, not an agenda item`, { field: 'item' });
    const data = validateItemData('agenda', { ...json<Record<string, unknown>>(item.data, {}), status });
    this.h.db
      .update(sessionItems)
      .set({ data: JSON.stringify(data), updatedAt: at })
      .where(eq(sessionItems.id, item.id))
      .run();
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
    if (Object.keys(fields).length === 0)
      throw new BatonError('invalid_input', 'fields: give at least one of sprintGoal, capacity, verdict, signOff, horizon', { field: 'fields' });
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
    const item = this.h.db
      .select()
      .from(sessionItems)
      .where(and(eq(sessionItems.id, itemId), eq(sessionItems.sessionId, sessionId)))
      .get();
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
    // Only rows whose position changes are written (one prepared statement: a 500-item kind stays cheap).
    const current = new Map(
      this.h.sqlite
        .prepare<[string, string], { id: number; position: number }>('SELECT id, position FROM session_items WHERE session_id = ? AND kind = ?')
        .all(sessionId, kind)
        .map((r) => [r.id, r.position]),
    );
    const setPosition = this.h.sqlite.prepare<[number, number]>('UPDATE session_items SET position = ? WHERE id = ?');
    ids.forEach((id, i) => {
      if (current.get(id) !== i) setPosition.run(i, id);
    });
    this.h.db.update(sessionItems).set({ updatedAt: at }).where(eq(sessionItems.id, itemId)).run();
  }

  private finish(sessionId: string, by: string, at: number): SessionBoard {
    this.h.db.update(workSessions).set({ lastActivityAt: at }).where(eq(workSessions.id, sessionId)).run();
    this.sessions.bump(sessionId, by, at);
    return this.sessions.board(sessionId)!;
  }
}

// ---- the seed's shapes → board items and fields (pure: used by the projection) -----------------

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};
const camel = (o: Json): Json => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), v]));
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** "90 minutes", "1.5 hours", 90 → minutes; anything else → null. */
export function minutesOf(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return Math.round(v);
  const m = typeof v === 'string' ? /([\d.]+)\s*(minute|min|m\b|hour|hr|h\b)/i.exec(v) : null;
  if (!m) return null;
  const n = Number.parseFloat(m[1]!);
  if (!Number.isFinite(n) || n <= 0) return null;
  return Math.round(/^m/i.test(m[2]!) ? n : n * 60);
}

/** A review criterion's checklist, from its wording. */
export function criterionCategory(text: string): 'security' | 'performance' | 'tests' | 'docs' | 'quality' {
  const t = text.toLowerCase();
  if (/secur|auth|vulnerab|injection|xss|csrf|secret|permission/.test(t)) return 'security';
  if (/perform|latenc|speed|throughput|memory|scalab|efficien/.test(t)) return 'performance';
  if (/test|coverage|spec\b|qa\b/.test(t)) return 'tests';
  if (/doc|readme|comment|changelog/.test(t)) return 'docs';
  return 'quality';
}

const PRIORITIES = new Set(['critical', 'high', 'medium', 'low']);

/** One list of the seed value and the kind its elements become; a string element fills `textField`. */
const SEED_LISTS: { key: string; kind: BoardItemKind; textField: string; fix?: (d: Json, value: Json) => Json }[] = [
  { key: 'agenda', kind: 'agenda', textField: 'title', fix: (d) => ({ ...d, title: d.title ?? d.topic ?? d.item }) },
  {
    key: 'projects',
    kind: 'project',
    textField: 'name',
    fix: (d) => ({
      ...d,
      sprint: num(d.currentSprint ?? d.sprint) ?? null,
      teamSize: num(d.teamSize) ?? null,
      blockers: Array.isArray(d.blockers) ? d.blockers.length : (num(d.blockers) ?? 0),
      priority: PRIORITIES.has(String(d.priority).toLowerCase()) ? String(d.priority).toLowerCase() : 'medium',
      status: str(d.status) ?? undefined,
    }),
  },
  { key: 'shared_resources', kind: 'resource', textField: 'name' },
  { key: 'dependencies', kind: 'dependency', textField: 'description' },
  {
    key: 'review_criteria',
    kind: 'criterion',
    textField: 'text',
    fix: (d) => ({ ...d, category: str(d.category) ?? criterionCategory(typeof d.text === 'string' ? d.text : '') }),
  },
  {
    key: 'testing_scope',
    kind: 'result',
    textField: 'area',
    fix: (d, v) => ({
      ...d,
      environment: d.environment ?? (Array.isArray(v.test_environment) ? null : str(v.test_environment)),
      outcome: d.outcome ?? 'pending',
    }),
  },
  { key: 'test_environment', kind: 'environment', textField: 'name' },
  { key: 'action_items', kind: 'action', textField: 'title' },
  { key: 'backlog', kind: 'backlog', textField: 'title' },
  { key: 'risks', kind: 'risk', textField: 'title' },
  { key: 'phases', kind: 'phase', textField: 'name' },
  { key: 'adrs', kind: 'adr', textField: 'title' },
  { key: 'findings', kind: 'finding', textField: 'title' },
  { key: 'defects', kind: 'defect', textField: 'title' },
];

/**
 * The board items and fields a session-init value (the seed's snake_case shapes) describes: agenda
 * with timeboxes, projects, shared resources, dependencies, review criteria by checklist, QA scope
 * and environment, sprint capacity, planning horizon. Tolerant: an element that does not fit its
 * kind's schema is left out (it stays in the session's details), never failing the write.
 */
export function seedBoardOf(value: Json): SeedBoardPatch {
  const items: NonNullable<SeedBoardPatch['items']> = [];
  const ownTimebox: boolean[] = [];
  for (const { key, kind, textField, fix } of SEED_LISTS) {
    for (const element of list(value[key])) {
      const o = obj(element);
      const text = str(element);
      if (!o && !text) continue;
      let data: Json = o ? camel(o) : { [textField]: text };
      // An object's own timebox ("timebox": "20 minutes") is kept as minutes.
      if (kind === 'agenda' && o) data = { ...data, timeboxMinutes: minutesOf(o.timebox_minutes ?? o.timebox ?? o.duration) ?? undefined };
      if (fix) data = fix(data, value);
      const r = boardItemSchemas[kind].safeParse(data);
      if (!r.success) continue;
      items.push({ kind, data: r.data });
      if (kind === 'agenda') ownTimebox.push(!!o && minutesOf(o.timebox_minutes ?? o.timebox ?? o.duration) !== null);
    }
  }
  // The meeting's length split over its agenda (rounded), unless an item brings its own timebox.
  const agenda = items.filter((i) => i.kind === 'agenda');
  const meeting = minutesOf(value.meeting_duration ?? value.duration);
  if (agenda.length && meeting) {
    const each = Math.min(600, Math.max(1, Math.round(meeting / agenda.length)));
    agenda.forEach((item, i) => {
      if (!ownTimebox[i]) item.data = { ...item.data, timeboxMinutes: each };
    });
  }

  const fields: Json = {};
  const capacity = obj(value.sprint_capacity);
  if (capacity) {
    let buffer = num(capacity.capacity_buffer ?? capacity.buffer) ?? 0;
    if (buffer > 1) buffer /= 100;
    fields.capacity = {
      points: num(capacity.total_story_points ?? capacity.points) ?? 0,
      developerDays: num(capacity.available_developer_days ?? capacity.developer_days) ?? 0,
      buffer,
    };
  }
  if (str(value.planning_horizon)) fields.horizon = str(value.planning_horizon);
  if (str(value.sprint_goal)) fields.sprintGoal = str(value.sprint_goal);
  const valid: Json = {};
  for (const [k, v] of Object.entries(fields))
    if (boardFieldsSchema.safeParse({ [k]: v }).success) valid[k] = boardFieldsSchema.parse({ [k]: v })[k as keyof BoardFields];

  const out: SeedBoardPatch = {};
  if (items.length) out.items = items;
  if (Object.keys(valid).length) out.fields = valid;
  return out;
}
