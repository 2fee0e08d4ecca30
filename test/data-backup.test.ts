// Backups (issue 17): SQLite's online backup API under load, checked, 0600, rotated; restore with
// integrity and schema checks that refuses a database in use.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { databaseInUse, quickCheck, restoreDatabase } from '../server/safety/backup.ts';
import { api, startTestServer, type TestServer, describeOn } from './helpers.ts';

let s: TestServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-backups-'));
  s = await startTestServer({ data: { backupDir: join(dir, 'auto'), backupKeep: 2 } });
});
afterAll(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

// SQLite's online backup of the server's file: on PostgreSQL the backup is pg_dump (below).
describeOn('sqlite')('backups', () => {
  it('a backup taken under a 4-writer load passes quick_check and holds every write acknowledged before it began', async () => {
    const acked: { key: string; version: number }[] = [];
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const res = await api(s.url, '/api/v1/memory/entry', {
          method: 'PUT',
          json: { namespace: 'load', key: `w${w}/${i % 50}`, value: { w, i, pad: 'x'.repeat(200) } },
        });
        expect(res.status).toBeLessThan(300);
        acked.push({ key: `w${w}/${i % 50}`, version: res.body.version });
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    await new Promise((r) => setTimeout(r, 700));
    const before = new Map<string, number>();
    for (const a of acked) before.set(a.key, Math.max(before.get(a.key) ?? 0, a.version));
    const res = await fetch(`${s.url}/api/v1/backup`, { headers: { authorization: `Bearer ${s.token}` } });
    expect(res.status).toBe(200);
    const file = join(dir, 'under-load.db');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()), { mode: 0o600 });
    stop = true;
    await Promise.all(writers);
    expect(before.size).toBeGreaterThan(20);

    expect(quickCheck(file)).toBe('ok');
    const restoredPath = join(dir, 'restored.db');
    const restored = await restoreDatabase(file, restoredPath);
    expect(restored.migrated).toBe(0);
    const db = new Database(restoredPath, { readonly: true });
    expect(db.pragma('quick_check', { simple: true })).toBe('ok');
    const get = db.prepare<[string], { version: number }>("SELECT version FROM memory_entries WHERE namespace = 'load' AND key = ?");
    for (const [key, version] of before) expect(get.get(key)?.version ?? 0, key).toBeGreaterThanOrEqual(version);
    db.close();
    expect(statSync(restoredPath).mode & 0o777).toBe(0o600);
  }, 60_000);

  it('Back up now writes a checked 0600 file into BACKUP_DIR, keeps BACKUP_KEEP, and health reports it', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await api(s.url, '/api/v1/backups', { method: 'POST', json: {} });
      expect(res.status).toBe(201);
      await new Promise((r) => setTimeout(r, 1100)); // names are to the second
    }
    const list = await api(s.url, '/api/v1/backups');
    expect(list.body.items).toHaveLength(2);
    const newest = join(dir, 'auto', list.body.items[0].name);
    expect(statSync(newest).mode & 0o777).toBe(0o600);
    expect(quickCheck(newest)).toBe('ok');
    const health = await api(s.url, '/api/v1/health', { token: null });
    expect(Date.parse(health.body.lastBackupAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(s.app.audit.list({ action: 'data.backup', limit: 10 }).items.length).toBeGreaterThanOrEqual(3);
  }, 30_000);

  it('restore refuses a database a running server has open (unless --force), a corrupt backup, and one from a newer Baton', async () => {
    expect(databaseInUse(s.dbPath)).toBe(true);
    const backup = join(dir, 'auto', (await api(s.url, '/api/v1/backups')).body.items[0].name);
    await expect(restoreDatabase(backup, s.dbPath)).rejects.toThrow(/open in another process/);

    const corrupt = join(dir, 'corrupt.db');
    const { copyFileSync, openSync, writeSync, closeSync } = await import('node:fs');
    copyFileSync(backup, corrupt);
    const fd = openSync(corrupt, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xab), 0, 4096, 8192);
    closeSync(fd);
    await expect(restoreDatabase(corrupt, join(dir, 'never.db'))).rejects.toThrow();

    const newer = join(dir, 'newer.db');
    copyFileSync(backup, newer);
    const n = new Database(newer);
    n.prepare("INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('from-the-future', 99999999999999)").run();
    n.close();
    await expect(restoreDatabase(newer, join(dir, 'never.db'))).rejects.toThrow(/newer Baton/);
  });
});

describeOn('postgres')('backups on PostgreSQL', () => {
  it('are pg_dump: the backup routes answer 409 saying so, never a 500; nothing is scheduled', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/backup'],
      ['POST', '/api/v1/backups'],
    ] as const) {
      const res = await api(s.url, path, { method, ...(method === 'POST' ? { json: {} } : {}) });
      expect(res.status, path).toBe(409);
      expect(res.body.error.message, path).toMatch(/PostgreSQL.*pg_dump/);
    }
    const list = await api(s.url, '/api/v1/backups');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ items: [], configured: false, lastGoodAt: null });
  });
});
