import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
  at: number;
}

/**
 * A real local HTTP receiver for webhook tests: records every request, answers with `respond`
 * (default 200). `respond` may return null to hold the request open (never answered).
 */
export async function startReceiver(respond: (r: Received, n: number) => number | null = () => 200): Promise<{
  url: string;
  received: Received[];
  respond: typeof respond;
  setRespond(fn: typeof respond): void;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  let answer = respond;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
      const r = { headers: req.headers, raw, body, at: Date.now() };
      received.push(r);
      const status = answer(r, received.length);
      if (status === null) return; // held open
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status < 300 ? 'ok' : `failed with ${status}`);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    respond,
    setRespond(fn) {
      answer = fn;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
