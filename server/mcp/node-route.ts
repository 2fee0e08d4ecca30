import type { IncomingMessage, ServerResponse } from 'node:http';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { Principal } from '../../lib/access.ts';
import { BatonError, toApiError } from '../../lib/errors.ts';
import { nodeRequest, type McpHttpRequest, type McpReply } from './http.ts';

export interface McpNodeRouteDeps {
  /** The /mcp handler's answer (createMcpHttpHandler().reply). */
  reply(req: McpHttpRequest, principal: Principal, ip: string | null): Promise<McpReply>;
  /** The caller a Bearer token names, exactly as Identity.principalFrom resolves one; null when refused. */
  tokenPrincipal(secret: string): Principal | null;
  /** The headers the REST API's middleware adds to every answer ({@link apiResponseHeaders}). */
  headers: Record<string, string>;
  /** The REST API's body limit (a larger Content-Length goes to the API, which refuses it). */
  maxBodyBytes: number;
  /** Counts the request for GET /metrics, as the API's metrics middleware does. */
  countRequest?(method: string, route: string, status: number): void;
  /** A failure that is not a BatonError (logged; answered 500 as the API's onError does). */
  onError(err: unknown): void;
  /** Counts the requests this route served. */
  stats?: { directCalls: number };
}

/**
 * The secure headers server/http/api.ts sets on every answer (`secureHeaders({ crossOriginResourcePolicy:
 * 'same-origin' })`), read once from Hono's own middleware. test/mcp-http-fastpath.test.ts checks the
 * direct route answers with exactly the API's headers.
 */
export async function apiResponseHeaders(): Promise<Record<string, string>> {
  const probe = new Hono();
  probe.use('*', secureHeaders({ crossOriginResourcePolicy: 'same-origin' }));
  probe.all('*', (c) => c.body(null, 204));
  const res = await probe.request('/');
  return Object.fromEntries(res.headers);
}

/**
 * POST /mcp from an agent with an API token, served from Node's request without the Hono app: the
 * middleware chain, the web Request/Response conversion and their per-request allocations cost more
 * CPU than the store behind the call. It runs the same steps the API runs for such a request, in the
 * same order, with the same answers: the body limit (from Content-Length), the caller (the Bearer
 * token, as Identity.principalFrom reads it; a Bearer header also exempts the request from the cookie
 * CSRF check), the /mcp handler, the API's secure headers, the metrics count and the 500 of onError.
 * The write itself goes through the same handler and gate (authorize, rate limit, validate, audit).
 *
 * Anything else (a refused token, a cookie or share link, a chunked or oversized body, another method,
 * a query string) returns false and goes to the Hono app unchanged, so every refusal keeps one source.
 */
export function mcpNodeRoute(deps: McpNodeRouteDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST' || req.url !== '/mcp') return false;
    const authz = req.headers.authorization;
    if (!authz || authz.length < 8 || authz.slice(0, 7).toLowerCase() !== 'bearer ') return false;
    const length = req.headers['content-length'];
    if (length === undefined || req.headers['transfer-encoding'] !== undefined || !(Number(length) <= deps.maxBodyBytes)) return false;
    const principal = deps.tokenPrincipal(authz.slice(7).trim());
    if (!principal || principal.kind === 'anonymous') return false;
    if (deps.stats) deps.stats.directCalls++;

    const send = (status: number, body: string | null, headers: Record<string, string>) => {
      deps.countRequest?.('POST', '/mcp', status);
      if (res.destroyed) return;
      const all: Record<string, string | number> = { ...deps.headers, ...headers };
      if (body !== null) all['content-length'] = Buffer.byteLength(body);
      res.writeHead(status, all);
      res.end(body ?? undefined);
    };
    deps.reply(nodeRequest(req), principal, req.socket.remoteAddress ?? null).then(
      (r) => send(r.status, r.body, r.headers),
      (err: unknown) => {
        if (!(err instanceof BatonError)) deps.onError(err);
        const status = err instanceof BatonError ? err.status : 500;
        const error = err instanceof BatonError ? err.toJSON() : toApiError(err);
        send(status, JSON.stringify({ error }), {
          'content-type': 'application/json',
          ...(error.retryAfter ? { 'retry-after': String(error.retryAfter) } : {}),
        });
      },
    );
    return true;
  };
}
