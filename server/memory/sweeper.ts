import type { ChangeFeed } from '../feed/feed.ts';
import type { Logger } from '../logger.ts';
import type { MemoryService } from './service.ts';

/** Purges expired entries (each purge is an `expire` change) and trims the feed to its retention. */
export function startSweeper(deps: {
  memory: MemoryService;
  sessions?: { tick(): unknown };
  /** Expires handoffs past their expiry (cheap, indexed: every sweep). */
  handoffs?: { sweep(): unknown };
  /** Folds new changes into lasting counts (analytics' write stats): every sweep, and always before the feed is pruned. */
  fold?: () => unknown;
  /** The notifier: catches up with the feed (before it is pruned) and raises time-based events. */
  notify?: () => unknown;
  /** Retention (archive sessions, trim history, prune the audit log): a bounded batch each slow tick. */
  retain?: () => unknown;
  feed: ChangeFeed;
  /** Whether this node runs the chores now (several nodes: only the holder of the chores lock); always when absent. */
  shouldRun?: () => boolean;
  intervalMs: number;
  retention: number;
  logger: Logger;
}): { stop(): void } {
  const { memory, feed, retention, logger } = deps;
  let ticks = 0;
  const timer = setInterval(() => {
    if (deps.shouldRun && !deps.shouldRun()) return;
    try {
      while (memory.sweep(500) === 500) {
        // keep going until a partial batch: a burst of expiries is purged in one tick
      }
      deps.handoffs?.sweep();
      deps.fold?.();
      deps.notify?.();
      // Pruning, autosave and idle detection need no rush: every 30th sweep (30 s by default).
      if (ticks++ % 30 === 0) {
        feed.prune(retention);
        deps.sessions?.tick();
        deps.retain?.();
      }
    } catch (err) {
      logger.error({ err }, 'sweep failed');
    }
  }, deps.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
