import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import { createApplication, type Application, type ApplicationOptions } from '../server/app.ts';
import { PROTOCOL_VERSION } from '../lib/events.ts';
import type { BatonSocket } from '../lib/feed-client.ts';

export interface TestServer {
  app: Application;
  url: string;
  dbPath: string;
  dir: string;
  close(): Promise<void>;
}

/** A real Baton server on port 0 with a fresh temp database. */
export async function startTestServer(options: Partial<ApplicationOptions> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-test-'));
  const dbPath = join(dir, 'baton.db');
  const app = await createApplication({ databasePath: dbPath, web: false, ...options });
  const url = await app.listen(0, '127.0.0.1');
  return {
    app,
    url,
    dbPath,
    dir,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function connectClient(url: string, name = 'test'): BatonSocket {
  return connect(url, { transports: ['websocket'], auth: { protocol: PROTOCOL_VERSION, name }, forceNew: true });
}

export function waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (predicate()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 5);
    };
    tick();
  });
}

export async function api(url: string, path: string, init: RequestInit & { json?: unknown } = {}) {
  const { json, ...rest } = init;
  const res = await fetch(url + path, {
    ...rest,
    headers: { 'content-type': 'application/json', ...(rest.headers ?? {}) },
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, headers: res.headers };
}
