import { and, asc, eq } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.ts';
import { sessionItems, workSessions } from '../../db/schema.ts';
import { can, principalLabel, type Principal } from '../../lib/access.ts';
import { fromZodError } from '../../lib/errors.ts';
import { meetingActionSchema, readMeeting, reduceMeeting, type AgendaRef, type MeetingAction, type MeetingState } from '../../lib/meeting.ts';
import type { SessionBoard } from '../../lib/session-types.ts';
import type { BoardItems } from './items.ts';
import type { SessionService } from './service.ts';

const json = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

/** The meeting-state id of a caller: the same `kind:id` presence uses. */
export const meetingActorId = (p: Principal) => `${p.kind}:${'id' in p ? p.id : ''}`;

/**
 * Meeting mode on the server: validates an action, runs the pure reducer (lib/meeting.ts) against
 * the session's `details.meeting` and agenda in one transaction, marks agenda items through the
 * board items, and appends the board to the feed so every follower moves with the presenter.
 * Authorization to edit the board is the route's job; who may drive is the reducer's.
 */
export class MeetingService {
  constructor(
    private readonly h: DbHandle,
    private readonly sessions: SessionService,
    private readonly items: BoardItems,
    private readonly now: () => number = Date.now,
  ) {}

  /** The meeting state of a session and the server's clock (followers compute the timer from it). */
  state(sessionId: string): { meeting: MeetingState; serverNow: number } {
    const row = this.sessions.requireSession(sessionId);
    return { meeting: readMeeting(json<Record<string, unknown>>(row.details, {}).meeting), serverNow: this.now() };
  }

  act(sessionId: string, input: unknown, principal: Principal): { board: SessionBoard; action: MeetingAction } {
    const parsed = meetingActionSchema.safeParse(input ?? {});
    if (!parsed.success) throw fromZodError(parsed.error);
    const action = parsed.data;
    const by = principalLabel(principal);
    const actor = { id: meetingActorId(principal), label: by, admin: can(principal, { action: 'admin' }) };
    const board = this.sessions.edit(() => {
      const row = this.sessions.requireSession(sessionId);
      const details = json<Record<string, unknown>>(row.details, {});
      const now = this.now();
      const { state, statuses } = reduceMeeting(readMeeting(details.meeting), action, { now, actor, agenda: this.agenda(sessionId) });
      details.meeting = state;
      this.h.db
        .update(workSessions)
        .set({ details: JSON.stringify(details), lastActivityAt: now })
        .where(eq(workSessions.id, sessionId))
        .run();
      // The agenda statuses and the meeting state change together, and the board is appended once.
      for (const s of statuses) this.items.markAgenda(sessionId, s.itemId, s.status, now);
      this.sessions.bump(sessionId, by, now);
      return this.sessions.board(sessionId)!;
    });
    return { board, action };
  }

  /** The session's agenda in board order. */
  private agenda(sessionId: string): AgendaRef[] {
    return this.h.db
      .select({ id: sessionItems.id, data: sessionItems.data })
      .from(sessionItems)
      .where(and(eq(sessionItems.sessionId, sessionId), eq(sessionItems.kind, 'agenda')))
      .orderBy(asc(sessionItems.position), asc(sessionItems.id))
      .all()
      .map((r) => {
        const data = json<{ status?: unknown; timeboxMinutes?: unknown }>(r.data, {});
        const status = data.status === 'active' || data.status === 'done' ? data.status : 'pending';
        return { id: r.id, status, timeboxMinutes: typeof data.timeboxMinutes === 'number' ? data.timeboxMinutes : 15 };
      });
  }
}
