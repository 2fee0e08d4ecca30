import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLocalServices } from '../server/local.ts';

// HISTORY_KEEP reaches a process on the database file (the CLI's --db, baton mcp) as it reaches the server.

describe('HISTORY_KEEP on a database file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-local-history-'));
  const saved = process.env.HISTORY_KEEP;
  afterEach(() => {
    if (saved === undefined) delete process.env.HISTORY_KEEP;
    else process.env.HISTORY_KEEP = saved;
  });

  it('keeps HISTORY_KEEP versions per key, and the default for a bad value', async () => {
    for (const [keep, expected] of [
      ['3', 3],
      ['not a number', 6],
    ] as const) {
      process.env.HISTORY_KEEP = keep;
      const local = openLocalServices(join(dir, `h-${expected}.db`), 'tester');
      try {
        for (let v = 1; v <= 6; v++) await local.memory.store({ namespace: 'n', key: 'k', value: `v${v}` });
        expect((await local.memory.history({ namespace: 'n', key: 'k' })).length).toBe(expected);
      } finally {
        local.close();
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });
});
