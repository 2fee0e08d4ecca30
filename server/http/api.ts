import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { z } from 'zod';
import { readableNamespacePatterns, type Permission, type Principal } from '../../lib/access.ts';
import { BatonError, fromZodError, parseInput, toApiError, type ApiError } from '../../lib/errors.ts';
import { limitSchema, namespaceOf } from '../../lib/memory-schema.ts';
import type { AuditLog } from '../auth/audit.ts';
import { authorize } from '../auth/authorize.ts';
import { shareInputSchema, type Identity } from '../auth/identity.ts';
import type { ChangeFeed } from '../feed/feed.ts';
import type { Logger } from '../logger.ts';
import type { MemoryService } from '../memory/service.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { SessionService } from '../sessions/service.ts';
import { registerSessionRoutes } from './sessions-api.ts';
import type { AnalyticsService } from '../analytics/service.ts';
import { registerHandoffRoutes } from './handoffs-api.ts';
import type { HandoffService } from '../handoffs/service.ts';
import type { BoardItems } from '../sessions/items.ts';
import type { MeetingService } from '../sessions/meeting.ts';
import {
  mcpRequestOf,
  mcpUnauthorized,
  protectedResourceMetadata,
  publicOrigin,
  RESOURCE_METADATA_PATH,
  wellKnownNotFound,
  type McpHttpRequest,
} from '../mcp/http.ts';
import { jsonBody } from './body.ts';
import { isSameOrigin } from './origin.ts';
import type { KnownPrincipal, WriteGate } from '../gate.ts';
import type { AuditRecorder } from '../auth/identity.ts';
import { callerOf, type Env } from './caller.ts';
import { deleteOp, storeOp } from '../memory/ops.ts';
import { registerDataRoutes, type DataRouteDeps } from './data-api.ts';
import { registerNotifyRoutes, type NotifyRouteDeps } from './webhooks-api.ts';

interface Deps {
  memory: MemoryService;
  feed: ChangeFeed;
  logger: Logger;
  identity: Identity;
  audit: AuditLog;
  limiter: RateLimiter;
  sessions: SessionService;
  items: BoardItems;
  meeting: MeetingService;
  handoffs: HandoffService;
  analytics: AnalyticsService;
  mcp: { handle(request: McpHttpRequest, principal: Principal, ip: string | null): Promise<Response> };
  gate: WriteGate;
  /** Export, import, backups and metrics (server/http/data-api.ts). */
  data?: Partial<DataRouteDeps>;
  /** Webhooks, preferences and "needs you" (server/http/webhooks-api.ts). */
  notify?: NotifyRouteDeps;
  /** Counts requests by route pattern and status for GET /metrics (server/metrics.ts). */
  metrics?: MiddlewareHandler<Env>;
}

function errorResponse(c: Context, error: ApiError, status: number) {
  if (error.retryAfter) c.header('Retry-After', String(error.retryAfter));
  return c.json({ error }, status as 400);
}

/** Query parameters as a plain object; repeated parameters keep the first value. */
const query = (c: Context): Record<string, string> => c.req.query();

const signInBodySchema = z.object({ email: z.string().max(254).default(''), password: z.string().max(256).default('') }).loose();
const auditQuerySchema = z.object({
  action: z.string().max(64).optional(),
  actor: z.string().max(80).optional(),
  outcome: z.enum(['ok', 'denied', 'failed']).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/** Routes reachable without credentials: they are how one gets credentials. */
export const PUBLIC_ROUTES = new Set([
  'GET /api/v1/health',
  'GET /api/v1/setup',
  'POST /api/v1/setup',
  'GET /api/v1/invites/:token',
  'POST /api/v1/invites/:token/accept',
  'POST /api/auth/sign-in/email',
  'POST /api/auth/sign-out',
  'GET /api/auth/get-session',
  // MCP authorization discovery: the protected resource metadata, and a JSON 404 for the rest.
  'GET /.well-known/oauth-protected-resource',
  'GET /.well-known/oauth-protected-resource/mcp',
  'ALL /.well-known/*',
]);

/**
 * The REST API (/api/v1), better-auth's sign-in endpoints (/api/auth) and MCP (/mcp). Every
 * non-public route resolves the caller once, then authorizes with the one authorize() function.
 */
export function createApi(deps: Deps): Hono<Env> {
  const { memory, feed, logger, identity, audit, limiter, mcp, sessions, items, meeting, handoffs, analytics, gate } = deps;
  const app = new Hono<Env>();
  // A value may be up to maxValueBytes; JSON escaping can grow it, so the body may be a few times larger.
  const maxBody = memory.maxValueBytes * 6 + 64 * 1024;

  app.onError((err, c) => {
    if (err instanceof BatonError) return errorResponse(c, err.toJSON(), err.status);
    logger.error({ err: { message: err.message, stack: err.stack }, path: c.req.path }, 'request failed');
    return errorResponse(c, toApiError(err), 500);
  });
  app.notFound((c) => errorResponse(c, { code: 'not_found', message: `No route ${c.req.method} ${c.req.path}` }, 404));

  if (deps.metrics) app.use('*', deps.metrics);
  app.use('*', secureHeaders({ crossOriginResourcePolicy: 'same-origin' }));
  // Body limit. Node never delivers more than Content-Length bytes, so that header decides when
  // present; only chunked bodies are counted as they stream. (Hono's bodyLimit on every request made
  // @hono/node-server build a full web Request, GETs included: ~4x the CPU of a small write.)
  const tooLarge = (c: Context) => errorResponse(c, { code: 'too_large', message: `body: over the limit of ${maxBody} bytes`, field: 'body' }, 413);
  const limitStream = bodyLimit({ maxSize: maxBody, onError: tooLarge });
  app.use('*', (c, next) => {
    // An import has its own, larger limit (IMPORT_MAX_BYTES; server/http/data-api.ts).
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || (c.req.method === 'POST' && c.req.path === '/api/v1/import')) return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number(length) > maxBody ? Promise.resolve(tooLarge(c)) : next();
    }
    return limitStream(c, next);
  });

  // Who is calling: resolved once per request. Anonymous callers reach only the public routes.
  const identify: MiddlewareHandler<Env> = async (c, next) => {
    let ip: string | null = null;
    try {
      ip = getConnInfo(c).remote.address ?? null;
    } catch {
      ip = null;
    }
    c.set('ip', ip);
    c.set('principal', await identity.principalFrom(c.req.raw.headers, c.req.query('share') ?? c.req.header('x-baton-share')));
    await next();
  };
  app.use('*', identify);

  // CSRF: a mutation carried by the ambient cookie must come from our own origin.
  app.use('*', async (c, next) => {
    const method = c.req.method;
    // Only a Bearer header replaces the cookie (see Identity.principalFrom); any other Authorization
    // header left the cookie in charge yet skipped this check.
    const bearer = !!c.req.header('authorization')?.toLowerCase().startsWith('bearer ');
    const cookieAuth = !!c.req.header('cookie') && !bearer;
    if (cookieAuth && !['GET', 'HEAD', 'OPTIONS'].includes(method)) {
      const origin = c.req.header('origin') ?? c.req.header('referer');
      const scheme = new URL(c.req.url).protocol === 'https:' ? 'https' : 'http';
      if (!isSameOrigin(origin, c.req.header('host'), scheme, c.req.header('x-forwarded-proto')))
        throw new BatonError('forbidden', 'origin: cross-site request refused', { field: 'origin' });
    }
    await next();
  });

  const principal = (c: Context<Env>) => c.get('principal');

  // ---- accounts and sign-in ----------------------------------------------------------------

  app.get('/api/v1/health', (c) => {
    const lastBackup = deps.data?.backups?.lastGoodAt() ?? null;
    return c.json({ ok: true, seq: feed.headSeq(), lastBackupAt: lastBackup === null ? null : new Date(lastBackup).toISOString() });
  });
  app.get('/api/v1/setup', (c) => c.json({ needed: !identity.hasUsers() }));
  app.post('/api/v1/setup', async (c) => identity.setup(await jsonBody(c), c.get('ip')));

  app.post('/api/auth/sign-in/email', async (c) => {
    const raw = await c.req.text();
    let body: z.output<typeof signInBodySchema>;
    try {
      body = signInBodySchema.parse(JSON.parse(raw));
    } catch {
      throw new BatonError('invalid_json', 'body: expected { email, password }', { field: 'body' });
    }
    await limiter.signIn(c.get('ip') ?? 'unknown', body.email);
    const headers = new Headers(c.req.raw.headers);
    const res = await identity.auth.handler(new Request(c.req.url, { method: 'POST', headers, body: raw }));
    const ok = res.ok;
    audit.record({
      principal: { kind: 'anonymous' },
      action: ok ? 'auth.sign-in' : 'auth.sign-in.failed',
      target: body.email.toLowerCase().slice(0, 254),
      outcome: ok ? 'ok' : 'failed',
      ip: c.get('ip'),
    });
    if (!ok) {
      // One message for unknown email and wrong password alike.
      return errorResponse(c, { code: 'unauthorized', message: 'Email or password is wrong', field: 'password' }, 401);
    }
    // Said only once the password was right, so it reveals nothing to someone guessing.
    if (identity.refuseDisabledSignIn(body.email)) {
      audit.record({
        principal: { kind: 'anonymous' },
        action: 'auth.sign-in.disabled',
        target: body.email.toLowerCase().slice(0, 254),
        outcome: 'denied',
        ip: c.get('ip'),
      });
      return errorResponse(c, { code: 'forbidden', message: 'This account is disabled; ask an admin to enable it', field: 'email' }, 403);
    }
    return res;
  });
  app.post('/api/auth/sign-out', (c) => identity.auth.handler(c.req.raw));
  app.get('/api/auth/get-session', (c) => identity.auth.handler(c.req.raw));
  app.get('/api/v1/invites/:token', (c) => c.json(identity.inviteInfo(c.req.param('token'))));
  app.post('/api/v1/invites/:token/accept', async (c) => identity.acceptInvite(c.req.param('token'), await jsonBody(c), c.get('ip')));

  // MCP authorization discovery: metadata for /mcp, JSON 404 for any other /.well-known path, and a
  // spec-shaped 401 from /mcp (WWW-Authenticate: Bearer, a JSON-RPC body) before the REST one below.
  const originOf = (c: Context) => publicOrigin(c.req.url, (name) => c.req.header(name));
  app.get('/.well-known/oauth-protected-resource', (c) => c.json(protectedResourceMetadata(originOf(c))));
  app.get(RESOURCE_METADATA_PATH, (c) => c.json(protectedResourceMetadata(originOf(c))));
  app.all('/.well-known/*', (c) => wellKnownNotFound(c.req.path));
  app.use('/mcp', async (c, next) => {
    if (c.get('principal').kind !== 'anonymous') return next();
    return mcpUnauthorized(originOf(c), !!c.req.header('authorization')?.toLowerCase().startsWith('bearer '));
  });

  // Everything registered below needs credentials; the public routes above answer before this runs.
  app.use('*', async (c, next) => {
    if (c.get('principal').kind === 'anonymous') {
      // A token (or share link) that was sent and refused is told so, not asked to sign in.
      const bearer = !!c.req.header('authorization')?.toLowerCase().startsWith('bearer ');
      const share = !!(c.req.query('share') ?? c.req.header('x-baton-share'));
      if (bearer)
        throw new BatonError(
          'unauthorized',
          'The token was refused: it is unknown, revoked or expired. Make a new one in Settings → API tokens (or baton token create)',
        );
      if (share) throw new BatonError('unauthorized', 'The share link was refused: it is unknown, revoked or expired');
      throw new BatonError('unauthorized', 'Sign in or send an API token (Authorization: Bearer …)');
    }
    await next();
  });

  app.get('/api/v1/me', (c) => {
    const p = principal(c);
    return c.json({ principal: p.kind === 'token' ? { ...p } : p });
  });

  /**
   * A change to accounts, invitations, tokens or share links, through the write gate: the service
   * writes its own audit rows through the gate's recorder (it knows what changed), denials and
   * limits are the gate's.
   */
  const accountWrite = <T>(
    c: Context<Env>,
    action: string,
    target: string,
    permission: Permission,
    input: unknown,
    run: (p: KnownPrincipal, record: AuditRecorder) => T | Promise<T>,
  ) =>
    gate.write(callerOf(c), {
      action,
      target,
      authorize: permission,
      input,
      run: ({ principal: p, audit: write }) => run(p, (e) => write({ action: e.action, target: e.target, detail: e.detail, outcome: e.outcome })),
    });
  const accountHolder = (p: KnownPrincipal) => {
    if (p.kind !== 'user' && p.kind !== 'token') throw new BatonError('forbidden', 'Needs an account or an API token');
    return p;
  };

  app.post('/api/v1/me/password', async (c) => {
    const p = principal(c);
    if (p.kind === 'user') await limiter.signIn(c.get('ip') ?? 'unknown', p.email);
    const input = await jsonBody(c);
    // Any signed-in person may change their own password; the service refuses tokens and share links.
    return accountWrite(c, 'account.password', 'id' in p ? p.id : 'me', { action: 'session:view', sessionId: '*' }, input, (by, record) =>
      identity.changePassword(by, c.req.raw.headers, input, record),
    );
  });

  app.get('/api/v1/users', (c) => {
    authorize(principal(c), { action: 'admin' });
    return c.json({ items: identity.listUsers() });
  });
  app.patch('/api/v1/users/:id', async (c) => {
    const input = await jsonBody(c);
    const id = c.req.param('id');
    return c.json(await accountWrite(c, 'account.update', id, { action: 'admin' }, input, (by, record) => identity.updateAccount(by, id, input, record)));
  });

  app.get('/api/v1/invites', (c) => {
    authorize(principal(c), { action: 'admin' });
    return c.json({ items: identity.listInvites() });
  });
  app.post('/api/v1/invites', async (c) => {
    const input = await jsonBody(c);
    return c.json(
      await accountWrite(c, 'invite.create', 'invites', { action: 'admin' }, input, (by, record) => identity.createInvite(accountHolder(by), input, record)),
      201,
    );
  });
  app.delete('/api/v1/invites/:id', async (c) => {
    const id = c.req.param('id');
    return c.json(await accountWrite(c, 'invite.revoke', id, { action: 'admin' }, undefined, (_by, record) => identity.revokeInvite(id, record)));
  });

  app.get('/api/v1/tokens', (c) => {
    authorize(principal(c), { action: 'tokens:own' });
    return c.json({ items: identity.listTokens(principal(c)) });
  });
  app.post('/api/v1/tokens', async (c) => {
    const input = await jsonBody(c);
    return c.json(
      await accountWrite(c, 'token.create', 'tokens', { action: 'tokens:own' }, input, (by, record) => identity.createToken(accountHolder(by), input, record)),
      201,
    );
  });
  app.delete('/api/v1/tokens/:id', async (c) => {
    const id = c.req.param('id');
    return c.json(await accountWrite(c, 'token.revoke', id, { action: 'tokens:own' }, undefined, (by, record) => identity.revokeToken(by, id, record)));
  });

  app.get('/api/v1/share-links', (c) => {
    authorize(principal(c), { action: 'share:create' });
    return c.json({ items: identity.listShareLinks(principal(c)) });
  });
  app.post('/api/v1/share-links', async (c) => {
    const input = await jsonBody(c);
    return c.json(
      await accountWrite(c, 'share.create', typeof input.sessionId === 'string' ? input.sessionId : '', { action: 'share:create' }, input, (by, record) => {
        // A link only for a session that exists (a typo made a link that could never open).
        const { sessionId } = parseInput(shareInputSchema, input);
        if (!sessions.board(sessionId)) throw new BatonError('not_found', `sessionId: no session "${sessionId}"`, { field: 'sessionId' });
        return identity.createShareLink(accountHolder(by), input, record);
      }),
      201,
    );
  });
  app.delete('/api/v1/share-links/:id', async (c) => {
    const id = c.req.param('id');
    return c.json(await accountWrite(c, 'share.revoke', id, { action: 'share:create' }, undefined, (by, record) => identity.revokeShareLink(by, id, record)));
  });

  app.get('/api/v1/audit', (c) => {
    authorize(principal(c), { action: 'admin' });
    const q = auditQuerySchema.safeParse(query(c));
    if (!q.success) throw fromZodError(q.error);
    return c.json(audit.list(q.data));
  });

  // ---- memory ------------------------------------------------------------------------------

  /** Cross-namespace reads: allowed when something is readable; results are filtered to it. */
  const readable = (c: Context<Env>) => {
    const patterns = readableNamespacePatterns(principal(c));
    if (patterns.length === 0) authorize(principal(c), { action: 'memory:read', namespace: '*' });
    return patterns;
  };

  app.get('/api/v1/changes/recent', (c) => {
    const patterns = readable(c);
    const limit = limitSchema.safeParse(c.req.query('limit') ?? 20);
    if (!limit.success) throw fromZodError(limit.error, 'limit');
    return c.json({ items: feed.recent(limit.data, patterns), seq: feed.headSeq() });
  });

  app.get('/api/v1/memory', (c) => {
    authorize(principal(c), { action: 'memory:read', namespace: namespaceOf(c.req.query('namespace')) });
    return c.json(memory.list(query(c)));
  });

  app.get('/api/v1/memory/search', async (c) => {
    const q = query(c);
    const patterns = readable(c);
    if (q.namespace !== undefined) authorize(principal(c), { action: 'memory:read', namespace: namespaceOf(q.namespace) });
    return c.json(await memory.searchAsync({ ...q, query: q.q ?? q.query }, patterns));
  });

  app.get('/api/v1/memory/namespaces', (c) => c.json(memory.namespaces(readable(c))));

  app.get('/api/v1/memory/entry', (c) => {
    authorize(principal(c), { action: 'memory:read', namespace: namespaceOf(c.req.query('namespace')) });
    const entry = memory.retrieve(query(c));
    if (!entry) throw new BatonError('not_found', 'key: no live entry with this namespace and key', { field: 'key' });
    return c.json(entry);
  });

  app.put('/api/v1/memory/entry', async (c) => {
    const body = await jsonBody(c);
    // The depth is checked on what was sent, before a non-string value becomes its JSON text.
    gate.validate(body);
    // REST callers may send any JSON as the value; it is stored as its JSON text.
    if (body.value !== undefined && typeof body.value !== 'string') body.value = JSON.stringify(body.value);
    const result = await gate.write(callerOf(c), storeOp(memory, body));
    return c.json(result, result.version === 1 ? 201 : 200);
  });

  app.delete('/api/v1/memory/entry', async (c) => c.json(await gate.write(callerOf(c), deleteOp(memory, query(c)))));

  app.get('/api/v1/memory/history', (c) => {
    authorize(principal(c), { action: 'memory:read', namespace: namespaceOf(c.req.query('namespace')) });
    return c.json({ items: memory.history(query(c)) });
  });

  registerSessionRoutes(app, { sessions, items, meeting, memory, analytics, gate });
  registerHandoffRoutes(app, { handoffs, sessions, gate });
  registerDataRoutes(app, { memory, gate, ...deps.data });
  if (deps.notify) registerNotifyRoutes(app, deps.notify);

  // The MCP transport reads Node's request itself (see server/mcp/http.ts); auth and CSRF ran above.
  app.all('/mcp', (c) => mcp.handle(mcpRequestOf(c.req.raw, c.env), principal(c), c.get('ip')));

  return app;
}
