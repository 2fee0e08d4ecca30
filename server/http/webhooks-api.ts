import type { Context, Hono } from 'hono';
import { authorize } from '../auth/authorize.ts';
import type { WriteGate } from '../gate.ts';
import type { NeedsYouReader, NotifyPrefsStore } from '../notify/needs-you.ts';
import { personOnly, prefsUpdateOp, webhookCreateOp, webhookDeleteOp, webhookRedeliverOp, webhookUpdateOp } from '../notify/ops.ts';
import type { WebhookStore } from '../notify/webhooks.ts';
import { jsonBody } from './body.ts';
import { callerOf, type Env } from './caller.ts';

export interface NotifyRouteDeps {
  webhooks: WebhookStore;
  prefs: NotifyPrefsStore;
  needsYou: NeedsYouReader;
  gate: WriteGate;
  allowPrivate: boolean;
  /** Wakes the delivery worker (Redeliver). */
  wake: () => void;
}

/** Webhooks (admins), my notification preferences and what needs me (docs/notifications.md). */
export function registerNotifyRoutes(app: Hono<Env>, deps: NotifyRouteDeps) {
  const { webhooks, prefs, needsYou, gate, allowPrivate } = deps;
  const admin = (c: Context<Env>) => authorize(c.get('principal'), { action: 'admin' });

  app.get('/api/v1/webhooks', (c) => {
    admin(c);
    return c.json({ items: webhooks.list() });
  });
  app.post('/api/v1/webhooks', async (c) => c.json(await gate.write(callerOf(c), webhookCreateOp(webhooks, await jsonBody(c), allowPrivate)), 201));
  app.patch('/api/v1/webhooks/:id', async (c) =>
    c.json(await gate.write(callerOf(c), webhookUpdateOp(webhooks, c.req.param('id'), await jsonBody(c), allowPrivate))),
  );
  app.delete('/api/v1/webhooks/:id', async (c) => c.json(await gate.write(callerOf(c), webhookDeleteOp(webhooks, c.req.param('id')))));
  app.get('/api/v1/webhooks/:id/deliveries', (c) => {
    admin(c);
    const limit = Number(c.req.query('limit') ?? 50);
    return c.json({ webhook: webhooks.get(c.req.param('id')), items: webhooks.deliveries(c.req.param('id'), Number.isFinite(limit) ? limit : 50) });
  });
  app.post('/api/v1/webhooks/:id/deliveries/:delivery/redeliver', async (c) =>
    c.json(await gate.write(callerOf(c), webhookRedeliverOp(webhooks, c.req.param('id'), c.req.param('delivery'), deps.wake))),
  );

  app.get('/api/v1/me/notifications', (c) => {
    const p = c.get('principal');
    authorize(p, { action: 'memory:read', namespace: '*' });
    personOnly(p);
    return c.json(prefs.get((p as { id: string }).id));
  });
  app.put('/api/v1/me/notifications', async (c) => c.json(await gate.write(callerOf(c), prefsUpdateOp(prefs, await jsonBody(c)))));

  app.get('/api/v1/needs-you', (c) => {
    const p = c.get('principal');
    authorize(p, { action: 'memory:read', namespace: '*' });
    personOnly(p);
    const user = p as { id: string; name: string; email: string };
    return c.json(needsYou.read(user, prefs.get(user.id).browser.blockerSeverity));
  });
}
