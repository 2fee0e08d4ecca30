import { randomBytes } from 'node:crypto';
import { txRunner, type DbHandle } from '../../db/client.ts';
import { HEAD_SEQ_SQL } from '../../db/schema.ts';
import type { HandoffListItem } from '../../lib/handoff-types.ts';
import type { NotifyEvent, NotifyEventData, NotifyEventType, Severity } from '../../lib/notify.ts';
import type { SessionBoard } from '../../lib/session-types.ts';
import type { Logger } from '../logger.ts';
import { digestOf, EMPTY_DIGEST, handoffEvent, sessionEvents, type SessionDigest } from './derive.ts';
import type { WebhookStore } from './webhooks.ts';

/** Changes read per transaction: a long backlog is worked off in bounded steps. */
const BATCH = 500;
/** `handoff.expiring` fires this long before a handoff expires. */
export const EXPIRING_WINDOW_MS = 24 * 3_600_000;

interface FeedRow {
  seq: number;
  topic: 'session' | 'handoff';
  key: string;
  value: string | null;
  actor: string;
  at: number;
}

/**
 * Turns the change feed into notification events, and events into outbox rows.
 *
 * It follows `changes` by seq like the broadcaster, but from a durable position (`notify_state`
 * key `cursor`): each batch's outbox rows, the digests it compared against and the new position
 * commit in one transaction. A change is committed with its data (ChangeFeed.append), so every
 * committed change becomes its events exactly once, whichever process wrote it and whenever this
 * one was down; nothing on the write path waits for it. Events that no change describes
 * (`handoff.expiring`) come from `expiring()`, which the sweeper calls.
 */
export class Notifier {
  private readonly q;
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  /**
   * Where the feed has been read to when that is past the durable cursor: only ever over changes that
   * raise nothing (memory writes), so a crash that loses it re-reads them and raises nothing either.
   * It saves a write transaction (and a commit) per memory write; the poll tick makes it durable.
   */
  private seen = 0;
  /** Events raised by this process (tests and the benchmark read it). */
  raised = 0;

  constructor(
    private readonly h: DbHandle,
    private readonly store: WebhookStore,
    private readonly options: {
      /** Where links in events point (BATON_PUBLIC_URL, else the URL the server listens on). */
      baseUrl: () => string;
      now?: () => number;
      /** Called after outbox rows were written (the delivery worker's wake). */
      onEnqueue?: () => void;
      logger?: Logger;
      pollMs?: number;
    },
  ) {
    const s = h.sqlite;
    this.q = {
      head: s.prepare<[], { seq: number }>(HEAD_SEQ_SQL),
      get: s.prepare<[string], { value: string }>('SELECT value FROM notify_state WHERE key = ?'),
      put: s.prepare<[string, string]>('INSERT INTO notify_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      anyRow: s.prepare<[number, number], { one: number }>(
        `SELECT 1 AS one FROM changes WHERE seq > ? AND seq <= ? AND topic IN ('session', 'handoff') LIMIT 1`,
      ),
      rows: s.prepare<[number, number, number], FeedRow>(
        `SELECT seq, topic, key, value, actor, at FROM changes WHERE seq > ? AND seq <= ? AND topic IN ('session', 'handoff') ORDER BY seq LIMIT ?`,
      ),
      expiring: s.prepare<[number, number], { id: string }>(
        `SELECT id FROM handoffs WHERE status IN ('pending', 'changes-requested') AND expires_at > ? AND expires_at <= ? ORDER BY expires_at LIMIT 200`,
      ),
    };
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * Starts following the feed. The first start on a database records where the feed is and what
   * every board and handoff looks like now, so history is not announced as news.
   */
  start(current: { boards: () => SessionBoard[]; handoffStatuses: () => { id: string; status: string }[] }): void {
    this.stopped = false;
    if (!this.q.get.get('cursor')) {
      txRunner(this.h.sqlite).immediate(() => {
        if (this.q.get.get('cursor')) return;
        for (const board of current.boards()) this.q.put.run(`session:${board.id}`, JSON.stringify(digestOf(board)));
        for (const h of current.handoffStatuses()) this.q.put.run(`handoff:${h.id}`, h.status);
        this.q.put.run('cursor', String(this.q.head.get()!.seq));
      });
    }
    this.timer = setInterval(() => this.catchUp(true), this.options.pollMs ?? 250);
    this.timer.unref();
    this.wake();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get position(): number {
    return Math.max(this.seen, this.durableCursor());
  }

  private durableCursor(): number {
    return Number(this.q.get.get('cursor')?.value ?? 0);
  }

  /** A commit happened: catch up after this tick (a burst of writes is read once). */
  wake = (): void => {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.catchUp();
    });
  };

  /**
   * Turns every change after the cursor into events and outbox rows; returns how many events. When
   * nothing after the cursor can raise an event (only memory changes), it moves past them in memory
   * without a write transaction; `persist` (the poll tick) then records that position durably.
   */
  catchUp(persist = false): number {
    if (this.stopped) return 0;
    let events = 0;
    try {
      const durable = this.durableCursor();
      const from = Math.max(this.seen, durable);
      const head = this.q.head.get()!.seq;
      // Read after the head, so it sees every change up to it.
      if (!this.q.anyRow.get(from, head)) {
        this.seen = Math.max(from, head);
        if (!persist || this.seen <= durable) return 0;
      }
      for (;;) {
        const r = txRunner(this.h.sqlite).immediate(() => this.batch()) as { read: number; events: number };
        events += r.events;
        if (r.read < BATCH) break;
      }
    } catch (err) {
      this.options.logger?.error({ err }, 'notifier failed to read the feed');
    }
    if (events) this.options.onEnqueue?.();
    return events;
  }

  private batch(): { read: number; events: number } {
    const durable = this.durableCursor();
    const cursor = Math.max(this.seen, durable);
    const head = this.q.head.get()!.seq;
    if (head <= cursor) {
      // Only memory changes since the durable cursor: record how far they were read.
      if (cursor > durable) this.q.put.run('cursor', String(cursor));
      return { read: 0, events: 0 };
    }
    const rows = this.q.rows.all(cursor, head, BATCH);
    let events = 0;
    for (const row of rows) {
      try {
        events += row.topic === 'session' ? this.sessionChange(row) : this.handoffChange(row);
      } catch (err) {
        // One malformed change must not stop the feed: it is logged and passed.
        this.options.logger?.warn({ err, seq: row.seq }, 'notifier skipped a change');
      }
    }
    // A full batch ends at its last row; otherwise everything up to the head has been seen.
    this.q.put.run('cursor', String(rows.length === BATCH ? rows.at(-1)!.seq : head));
    return { read: rows.length, events };
  }

  private sessionChange(row: FeedRow): number {
    if (!row.value) return 0;
    const board = JSON.parse(row.value) as SessionBoard;
    const key = `session:${board.id}`;
    const prev = this.q.get.get(key);
    const before = prev ? (JSON.parse(prev.value) as SessionDigest) : EMPTY_DIGEST;
    const derived = sessionEvents(before, board);
    this.q.put.run(key, JSON.stringify(digestOf(board)));
    const session = this.sessionRef(board);
    for (const e of derived) this.raise(e.type, { ...e.data, session, actor: row.actor }, row.at, e.data.severity);
    return derived.length;
  }

  private handoffChange(row: FeedRow): number {
    if (!row.value) return 0;
    const h = JSON.parse(row.value) as HandoffListItem;
    const key = `handoff:${h.id}`;
    const before = this.q.get.get(key)?.value ?? null;
    const type = handoffEvent(before, h);
    this.q.put.run(key, h.status);
    if (!type) return 0;
    this.raise(type, this.handoffData(h, row.actor), row.at);
    return 1;
  }

  private sessionRef(board: { id: string; title: string; owner: string | null }): NonNullable<NotifyEventData['session']> {
    return { id: board.id, title: board.title, owner: board.owner, url: `${this.options.baseUrl()}/sessions/${encodeURIComponent(board.id)}` };
  }

  private handoffData(h: HandoffListItem, actor: string): NotifyEventData {
    return {
      session: { ...this.sessionRef({ id: h.sessionId, title: h.sessionTitle, owner: null }) },
      handoff: {
        id: h.id,
        status: h.status,
        from: h.from.label,
        to: h.to.label,
        url: `${this.options.baseUrl()}/handoffs/${encodeURIComponent(h.id)}`,
        expiresAt: h.expiresAt,
        reason: h.reason,
      },
      ...(h.continuationId ? { continuationId: h.continuationId } : {}),
      actor,
    };
  }

  /** One event: written to the outbox of every subscribed webhook, in the caller's transaction. */
  private raise(type: NotifyEventType, data: NotifyEventData, at: number, severity?: Severity): void {
    this.raised++;
    if (!this.store.hasSubscribers()) return;
    const event: NotifyEvent = { id: `evt_${randomBytes(12).toString('base64url')}`, type, createdAt: new Date(at).toISOString(), data };
    this.store.enqueue(event, severity, this.options.baseUrl());
  }

  /**
   * `handoff.expiring`: once per handoff, when an open one is within 24 h of its expiry (the sweeper
   * calls this; no change describes the passing of time). The mark and the outbox rows commit together.
   */
  expiring(listItem: (id: string) => HandoffListItem): number {
    if (this.stopped) return 0;
    const now = this.now();
    const n = txRunner(this.h.sqlite).immediate(() => {
      let raised = 0;
      for (const { id } of this.q.expiring.all(now, now + EXPIRING_WINDOW_MS)) {
        const key = `expiring:${id}`;
        if (this.q.get.get(key)) continue;
        this.q.put.run(key, String(now));
        this.raise('handoff.expiring', this.handoffData(listItem(id), 'system:expiry'), now);
        raised++;
      }
      return raised;
    }) as number;
    if (n) this.options.onEnqueue?.();
    return n;
  }
}
