import type { DbHandle } from '../db/client.ts';
import { AnalyticsService } from './analytics/service.ts';
import { ChangeFeed } from './feed/feed.ts';
import { HandoffService } from './handoffs/service.ts';
import { MemoryService } from './memory/service.ts';
import { BoardItems } from './sessions/items.ts';
import { MeetingService } from './sessions/meeting.ts';
import { SessionService } from './sessions/service.ts';

export interface ServiceOptions {
  now?: () => number;
  maxValueBytes?: number;
  /** Versions kept per memory key (HISTORY_KEEP, default 20). */
  historyLimit?: number;
  sessionIdleMinutes?: number;
  /** Called after each commit that appended to the feed (the broadcaster's wake). */
  onCommit?: () => void;
  /** The feed to append to (the server's broadcaster follows it); a new one on `db` by default. */
  feed?: ChangeFeed;
}

export interface Services {
  feed: ChangeFeed;
  memory: MemoryService;
  sessions: SessionService;
  items: BoardItems;
  meeting: MeetingService;
  handoffs: HandoffService;
  analytics: AnalyticsService;
}

/**
 * The domain services on one database, each built with what it needs (the server and a process on
 * a database file build them the same way). Memory writes project onto sessions, and seed-shaped
 * ones open or accept handoffs, inside the write's transaction: the sessions' `seedHandoffs` is the
 * HandoffService, which itself writes memory (the ownership step), so that one edge is a function
 * called only after construction, never a hook set later.
 */
export function createServices(db: DbHandle, options: ServiceOptions = {}): Services {
  const { now, onCommit } = options;
  const feed = options.feed ?? new ChangeFeed(db);
  const sessions: SessionService = new SessionService(db, {
    now,
    idleMinutes: options.sessionIdleMinutes,
    onCommit,
    feed,
    seedHandoffs: {
      prepared: (...args) => handoffs.prepared(...args),
      continued: (...args) => handoffs.continued(...args),
    },
  });
  const memory = new MemoryService(db, {
    now,
    maxValueBytes: options.maxValueBytes,
    historyLimit: options.historyLimit,
    onCommit,
    feed,
    project: sessions.projectMemoryWrite,
  });
  const handoffs = new HandoffService(db, sessions, memory, { now, feed });
  const items = new BoardItems(db, sessions, now);
  const meeting = new MeetingService(db, sessions, items, now);
  const analytics = new AnalyticsService(db, now);
  return { feed, memory, sessions, items, meeting, handoffs, analytics };
}
