import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.ts';

// Issue 14, finding 9a: the database (it holds better-auth session tokens) was created 0644, readable
// by every local account. Data files are 0600 and a data folder Baton creates is 0700.
const root = mkdtempSync(join(tmpdir(), 'baton-modes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('database file modes', () => {
  it('a fresh database: folder 0700, db, -wal and -shm 0600', () => {
    const dir = join(root, 'fresh', 'data');
    const path = join(dir, 'baton.db');
    const handle = openDatabase(path);
    try {
      handle.sqlite.prepare('CREATE TABLE IF NOT EXISTS t (x)').run();
      handle.sqlite.prepare('INSERT INTO t VALUES (1)').run();
      expect(existsSync(`${path}-wal`)).toBe(true);
      expect(existsSync(`${path}-shm`)).toBe(true);
      expect({ dir: mode(dir), parent: mode(join(root, 'fresh')) }).toEqual({ dir: '700', parent: '700' });
      expect({ db: mode(path), wal: mode(`${path}-wal`), shm: mode(`${path}-shm`) }).toEqual({ db: '600', wal: '600', shm: '600' });
    } finally {
      handle.close();
    }
  });

  it('an existing database left readable by others is tightened on open', () => {
    const dir = join(root, 'old');
    const path = join(dir, 'baton.db');
    openDatabase(path).close();
    chmodSync(path, 0o644);
    writeFileSync(`${path}-wal`, '');
    chmodSync(`${path}-wal`, 0o644);
    const handle = openDatabase(path);
    try {
      handle.sqlite.prepare('CREATE TABLE IF NOT EXISTS t (x)').run();
      expect({ db: mode(path), wal: mode(`${path}-wal`) }).toEqual({ db: '600', wal: '600' });
    } finally {
      handle.close();
    }
  });

  it('an existing folder is left as it is (it may be shared, like /tmp)', () => {
    const dir = join(root, 'shared');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    openDatabase(join(dir, 'baton.db')).close();
    expect(mode(dir)).toBe('755');
    expect(mode(join(dir, 'baton.db'))).toBe('600');
  });
});
