import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { BatonError, fromZodError, toApiError, type ApiError } from '../../lib/errors.ts';
import { limitSchema } from '../../lib/memory-schema.ts';
import type { ChangeFeed } from '../feed/feed.ts';
import type { Logger } from '../logger.ts';
import type { MemoryService } from '../memory/service.ts';

interface Deps {
  memory: MemoryService;
  feed: ChangeFeed;
  logger: Logger;
  mcp: { handle(request: Request): Promise<Response> };
}

function errorResponse(c: Context, error: ApiError, status: number) {
  return c.json({ error }, status as 400);
}

/** Reads a JSON object body; a malformed body is a 400 naming `body`. */
async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BatonError('invalid_json', 'body: not valid JSON', { field: 'body' });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BatonError('invalid_json', 'body: must be a JSON object', { field: 'body' });
  }
  return body as Record<string, unknown>;
}

/** Query parameters as a plain object; repeated parameters keep the first value. */
function query(c: Context): Record<string, string> {
  return c.req.query();
}

/** Until accounts exist (#4) the writer names itself; the label is shown, never trusted for access. */
function actorOf(c: Context): string {
  const label = c.req.header('x-baton-actor')?.trim().slice(0, 80);
  return label ? `rest:${label}` : 'rest';
}

/** The REST API under /api/v1. Every route parses with zod inside the service and maps errors to statuses. */
export function createApi({ memory, feed, logger, mcp }: Deps): Hono {
  const app = new Hono();
  // A value may be up to maxValueBytes; JSON escaping can grow it, so the body may be a few times larger.
  const maxBody = memory.maxValueBytes * 6 + 64 * 1024;

  app.onError((err, c) => {
    if (err instanceof BatonError) return errorResponse(c, err.toJSON(), err.status);
    logger.error({ err, path: c.req.path }, 'request failed');
    return errorResponse(c, toApiError(err), 500);
  });
  app.notFound((c) => errorResponse(c, { code: 'not_found', message: `No route ${c.req.method} ${c.req.path}` }, 404));

  app.all('/mcp', (c) => mcp.handle(c.req.raw));

  app.use(
    '/api/*',
    bodyLimit({
      maxSize: maxBody,
      onError: (c) =>
        errorResponse(c, { code: 'too_large', message: `body: over the limit of ${maxBody} bytes`, field: 'body' }, 413),
    }),
  );

  app.get('/api/v1/health', (c) => c.json({ ok: true, seq: feed.headSeq() }));

  app.get('/api/v1/changes/recent', (c) => {
    const limit = limitSchema.safeParse(c.req.query('limit') ?? 20);
    if (!limit.success) throw fromZodError(limit.error, 'limit');
    return c.json({ items: feed.recent(limit.data), seq: feed.headSeq() });
  });

  app.get('/api/v1/memory', (c) => c.json(memory.list(query(c))));

  app.get('/api/v1/memory/search', (c) => {
    const q = query(c);
    return c.json(memory.search({ ...q, query: q.q ?? q.query }));
  });

  app.get('/api/v1/memory/namespaces', (c) => c.json(memory.namespaces()));

  app.get('/api/v1/memory/entry', (c) => {
    const entry = memory.retrieve(query(c));
    if (!entry) throw new BatonError('not_found', 'key: no live entry with this namespace and key', { field: 'key' });
    return c.json(entry);
  });

  app.put('/api/v1/memory/entry', async (c) => {
    const body = await jsonBody(c);
    // REST callers may send any JSON as the value; it is stored as its JSON text.
    if (body.value !== undefined && typeof body.value !== 'string') body.value = JSON.stringify(body.value);
    const result = await memory.storeSoon(body, actorOf(c));
    return c.json(result, result.version === 1 ? 201 : 200);
  });

  app.delete('/api/v1/memory/entry', async (c) => c.json(await memory.deleteSoon(query(c), actorOf(c))));

  app.get('/api/v1/memory/history', (c) => c.json({ items: memory.history(query(c)) }));

  return app;
}
