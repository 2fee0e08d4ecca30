// Metrics for operators (issue 17): GET /metrics in the Prometheus text format, one registry per
// application (tests run several in one process). Counters move as things happen (HTTP requests,
// writes through the gate); gauges are read when scraped (feed lag, sockets, MCP sessions, file sizes,
// backup age), so nothing runs between scrapes.

import { createHash, timingSafeEqual } from 'node:crypto';
import { statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Principal } from '../lib/access.ts';
import { BatonError } from '../lib/errors.ts';
import { authorize } from './auth/authorize.ts';

/** What the gauges read at scrape time. */
export interface MetricSources {
  /** The feed's head seq minus the broadcaster's position. */
  feedLag: () => number;
  sockets: () => number;
  rooms: () => number;
  mcpSessions: () => number;
  /** Text searches answered by the search worker since start (0 when searches run in-process). */
  searchesOffloaded?: () => number;
  /** The database file (its WAL is `<path>-wal`); ':memory:' reports 0. */
  databasePath: string;
  /** The store's size (db/snapshot.ts storeBytes: the SQLite file, or the PostgreSQL database); else the file's. */
  databaseBytes?: () => number;
  /** When the last good backup finished (ms since epoch), or null. */
  lastBackupAt: () => number | null;
  now?: () => number;
}

const fileSize = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

/** The route an HTTP request matched: its pattern (`/api/v1/sessions/:id`), never the raw path. */
function routeOf(c: Parameters<MiddlewareHandler>[0]): string {
  const routes = matchedRoutes(c);
  const last = routes.at(-1);
  // Only catch-all middleware matched: no route answers this path.
  if (!last || last.path === '*' || last.path === '/*') return 'unmatched';
  return last.path;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly writeSeconds: Histogram<'action' | 'outcome'>;
  private readonly rateLimited: Counter<'action'>;

  constructor(private readonly sources: MetricSources) {
    const registers = [this.registry];
    this.httpRequests = new Counter({
      name: 'baton_http_requests_total',
      help: 'HTTP requests answered by the API, by method, matched route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.writeSeconds = new Histogram({
      name: 'baton_write_duration_seconds',
      help: 'Time spent in the write gate per mutation, by action and outcome (ok, or the error code)',
      labelNames: ['action', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'baton_rate_limited_total',
      help: 'Writes refused because the caller spent its rate limit, by action',
      labelNames: ['action'],
      registers,
    });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    const now = sources.now ?? Date.now;
    const memory = sources.databasePath === ':memory:';
    gauge('baton_feed_lag', 'Changes in the feed not yet broadcast (head seq minus broadcaster position)', sources.feedLag);
    gauge('baton_socket_connections', 'Connected Socket.IO clients', sources.sockets);
    gauge('baton_socket_rooms', 'Socket.IO rooms with members, besides each socket’s own room', sources.rooms);
    gauge('baton_mcp_sessions', 'Open MCP sessions on /mcp', sources.mcpSessions);
    gauge('baton_searches_offloaded', 'Text searches answered by the search worker thread since start', sources.searchesOffloaded ?? (() => 0));
    gauge('baton_database_bytes', 'Size of the database (the SQLite file, or the PostgreSQL database)', () =>
      sources.databaseBytes ? sources.databaseBytes() : memory ? 0 : fileSize(sources.databasePath),
    );
    gauge('baton_wal_bytes', 'Size of the SQLite write-ahead log file', () => (memory ? 0 : fileSize(`${sources.databasePath}-wal`)));
    gauge('baton_backup_age_seconds', 'Seconds since the last good backup; -1 when there is none', () => {
      const at = sources.lastBackupAt();
      return at === null ? -1 : Math.max(0, (now() - at) / 1000);
    });
  }

  /** The write gate's observer (WriteGateOptions.onWrite). */
  readonly onWrite = (action: string, ms: number, outcome: string): void => {
    this.writeSeconds.observe({ action, outcome }, ms / 1000);
    if (outcome === 'rate_limited') this.rateLimited.inc({ action });
  };

  /** Counts each API request by its matched route pattern (server/http/api.ts uses it first). */
  readonly middleware: MiddlewareHandler = async (c, next) => {
    await next();
    this.countRequest(c.req.method, routeOf(c), c.res.status);
  };

  /** Counts one request answered outside Hono (the direct /mcp route, server/mcp/node-route.ts). */
  readonly countRequest = (method: string, route: string, status: number): void => {
    this.httpRequests.inc({ method, route, status: String(status) });
  };

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** True when `given` is the metrics token (compared in constant time). */
export function isMetricsToken(given: string | undefined, expected: string | undefined): boolean {
  if (!given || !expected) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * GET /metrics on the Node server: METRICS_TOKEN as a bearer token, or any admin credential
 * (401 without credentials, 403 for a caller who is not an admin).
 */
export function metricsHandler(
  metrics: Metrics,
  options: { token?: string; principalFrom: (headers: Headers) => Promise<Principal> },
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const send = (res: ServerResponse, status: number, body: string, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  const refuse = (res: ServerResponse, err: BatonError) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
    if (err.status === 401) headers['www-authenticate'] = 'Bearer realm="baton-metrics"';
    res.writeHead(err.status, headers);
    res.end(JSON.stringify({ error: err.toJSON() }));
  };
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, JSON.stringify({ error: { code: 'not_found', message: 'GET /metrics only' } }));
    }
    const auth = req.headers.authorization;
    const bearer = auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : undefined;
    if (!isMetricsToken(bearer, options.token)) {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers.set(name, value);
        else if (Array.isArray(value)) headers.set(name, value.join(', '));
      }
      const principal = await options.principalFrom(headers);
      try {
        if (principal.kind === 'anonymous') throw new BatonError('unauthorized', 'Send METRICS_TOKEN or an admin API token (Authorization: Bearer …)');
        authorize(principal, { action: 'admin' });
      } catch (err) {
        if (err instanceof BatonError) return refuse(res, err);
        throw err;
      }
    }
    send(res, 200, await metrics.text(), metrics.contentType);
  };
}
