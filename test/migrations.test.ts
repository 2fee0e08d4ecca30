import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.ts';
import { AuditLog } from '../server/auth/audit.ts';
import { ChangeFeed } from '../server/feed/feed.ts';
import { MemoryService } from '../server/memory/service.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of db/migrations holding only the first `count` migrations. */
function migrationsUpTo(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-migrations-'));
  dirs.push(dir);
  cpSync(resolve(import.meta.dirname, '../db/migrations'), dir, { recursive: true });
  const journalPath = join(dir, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
  journal.entries = journal.entries.slice(0, count);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

describe('migrations 0004 (lean feed) and 0005 (lean audit log)', () => {
  it('keeps every change, every history row and the head seq of a database written before it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-migrate-'));
    dirs.push(dir);
    const path = join(dir, 'baton.db');
    // A database as 0003 left it, written through the old schema (AUTOINCREMENT feed, history table + index).
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    migrate(drizzle(old), { migrationsFolder: migrationsUpTo(4) }); // 0000–0003
    const insertChange = old.prepare(
      "INSERT INTO changes (topic, namespace, key, op, version, value, actor, at) VALUES ('memory', 'team', ?, 'store', ?, ?, 'a', 1)",
    );
    const insertHistory = old.prepare(
      "INSERT INTO memory_history (seq, namespace, key, op, version, value, actor, at) VALUES (?, 'team', ?, 'store', ?, ?, 'a', 1)",
    );
    for (let v = 1; v <= 3; v++) {
      const seq = Number(insertChange.run('plan', v, `v${v}`).lastInsertRowid);
      insertHistory.run(seq, 'plan', v, `v${v}`);
    }
    const audit = old.prepare("INSERT INTO audit_log (at, actor_kind, actor_label, action, outcome) VALUES (1, 'user', 'ana', ?, 'ok')");
    audit.run('memory.store');
    audit.run('auth.sign-in');
    old
      .prepare(
        "INSERT INTO memory_entries (namespace, key, value, version, size, created_at, updated_at, updated_by) VALUES ('team', 'plan', 'v3', 3, 2, 1, 1, 'a')",
      )
      .run();
    old.close();

    const h = openDatabase(path);
    try {
      const memory = new MemoryService(h);
      expect(new ChangeFeed(h).headSeq()).toBe(3);
      expect(memory.history({ namespace: 'team', key: 'plan' }).map((r) => [r.seq, r.value])).toEqual([
        [3, 'v3'],
        [2, 'v2'],
        [1, 'v1'],
      ]);
      // The next write continues the sequence and the version, and lands in the new history table.
      expect(memory.store({ namespace: 'team', key: 'plan', value: 'v4' }, 'b')).toMatchObject({ seq: 4, version: 4 });
      expect(memory.history({ namespace: 'team', key: 'plan' })[0]).toMatchObject({ seq: 4, value: 'v4', actor: 'b' });
      const tables = h.sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE name IN ('changes', 'memory_history')").all() as {
        name: string;
        sql: string;
      }[];
      expect(tables.find((t) => t.name === 'memory_history')?.sql).toMatch(/WITHOUT ROWID/);
      expect(tables.find((t) => t.name === 'changes')?.sql).not.toMatch(/AUTOINCREMENT/);
      // 0005: the audit log keeps its rows and ids, and new ids follow on.
      const log = new AuditLog(h);
      log.record({ principal: { kind: 'anonymous' }, action: 'auth.sign-in.failed', outcome: 'failed' });
      expect(log.list({}).items.map((r) => [r.id, r.action])).toEqual([
        [3, 'auth.sign-in.failed'],
        [2, 'auth.sign-in'],
        [1, 'memory.store'],
      ]);
      expect(h.sqlite.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('changes', 'audit_log')").get()).toEqual({ n: 0 });
    } finally {
      h.close();
    }
  });

  it('pruning the feed keeps its newest row, so the head seq never goes back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-migrate-'));
    dirs.push(dir);
    const h = openDatabase(join(dir, 'baton.db'));
    try {
      const memory = new MemoryService(h);
      const feed = new ChangeFeed(h);
      for (let i = 0; i < 5; i++) memory.store({ key: `k${i}`, value: 'v' }, 'a');
      expect(feed.prune(0)).toBe(4);
      expect(feed.headSeq()).toBe(5);
      expect(memory.store({ key: 'next', value: 'v' }, 'a').seq).toBe(6);
    } finally {
      h.close();
    }
  });
});

describe('migration 0008 (full-text search over memory)', () => {
  it('indexes the entries of a database written before it, keeps their rowids as ids, and search finds them ranked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-migrate-'));
    dirs.push(dir);
    const path = join(dir, 'baton.db');
    // A database as 0007 left it: memory_entries keyed (namespace, key), no full-text index.
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    migrate(drizzle(old), { migrationsFolder: migrationsUpTo(8) }); // 0000–0007
    expect(old.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'memory_fts'").get()).toEqual({ n: 0 });
    const insert = old.prepare(
      'INSERT INTO memory_entries (namespace, key, value, version, size, created_at, updated_at, updated_by, expires_at) VALUES (?, ?, ?, 1, 1, 1, 1, ?, ?)',
    );
    insert.run('team', 'runbook/deploy', 'build, migrate, switch traffic', 'a', null);
    insert.run('team', 'notes/friday', 'we deploy on fridays with a rollback plan', 'a', null);
    insert.run('other', 'plan', 'nothing to see', 'a', null);
    insert.run('team', 'gone/deploy', 'expired deploy notes', 'a', 5); // expired long ago
    old.prepare("DELETE FROM memory_entries WHERE key = 'plan'").run(); // a hole in the rowids
    insert.run('other', 'later', 'deploy later', 'a', null);
    const rowids = old.prepare('SELECT rowid, namespace, key FROM memory_entries ORDER BY rowid').all();
    old.close();

    const h = openDatabase(path);
    try {
      expect(h.sqlite.prepare('SELECT id AS rowid, namespace, key FROM memory_entries ORDER BY id').all()).toEqual(rowids);
      expect(() => h.sqlite.prepare("INSERT INTO memory_fts(memory_fts, rank) VALUES ('integrity-check', 1)").run()).not.toThrow();
      const memory = new MemoryService(h);
      const found = memory.search({ query: 'deploy' }).items;
      expect(found.map((e) => `${e.namespace}:${e.key}`)).toEqual(['team:runbook/deploy', 'other:later', 'team:notes/friday']);
      expect(found[0]!.match!.key.ranges).toEqual([[8, 14]]);
      // Writes after the migration are indexed by the triggers.
      memory.store({ namespace: 'team', key: 'notes/friday', value: 'no more rollbacks' }, 'b');
      expect(memory.search({ query: 'deploy' }).items.map((e) => e.key)).toEqual(['runbook/deploy', 'later']);
      expect(memory.search({ query: 'rollback' }).items.map((e) => e.key)).toEqual(['notes/friday']);
    } finally {
      h.close();
    }
  });
});
