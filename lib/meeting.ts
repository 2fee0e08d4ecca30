import { z } from 'zod';
import { BatonError } from './errors.ts';

/**
 * Meeting mode (/present/<session>): who presents, which agenda item is current, the item's timer,
 * the focused section and the last "bring everyone to me". Kept in the session's `details.meeting`,
 * so it survives reconnects and reaches every follower inside the board the feed carries.
 * The reducer below is pure (the server's clock is passed in): the server runs it in the edit's
 * transaction; the tests run it directly.
 */

/** Sections of the meeting screen the presenter can point everyone at. */
export const MEETING_SECTIONS = ['agenda', 'timer', 'decisions', 'actions', 'participants'] as const;
export type MeetingSection = (typeof MEETING_SECTIONS)[number];

export interface MeetingPresenter {
  /** `user:<id>` or `token:<id>`, the same ids presence uses. */
  id: string;
  label: string;
  /** When they took control (ISO). */
  since: string;
}

export interface MeetingTimer {
  /** The agenda item the timer measures (null: no agenda). */
  itemId: number | null;
  /** When it was last started (server clock, ISO); null while paused. */
  startedAt: string | null;
  /** Time counted before `startedAt` (or in total, while paused). */
  elapsedMs: number;
}

export interface MeetingState {
  presenter: MeetingPresenter | null;
  /** The current agenda item; null before the first and after the last. */
  agendaItemId: number | null;
  focus: MeetingSection | null;
  timer: MeetingTimer;
  /** Time already spent on items we left (item id → ms), so going back resumes their timer. */
  spentMs: Record<string, number>;
  /** The last "bring everyone to me": followers who broke away rejoin when it changes. */
  summonedAt: string | null;
  updatedAt: string | null;
}

export const EMPTY_MEETING: MeetingState = {
  presenter: null,
  agendaItemId: null,
  focus: null,
  timer: { itemId: null, startedAt: null, elapsedMs: 0 },
  spentMs: {},
  summonedAt: null,
  updatedAt: null,
};

/** A presenter silent this long may be replaced by anyone who may drive (they left the room). */
export const STALE_PRESENTER_MS = 30 * 60_000;

const itemId = z.number({ error: 'must be an agenda item id (a number)' }).int('must be an agenda item id').positive('must be an agenda item id');
const actionNames = ['take', 'release', 'goto', 'next', 'prev', 'timer-start', 'timer-pause', 'timer-reset', 'focus', 'summon', 'restore'] as const;
const agendaStatus = z.enum(['pending', 'active', 'done'], { error: 'must be pending, active or done' });

/** `POST /api/v1/sessions/:id/meeting` bodies. */
export const meetingActionSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('take') }),
    z.object({ action: z.literal('release') }),
    z.object({ action: z.literal('goto'), itemId }),
    z.object({ action: z.literal('next') }),
    z.object({ action: z.literal('prev') }),
    z.object({ action: z.literal('timer-start') }),
    z.object({ action: z.literal('timer-pause') }),
    z.object({ action: z.literal('timer-reset') }),
    z.object({ action: z.literal('focus'), section: z.enum(MEETING_SECTIONS, { error: `must be one of ${MEETING_SECTIONS.join(', ')}, or null` }).nullable() }),
    z.object({ action: z.literal('summon') }),
    // Undo of next / previous / reset: puts the meeting back where it was (the screen took the
    // snapshot just before): the current item, the timer, and the agenda items' statuses.
    z.object({
      action: z.literal('restore'),
      agendaItemId: itemId.nullable(),
      elapsedMs: z
        .number({ error: 'must be a number of milliseconds' })
        .int()
        .min(0)
        .max(7 * 24 * 3600_000),
      running: z.boolean(),
      statuses: z.array(z.object({ itemId, status: agendaStatus })).max(500),
    }),
  ],
  { error: `must be one of ${actionNames.join(', ')}` },
);
export type MeetingAction = z.output<typeof meetingActionSchema>;
export type MeetingActionName = MeetingAction['action'];

export interface AgendaRef {
  id: number;
  status: 'pending' | 'active' | 'done';
  timeboxMinutes: number;
}

export interface MeetingActor {
  id: string;
  label: string;
  /** Admins may take over from another presenter. */
  admin: boolean;
}

export interface MeetingResult {
  state: MeetingState;
  /** Agenda items whose status changes with this action (the current one is `active`). */
  statuses: { itemId: number; status: AgendaRef['status'] }[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const idOrNull = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null);
const isoOrNull = (v: unknown) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? v : null);

/** The meeting state kept in `details.meeting`, whatever is there (missing or malformed: empty). */
export function readMeeting(raw: unknown): MeetingState {
  if (!isRecord(raw)) return EMPTY_MEETING;
  const p = raw.presenter;
  const t = isRecord(raw.timer) ? raw.timer : {};
  const spent: Record<string, number> = {};
  if (isRecord(raw.spentMs)) for (const [k, v] of Object.entries(raw.spentMs)) if (typeof v === 'number' && v >= 0) spent[k] = v;
  return {
    presenter:
      isRecord(p) && typeof p.id === 'string' && typeof p.label === 'string'
        ? { id: p.id, label: p.label, since: isoOrNull(p.since) ?? new Date(0).toISOString() }
        : null,
    agendaItemId: idOrNull(raw.agendaItemId),
    focus: (MEETING_SECTIONS as readonly string[]).includes(raw.focus as string) ? (raw.focus as MeetingSection) : null,
    timer: { itemId: idOrNull(t.itemId), startedAt: isoOrNull(t.startedAt), elapsedMs: Math.max(0, num(t.elapsedMs, 0)) },
    spentMs: spent,
    summonedAt: isoOrNull(raw.summonedAt),
    updatedAt: isoOrNull(raw.updatedAt),
  };
}

/** How long the timer has run, as of `serverNow` (the server's clock, in ms). */
export function timerElapsed(timer: MeetingTimer, serverNow: number): number {
  return timer.elapsedMs + (timer.startedAt ? Math.max(0, serverNow - Date.parse(timer.startedAt)) : 0);
}

export const isPresenter = (state: MeetingState, id: string | null | undefined) => !!id && state.presenter?.id === id;

function conflict(message: string): never {
  throw new BatonError('version_conflict', `presenter: ${message}`, { field: 'presenter' });
}

/** Who may do what: the presenter drives; with none, anyone who may edit; an admin may take over. */
function checkAuthority(state: MeetingState, action: MeetingAction, actor: MeetingActor, now: number) {
  const p = state.presenter;
  if (!p || p.id === actor.id) return;
  const stale = state.updatedAt !== null && now - Date.parse(state.updatedAt) > STALE_PRESENTER_MS;
  if (action.action === 'take') {
    if (actor.admin || stale) return;
    conflict(`${p.label} is presenting; ask them to hand over (an admin can take over)`);
  }
  if (action.action === 'release') {
    if (actor.admin) return;
    conflict(`${p.label} is presenting; only they (or an admin) can end their control`);
  }
  conflict(`${p.label} is presenting, so only they drive the meeting; you can browse on your own`);
}

/**
 * Applies one action. Throws a BatonError (409 `presenter`, 404/422 naming the field) when the
 * actor may not drive or the action does not fit the agenda. Pure: `now` is the server's clock.
 */
export function reduceMeeting(prev: MeetingState, action: MeetingAction, ctx: { now: number; actor: MeetingActor; agenda: AgendaRef[] }): MeetingResult {
  const { now, actor, agenda } = ctx;
  checkAuthority(prev, action, actor, now);
  const at = new Date(now).toISOString();
  const statusOf = new Map(agenda.map((a) => [a.id, a.status]));
  const statuses = new Map<number, AgendaRef['status']>();
  const setStatus = (id: number, status: AgendaRef['status']) => {
    if (statusOf.get(id) !== status) statuses.set(id, status);
    else statuses.delete(id);
  };
  // The current item, if it still exists on the agenda.
  const current = prev.agendaItemId !== null && statusOf.has(prev.agendaItemId) ? prev.agendaItemId : null;
  const index = current === null ? -1 : agenda.findIndex((a) => a.id === current);
  const running = prev.timer.startedAt !== null;
  let state: MeetingState = { ...prev, agendaItemId: current, spentMs: { ...prev.spentMs }, updatedAt: at };

  /** Moves to another item: banks the time spent on the one we leave, resumes the target's. */
  const moveTo = (target: number | null, leaving: AgendaRef['status'] | 'keep', run: boolean) => {
    if (state.timer.itemId !== null) state.spentMs[String(state.timer.itemId)] = timerElapsed(state.timer, now);
    if (current !== null && current !== target) {
      if (leaving === 'done') setStatus(current, 'done');
      else if (leaving === 'pending' && statusOf.get(current) === 'active') setStatus(current, 'pending');
    }
    if (target !== null) setStatus(target, 'active');
    state.agendaItemId = target;
    state.timer = { itemId: target, startedAt: run && target !== null ? at : null, elapsedMs: target === null ? 0 : (state.spentMs[String(target)] ?? 0) };
  };

  switch (action.action) {
    case 'take': {
      state.presenter = prev.presenter?.id === actor.id ? prev.presenter : { id: actor.id, label: actor.label, since: at };
      // Taking control of a meeting that has not started puts everyone on the item in progress.
      if (current === null && agenda.length) {
        const start = agenda.find((a) => a.status === 'active') ?? agenda.find((a) => a.status !== 'done');
        if (start) moveTo(start.id, 'keep', false);
      }
      break;
    }
    case 'release':
      state.presenter = null;
      break;
    case 'goto': {
      if (!statusOf.has(action.itemId)) throw new BatonError('not_found', `itemId: no agenda item ${action.itemId} in this session`, { field: 'itemId' });
      if (action.itemId !== current) moveTo(action.itemId, 'pending', running);
      break;
    }
    case 'next': {
      if (agenda.length === 0) throw new BatonError('invalid_input', 'action: this session has no agenda items to move through', { field: 'action' });
      // The item after the current one (from before the first or after the last: the first not yet done).
      const target = index === -1 ? (agenda.find((a) => a.status !== 'done') ?? null) : (agenda[index + 1] ?? null);
      if (index === -1 && !target) throw new BatonError('invalid_input', 'action: the agenda is already complete', { field: 'action' });
      // Next marks the current item done and restarts the timer on the next one.
      moveTo(target?.id ?? null, 'done', target !== null);
      break;
    }
    case 'prev': {
      if (agenda.length === 0) throw new BatonError('invalid_input', 'action: this session has no agenda items to move through', { field: 'action' });
      if (index === 0) throw new BatonError('invalid_input', 'action: this is the first agenda item', { field: 'action' });
      const target = index === -1 ? agenda[agenda.length - 1]! : agenda[index - 1]!;
      moveTo(target.id, 'pending', running);
      break;
    }
    case 'timer-start':
      if (!running) state.timer = { ...state.timer, itemId: state.timer.itemId ?? current, startedAt: at };
      break;
    case 'timer-pause':
      if (running) state.timer = { ...state.timer, startedAt: null, elapsedMs: timerElapsed(prev.timer, now) };
      break;
    case 'timer-reset':
      state.timer = { ...state.timer, startedAt: null, elapsedMs: 0 };
      if (state.timer.itemId !== null) delete state.spentMs[String(state.timer.itemId)];
      break;
    case 'focus':
      state.focus = action.section;
      break;
    case 'summon':
      state.summonedAt = at;
      break;
    case 'restore': {
      if (action.agendaItemId !== null && !statusOf.has(action.agendaItemId))
        throw new BatonError('not_found', `agendaItemId: no agenda item ${action.agendaItemId} in this session`, { field: 'agendaItemId' });
      if (state.timer.itemId !== null && state.timer.itemId !== action.agendaItemId) state.spentMs[String(state.timer.itemId)] = timerElapsed(state.timer, now);
      for (const s of action.statuses) if (statusOf.has(s.itemId)) setStatus(s.itemId, s.status);
      state.agendaItemId = action.agendaItemId;
      state.timer = {
        itemId: action.agendaItemId,
        startedAt: action.running && action.agendaItemId !== null ? at : null,
        elapsedMs: action.agendaItemId === null ? 0 : action.elapsedMs,
      };
      break;
    }
  }
  state = { ...state };
  return { state, statuses: [...statuses].map(([itemId, status]) => ({ itemId, status })) };
}
