import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** SQLite's own default: what the main connection goes back to if the worker stops. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * WAL checkpoints off the event loop. SQLite runs an automatic checkpoint inside whichever COMMIT
 * takes the WAL past 1000 pages: that commit copies the WAL into the database file and fsyncs both
 * (milliseconds on this disk, tens of ms under load), so every ~100th write of a sequential client
 * stalls and the average write pays for it. Here the main connection never checkpoints; a worker
 * thread with its own connection to the same file runs a PASSIVE checkpoint every `intervalMs`
 * (PASSIVE never blocks writers or readers).
 *
 * Durability is unchanged: commits reach the WAL exactly as before (synchronous=NORMAL), and the
 * checkpoint fsyncs the WAL before copying it, as SQLite's own does. The window in which an OS
 * crash could lose recent commits is bounded by time (intervalMs) instead of by 1000 pages, which
 * at a low write rate is shorter than before.
 *
 * Once a second, not more often: a page rewritten many times within the interval (the feed's last
 * page, a hot key's history) is copied into the database once, and the checkpoint's two fsyncs are
 * paid once a second. At 100 ms the sequential MCP store rate was ~20% lower (A/B in README →
 * Benchmarks).
 *
 * Keeping the WAL bounded under sustained writes: a PASSIVE checkpoint copies the frames that were
 * there when it began, writers append meanwhile, so it is never complete when the next writer looks
 * and SQLite never starts the WAL over (measured: 105 MB after 10,000 back-to-back MCP stores). A
 * RESTART checkpoint in the worker must win the write lock between two writes and lost that race
 * for tens of ms at a time (WAL up to 50 MB in the test). So once the WAL holds `restartFrames`
 * frames, the worker asks the writing connection itself to checkpoint: between two of its own
 * writes nothing can append, that checkpoint completes (it only copies what came after the worker's
 * pass: ~1 ms), and the next write starts the WAL from its beginning; `journal_size_limit` trims
 * the file back.
 *
 * The main connection keeps SQLite's automatic checkpoint until the worker has opened the file and
 * says so: a worker starts in tens of ms, hundreds on a loaded machine, and back-to-back writes in
 * that window grew the WAL by ~18 KB each with nothing to copy it back. If the worker fails, the
 * main connection goes back to SQLite's automatic checkpoint, so the WAL never grows without bound.
 */
export function startBackgroundCheckpoint(
  sqlite: Database.Database,
  path: string,
  { intervalMs = 1000, restartFrames = 8192 }: { intervalMs?: number; restartFrames?: number } = {},
): { stop(): void } {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(
    `const Database = require(${JSON.stringify(driver)});
     const { parentPort, workerData } = require('node:worker_threads');
     const db = new Database(workerData.path, { fileMustExist: true });
     db.pragma('busy_timeout = 5000');
     db.pragma('synchronous = NORMAL');
     parentPort.postMessage({ ready: true });
     let stopped = false;
     const tick = () => {
       if (stopped) return;
       try {
         const [done] = db.pragma('wal_checkpoint(PASSIVE)');
         if (done && done.log >= workerData.restartFrames) parentPort.postMessage({ restart: true });
       } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
       setTimeout(tick, workerData.intervalMs);
     };
     setTimeout(tick, workerData.intervalMs);
     parentPort.on('message', () => { stopped = true; try { db.close(); } catch {} parentPort.close(); });`,
    { eval: true, workerData: { path, intervalMs, restartFrames } },
  );
  worker.unref();
  let active = true;
  // When the WAL starts over after a burst, the file is cut back to this size (4096-byte pages).
  sqlite.pragma(`journal_size_limit = ${restartFrames * 4096}`);
  const fallBack = () => {
    if (!active) return;
    active = false;
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  };
  worker.on('error', fallBack);
  worker.on('exit', fallBack);
  worker.on('message', (m: { error?: string; restart?: boolean; ready?: boolean }) => {
    // From here on the worker checkpoints: the writer stops doing it inside its commits.
    if (m.ready) {
      if (active && sqlite.open) sqlite.pragma('wal_autocheckpoint = 0');
      return;
    }
    if (m.restart) {
      try {
        if (active && sqlite.open && !sqlite.inTransaction) sqlite.pragma('wal_checkpoint(PASSIVE)');
      } catch {
        // Busy or a disk error: the worker's next pass asks again; a write would report the error.
      }
      return;
    }
    // A failing checkpoint (disk error) leaves the WAL to SQLite's own checkpoint again.
    if (m.error) {
      fallBack();
      void worker.terminate();
    }
  });
  return {
    stop() {
      if (!active) return;
      active = false;
      if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
      worker.postMessage('stop');
    },
  };
}
