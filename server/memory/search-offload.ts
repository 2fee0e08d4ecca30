// Text search off the event loop (in a child process: the search worker). A search for common words over a large table takes tens to hundreds of ms
// of synchronous SQLite work; on the server's event loop every store, ack and fan-out waits behind it (bench (i):
// ack p99 204 ms while the store itself took 0.4 ms). Searches with words therefore run in a child process with
// its own read connection (WAL: it reads while the server writes, and sees every committed write, so a store
// acknowledged before a search is found by it). Globs and listings stay in-process: they are index range reads.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { StoreLocation } from '../../db/store.ts';
import { BatonError, type ErrorCode } from '../../lib/errors.ts';
import type { Page, SearchHit } from '../../lib/memory-types.ts';
import type { Logger } from '../logger.ts';

type SearchResult = Page<SearchHit>;

interface Pending {
  resolve: (r: SearchResult) => void;
  reject: (e: unknown) => void;
}

export class SearchOffload {
  private worker: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  /** Searches answered by the worker (tests and the benchmark read it). */
  answered = 0;

  constructor(
    private readonly location: StoreLocation,
    private readonly options: { maxValueBytes?: number; logger?: Logger } = {},
  ) {}

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    // A child process started with tsx's loader (the worker is TypeScript), not a worker thread: a crash or a
    // runaway query there never takes the server down, and its memory is its own.
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const worker = fork(
      fileURLToPath(new URL('./search-worker.ts', import.meta.url)),
      [JSON.stringify({ location: this.location, maxValueBytes: this.options.maxValueBytes })],
      {
        execArgv: ['--import', tsx],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        serialization: 'advanced',
      },
    );
    worker.unref();
    worker.channel?.unref();
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on(
        'message',
        (msg: { ready?: true; id?: number; result?: SearchResult; error?: { code: string; message: string; field?: string; baton?: boolean } }) => {
          if (msg.ready) return resolve();
          const p = this.pending.get(msg.id!);
          if (!p) return;
          this.pending.delete(msg.id!);
          if (msg.error) {
            const e = msg.error;
            p.reject(e.baton ? new BatonError(e.code as ErrorCode, e.message, e.field === undefined ? {} : { field: e.field }) : new Error(e.message));
          } else p.resolve(msg.result!);
        },
      );
      const fail = (err: Error) => {
        reject(err);
        if (!this.closed) this.options.logger?.warn({ err }, 'search worker stopped; it restarts with the next search');
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        this.worker = null;
        this.ready = null;
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`search worker exited with ${code}`)));
    });
    return this.ready;
  }

  /** Runs the search in the worker. Throws what the in-process search would (BatonError for bad input). */
  async search(input: Record<string, unknown>, readable: string[]): Promise<SearchResult> {
    if (this.closed) throw new Error('search worker closed');
    await this.start();
    const id = this.nextId++;
    const result = new Promise<SearchResult>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.worker!.send({ id, input, readable });
    const r = await result;
    this.answered++;
    return r;
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new Error('search worker closed'));
    this.pending.clear();
    if (w && w.exitCode === null) {
      const exited = new Promise((r) => w.once('exit', r));
      w.kill();
      await exited;
    }
  }
}
