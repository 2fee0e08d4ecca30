import { BatonError } from '../../lib/errors.ts';
import type { Webhook, WebhookDelivery } from '../../lib/notify.ts';
import type { Principal } from '../../lib/access.ts';
import type { GateOp } from '../gate.ts';
import type { NotifyPrefsStore } from './needs-you.ts';
import { vetWebhookUrl } from './ssrf.ts';
import type { WebhookStore } from './webhooks.ts';

// Webhook and preference changes as write-gate operations (like server/memory/ops.ts): admins
// manage webhooks; each person changes only their own preferences.

// Trimmed as the schema trims it before storing: the URL vetted is the URL delivered to (` http://127.0.0.1/`
// must not skip the guard by failing the http(s) test below and then be stored without its space).
const url = (input: unknown) =>
  input && typeof input === 'object' && typeof (input as { url?: unknown }).url === 'string' ? (input as { url: string }).url.trim() : null;

const originOf = (u: string | null): string => {
  try {
    return u ? new URL(u).origin.slice(0, 300) : '';
  } catch {
    return '';
  }
};

export function webhookCreateOp(store: WebhookStore, input: Record<string, unknown>, allowPrivate: boolean): GateOp<Webhook> {
  return {
    action: 'webhook.create',
    // The origin only: a Slack-style URL carries its secret in the path, userinfo or a query may hold a password.
    target: originOf(url(input)),
    authorize: { action: 'admin' },
    input,
    run: async ({ writer }) => {
      const u = url(input);
      if (u && /^https?:\/\//i.test(u)) await vetWebhookUrl(u, allowPrivate);
      return store.create(input, writer.label);
    },
    // The secret is never audited.
    detail: (w) => ({ id: w.id, events: w.events, format: w.format }),
  };
}

export function webhookUpdateOp(store: WebhookStore, id: string, input: Record<string, unknown>, allowPrivate: boolean): GateOp<Webhook> {
  return {
    action: 'webhook.update',
    target: id,
    authorize: { action: 'admin' },
    input,
    run: async () => {
      const u = url(input);
      if (u && /^https?:\/\//i.test(u)) await vetWebhookUrl(u, allowPrivate);
      return store.update(id, input);
    },
    detail: (w) => ({ fields: Object.keys(input), enabled: w.enabled }),
  };
}

export function webhookDeleteOp(store: WebhookStore, id: string): GateOp<{ deleted: true }> {
  return { action: 'webhook.delete', target: id, authorize: { action: 'admin' }, run: () => (store.remove(id), { deleted: true }) };
}

export function webhookRedeliverOp(store: WebhookStore, id: string, deliveryId: string, wake: () => void): GateOp<WebhookDelivery> {
  return {
    action: 'webhook.redeliver',
    target: `${id}/${deliveryId}`,
    authorize: { action: 'admin' },
    run: () => {
      const d = store.redeliver(id, deliveryId);
      wake();
      return d;
    },
  };
}

/** People only: a token or a share link has no preferences of its own. */
export const personOnly = (p: Principal): void => {
  if (p.kind !== 'user') throw new BatonError('forbidden', 'Notification preferences belong to a person: sign in');
};

export function prefsUpdateOp(prefs: NotifyPrefsStore, input: Record<string, unknown>) {
  return {
    action: 'notify.prefs',
    target: 'me',
    authorize: personOnly,
    input,
    run: ({ principal }) => prefs.update((principal as { id: string }).id, input),
  } satisfies GateOp<ReturnType<NotifyPrefsStore['update']>>;
}
