import type { Context, Hono } from 'hono';
import { can, principalLabel, type Principal } from '../../lib/access.ts';
import { BatonError } from '../../lib/errors.ts';
import type { Handoff } from '../../lib/handoff-types.ts';
import type { AuditLog } from '../auth/audit.ts';
import { authorize, authorizeSessionWrite } from '../auth/authorize.ts';
import type { HandoffActor, HandoffService } from '../handoffs/service.ts';
import type { SessionService } from '../sessions/service.ts';
import { jsonBody } from './body.ts';

type Env = { Variables: { principal: Principal; ip: string | null } };

/** An optional JSON object body (empty = {}). */
const body = (c: Context) => jsonBody(c, { emptyIsObject: true });

/** The caller as handoffs see it; `canWrite` is for the given session (writing its namespace). */
export function handoffActor(p: Principal, sessions: Pick<SessionService, 'sourceNamespaceOf'>, sessionId: string): HandoffActor {
  const namespace = sessions.sourceNamespaceOf(sessionId) ?? '*';
  return {
    label: principalLabel(p),
    userId: p.kind === 'user' ? p.id : p.kind === 'token' ? p.ownerId : null,
    admin: can(p, { action: 'admin' }),
    canWrite: can(p, { action: 'memory:write', namespace }),
    agentName: p.kind === 'token' ? p.name : null,
  };
}

/** Reading a handoff = viewing its session; share links (one board, read-only) never see handoffs. */
export function authorizeHandoffRead(p: Principal, sessionId: string) {
  if (p.kind === 'share') throw new BatonError('forbidden', `${principalLabel(p)} may not read handoffs`);
  authorize(p, { action: 'session:view', sessionId });
}

/** Handoffs over REST: inbox, review page data, create from a session, and each step of a review. */
export function registerHandoffRoutes(app: Hono<Env>, deps: { handoffs: HandoffService; sessions: SessionService; audit: AuditLog }) {
  const { handoffs, sessions, audit } = deps;
  const who = (c: Context<Env>) => c.get('principal');
  const record = (c: Context<Env>, action: string, target: string, outcome: 'ok' | 'denied', detail?: Record<string, unknown>) =>
    audit.record({ principal: who(c), action, target, outcome, ip: c.get('ip'), detail });

  app.get('/api/v1/handoffs', (c) => {
    const p = who(c);
    authorize(p, { action: 'memory:read', namespace: '*' });
    return c.json(handoffs.list(c.req.query(), handoffActor(p, sessions, '')));
  });

  app.get('/api/v1/handoffs/recipients', (c) => {
    authorize(who(c), { action: 'memory:read', namespace: '*' });
    return c.json(handoffs.recipients());
  });

  app.get('/api/v1/handoffs/:id', (c) => {
    const id = c.req.param('id');
    const sessionId = handoffs.sessionOf(id);
    authorizeHandoffRead(who(c), sessionId);
    return c.json(handoffs.view(id, handoffActor(who(c), sessions, sessionId)));
  });

  app.post('/api/v1/sessions/:id/handoffs', async (c) => {
    const sessionId = c.req.param('id');
    const p = who(c);
    try {
      authorizeSessionWrite(p, sessions, sessionId);
    } catch (err) {
      if (sessions.sourceNamespaceOf(sessionId) !== null) record(c, 'handoff.create', sessionId, 'denied');
      throw err;
    }
    const input = await body(c);
    const client = c.req.header('x-baton-client');
    const source = client === 'cli' || client === 'board' || client === 'mcp' ? client : 'api';
    const handoff = handoffs.create(sessionId, input, handoffActor(p, sessions, sessionId), source);
    record(c, 'handoff.create', handoff.id, 'ok', { session: sessionId, to: handoff.to.label, source });
    return c.json(handoff, 201);
  });

  /** One step on an existing handoff: readable by the caller, then the service checks the step's own rule. */
  const step = (method: 'post' | 'patch', path: string, action: string, run: (id: string, input: Record<string, unknown>, actor: HandoffActor, c: Context<Env>) => Handoff) =>
    app[method](path, async (c) => {
      const id = c.req.param('id')!;
      const sessionId = handoffs.sessionOf(id);
      authorizeHandoffRead(who(c), sessionId);
      const input = await body(c);
      let handoff: Handoff;
      try {
        handoff = run(id, input, handoffActor(who(c), sessions, sessionId), c);
      } catch (err) {
        if (err instanceof BatonError && err.code === 'forbidden') record(c, action, id, 'denied');
        throw err;
      }
      record(c, action, id, 'ok', { session: sessionId, status: handoff.status, ...(handoff.continuationId ? { continuation: handoff.continuationId } : {}) });
      return c.json(handoff);
    });

  step('post', '/api/v1/handoffs/:id/accept', 'handoff.accept', (id, _input, actor) => handoffs.accept(id, actor));
  step('post', '/api/v1/handoffs/:id/decline', 'handoff.decline', (id, input, actor) => handoffs.decline(id, input, actor));
  step('post', '/api/v1/handoffs/:id/request-changes', 'handoff.request_changes', (id, input, actor) => handoffs.requestChanges(id, input, actor));
  step('patch', '/api/v1/handoffs/:id', 'handoff.update', (id, input, actor) => handoffs.update(id, input, actor));
  step('post', '/api/v1/handoffs/:id/comments', 'handoff.comment', (id, input, actor) => handoffs.comment(id, input, actor));
  step('patch', '/api/v1/handoffs/:id/checklist/:item', 'handoff.check', (id, input, actor, c) => {
    const item = Number(c.req.param('item'));
    if (!Number.isInteger(item) || item <= 0) throw new BatonError('invalid_input', 'item: must be a positive integer', { field: 'item' });
    return handoffs.check(id, item, input, actor);
  });
  step('post', '/api/v1/handoffs/:id/renew', 'handoff.renew', (id, input, actor) => handoffs.renew(id, input, actor));
  step('post', '/api/v1/handoffs/:id/cancel', 'handoff.cancel', (id, _input, actor) => handoffs.cancel(id, actor));
}
