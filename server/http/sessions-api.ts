import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { principalKey, type Principal } from '../../lib/access.ts';
import { parseInput } from '../../lib/errors.ts';
import { authorize } from '../auth/authorize.ts';
import type { SessionService } from '../sessions/service.ts';
import type { AnalyticsService } from '../analytics/service.ts';
import type { BoardItems } from '../sessions/items.ts';
import type { MeetingService } from '../sessions/meeting.ts';
import { SESSION_STATUSES, type SessionBoard } from '../../lib/session-types.ts';
import type { MemoryService } from '../memory/service.ts';
import { exampleStores } from '../sessions/examples.ts';
import { jsonBody } from './body.ts';
import type { WriteGate } from '../gate.ts';
import { sessionEditOp } from '../sessions/ops.ts';
import { callerOf, type Env } from './caller.ts';

const idSchema = z.coerce.number().int().positive();
const patchSchema = z
  .object({
    status: z.enum(SESSION_STATUSES).optional(),
    autosaveMinutes: z.number().int().min(0).max(1440).optional(),
  })
  .refine((v) => v.status !== undefined || v.autosaveMinutes !== undefined, 'give status or autosaveMinutes');
const goalPatchSchema = z.object({ done: z.boolean({ error: 'must be true or false' }) });
const agentSchema = z.object({
  name: z.string().trim().min(1).max(120),
  role: z.string().trim().max(120).nullish(),
  status: z.string().trim().max(40).optional(),
  currentTask: z.string().trim().max(500).nullish(),
});

const filesSchema = z.object({
  paths: z.array(z.string().trim().min(1).max(1000)).min(1, 'must list at least one path').max(200),
  kind: z.enum(['active', 'modified', 'test']).default('active'),
});

/** An optional JSON object body (empty = {}). */
const body = (c: Context) => jsonBody(c, { emptyIsObject: true });

/** Sessions over REST: boards to read, edits for members, checkpoints and recovery. */
export function registerSessionRoutes(
  app: Hono<Env>,
  deps: { sessions: SessionService; items: BoardItems; meeting: MeetingService; memory: MemoryService; analytics: AnalyticsService; gate: WriteGate },
) {
  const { sessions, memory, items, meeting, analytics, gate } = deps;
  const principal = (c: Context<Env>) => c.get('principal');
  const view = (c: Context<Env>, id: string) => authorize(principal(c), { action: 'session:view', sessionId: id });

  app.get('/api/v1/sessions', (c) => {
    const p = principal(c);
    authorize(p, { action: 'memory:read', namespace: '*' });
    // `mine=true`: the sessions this caller started (by its id, never a name).
    const { mine, createdBy: _ignored, ...filters } = c.req.query();
    return c.json(sessions.list(mine === 'true' ? { ...filters, createdBy: principalKey(p) ?? '-' } : filters));
  });

  // Figures computed from what Baton recorded, across every session and namespace: for those who may read it all.
  app.get('/api/v1/analytics', (c) => {
    authorize(principal(c), { action: 'memory:read', namespace: '*' });
    return c.json(analytics.compute(c.req.query()));
  });

  // "Load example sessions": the seed's memory_usage stores, replayed through the memory service as the caller.
  app.post('/api/v1/examples', async (c) => {
    const stores = exampleStores();
    const result = await gate.write(callerOf(c), {
      action: 'examples.load',
      target: 'examples',
      authorize: (p) => {
        for (const ns of new Set(stores.map((x) => x.namespace))) authorize(p, { action: 'memory:write', namespace: ns });
      },
      run: async ({ writer }) => {
        let stored = 0;
        for (const store of stores) {
          await memory.storeSoon(store, writer);
          stored++;
        }
        return { stored, sessions: sessions.list({}).items.length };
      },
      detail: (r) => ({ stored: r.stored }),
    });
    return c.json(result, 201);
  });

  app.get('/api/v1/sessions/:id', (c) => {
    const id = c.req.param('id');
    view(c, id);
    // With the feed seq it is consistent with, so a share-link viewer (who cannot list sessions) can follow it live.
    return c.json(sessions.boardWithSeq(id));
  });

  app.get('/api/v1/sessions/:id/resume', (c) => {
    const id = c.req.param('id');
    view(c, id);
    return c.json(sessions.resumeContext(id));
  });

  app.get('/api/v1/sessions/:id/checkpoints/:checkpoint', (c) => {
    const id = c.req.param('id');
    view(c, id);
    return c.json(sessions.checkpointSnapshot(id, parseInput(idSchema, c.req.param('checkpoint'), 'checkpoint')));
  });

  /**
   * A board edit through the write gate: editing a board is writing the memory it is projected from
   * (denials on an existing session audited; probing unknown ids is not a write attempt), limited,
   * run with the caller's label, audited, answered with the new board.
   */
  const editRoute = (
    method: 'post' | 'patch' | 'delete',
    path: string,
    action: string,
    status: 200 | 201,
    run: (
      c: Context<Env>,
      id: string,
      input: Record<string, unknown>,
      by: string,
      principal: Principal,
    ) => { board: SessionBoard; detail?: Record<string, unknown> },
  ) =>
    app[method](path, async (c) => {
      const id = c.req.param('id')!;
      const input = await body(c);
      const board = await gate.write(
        callerOf(c),
        sessionEditOp(sessions, id, action, input, ({ writer, principal }) => run(c, id, input, writer.label, principal)),
      );
      return c.json(board, status);
    });

  editRoute('post', '/api/v1/sessions/:id/checkpoints', 'session.checkpoint', 201, (_c, id, input, by) => ({ board: sessions.checkpoint(id, input, by) }));
  editRoute('patch', '/api/v1/sessions/:id', 'session.update', 200, (_c, id, raw, by) => {
    const input = parseInput(patchSchema, raw);
    let board = sessions.requireBoard(id);
    if (input.status) board = sessions.setStatus(id, input.status, by);
    if (input.autosaveMinutes !== undefined) board = sessions.setAutosave(id, input.autosaveMinutes, by);
    return { board, detail: input };
  });
  // Back from the archive (SESSION_ARCHIVE_DAYS): one click on the board.
  editRoute('post', '/api/v1/sessions/:id/unarchive', 'session.unarchive', 200, (_c, id, _input, by) => ({ board: sessions.unarchive(id, by) }));
  editRoute('post', '/api/v1/sessions/:id/recover', 'session.recover', 201, (_c, id, input, by) => {
    const board = sessions.recover(id, input, by);
    return { board, detail: { continuation: board.id } };
  });
  editRoute('post', '/api/v1/sessions/:id/blockers', 'session.blocker.add', 201, (_c, id, input, by) => ({ board: sessions.addBlocker(id, input, by) }));
  editRoute('post', '/api/v1/sessions/:id/blockers/:blocker/resolve', 'session.blocker.resolve', 200, (c, id, _input, by) => ({
    board: sessions.resolveBlocker(id, parseInput(idSchema, c.req.param('blocker'), 'blocker'), by),
  }));
  editRoute('post', '/api/v1/sessions/:id/goals', 'session.goal.add', 201, (_c, id, input, by) => ({ board: sessions.addGoal(id, input, by) }));
  editRoute('patch', '/api/v1/sessions/:id/goals/:goal', 'session.goal.update', 200, (c, id, input, by) => {
    const { done: isDone } = parseInput(goalPatchSchema, input);
    return { board: sessions.setGoalDone(id, parseInput(idSchema, c.req.param('goal'), 'goal'), isDone, by), detail: { done: isDone } };
  });
  editRoute('post', '/api/v1/sessions/:id/decisions', 'session.decision.add', 201, (_c, id, input, by) => ({ board: sessions.addDecision(id, input, by) }));
  editRoute('post', '/api/v1/sessions/:id/files', 'session.files', 200, (_c, id, raw, by) => {
    const input = parseInput(filesSchema, raw);
    return { board: sessions.touchFiles(id, input.paths, input.kind, by) };
  });
  editRoute('post', '/api/v1/sessions/:id/agents', 'session.agent', 200, (_c, id, input, by) => ({
    board: sessions.reportAgent(id, parseInput(agentSchema, input), by),
  }));

  // Board items (lib/board-items.ts): typed agenda, projects, findings, backlog…; and single-valued fields.
  editRoute('post', '/api/v1/sessions/:id/items', 'session.item.add', 201, (_c, id, input, by) => {
    const board = items.add(id, input, by);
    return { board, detail: { kind: input.kind } };
  });
  editRoute('patch', '/api/v1/sessions/:id/items/:item', 'session.item.update', 200, (c, id, input, by) => {
    const item = parseInput(idSchema, c.req.param('item'), 'item');
    return {
      board: items.update(id, item, input, by),
      detail: { item, fields: Object.keys((input.data as object | undefined) ?? {}), position: input.position },
    };
  });
  editRoute('delete', '/api/v1/sessions/:id/items/:item', 'session.item.remove', 200, (c, id, _input, by) => {
    const item = parseInput(idSchema, c.req.param('item'), 'item');
    return { board: items.remove(id, item, by), detail: { item } };
  });
  editRoute('patch', '/api/v1/sessions/:id/fields', 'session.fields', 200, (_c, id, input, by) => ({
    board: items.setFields(id, input, by),
    detail: { fields: Object.keys(input) },
  }));

  // Meeting mode (/present/<id>): the shared state and the server's clock, for everyone who may view
  // the board (share links too); actions for those who may edit it, driven by the presenter.
  app.get('/api/v1/sessions/:id/meeting', (c) => {
    const id = c.req.param('id');
    view(c, id);
    return c.json(meeting.state(id));
  });
  editRoute('post', '/api/v1/sessions/:id/meeting', 'session.meeting', 200, (_c, id, input, _by, principal) => {
    const { board, action } = meeting.act(id, input, principal);
    return { board, detail: { ...action } };
  });
}
