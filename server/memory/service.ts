import { and, asc, count, desc, eq, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { txRunner, type DbHandle, type TxRunner } from '../../db/client.ts';
import { HEAD_SEQ_SQL, memoryEntries, memoryHistory, type MemoryEntryRow } from '../../db/schema.ts';
import { BatonError, parseInput } from '../../lib/errors.ts';
import type { MemoryChange } from '../../lib/events.ts';
import { ChangeFeed } from '../feed/feed.ts';
import { toSqliteGlob } from '../../lib/glob.ts';
import {
  DEFAULT_MAX_VALUE_BYTES,
  entryRefSchema,
  listInputSchema,
  parseValue,
  searchInputSchema,
  storeInputSchema,
  type EntryRef,
  type ListInput,
  type SearchInput,
  type StoreInput,
  versionSchema,
} from '../../lib/memory-schema.ts';
import { z } from 'zod';
import type { DeleteResult, HistoryItem, MemoryEntry, NamespaceCount, Page, StoreResult } from '../../lib/memory-types.ts';
import { GroupCommit } from './group-commit.ts';
import type { Writer } from '../gate.ts';

/** Which kept version of a key to write back (`ifVersion`: only while the key is at that version). */
export const restoreInputSchema = entryRefSchema.extend({
  version: z.number({ error: 'must be an integer' }).int('must be an integer').min(1, 'must be 1 or more'),
  ifVersion: versionSchema.optional(),
});
export type RestoreInput = z.input<typeof restoreInputSchema>;

export interface StoredWrite {
  namespace: string;
  key: string;
  value: string;
  /** The writer's display label (the feed's `actor`). */
  actor: string;
  /** Who wrote it, by id: what a projection may use to decide (a handoff's sender). */
  writer: Writer;
  seq: number;
  at: number;
}

/** A writer, or a plain label for internal writes (the seed loader, tests) that decides nothing. */
export type WriterRef = Writer | string;
const toWriter = (w: WriterRef): Writer => (typeof w === 'string' ? { label: w, principalId: null, accountId: null } : w);

interface ChangeInsert {
  op: MemoryChange['op'];
  namespace: string;
  key: string;
  version: number;
  value: string | null;
  actor: string;
  at: number;
  expiresAt: number | null;
}

export interface MemoryServiceOptions {
  /** Injected clock (ms since epoch) so TTL rules can be tested without waiting. */
  now?: () => number;
  maxValueBytes?: number;
  historyLimit?: number;
  /** Called after every commit that wrote to the change feed, so the broadcaster wakes at once. */
  onCommit?: () => void;
  /** The change feed the writes are appended to (the server passes its own). */
  feed?: ChangeFeed;
  /**
   * Runs inside each store's transaction (the session projection). Returns a warning to keep on the
   * entry when the value could not be projected; it must never throw for a bad value.
   */
  project?: (write: StoredWrite) => string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms == null ? null : iso(ms));

/** An entry rewrite; `withTtl` also sets expires_at (only then is its index touched). */
const updateEntrySql = (withTtl: boolean) =>
  `UPDATE memory_entries SET value = @value, version = @version, size = @size, updated_at = @updatedAt, updated_by = @updatedBy,
     ${withTtl ? 'expires_at = @expiresAt, ' : ''}projection_warning = NULL WHERE namespace = @namespace AND key = @key`;

/** SQL limiting a namespace column to readable patterns; undefined when everything is readable. */
export function namespaceScope(column: SQLiteColumn, readable: string[]): SQL | undefined {
  if (readable.includes('*')) return undefined;
  // Namespace patterns use only `*` as a wildcard and namespaces cannot contain GLOB's other metacharacters.
  if (readable.length === 0) return sql`0`;
  return or(...readable.map((p) => sql`${column} GLOB ${p}`));
}

export function encodeCursor(parts: string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): string[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === arity && parts.every((p) => typeof p === 'string')) return parts;
  } catch {
    // fall through to the error below
  }
  throw new BatonError('invalid_input', 'cursor: not a cursor returned by this server', { field: 'cursor' });
}

export function toEntry(row: MemoryEntryRow): MemoryEntry {
  const { value, isJson } = parseValue(row.value);
  return {
    namespace: row.namespace,
    key: row.key,
    value,
    raw: row.value,
    isJson,
    version: row.version,
    size: row.size,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    updatedBy: row.updatedBy,
    expiresAt: isoOrNull(row.expiresAt),
    projectionWarning: row.projectionWarning ?? null,
  };
}

/**
 * The memory store: every mutation commits the entry, its history row and a change-feed row in
 * one transaction. Reads never return an entry whose TTL has passed, whether or not it was swept.
 */
export class MemoryService {
  readonly now: () => number;
  readonly maxValueBytes: number;
  private readonly historyLimit: number;
  private readonly onCommit: () => void;
  private readonly project: (write: StoredWrite) => string | null;
  private readonly h: DbHandle;
  private readonly feed: ChangeFeed;

  private readonly q;
  private readonly group: GroupCommit;
  private readonly tx: TxRunner;

  constructor(handle: DbHandle, options: MemoryServiceOptions = {}) {
    this.h = handle;
    this.now = options.now ?? Date.now;
    this.maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    this.historyLimit = options.historyLimit ?? 20;
    this.onCommit = options.onCommit ?? (() => {});
    this.project = options.project ?? (() => null);
    this.group = new GroupCommit(handle.sqlite);
    this.feed = options.feed ?? new ChangeFeed(handle);
    const s = handle.sqlite;
    this.tx = txRunner(s);
    // The write path uses raw prepared statements: building drizzle queries per call cost more
    // CPU than the SQLite work itself (profiled: ~4x slower stores). Reads with dynamic filters use drizzle.
    const entryColumns =
      'namespace, key, value, version, size, created_at AS createdAt, updated_at AS updatedAt, updated_by AS updatedBy, expires_at AS expiresAt, projection_warning AS projectionWarning';
    this.q = {
      getAny: s.prepare<{ namespace: string; key: string }, MemoryEntryRow>(
        `SELECT ${entryColumns} FROM memory_entries WHERE namespace = @namespace AND key = @key`,
      ),
      getLive: s.prepare<{ namespace: string; key: string; now: number }, MemoryEntryRow>(
        `SELECT ${entryColumns} FROM memory_entries
         WHERE namespace = @namespace AND key = @key AND (expires_at IS NULL OR expires_at > @now)`,
      ),
      insertEntry: s.prepare<MemoryEntryRow>(
        `INSERT INTO memory_entries (namespace, key, value, version, size, created_at, updated_at, updated_by, expires_at)
         VALUES (@namespace, @key, @value, @version, @size, @createdAt, @updatedAt, @updatedBy, @expiresAt)`,
      ),
      // Two updates: naming expires_at in SET rewrites its index entry even when it stays NULL,
      // a page per write that most writes (no TTL before or after) do not need.
      updateEntry: s.prepare<MemoryEntryRow>(updateEntrySql(false)),
      updateEntryTtl: s.prepare<MemoryEntryRow>(updateEntrySql(true)),
      setWarning: s.prepare<[string, string, string]>('UPDATE memory_entries SET projection_warning = ? WHERE namespace = ? AND key = ?'),
      deleteEntry: s.prepare<{ namespace: string; key: string }>('DELETE FROM memory_entries WHERE namespace = @namespace AND key = @key'),
      insertHistory: s.prepare<ChangeInsert & { seq: number }>(
        `INSERT INTO memory_history (seq, namespace, key, op, version, value, actor, at, expires_at)
         VALUES (@seq, @namespace, @key, @op, @version, @value, @actor, @at, @expiresAt)`,
      ),
      headSeq: s.prepare<[], { seq: number }>(HEAD_SEQ_SQL),
      pruneHistory: s.prepare<[string, string, string, string, number]>(
        `DELETE FROM memory_history WHERE namespace = ? AND key = ? AND seq <= (
           SELECT seq FROM memory_history WHERE namespace = ? AND key = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
      ),
      versionValue: s.prepare<[string, string, number], { value: string | null }>(
        `SELECT value FROM memory_history WHERE namespace = ? AND key = ? AND version = ? AND op = 'store' ORDER BY seq DESC LIMIT 1`,
      ),
      expiredBatch: s.prepare<{ now: number; limit: number }, MemoryEntryRow>(
        `SELECT ${entryColumns} FROM memory_entries WHERE expires_at IS NOT NULL AND expires_at <= @now LIMIT @limit`,
      ),
    };
  }

  headSeq(): number {
    return this.q.headSeq.get()!.seq;
  }

  /** Appends the feed row and the history row of one mutation; must run inside a transaction. */
  private record(change: ChangeInsert): number {
    const seq = this.feed.append({ topic: 'memory', ...change });
    this.q.insertHistory.run({ ...change, seq });
    // History only outgrows its limit past that many versions, or through delete/recreate cycles.
    if (change.version > this.historyLimit || change.op !== 'store') {
      this.q.pruneHistory.run(change.namespace, change.key, change.namespace, change.key, this.historyLimit);
    }
    return seq;
  }

  private transact<T>(fn: () => T): T {
    const result = this.tx.immediate(fn) as T;
    this.onCommit();
    return result;
  }

  store(input: StoreInput | Record<string, unknown>, by: WriterRef): StoreResult {
    const writer = toWriter(by);
    const actor = writer.label;
    const data = parseInput(storeInputSchema, input);
    const size = Buffer.byteLength(data.value, 'utf8');
    if (size > this.maxValueBytes) {
      throw new BatonError('too_large', `value: ${size} bytes is over the limit of ${this.maxValueBytes} bytes`, {
        field: 'value',
      });
    }
    return this.transact(() => {
      const now = this.now();
      let existing = this.q.getAny.get({ namespace: data.namespace, key: data.key });
      if (existing && existing.expiresAt != null && existing.expiresAt <= now) {
        // An expired entry no longer exists: purge it (with its own feed row) and start again at version 1.
        this.purge(existing, now);
        existing = undefined;
      }
      const currentVersion = existing?.version ?? 0;
      if (data.ifVersion !== undefined && data.ifVersion !== currentVersion) {
        throw new BatonError('version_conflict', `ifVersion: expected version ${data.ifVersion} but the current version is ${currentVersion}`, {
          field: 'ifVersion',
          currentVersion,
        });
      }
      const version = currentVersion + 1;
      const expiresAt = data.ttl ? now + Math.round(data.ttl * 1000) : null;
      const createdAt = existing?.createdAt ?? now;
      const row = {
        namespace: data.namespace,
        key: data.key,
        value: data.value,
        version,
        size,
        createdAt,
        updatedAt: now,
        updatedBy: actor,
        expiresAt,
        projectionWarning: null as string | null,
      };
      if (!existing) this.q.insertEntry.run(row);
      else if (expiresAt === null && existing.expiresAt == null) this.q.updateEntry.run(row);
      else this.q.updateEntryTtl.run(row);
      const seq = this.record({ op: 'store', namespace: data.namespace, key: data.key, version, value: data.value, actor, at: now, expiresAt });
      // Session-shaped writes also update the typed session rows, in this same transaction.
      const warning = this.project({ namespace: data.namespace, key: data.key, value: data.value, actor, writer, seq, at: now });
      if (warning) this.q.setWarning.run(warning, data.namespace, data.key);
      return {
        stored: true as const,
        namespace: data.namespace,
        key: data.key,
        version,
        seq,
        size,
        expiresAt: isoOrNull(expiresAt),
        createdAt: iso(createdAt),
        updatedAt: iso(now),
      };
    });
  }

  /** store() through group commit, for request handlers that run concurrently. */
  storeSoon(input: StoreInput | Record<string, unknown>, actor: WriterRef, after?: (result: StoreResult) => void): Promise<StoreResult> {
    return this.group.run(() => {
      const result = this.store(input, actor);
      after?.(result); // e.g. the audit row, committed with the write
      return result;
    });
  }

  /**
   * Writes the value `version` of a key had (its newest kept `store` row with that version) as a
   * new version: a store like any other, so it is projected, fed and audited the same way.
   */
  restoreVersion(input: RestoreInput | Record<string, unknown>, by: WriterRef): StoreResult & { restoredFrom: number } {
    const data = parseInput(restoreInputSchema, input);
    const row = this.q.versionValue.get(data.namespace, data.key, data.version);
    if (!row || row.value === null) {
      throw new BatonError('not_found', `version: ${data.namespace}/${data.key} has no kept version ${data.version} (see its history)`, { field: 'version' });
    }
    const result = this.store({ namespace: data.namespace, key: data.key, value: row.value, ifVersion: data.ifVersion }, by);
    return { ...result, restoredFrom: data.version };
  }

  /** restoreVersion() through group commit. */
  restoreSoon(
    input: RestoreInput | Record<string, unknown>,
    actor: WriterRef,
    after?: (result: StoreResult & { restoredFrom: number }) => void,
  ): Promise<StoreResult & { restoredFrom: number }> {
    return this.group.run(() => {
      const result = this.restoreVersion(input, actor);
      after?.(result);
      return result;
    });
  }

  /** delete() through group commit. */
  deleteSoon(input: EntryRef | Record<string, unknown>, actor: WriterRef, after?: (result: DeleteResult) => void): Promise<DeleteResult> {
    return this.group.run(() => {
      const result = this.delete(input, actor);
      after?.(result);
      return result;
    });
  }

  retrieve(input: EntryRef | Record<string, unknown>): MemoryEntry | null {
    const ref = parseInput(entryRefSchema, input);
    const row = this.q.getLive.get({ ...ref, now: this.now() });
    return row ? toEntry(row) : null;
  }

  delete(input: EntryRef | Record<string, unknown>, by: WriterRef): DeleteResult {
    const actor = toWriter(by).label;
    const ref = parseInput(entryRefSchema, input);
    return this.transact(() => {
      const now = this.now();
      const existing = this.q.getAny.get(ref);
      if (!existing) return { ...ref, deleted: false, seq: null };
      if (existing.expiresAt != null && existing.expiresAt <= now) {
        this.purge(existing, now);
        return { ...ref, deleted: false, seq: null };
      }
      this.q.deleteEntry.run(ref);
      const seq = this.record({ op: 'delete', ...ref, version: existing.version, value: null, actor, at: now, expiresAt: null });
      return { ...ref, deleted: true, seq };
    });
  }

  private purge(row: MemoryEntryRow, now: number): number {
    this.q.deleteEntry.run({ namespace: row.namespace, key: row.key });
    return this.record({
      op: 'expire',
      namespace: row.namespace,
      key: row.key,
      version: row.version,
      value: null,
      actor: 'system:ttl',
      at: now,
      expiresAt: row.expiresAt,
    });
  }

  /** Purges up to `limit` expired entries, each with an `expire` change; returns how many. */
  sweep(limit = 500): number {
    const now = this.now();
    const expired = this.q.expiredBatch.all({ now, limit });
    if (expired.length === 0) return 0;
    this.transact(() => {
      for (const row of expired) {
        // Re-read inside the transaction: another process may have rewritten the key meanwhile.
        const current = this.q.getAny.get({ namespace: row.namespace, key: row.key });
        if (current && current.expiresAt != null && current.expiresAt <= now) this.purge(current, now);
      }
    });
    return expired.length;
  }

  /** Keys of one namespace in key order; keyset pagination so inserts never shift a page. */
  list(input: ListInput | Record<string, unknown>): Page<MemoryEntry> {
    const data = parseInput(listInputSchema, input);
    const after = data.cursor ? decodeCursor(data.cursor, 1)[0]! : null;
    return this.readConsistent(() => {
      const conditions = [eq(memoryEntries.namespace, data.namespace), or(isNull(memoryEntries.expiresAt), gt(memoryEntries.expiresAt, this.now()))];
      if (data.prefix) {
        // SQLite's substr counts code points, not UTF-16 units: an emoji is 1 there and 2 in `.length`.
        const chars = [...data.prefix].length;
        conditions.push(sql`substr(${memoryEntries.key}, 1, ${chars}) = ${data.prefix}`);
      }
      if (after !== null) conditions.push(gt(memoryEntries.key, after));
      const rows = this.h.db
        .select()
        .from(memoryEntries)
        .where(and(...conditions))
        .orderBy(asc(memoryEntries.key))
        .limit(data.limit + 1)
        .all();
      const more = rows.length > data.limit;
      const items = rows.slice(0, data.limit).map(toEntry);
      return { items, nextCursor: more ? encodeCursor([items.at(-1)!.key]) : null };
    });
  }

  /** Glob over keys (every namespace unless one is named) plus an optional text query over values. */
  /**
   * `readable`: namespace patterns (`*`, `team-*`, a name) the caller may read; entries elsewhere
   * are left out, so a scoped token can search without naming a namespace.
   */
  search(input: SearchInput | Record<string, unknown>, readable: string[] = ['*']): Page<MemoryEntry> {
    const data = parseInput(searchInputSchema, input);
    const after = data.cursor ? decodeCursor(data.cursor, 2) : null;
    return this.readConsistent(() => {
      const e = memoryEntries;
      const conditions = [or(isNull(e.expiresAt), gt(e.expiresAt, this.now()))];
      if (data.namespace) conditions.push(eq(e.namespace, data.namespace));
      const scope = namespaceScope(e.namespace, readable);
      if (scope) conditions.push(scope);
      if (data.pattern) conditions.push(sql`${e.key} GLOB ${toSqliteGlob(data.pattern)}`);
      if (data.query) {
        const escaped = data.query.replace(/[\\%_]/g, (c) => `\\${c}`);
        conditions.push(sql`${e.value} LIKE ${`%${escaped}%`} ESCAPE '\\'`);
      }
      if (after) {
        conditions.push(or(gt(e.namespace, after[0]!), and(eq(e.namespace, after[0]!), gt(e.key, after[1]!))));
      }
      const rows = this.h.db
        .select()
        .from(e)
        .where(and(...conditions))
        .orderBy(asc(e.namespace), asc(e.key))
        .limit(data.limit + 1)
        .all();
      const more = rows.length > data.limit;
      const items = rows.slice(0, data.limit).map(toEntry);
      const last = items.at(-1);
      return { items, nextCursor: more && last ? encodeCursor([last.namespace, last.key]) : null };
    });
  }

  namespaces(readable: string[] = ['*']): { items: NamespaceCount[]; seq: number } {
    return this.readConsistent(() => ({
      items: this.h.db
        .select({ namespace: memoryEntries.namespace, count: count() })
        .from(memoryEntries)
        .where(and(or(isNull(memoryEntries.expiresAt), gt(memoryEntries.expiresAt, this.now())), namespaceScope(memoryEntries.namespace, readable)))
        .groupBy(memoryEntries.namespace)
        .orderBy(asc(memoryEntries.namespace))
        .all(),
    }));
  }

  history(input: EntryRef | Record<string, unknown>): HistoryItem[] {
    const ref = parseInput(entryRefSchema, input);
    return this.h.db
      .select()
      .from(memoryHistory)
      .where(and(eq(memoryHistory.namespace, ref.namespace), eq(memoryHistory.key, ref.key)))
      .orderBy(desc(memoryHistory.seq))
      .limit(this.historyLimit)
      .all()
      .map((r) => ({
        op: r.op,
        version: r.version,
        value: r.value,
        actor: r.actor,
        at: iso(r.at),
        expiresAt: isoOrNull(r.expiresAt),
        seq: r.seq,
      }));
  }

  /** Runs reads and the head seq in one read transaction, so a snapshot and its seq agree. */
  private readConsistent<T extends object>(fn: () => T): T & { seq: number } {
    return this.tx.deferred(() => ({ ...fn(), seq: this.headSeq() })) as T & { seq: number };
  }
}
