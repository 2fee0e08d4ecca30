/**
 * Probe server for bench/probes/http.ts: prices the HTTP layers of a REST write with no store behind
 * it (zod parse only), so only transport costs differ. Not part of `npm run bench`.
 *
 *   node-raw            node:http, JSON.parse, zod parse, fixed reply (the floor of an HTTP write)
 *   hono-bodylimit      @hono/node-server + Hono + hono/body-limit in front, as server/http/api.ts has it
 *   hono-header-limit   the same, with the limit checked from Content-Length (hono/body-limit only for
 *                       chunked bodies), as proposed in the bench report
 */
import { getRequestListener } from '@hono/node-server';
import { Hono, type Context, type Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { storeInputSchema } from '../../lib/memory-schema.ts';

const mode = process.argv[2]!;
const maxBody = 1024 * 1024 * 6 + 64 * 1024;
const fixed = {
  stored: true,
  namespace: 'bench',
  key: 'k',
  version: 2,
  seq: 1,
  size: 10,
  expiresAt: null,
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
};
const tooLarge = (c: Context) => c.json({ error: { code: 'too_large', field: 'body' } }, 413);

function honoApp(limit: (c: Context, next: Next) => Promise<Response | void>) {
  const app = new Hono();
  app.use('*', limit);
  app.put('/api/v1/memory/entry', async (c) => {
    const body = JSON.parse(await c.req.text()) as Record<string, unknown>;
    storeInputSchema.parse(body);
    return c.json(fixed, 200);
  });
  return app;
}

let handler: (req: IncomingMessage, res: ServerResponse) => unknown;
if (mode === 'node-raw') {
  handler = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      storeInputSchema.parse(JSON.parse(Buffer.concat(chunks).toString()));
      const out = JSON.stringify(fixed);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
      res.end(out);
    });
  };
} else if (mode === 'hono-bodylimit') {
  handler = getRequestListener(honoApp(bodyLimit({ maxSize: maxBody, onError: tooLarge })).fetch);
} else if (mode === 'hono-header-limit') {
  const limitStream = bodyLimit({ maxSize: maxBody, onError: tooLarge });
  const limit = async (c: Context, next: Next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number(length) > maxBody ? tooLarge(c) : next();
    }
    return limitStream(c, next);
  };
  handler = getRequestListener(honoApp(limit).fetch);
} else {
  throw new Error(`unknown mode ${mode}`);
}
const server = createServer(handler);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send!({ port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('disconnect', () => process.exit(0));
