import type { Server } from 'socket.io';
import { ALL_MEMORY_ROOM, DASHBOARD_ROOM, HANDOFFS_ROOM, roomsForChange, type Change } from '../../lib/events.ts';
import type { ChangeFeed } from './feed.ts';

const BATCH = 1000;

/** The rooms roomsForChange() names: the only rooms a change is emitted to. */
const isFeedRoom = (room: string) =>
  room === ALL_MEMORY_ROOM ||
  room === DASHBOARD_ROOM ||
  room === HANDOFFS_ROOM ||
  room.startsWith('ns:') ||
  room.startsWith('session:') ||
  room.startsWith('user:');

/**
 * Follows the change table by seq and emits each change to its rooms. In-process writes call
 * wake(); writes by other processes on the same file are found by polling the head seq.
 *
 * Changes for rooms nobody is in are not read, encoded or emitted: `lastSeq` still moves past them.
 * Nothing is lost: a socket only receives changes through rooms it joined, and joining happens in
 * `subscribe`, which first replays the table after the client's own seq in the same synchronous step.
 * Room membership is this process's, and so is the emit (`io.local`): with several nodes on PostgreSQL
 * every node follows the table itself and emits to its own sockets, so the check stays exact and no
 * change crosses the Socket.IO adapter.
 */
export class Broadcaster {
  private lastSeq: number;
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** How many rooms a change can go to exist now (socket.io deletes a room when its last socket leaves). */
  private feedRooms = 0;
  /** Changes passed over because no socket was in any of their rooms (for tests and probes). */
  skipped = 0;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly io: Server,
    private readonly pollMs: number,
  ) {
    this.lastSeq = feed.headSeq();
    const adapter = io.of('/').adapter;
    for (const room of adapter.rooms.keys()) if (isFeedRoom(room)) this.feedRooms++;
    adapter.on('create-room', (room: string) => {
      if (isFeedRoom(room)) this.feedRooms++;
    });
    adapter.on('delete-room', (room: string) => {
      if (isFeedRoom(room)) this.feedRooms--;
    });
  }

  get position(): number {
    return this.lastSeq;
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.feed.headSeq() > this.lastSeq) this.drain();
    }, this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    // A wake scheduled by the last writes may still fire; after stop the database may be closed.
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Schedules a drain after the current tick, so a burst of writes is drained once. */
  wake = (): void => {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  };

  drain(): void {
    if (this.stopped) return;
    if (this.feedRooms === 0) {
      // Nobody follows anything: move past the new changes without reading them.
      const head = this.feed.headSeq();
      if (head > this.lastSeq) this.skipped += head - this.lastSeq;
      this.lastSeq = Math.max(this.lastSeq, head);
      return;
    }
    const rooms = this.io.of('/').adapter.rooms;
    for (;;) {
      const batch = this.feed.readAfter(this.lastSeq, BATCH);
      // Consecutive changes for the same rooms go out as one frame: under load a drain holds several
      // writes, and a frame costs a write per subscribed socket. One emit to several rooms still
      // reaches each socket once, and frames leave in seq order.
      let group: Change[] = [];
      let groupRooms = '';
      const flush = () => {
        if (group.length) {
          const to = groupRooms.split('\n');
          if (to.some((room) => rooms.has(room))) this.io.local.to(to).emit('feed:changes', group);
          else this.skipped += group.length;
        }
        group = [];
      };
      for (const change of batch) {
        const rooms = roomsForChange(change).join('\n');
        if (rooms !== groupRooms) {
          flush();
          groupRooms = rooms;
        }
        group.push(change);
        this.lastSeq = change.seq;
      }
      flush();
      if (batch.length < BATCH) return;
    }
  }
}
