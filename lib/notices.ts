/**
 * Board notices, grouped: what a live board pops up when someone else changes it. Pure, so the
 * rules (never your own changes; one notice per writer while they keep writing) are unit-testable.
 */

export type NoticeKind = 'goal' | 'blocker' | 'resolved' | 'decision';

export interface NoticeEvent {
  kind: NoticeKind;
  text: string;
}

export interface NoticeGroup {
  id: number;
  /** Who made the changes, as the feed names them ("Owner", "token:claude"). */
  writer: string;
  /** Every change in the group, oldest first. */
  events: NoticeEvent[];
  /** When the last change arrived (ms); the group closes after `BURST_MS` of quiet. */
  lastAt: number;
}

/** Changes from one writer closer together than this join the same notice. */
export const BURST_MS = 10_000;
/** A notice stays up this long after its writer's last change. */
export const NOTICE_MS = 8_000;

/** "token:claude" → "claude"; "share:…" → "A shared screen"; people keep their names. */
export function writerName(writer: string): string {
  if (writer.startsWith('token:')) return writer.slice('token:'.length) || 'An agent';
  if (writer.startsWith('share:')) return 'A shared screen';
  if (writer.startsWith('system')) return 'Baton';
  return writer || 'Someone';
}

/**
 * True when the change is the viewer's own: made in this tab (SELF), or by the same account
 * elsewhere. `writerId` is who the feed says made it (`user:<id>`, `token:<id>`: session and
 * handoff changes carry it); `myAccountId` the viewer's account id. Compared by id, never by name
 * (two people may share one); an agent on my token is not me.
 */
export function isOwnChange(writerId: string | null, myAccountId: string | null): boolean {
  if (writerId === SELF) return true;
  return !!writerId && !!myAccountId && writerId === `user:${myAccountId}`;
}

/** The `writerId` a session or handoff change's value carries (null when it has none: internal writes). */
export function writerIdOf(value: string | null): string | null {
  if (!value) return null;
  try {
    const v = JSON.parse(value) as { writerId?: unknown };
    return typeof v.writerId === 'string' ? v.writerId : null;
  } catch {
    return null;
  }
}

/** The writer of a change made from this screen (a mutation's own answer). */
export const SELF = '\u0000self';

/**
 * Adds a writer's new changes: into their open notice when it is recent, else a new one.
 * Returns the groups to show (at most `max`, newest last).
 */
export function addNotices(groups: NoticeGroup[], writer: string, events: NoticeEvent[], now: number, nextId: () => number, max = 3): NoticeGroup[] {
  if (events.length === 0) return groups;
  const open = groups.find((g) => g.writer === writer && now - g.lastAt < BURST_MS);
  let next: NoticeGroup[];
  if (open) {
    const merged = { ...open, events: [...open.events, ...events], lastAt: now };
    next = [...groups.filter((g) => g !== open), merged];
  } else {
    next = [...groups, { id: nextId(), writer, events, lastAt: now }];
  }
  return next.slice(-max);
}

/** The notices still showing at `now`. */
export const liveNotices = (groups: NoticeGroup[], now: number) => groups.filter((g) => now - g.lastAt < NOTICE_MS);

const LABEL: Record<NoticeKind, string> = { goal: 'Goal done', blocker: 'Blocker raised', resolved: 'Blocker resolved', decision: 'Decision' };

/** One line for a group: a single change says what it was; a burst says how many ("claude: 12 updates"). */
export function describeGroup(g: NoticeGroup): { title: string; detail: string } {
  const who = writerName(g.writer);
  const last = g.events[g.events.length - 1]!;
  if (g.events.length === 1) return { title: `${LABEL[last.kind]}:`, detail: `${last.text} (${who})` };
  return { title: `${who}: ${g.events.length} updates`, detail: `latest — ${LABEL[last.kind]}: ${last.text}` };
}
