import type { Server } from 'socket.io';
import { roomsForChange, type Change } from '../../lib/events.ts';
import type { ChangeFeed } from './feed.ts';

const BATCH = 1000;

/**
 * Follows the change table by seq and emits each change to its rooms. In-process writes call
 * wake(); writes by other processes on the same file are found by polling the head seq.
 */
export class Broadcaster {
  private lastSeq: number;
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly io: Server,
    private readonly pollMs: number,
  ) {
    this.lastSeq = feed.headSeq();
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
    for (;;) {
      const batch = this.feed.readAfter(this.lastSeq, BATCH);
      // Consecutive changes for the same rooms go out as one frame: under load a drain holds several
      // writes, and a frame costs a write per subscribed socket. One emit to several rooms still
      // reaches each socket once, and frames leave in seq order.
      let group: Change[] = [];
      let groupRooms = '';
      const flush = () => {
        if (group.length) this.io.to(groupRooms.split('\n')).emit('feed:changes', group);
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
