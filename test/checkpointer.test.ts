import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DbHandle } from '../db/client.ts';
import { MemoryService } from '../server/memory/service.ts';
import { waitFor } from './helpers.ts';

const dirs: string[] = [];
const handles: DbHandle[] = [];
afterEach(() => {
  for (const h of handles.splice(0)) if (h.sqlite.open) h.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(backgroundCheckpoint: NonNullable<Parameters<typeof openDatabase>[1]>['backgroundCheckpoint']) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-ckpt-'));
  dirs.push(dir);
  const path = join(dir, 'baton.db');
  const handle = openDatabase(path, { backgroundCheckpoint });
  handles.push(handle);
  return { handle, path, memory: new MemoryService(handle) };
}

/** ~1.5 MB of WAL: well past what SQLite's automatic checkpoint would leave in the WAL. */
function write(memory: MemoryService) {
  for (let i = 0; i < 300; i++) memory.store({ namespace: 'ckpt', key: `k/${i}`, value: 'x'.repeat(4000) }, 'test');
}

describe('background WAL checkpoint (db/checkpointer.ts)', () => {
  it('the writing connection never checkpoints; the worker copies the WAL into the database file', async () => {
    const { handle, path, memory } = open(true);
    // SQLite's own checkpoint stays on until the worker has the file open, then the writer stops checkpointing.
    await waitFor(() => handle.sqlite.pragma('wal_autocheckpoint', { simple: true }) === 0, 5000, 'the worker to take over');
    const before = statSync(path).size;
    write(memory);
    // Nothing on the writer copies pages back; only the worker can grow the main file.
    await waitFor(() => statSync(path).size > before + 1_000_000, 5000, 'the worker to checkpoint');
    expect(memory.retrieve({ namespace: 'ckpt', key: 'k/299' })?.value).toBe('x'.repeat(4000));
  });

  it('close() gives the connection back SQLite’s automatic checkpoint; without the option nothing changes', async () => {
    const { handle } = open(true);
    handle.close();
    const plain = open(false);
    expect(plain.handle.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(plain.handle.sqlite.pragma('synchronous', { simple: true })).toBe(1); // NORMAL, as before
  });

  it('the data is all there for a new connection after the writer and the worker are gone', async () => {
    const { handle, path, memory } = open(true);
    write(memory);
    handle.close();
    const again = openDatabase(path);
    handles.push(again);
    expect(new MemoryService(again).list({ namespace: 'ckpt', limit: 500 }).items).toHaveLength(300);
  });

  it('keeps the WAL bounded while writes never pause (a RESTART checkpoint once it is long)', async () => {
    const { path, memory } = open({ intervalMs: 10, restartFrames: 256 });
    // Back-to-back writes for ~1.5 s, each adding 3–5 frames: 40–80 MB of WAL if it never started over
    // (measured: 89 MB with PASSIVE alone). Between writes the loop yields, as a server does.
    const until = performance.now() + 1500;
    let writes = 0;
    let largest = 0;
    while (performance.now() < until) {
      memory.store({ namespace: 'busy', key: `k/${writes % 200}`, value: 'x'.repeat(300) }, 'test');
      if (++writes % 500 === 0) largest = Math.max(largest, statSync(`${path}-wal`).size);
      await new Promise(setImmediate);
    }
    expect(writes).toBeGreaterThan(2000);
    // Never far past restartFrames (1 MB) plus what one 10 ms interval and one copy can add.
    expect(largest).toBeLessThan(16 * 1024 * 1024);
    expect(memory.history({ namespace: 'busy', key: 'k/0' })[0]?.value).toBe('x'.repeat(300));
  });
});
