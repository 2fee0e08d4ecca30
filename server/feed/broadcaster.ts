import type { Server } from 'socket.io';
import { roomsForChange } from '../../lib/events.ts';
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
      for (const change of batch) {
        // One emit to several rooms reaches each socket once.
        this.io.to(roomsForChange(change)).emit('feed:change', change);
        this.lastSeq = change.seq;
      }
      if (batch.length < BATCH) return;
    }
  }
}
