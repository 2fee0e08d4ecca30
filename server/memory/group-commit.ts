import type Database from 'better-sqlite3';
import { txRunner, type TxRunner } from '../../db/client.ts';

interface Job {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/**
 * Group commit: writes that arrive in the same tick (concurrent REST, socket and MCP requests)
 * share one SQLite transaction, so a commit's fixed cost is paid once per batch. Each write runs in
 * its own savepoint (better-sqlite3 nests transactions that way), so a failing write (a CAS
 * conflict, a bad field) rolls back alone. Callers are answered only after the batch commits.
 */
export class GroupCommit {
  private queue: Job[] = [];
  private scheduled = false;

  private readonly tx: TxRunner;

  constructor(
    sqlite: Database.Database,
    private readonly maxBatch = 256,
  ) {
    this.tx = txRunner(sqlite);
  }

  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: write, resolve: resolve as (v: unknown) => void, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  flush(): void {
    this.scheduled = false;
    const jobs = this.queue;
    this.queue = [];
    if (jobs.length === 0) return;
    if (jobs.length === 1) {
      // A batch of one (a sequential client) needs no savepoint: if it fails, the whole
      // transaction rolls back, which is exactly that one write.
      const job = jobs[0]!;
      let value: unknown;
      try {
        value = this.tx.immediate(job.run);
      } catch (err) {
        job.reject(err);
        return;
      }
      job.resolve(value);
      return;
    }
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.tx.immediate(() => {
        for (const job of jobs) {
          try {
            outcomes.push({ ok: true, value: this.tx(job.run) });
          } catch (err) {
            outcomes.push({ ok: false, value: err });
          }
        }
      });
    } catch (err) {
      // The commit itself failed (disk full, database locked too long): nothing in the batch happened.
      for (const job of jobs) job.reject(err);
      return;
    }
    jobs.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.value);
    });
  }
}
