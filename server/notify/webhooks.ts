import { randomBytes } from 'node:crypto';
import type { DbHandle } from '../../db/client.ts';
import { BatonError, parseInput } from '../../lib/errors.ts';
import {
  SEVERITY_RANK,
  webhookCreateSchema,
  webhookPatchSchema,
  type NotifyEvent,
  type Severity,
  type Webhook,
  type WebhookAttempt,
  type WebhookDelivery,
} from '../../lib/notify.ts';
import { slackBody } from './slack.ts';

interface WebhookRow {
  id: string;
  url: string;
  events: string;
  minSeverity: Severity | null;
  format: 'json' | 'slack';
  description: string | null;
  secret: string;
  enabled: number;
  disabledReason: string | null;
  consecutiveFailures: number;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}
export interface DeliveryRow {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  body: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: number | null;
  createdAt: number;
  lastAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
}
/** What the delivery worker needs to send one row. */
export type DueDelivery = DeliveryRow & { url: string; secret: string };

/** After this many failed attempts in a row a webhook is disabled, with the reason on its banner. */
export const MAX_CONSECUTIVE_FAILURES = 20;

const HOOK_COLUMNS =
  'id, url, events, min_severity AS minSeverity, format, description, secret, enabled, disabled_reason AS disabledReason, consecutive_failures AS consecutiveFailures, created_by AS createdBy, created_at AS createdAt, updated_at AS updatedAt';
const DELIVERY_COLUMNS =
  'd.id, d.webhook_id AS webhookId, d.event_id AS eventId, d.event_type AS eventType, d.body, d.state, d.attempts, d.next_attempt_at AS nextAttemptAt, d.created_at AS createdAt, d.last_attempt_at AS lastAttemptAt, d.last_status AS lastStatus, d.last_error AS lastError';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms == null ? null : iso(ms));
export const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`;
let lastDelivery = 0;
/**
 * A delivery id that sorts after every one this process made before it: a strictly increasing stamp
 * (µs-ish, fixed-width hex), then random hex. The log lists deliveries by created_at, then by id, so
 * those made in the same millisecond come newest first on either store (no hidden rowid needed).
 */
const newDeliveryId = () => {
  lastDelivery = Math.max(Date.now() * 1000, lastDelivery + 1);
  return `dlv_${lastDelivery.toString(16).padStart(14, '0')}${randomBytes(6).toString('hex')}`;
};
const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/**
 * Webhooks and their outbox. Configuration is read through a small cache (the notifier asks for the
 * subscribers of every event), cleared on every change of a webhook in this process; not cached on several nodes.
 */
export class WebhookStore {
  private readonly q;
  private cache: WebhookRow[] | null = null;

  constructor(
    private readonly h: DbHandle,
    private readonly now: () => number = Date.now,
  ) {
    const s = h.sqlite;
    this.q = {
      all: s.prepare<[], WebhookRow>(`SELECT ${HOOK_COLUMNS} FROM webhooks ORDER BY created_at`),
      get: s.prepare<[string], WebhookRow>(`SELECT ${HOOK_COLUMNS} FROM webhooks WHERE id = ?`),
      insert: s.prepare(
        `INSERT INTO webhooks (id, url, events, min_severity, format, description, secret, enabled, consecutive_failures, created_by, created_at, updated_at)
         VALUES (@id, @url, @events, @minSeverity, @format, @description, @secret, 1, 0, @createdBy, @createdAt, @updatedAt)`,
      ),
      remove: s.prepare<[string]>('DELETE FROM webhooks WHERE id = ?'),
      enqueue: s.prepare(
        `INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, body, state, attempts, next_attempt_at, created_at)
         VALUES (@id, @webhookId, @eventId, @eventType, @body, 'pending', 0, @at, @at)`,
      ),
      due: s.prepare<[number, number], DueDelivery>(
        `SELECT ${DELIVERY_COLUMNS}, w.url, w.secret FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
         WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND w.enabled = 1 ORDER BY d.next_attempt_at LIMIT ?`,
      ),
      nextDue: s.prepare<[], { at: number | null }>(
        `SELECT min(d.next_attempt_at) AS at FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.state = 'pending' AND w.enabled = 1`,
      ),
      attempt: s.prepare(
        `INSERT INTO webhook_attempts (delivery_id, at, status, duration_ms, response, error) VALUES (@deliveryId, @at, @status, @durationMs, @response, @error)`,
      ),
      settle: s.prepare(
        `UPDATE webhook_deliveries SET state = @state, attempts = attempts + 1, next_attempt_at = @nextAttemptAt, last_attempt_at = @at, last_status = @status, last_error = @error WHERE id = @id`,
      ),
      ok: s.prepare<[number, string]>('UPDATE webhooks SET consecutive_failures = 0, updated_at = ? WHERE id = ? AND consecutive_failures > 0'),
      fail: s.prepare<[string], { n: number }>(
        'UPDATE webhooks SET consecutive_failures = consecutive_failures + 1 WHERE id = ? RETURNING consecutive_failures AS n',
      ),
      disable: s.prepare<[string, number, string]>('UPDATE webhooks SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ?'),
      deliveries: s.prepare<[string, number], DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.webhook_id = ? ORDER BY d.created_at DESC, d.id DESC LIMIT ?`,
      ),
      delivery: s.prepare<[string], DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.id = ?`),
      attempts: s.prepare<[string], { at: number; status: number | null; durationMs: number; response: string | null; error: string | null }>(
        'SELECT at, status, duration_ms AS durationMs, response, error FROM webhook_attempts WHERE delivery_id = ? ORDER BY id DESC LIMIT 50',
      ),
      redeliver: s.prepare<[number, string]>(`UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = ?, last_error = NULL WHERE id = ?`),
      pruneDelivered: s.prepare<[number]>(`DELETE FROM webhook_deliveries WHERE state <> 'pending' AND created_at < ?`),
    };
  }

  private rows(): WebhookRow[] {
    // Several nodes: a webhook made or changed through another node must reach this node's notifier at once,
    // so the configuration is read each time (a few rows) instead of cached.
    if (this.h.cluster) return this.q.all.all();
    this.cache ??= this.q.all.all();
    return this.cache;
  }

  /** Forget cached configuration (after a change, or one made by another process). */
  invalidate(): void {
    this.cache = null;
  }

  private view(r: WebhookRow): Webhook {
    return {
      id: r.id,
      url: r.url,
      events: JSON.parse(r.events) as string[],
      minSeverity: r.minSeverity,
      format: r.format,
      description: r.description,
      enabled: !!r.enabled,
      disabledReason: r.disabledReason,
      consecutiveFailures: r.consecutiveFailures,
      createdBy: r.createdBy,
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
    };
  }

  list(): Webhook[] {
    return this.q.all.all().map((r) => this.view(r));
  }

  private require(id: string): WebhookRow {
    const row = this.q.get.get(id);
    if (!row) throw new BatonError('not_found', `No webhook ${id}`);
    return row;
  }

  get(id: string): Webhook {
    return this.view(this.require(id));
  }

  /** Creates a webhook; the answer is the only time its secret is shown. `check` vets the URL first. */
  create(input: unknown, createdBy: string): Webhook {
    const data = parseInput(webhookCreateSchema, input);
    const at = this.now();
    const row = {
      id: newId('wh'),
      url: data.url,
      events: JSON.stringify(data.events),
      minSeverity: data.minSeverity ?? null,
      format: data.format,
      description: data.description ?? null,
      secret: newSecret(),
      createdBy,
      createdAt: at,
      updatedAt: at,
    };
    this.q.insert.run(row);
    this.invalidate();
    return { ...this.get(row.id), secret: row.secret };
  }

  update(id: string, input: unknown): Webhook {
    const row = this.require(id);
    const data = parseInput(webhookPatchSchema, input);
    const set: Record<string, unknown> = { updated_at: this.now() };
    if (data.url !== undefined) set.url = data.url;
    if (data.events !== undefined) set.events = JSON.stringify(data.events);
    if (data.minSeverity !== undefined) set.min_severity = data.minSeverity;
    if (data.format !== undefined) set.format = data.format;
    if (data.description !== undefined) set.description = data.description;
    if (data.enabled !== undefined) {
      set.enabled = data.enabled ? 1 : 0;
      if (data.enabled) Object.assign(set, { disabled_reason: null, consecutive_failures: 0 });
    }
    const secret = data.rotateSecret ? newSecret() : null;
    if (secret) set.secret = secret;
    const cols = Object.keys(set);
    this.h.sqlite.prepare(`UPDATE webhooks SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run({ ...set, id: row.id });
    this.invalidate();
    return { ...this.get(id), ...(secret ? { secret } : {}) };
  }

  remove(id: string): void {
    this.require(id);
    this.q.remove.run(id);
    this.invalidate();
  }

  /** Whether any enabled webhook exists (the notifier skips building bodies when none). */
  hasSubscribers(): boolean {
    return this.rows().some((r) => r.enabled);
  }

  /**
   * Writes one outbox row per enabled webhook subscribed to the event (the caller's transaction:
   * the notifier's, with its feed position). Blocker events below a webhook's minSeverity are skipped.
   */
  enqueue(event: NotifyEvent, severity: Severity | undefined, baseUrl: string): number {
    let n = 0;
    const at = this.now();
    for (const w of this.rows()) {
      if (!w.enabled) continue;
      const events = JSON.parse(w.events) as string[];
      if (!events.includes('*') && !events.includes(event.type)) continue;
      if (w.minSeverity && severity && SEVERITY_RANK[severity] < SEVERITY_RANK[w.minSeverity]) continue;
      const body = w.format === 'slack' ? JSON.stringify(slackBody(event, baseUrl)) : JSON.stringify(event);
      this.q.enqueue.run({ id: newDeliveryId(), webhookId: w.id, eventId: event.id, eventType: event.type, body, at });
      n++;
    }
    return n;
  }

  due(now: number, limit: number): DueDelivery[] {
    return this.q.due.all(now, limit);
  }

  nextDueAt(): number | null {
    return this.q.nextDue.get()?.at ?? null;
  }

  /**
   * Records one attempt and its outcome in one transaction: the delivery's state, the webhook's
   * failure count, and (at MAX_CONSECUTIVE_FAILURES) the webhook disabled with the reason.
   */
  settle(
    d: DeliveryRow,
    attempt: { at: number; status: number | null; durationMs: number; response: string | null; error: string | null },
    outcome: { state: 'delivered' | 'failed' | 'pending'; nextAttemptAt: number | null; failure: boolean },
  ): void {
    this.h.sqlite.transaction(() => {
      this.q.attempt.run({ deliveryId: d.id, ...attempt });
      this.q.settle.run({ id: d.id, state: outcome.state, nextAttemptAt: outcome.nextAttemptAt, at: attempt.at, status: attempt.status, error: attempt.error });
      if (!outcome.failure) {
        this.q.ok.run(attempt.at, d.webhookId);
        return;
      }
      const n = this.q.fail.get(d.webhookId)?.n ?? 0;
      if (n >= MAX_CONSECUTIVE_FAILURES) {
        const last = attempt.status ? `HTTP ${attempt.status}` : (attempt.error ?? 'no answer');
        this.q.disable.run(
          `Disabled after ${n} consecutive failed deliveries (last: ${last}). Fix the receiver, then enable it again.`,
          attempt.at,
          d.webhookId,
        );
        this.invalidate();
      }
    })();
  }

  deliveries(webhookId: string, limit = 50): WebhookDelivery[] {
    this.require(webhookId);
    return this.q.deliveries.all(webhookId, Math.min(Math.max(limit, 1), 200)).map((d) => this.deliveryView(d));
  }

  private deliveryView(d: DeliveryRow): WebhookDelivery {
    return {
      id: d.id,
      eventId: d.eventId,
      eventType: d.eventType,
      state: d.state,
      attempts: d.attempts,
      createdAt: iso(d.createdAt),
      nextAttemptAt: d.state === 'pending' ? isoOrNull(d.nextAttemptAt) : null,
      lastAttemptAt: isoOrNull(d.lastAttemptAt),
      lastStatus: d.lastStatus,
      lastError: d.lastError,
      log: this.q.attempts.all(d.id).map((a): WebhookAttempt => ({ ...a, at: iso(a.at) })),
    };
  }

  /** Redeliver: the same delivery (same `Baton-Delivery` and body) is due again now. */
  redeliver(webhookId: string, deliveryId: string): WebhookDelivery {
    const d = this.q.delivery.get(deliveryId);
    if (!d || d.webhookId !== webhookId) throw new BatonError('not_found', `No delivery ${deliveryId} for webhook ${webhookId}`);
    this.q.redeliver.run(this.now(), deliveryId);
    return this.deliveryView(this.q.delivery.get(deliveryId)!);
  }

  /** Drops settled deliveries older than `keepMs` (the sweeper). */
  prune(keepMs: number): number {
    return this.q.pruneDelivered.run(this.now() - keepMs).changes;
  }
}
