import { getRequestListener } from '@hono/node-server';
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Server } from 'socket.io';
import { openDatabase, type DbHandle } from '../db/client.ts';
import { DEFAULT_MAX_VALUE_BYTES } from '../lib/memory-schema.ts';
import { Broadcaster } from './feed/broadcaster.ts';
import { ChangeFeed } from './feed/feed.ts';
import { createApi } from './http/api.ts';
import { createLogger, type Logger } from './logger.ts';
import { MemoryService } from './memory/service.ts';
import { registerSocketHandlers, type BatonServer } from './realtime/socket.ts';
import { startSweeper } from './memory/sweeper.ts';
import { localBackend } from './mcp/backend.ts';
import { createMcpHttpHandler } from './mcp/http.ts';

export interface ApplicationOptions {
  databasePath: string;
  /** Serve the Next.js pages too; integration tests leave it off and talk to the API and sockets. */
  web?: false | { dev: boolean; dir: string };
  maxValueBytes?: number;
  sweepIntervalMs?: number;
  feedPollMs?: number;
  feedRetention?: number;
  now?: () => number;
  logger?: Logger;
}

export interface Application {
  http: HttpServer;
  io: BatonServer;
  db: DbHandle;
  memory: MemoryService;
  feed: ChangeFeed;
  broadcaster: Broadcaster;
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/** Builds the whole server (db, services, feed, REST, Socket.IO, optionally Next) without listening. */
export async function createApplication(options: ApplicationOptions): Promise<Application> {
  const logger = options.logger ?? createLogger('silent');
  const db = openDatabase(options.databasePath);
  const feed = new ChangeFeed(db);
  const maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
  let wake = () => {};
  const memory = new MemoryService(db, { now: options.now, maxValueBytes, onCommit: () => wake() });

  const mcp = createMcpHttpHandler(
    (request) => localBackend(memory, `mcp:${request.headers.get('x-baton-actor')?.slice(0, 80) || 'agent'}`),
    maxValueBytes * 6 + 64 * 1024,
  );
  const api = createApi({ memory, feed, logger, mcp });
  const apiListener = getRequestListener(api.fetch);

  let nextHandler: ((req: IncomingMessage, res: import('node:http').ServerResponse) => Promise<void>) | null = null;
  let nextUpgrade: ((req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void>) | null = null;
  if (options.web) {
    const { default: next } = await import('next');
    const nextApp = next({ dev: options.web.dev, dir: options.web.dir });
    await nextApp.prepare();
    nextHandler = nextApp.getRequestHandler();
    nextUpgrade = nextApp.getUpgradeHandler();
  }

  const http = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/api/') || url === '/mcp' || url.startsWith('/mcp?')) return void apiListener(req, res);
    if (nextHandler) return void nextHandler(req, res);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'not_found', message: 'The web UI is not served by this instance' } }));
  });

  const io: BatonServer = new Server(http, {
    serveClient: false,
    // Socket writes carry values up to maxValueBytes; leave room for JSON escaping.
    maxHttpBufferSize: maxValueBytes * 6 + 64 * 1024,
    // Leave upgrades that are not ours (Next's dev HMR) to Next.
    destroyUpgrade: false,
    connectionStateRecovery: undefined,
  });
  if (nextUpgrade) {
    const upgrade = nextUpgrade;
    http.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/socket.io')) void upgrade(req, socket, head);
    });
  }

  const broadcaster = new Broadcaster(feed, io, options.feedPollMs ?? 50);
  wake = broadcaster.wake;
  broadcaster.start();
  registerSocketHandlers(io, { memory, feed, logger });
  const sweeper = startSweeper({
    memory,
    feed,
    intervalMs: options.sweepIntervalMs ?? 1000,
    retention: options.feedRetention ?? 100_000,
    logger,
  });

  return {
    http,
    io,
    db,
    memory,
    feed,
    broadcaster,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          const { port: bound } = http.address() as AddressInfo;
          resolve(`http://${host && host !== '0.0.0.0' ? host : 'localhost'}:${bound}`);
        });
      });
    },
    async close() {
      sweeper.stop();
      await mcp.close();
      broadcaster.stop();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      if (http.listening) await new Promise<void>((resolve) => http.close(() => resolve()));
      db.close();
    },
  };
}
