// A synchronous PostgreSQL connection: one node-postgres client in a worker thread, called from the
// main thread by posting the query and blocking on a shared word until the worker answers (the
// synckit pattern: postMessage + Atomics.wait + receiveMessageOnPort).
//
// Why synchronous: Baton's services are synchronous transactions (better-sqlite3), and the write gate
// relies on that for per-caller ordering and for "a mutation is one transaction, nothing interleaves".
// Running the same service code on PostgreSQL through this connection keeps one code path for both
// stores. The cost is that the event loop waits for each round trip (≈0.1 ms on a local socket;
// measured in test/pg-sync.test.ts and bench (g)); docs/architecture.md says when that stops paying.
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

type Answer = { id: number; rows: unknown[]; rowCount: number; error?: undefined } | { id: number; error: { message: string; code?: string; detail?: string } };

export interface SyncResult {
  rows: unknown[];
  rowCount: number;
}

/** A PostgreSQL error carried over from the worker: the SQLSTATE `code` and the server's message. */
export class PgSyncError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'PgSyncError';
  }
}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const pg = require(workerData.pgPath);
const port = workerData.port;
const flag = new Int32Array(workerData.flag);
// bigint and numeric (count, sum) as numbers, as better-sqlite3 returns them.
const toNumber = (text) => { const n = Number(text); if (!Number.isSafeInteger(n) && !Number.isFinite(n)) throw new Error('number out of range: ' + text); return n; };
const types = { getTypeParser: (oid, format) => (oid === 20 || oid === 1700) && format !== 'binary' ? toNumber : pg.types.getTypeParser(oid, format) };
let client = null;
async function connect() {
  client = new pg.Client({ connectionString: workerData.url, types, application_name: workerData.name });
  client.on('error', () => { client = null; });
  await client.connect();
}
const answer = (msg) => { port.postMessage(msg); Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); };
port.on('message', async (req) => {
  try {
    if (req.close) { if (client) await client.end().catch(() => {}); client = null; answer({ ok: true }); port.close(); return; }
    if (!client) await connect();
    const res = await client.query({ text: req.sql, values: req.params, rowMode: req.array ? 'array' : undefined });
    const last = Array.isArray(res) ? res[res.length - 1] : res;
    answer({ id: req.id, rows: last.rows || [], rowCount: last.rowCount || 0 });
  } catch (err) {
    answer({ id: req.id, error: { message: err && err.message || String(err), code: err && err.code, detail: err && err.detail } });
  }
});
`;

/**
 * One PostgreSQL connection used synchronously. Statements run one at a time, in call order, on
 * the same connection, so BEGIN … COMMIT issued through it is one transaction.
 */
export class SyncPgClient {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag: Int32Array;
  /** Never signalled: Atomics.wait on it is a short sleep. */
  private readonly nap = new Int32Array(new SharedArrayBuffer(4));
  private closed = false;
  private lastId = 0;

  constructor(
    readonly url: string,
    private readonly options: { name?: string; timeoutMs?: number } = {},
  ) {
    const shared = new SharedArrayBuffer(4);
    this.flag = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { url, port: port2, flag: shared, pgPath: createRequire(import.meta.url).resolve('pg'), name: options.name ?? 'baton' },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
  }

  /** Runs one statement (or, without params, several separated by `;`) and waits for its rows. */
  query(sql: string, params: unknown[] = [], array = false): SyncResult {
    if (this.closed) throw new PgSyncError('the PostgreSQL connection is closed', '08003');
    const id = ++this.lastId;
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ id, sql, params, array });
    const timeout = this.options.timeoutMs ?? 30_000;
    const deadline = performance.now() + timeout;
    // Each answer carries its request's id. The worker posts the answer and then raises the flag, but the
    // message can reach this port a moment after the flag (seen under load): so wait for the flag, then for
    // the message with this id, discarding anything else, until the deadline. The connection can never fall
    // one answer behind (an earlier version did, and then handed a statement another statement's rows).
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      if (Atomics.load(this.flag, 0) === 0) Atomics.wait(this.flag, 0, 0, Math.min(left, 1000));
      let received = receiveMessageOnPort(this.port);
      while (received) {
        const msg = received.message as Answer;
        if (msg.id === id) {
          if (msg.error) throw new PgSyncError(msg.error.message, msg.error.code, msg.error.detail);
          return msg;
        }
        received = receiveMessageOnPort(this.port);
      }
      if (Atomics.load(this.flag, 0) === 1) Atomics.wait(this.nap, 0, 0, 0.05);
    }
    this.closed = true;
    void this.worker.terminate();
    throw new PgSyncError(`PostgreSQL did not answer within ${timeout} ms; the connection is closed`, '57014');
  }

  close(): void {
    if (this.closed) return;
    try {
      Atomics.store(this.flag, 0, 0);
      this.port.postMessage({ close: true });
      Atomics.wait(this.flag, 0, 0, 2000);
    } finally {
      this.closed = true;
      void this.worker.terminate();
    }
  }
}
