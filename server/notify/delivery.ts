import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Logger } from '../logger.ts';
import { signature } from './sign.ts';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress, refusedMessage } from './ssrf.ts';
import type { DueDelivery, WebhookStore } from './webhooks.ts';

export interface DeliveryOptions {
  /** WEBHOOK_ALLOW_PRIVATE: let webhooks reach loopback and private addresses (tests, a LAN install). */
  allowPrivate: boolean;
  /** Per attempt, connection to last byte (default 5 s). */
  timeoutMs?: number;
  /** The first retry waits about this long, each next one twice as long (default 1 s). */
  retryBaseMs?: number;
  /** The longest single wait between attempts (default 1 h). */
  retryMaxDelayMs?: number;
  /** Retries stop this long after the event (default 24 h). */
  retryWindowMs?: number;
  /** Deliveries in flight at once (default 8). */
  concurrency?: number;
  pollMs?: number;
  now?: () => number;
  /** Several nodes: whether this node sends the outbox now (the chores holder only, so a delivery is not sent twice). */
  shouldRun?: () => boolean;
  logger?: Logger;
}

interface Outcome {
  status: number | null;
  response: string | null;
  error: string | null;
  /** Worth another try: a network error, a timeout, 5xx or 429. */
  retry: boolean;
}

const RESPONSE_KEEP = 1024;

/**
 * Sends the outbox: each due delivery is POSTed with its signature, every attempt recorded. Runs
 * beside the write path, never on it: a commit only wakes it. A delivery is settled only after its
 * attempt, so one in flight when the process dies is sent again after a restart (at least once;
 * receivers de-duplicate on `Baton-Delivery`).
 */
export class DeliveryWorker {
  private readonly inflight = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private scheduled = false;
  private readonly o: Required<Omit<DeliveryOptions, 'logger'>> & { logger?: Logger };
  /** Attempts made by this process (tests and the benchmark read it). */
  sent = 0;

  constructor(
    private readonly store: WebhookStore,
    options: DeliveryOptions,
  ) {
    this.o = {
      timeoutMs: 5000,
      retryBaseMs: 1000,
      retryMaxDelayMs: 3_600_000,
      retryWindowMs: 24 * 3_600_000,
      concurrency: 8,
      pollMs: 500,
      now: Date.now,
      shouldRun: () => true,
      // Options left undefined keep their defaults.
      ...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as DeliveryOptions),
    };
  }

  start(): void {
    this.timer = setInterval(() => this.pump(), this.o.pollMs);
    this.timer.unref();
    this.wake();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get pending(): number {
    return this.inflight.size;
  }

  /** New outbox rows: look after this tick. */
  wake = (): void => {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  };

  private pump(): void {
    if (this.stopped || !this.o.shouldRun()) return;
    const room = this.o.concurrency - this.inflight.size;
    if (room <= 0) return;
    let due: DueDelivery[];
    try {
      due = this.store.due(this.o.now(), room + this.inflight.size).filter((d) => !this.inflight.has(d.id));
    } catch (err) {
      this.o.logger?.error({ err }, 'webhook outbox read failed');
      return;
    }
    for (const d of due.slice(0, room)) {
      this.inflight.add(d.id);
      void this.deliver(d).finally(() => {
        this.inflight.delete(d.id);
        this.pump();
      });
    }
  }

  private async deliver(d: DueDelivery): Promise<void> {
    const started = this.o.now();
    const t0 = performance.now();
    const out = await this.post(d);
    this.sent++;
    if (this.stopped) return; // the database may be closed: the row stays due and is sent after a restart
    const durationMs = Math.round(performance.now() - t0);
    const ok = out.status !== null && out.status >= 200 && out.status < 300;
    const attempts = d.attempts + 1;
    let state: 'delivered' | 'failed' | 'pending' = ok ? 'delivered' : 'failed';
    let nextAttemptAt: number | null = null;
    let error = out.error;
    if (!ok && out.retry) {
      const wait = Math.min(this.o.retryBaseMs * 2 ** (attempts - 1), this.o.retryMaxDelayMs);
      // Jitter: between half and all of the wait, so receivers coming back are not hit all at once.
      const at = started + Math.round(wait * (0.5 + Math.random() * 0.5));
      if (at - d.createdAt <= this.o.retryWindowMs) {
        state = 'pending';
        nextAttemptAt = at;
      } else error = `${error ?? `HTTP ${out.status}`}; gave up ${Math.round(this.o.retryWindowMs / 3_600_000)} h after the event`;
    }
    try {
      this.store.settle(d, { at: started, status: out.status, durationMs, response: out.response, error }, { state, nextAttemptAt, failure: !ok });
    } catch (err) {
      this.o.logger?.error({ err, delivery: d.id }, 'recording a webhook attempt failed');
    }
  }

  /** One POST: no redirects followed, the SSRF guard on the address connected to, a hard timeout. */
  private post(d: DueDelivery): Promise<Outcome> {
    return new Promise((resolve) => {
      let url: URL;
      try {
        url = new URL(d.url);
      } catch {
        return resolve({ status: null, response: null, error: 'invalid URL', retry: false });
      }
      // An IP literal is connected to without a DNS lookup, so guardedLookup never sees it: check it here.
      const literal = url.hostname.replace(/^\[|\]$/g, '');
      if (!this.o.allowPrivate && isIP(literal) && isPrivateAddress(literal))
        return resolve({ status: null, response: null, error: refusedMessage(literal, literal), retry: false });
      const body = Buffer.from(d.body);
      const t = Math.floor(Date.now() / 1000);
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      let done = false;
      const finish = (o: Outcome) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(o);
      };
      const req = request(url, {
        method: 'POST',
        lookup: guardedLookup(this.o.allowPrivate),
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          'user-agent': 'Baton-Webhooks/1',
          'baton-event': d.eventType,
          'baton-delivery': d.id,
          'baton-signature': signature(d.secret, d.body, t),
        },
      });
      const timer = setTimeout(() => {
        req.destroy();
        finish({ status: null, response: null, error: `timed out after ${this.o.timeoutMs / 1000} s`, retry: true });
      }, this.o.timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => {
        const isPrivate = err.code === 'EPRIVATE';
        finish({ status: null, response: null, error: isPrivate ? err.message : `${err.code ?? 'error'}: ${err.message}`, retry: !isPrivate });
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (c: Buffer) => {
          if (kept < RESPONSE_KEEP) {
            chunks.push(c);
            kept += c.length;
          }
        });
        const settle = () => {
          const text = Buffer.concat(chunks).subarray(0, RESPONSE_KEEP).toString('utf8');
          const retry = status >= 500 || status === 429;
          const error = status >= 300 && status < 400 ? `redirect to ${res.headers.location ?? '?'} not followed` : null;
          finish({ status, response: text || null, error, retry });
        };
        res.on('end', settle);
        res.on('error', settle);
        res.on('aborted', settle);
      });
      req.end(body);
    });
  }
}
