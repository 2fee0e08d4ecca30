import type { Context, Hono } from 'hono';
import { BatonError } from '../../lib/errors.ts';
import type { Handoff } from '../../lib/handoff-types.ts';
import { authorize } from '../auth/authorize.ts';
import { authorizeHandoffRead, handoffActor, handoffCreateOp, handoffStepOp } from '../handoffs/ops.ts';
import type { HandoffActor, HandoffService } from '../handoffs/service.ts';
import type { SessionService } from '../sessions/service.ts';
import { jsonBody } from './body.ts';
import type { WriteGate } from '../gate.ts';
import { callerOf, type Env } from './caller.ts';

/** An optional JSON object body (empty = {}). */
const body = (c: Context) => jsonBody(c, { emptyIsObject: true });

/** Handoffs over REST: inbox, review page data, create from a session, and each step of a review. */
export function registerHandoffRoutes(app: Hono<Env>, deps: { handoffs: HandoffService; sessions: SessionService; gate: WriteGate }) {
  const { handoffs, sessions, gate } = deps;
  const principal = (c: Context<Env>) => c.get('principal');

  app.get('/api/v1/handoffs', (c) => {
    const p = principal(c);
    authorize(p, { action: 'memory:read', namespace: '*' });
    return c.json(handoffs.list(c.req.query(), handoffActor(p, sessions, '')));
  });

  app.get('/api/v1/handoffs/recipients', (c) => {
    authorize(principal(c), { action: 'memory:read', namespace: '*' });
    return c.json(handoffs.recipients());
  });

  app.get('/api/v1/handoffs/:id', (c) => {
    const id = c.req.param('id');
    const sessionId = handoffs.sessionOf(id);
    authorizeHandoffRead(principal(c), sessionId);
    return c.json(handoffs.view(id, handoffActor(principal(c), sessions, sessionId)));
  });

  app.post('/api/v1/sessions/:id/handoffs', async (c) => {
    const sessionId = c.req.param('id');
    const input = await body(c);
    const client = c.req.header('x-baton-client');
    const source = client === 'cli' || client === 'board' || client === 'mcp' ? client : 'api';
    const handoff = await gate.write(callerOf(c), handoffCreateOp(handoffs, sessions, sessionId, input, source));
    return c.json(handoff, 201);
  });

  /** One step on an existing handoff: readable by the caller, then the service checks the step's own rule. */
  const step = (
    method: 'post' | 'patch',
    path: string,
    action: string,
    run: (id: string, input: Record<string, unknown>, actor: HandoffActor, c: Context<Env>) => Handoff,
  ) =>
    app[method](path, async (c) => {
      const id = c.req.param('id')!;
      const input = await body(c);
      return c.json(
        await gate.write(
          callerOf(c),
          handoffStepOp(handoffs, sessions, id, action, input, (actor) => run(id, input, actor, c)),
        ),
      );
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
