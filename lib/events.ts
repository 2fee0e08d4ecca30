import { z } from 'zod';
import type { ApiError } from './errors.ts';
import type { MemoryEntry, StoreResult, DeleteResult } from './memory-types.ts';
import { entryRefSchema, storeInputSchema } from './memory-schema.ts';

/** Bumped on any incompatible change to the events below; the handshake refuses other versions. */
export const PROTOCOL_VERSION = 2;

/** What every change carries, whatever its topic. */
interface ChangeFields {
  seq: number;
  namespace: string;
  key: string;
  op: 'store' | 'delete' | 'expire';
  version: number;
  /** The stored string for `store`; null for `delete` and `expire`. */
  value: string | null;
  actor: string;
  at: string;
  expiresAt: string | null;
}

/** An entry changed: key = the entry's key, value = the stored string. */
export interface MemoryChange extends ChangeFields {
  topic: 'memory';
}
/** A board changed: key = the session id, value = the whole board as JSON. */
export interface SessionChange extends ChangeFields {
  topic: 'session';
  op: 'store';
}
/** A handoff changed: key = the handoff id, value = its HandoffListItem as JSON. */
export interface HandoffChange extends ChangeFields {
  topic: 'handoff';
  op: 'store';
}

/**
 * One committed mutation, in the order of the change feed. Adding a topic is one interface here
 * plus its rule in TOPIC_ROOMS (and its replay filter in server/feed/topics.ts).
 */
export type Change = MemoryChange | SessionChange | HandoffChange;
export type ChangeTopic = Change['topic'];
export const CHANGE_TOPICS = ['memory', 'session', 'handoff'] as const satisfies readonly ChangeTopic[];

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ApiError };
export type AckFn<T> = (result: Ack<T>) => void;

/** Rooms a client may follow: every memory change, or one namespace. */
export const ALL_MEMORY_ROOM = 'memory';
export const namespaceRoom = (namespace: string) => `ns:${namespace}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/** Every handoff change (members' inboxes filter it). */
export const HANDOFFS_ROOM = 'handoffs';
/** Handoff changes to or from one user (their inbox badge and toasts); only that user may join. */
export const userRoom = (userId: string) => `user:${userId}`;
export const roomSchema = z
  .string()
  .max(200)
  .refine(
    (r) =>
      r === ALL_MEMORY_ROOM ||
      r === 'dashboard' ||
      r === HANDOFFS_ROOM ||
      /^user:[A-Za-z0-9_-]{1,100}$/.test(r) ||
      /^ns:[A-Za-z0-9._:/-]{1,128}$/.test(r) ||
      /^session:[^\s]{1,190}$/.test(r),
    'unknown room',
  );

export const subscribeSchema = z.object({
  rooms: z.array(roomSchema).min(1, 'must name at least one room').max(50),
  sinceSeq: z.number().int().min(0).default(0),
});
export type SubscribeRequest = z.input<typeof subscribeSchema>;
export interface SubscribeResult {
  /**
   * True when the changes after sinceSeq are no longer all retained (or are too many to replay):
   * reload a snapshot, then subscribe again from its seq.
   */
  resync: boolean;
  headSeq: number;
  /** The missed changes for these rooms, in seq order; live changes follow as `feed:changes`. */
  changes: Change[];
}

/** Beyond this many missed changes a snapshot is cheaper than a replay, so the server says resync. */
export const MAX_REPLAY = 20_000;

/** Every session board change (the dashboard's live list). */
export const DASHBOARD_ROOM = 'dashboard';

type RoutedFields = Pick<ChangeFields, 'namespace' | 'key' | 'value'>;

/** Per topic, the rooms its changes are delivered to; the server emits to them, clients filter with the same rule. */
export const TOPIC_ROOMS: { [T in ChangeTopic]: (change: RoutedFields) => string[] } = {
  memory: (c) => [ALL_MEMORY_ROOM, namespaceRoom(c.namespace)],
  session: (c) => [DASHBOARD_ROOM, sessionRoom(c.key)],
  handoff: (c) => [HANDOFFS_ROOM, ...handoffUserIds(c.value).map(userRoom)],
};

export function roomsForChange(change: RoutedFields & { topic: ChangeTopic }): string[] {
  return TOPIC_ROOMS[change.topic](change);
}

export const unsubscribeSchema = z.object({ rooms: z.array(roomSchema).min(1).max(50) });

export const presenceSchema = z.object({
  room: roomSchema,
  /** What the viewer is looking at (a board section), or null. */
  focus: z.string().trim().max(100).nullish(),
});
export const presenceLeaveSchema = z.object({ room: roomSchema });

export interface PresenceViewer {
  id: string;
  name: string;
  kind: 'user' | 'token' | 'share';
  focus: string | null;
  since: string;
}
export interface PresenceState {
  room: string;
  viewers: PresenceViewer[];
}

export const clientEventSchemas = {
  subscribe: subscribeSchema,
  unsubscribe: unsubscribeSchema,
  'memory:store': storeInputSchema,
  'memory:delete': entryRefSchema,
  'memory:retrieve': entryRefSchema,
  'presence:set': presenceSchema,
  'presence:leave': presenceLeaveSchema,
} as const;

export type ClientEventName = keyof typeof clientEventSchemas;
export const CLIENT_EVENTS = Object.keys(clientEventSchemas) as ClientEventName[];

export interface ClientToServerEvents {
  subscribe: (req: SubscribeRequest, ack: AckFn<SubscribeResult>) => void;
  unsubscribe: (req: z.input<typeof unsubscribeSchema>, ack: AckFn<{ rooms: string[] }>) => void;
  'memory:store': (req: z.input<typeof storeInputSchema>, ack: AckFn<StoreResult>) => void;
  'memory:delete': (req: z.input<typeof entryRefSchema>, ack: AckFn<DeleteResult>) => void;
  'memory:retrieve': (req: z.input<typeof entryRefSchema>, ack: AckFn<MemoryEntry | null>) => void;
  /** Announce (or update) that this socket is viewing a room; volatile, never in the feed. */
  'presence:set': (req: z.input<typeof presenceSchema>, ack: AckFn<PresenceState>) => void;
  'presence:leave': (req: z.input<typeof presenceLeaveSchema>, ack: AckFn<{ room: string }>) => void;
}

export interface ServerToClientEvents {
  /** Live changes in seq order (consecutive ones for the same rooms share a frame); once per socket. */
  'feed:changes': (changes: Change[]) => void;
  /** Who is viewing a room now; sent to the room whenever someone arrives, leaves or changes focus. */
  'presence:state': (state: PresenceState) => void;
}

/** What a client sends in the Socket.IO handshake `auth` field. */
export const handshakeSchema = z.object({
  protocol: z.literal(PROTOCOL_VERSION, { error: `protocol must be ${PROTOCOL_VERSION}` }),
  /** An API token (agents, scripts); browsers use their sign-in cookie instead. */
  token: z.string().max(200).optional(),
  /** A read-only share link's secret (the meeting-room screen). */
  share: z.string().max(200).optional(),
});
export type Handshake = z.input<typeof handshakeSchema>;

/** The users a handoff change concerns: its recipient (when a member) and its sender. */
export function handoffUserIds(value: string | null): string[] {
  if (!value) return [];
  try {
    const h = JSON.parse(value) as { to?: { userId?: unknown }; from?: { userId?: unknown } };
    return [...new Set([h.to?.userId, h.from?.userId].filter((x): x is string => typeof x === 'string' && x.length > 0))];
  } catch {
    return [];
  }
}
