import type { DbHandle } from '../../db/client.ts';
import type { HandoffListItem } from '../../lib/handoff-types.ts';
import type { SessionBoard } from '../../lib/session-types.ts';
import type { WriteGate } from '../gate.ts';
import type { NotifyRouteDeps } from '../http/webhooks-api.ts';
import type { Logger } from '../logger.ts';
import { DeliveryWorker } from './delivery.ts';
import { NeedsYouReader, NotifyPrefsStore } from './needs-you.ts';
import { Notifier } from './notifier.ts';
import { WebhookStore } from './webhooks.ts';

export interface NotifyOptions {
  /** WEBHOOK_ALLOW_PRIVATE=true: webhooks may reach loopback and private addresses (tests, a LAN). */
  allowPrivate?: boolean;
  /** BATON_PUBLIC_URL: where links in notifications point (default: the URL the server listens on). */
  publicUrl?: string;
  /** Delivery timings (tests shorten them): per-attempt timeout, first retry delay, retry window. */
  timeoutMs?: number;
  retryBaseMs?: number;
  retryWindowMs?: number;
  /** How long settled deliveries stay in the log (default 30 days). */
  keepDeliveriesMs?: number;
}

export interface Notifications {
  webhooks: WebhookStore;
  notifier: Notifier;
  delivery: DeliveryWorker;
  prefs: NotifyPrefsStore;
  needsYou: NeedsYouReader;
  start(services: { sessions: { board(id: string): SessionBoard | null } }): void;
  /** The sweeper's turn: catch up with the feed (always before it is pruned), `handoff.expiring`, old log rows. */
  sweep(listItem: (id: string) => HandoffListItem): void;
  routes(gate: WriteGate): NotifyRouteDeps;
  stop(): void;
}

/** The notification pieces on one database, built once by createApplication (never by CLI processes). */
export function createNotifications(
  db: DbHandle,
  options: NotifyOptions & { now?: () => number; logger?: Logger; listenUrl: () => string; shouldDeliver?: () => boolean },
): Notifications {
  const now = options.now ?? Date.now;
  // The outbox runs on wall-clock time (retries are about the network); events carry the feed's times.
  const webhooks = new WebhookStore(db);
  const delivery = new DeliveryWorker(webhooks, {
    allowPrivate: options.allowPrivate ?? false,
    timeoutMs: options.timeoutMs,
    retryBaseMs: options.retryBaseMs,
    retryWindowMs: options.retryWindowMs,
    logger: options.logger,
    shouldRun: options.shouldDeliver,
  });
  const baseUrl = () => (options.publicUrl ?? options.listenUrl()).replace(/\/+$/, '');
  const notifier = new Notifier(db, webhooks, { baseUrl, now, onEnqueue: delivery.wake, logger: options.logger });
  const prefs = new NotifyPrefsStore(db, now);
  const needsYou = new NeedsYouReader(db);
  let sweeps = 0;
  return {
    webhooks,
    notifier,
    delivery,
    prefs,
    needsYou,
    start({ sessions }) {
      notifier.start({
        boards: () =>
          db.sqlite
            .prepare<[], { id: string }>('SELECT id FROM work_sessions')
            .all()
            .flatMap((s) => sessions.board(s.id) ?? []),
        handoffStatuses: () => db.sqlite.prepare<[], { id: string; status: string }>('SELECT id, status FROM handoffs').all(),
      });
      delivery.start();
    },
    sweep(listItem) {
      notifier.catchUp();
      notifier.expiring(listItem);
      if (sweeps++ % 600 === 0) webhooks.prune(options.keepDeliveriesMs ?? 30 * 86_400_000);
    },
    routes: (gate) => ({ webhooks, prefs, needsYou, gate, allowPrivate: options.allowPrivate ?? false, wake: delivery.wake }),
    stop() {
      notifier.stop();
      delivery.stop();
    },
  };
}
