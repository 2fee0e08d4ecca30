import type { Socket } from 'socket.io-client';
import { roomsForChange, type Ack, type Change, type ClientToServerEvents, type ServerToClientEvents, type SubscribeResult } from './events.ts';

export type FeedStatus = 'connecting' | 'catching-up' | 'live' | 'reconnecting';
export type BatonSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface FeedClientOptions {
  rooms: string[];
  /** The seq the caller's snapshot is consistent with; changes after it are replayed. */
  sinceSeq: number;
  /** Called with changes in seq order, each exactly once. */
  onChanges: (changes: Change[]) => void;
  /** The server no longer holds the changes after our seq: reload a snapshot and return its seq. */
  onResync: () => Promise<number>;
  onStatus?: (status: FeedStatus) => void;
  onError?: (message: string) => void;
}

export interface FeedClient {
  readonly lastSeq: number;
  readonly status: FeedStatus;
  close(): void;
}

const RETRY_MS = 3000;

// Several followers may share one socket; a room is left only when no follower needs it.
const roomUsers = new WeakMap<object, Map<string, number>>();

/**
 * Follows the change feed over a Socket.IO connection: subscribes from the last applied seq on
 * every (re)connect, applies each seq once and in order, and reloads a snapshot when told to resync.
 * Live changes that arrive while catching up are held until the replay is applied, so a change
 * meant for another follower on the same socket can never make this one skip its own replay.
 * The browser and the tests use this same helper.
 */
export function followFeed(socket: BatonSocket, options: FeedClientOptions): FeedClient {
  let lastSeq = options.sinceSeq;
  let status: FeedStatus = 'connecting';
  let held: Change[] | null = [];
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const rooms = new Set(options.rooms);
  const users = roomUsers.get(socket) ?? new Map<string, number>();
  roomUsers.set(socket, users);
  for (const room of rooms) users.set(room, (users.get(room) ?? 0) + 1);

  const setStatus = (next: FeedStatus) => {
    status = next;
    options.onStatus?.(next);
  };
  const ours = (change: Change) => roomsForChange(change).some((room) => rooms.has(room));

  const apply = (changes: Change[]) => {
    const fresh: Change[] = [];
    for (const change of changes) {
      if (change.seq > lastSeq && ours(change)) {
        fresh.push(change);
        lastSeq = change.seq;
      }
    }
    if (fresh.length > 0) options.onChanges(fresh);
  };

  const onChanges = (changes: Change[]) => {
    if (held) held.push(...changes);
    else apply(changes);
  };

  const subscribe = () => {
    if (closed) return;
    held = [];
    setStatus('catching-up');
    socket.emit('subscribe', { rooms: [...rooms], sinceSeq: lastSeq }, async (ack: Ack<SubscribeResult>) => {
      if (closed) return;
      if (!ack.ok) {
        // Refused (e.g. a room this client may not follow): report, and try again later rather than hang.
        options.onError?.(ack.error.message);
        retry = setTimeout(() => socket.connected && subscribe(), RETRY_MS);
        return;
      }
      if (ack.data.resync) {
        try {
          lastSeq = await options.onResync();
        } catch (err) {
          options.onError?.(err instanceof Error ? err.message : String(err));
          return;
        }
        subscribe();
        return;
      }
      const live = held ?? [];
      held = null;
      apply(ack.data.changes);
      apply(live);
      setStatus('live');
    });
  };
  const onDisconnect = () => {
    held = [];
    setStatus('reconnecting');
  };

  socket.on('feed:changes', onChanges);
  socket.on('connect', subscribe);
  socket.on('disconnect', onDisconnect);
  if (socket.connected) subscribe();
  else setStatus('connecting');

  return {
    get lastSeq() {
      return lastSeq;
    },
    get status() {
      return status;
    },
    close() {
      closed = true;
      clearTimeout(retry);
      socket.off('feed:changes', onChanges);
      socket.off('connect', subscribe);
      socket.off('disconnect', onDisconnect);
      const unused = [...rooms].filter((room) => {
        const left = (users.get(room) ?? 1) - 1;
        if (left > 0) users.set(room, left);
        else users.delete(room);
        return left <= 0;
      });
      if (unused.length > 0 && socket.connected) socket.emit('unsubscribe', { rooms: unused }, () => {});
    },
  };
}
