import { and, asc, count, desc, eq, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { txRunner, type DbHandle, type TxRunner } from '../../db/client.ts';
import { HEAD_SEQ_SQL, memoryEntries, memoryHistory, type MemoryEntryRow } from '../../db/schema.ts';
import { BatonError, parseInput } from '../../lib/errors.ts';
import type { MemoryChange } from '../../lib/events.ts';
import { ChangeFeed } from '../feed/feed.ts';
import { hasWildcard, toSqliteGlob } from '../../lib/glob.ts';
import { hasWordChars, highlightAll, isPlainWord, searchTerms, snippet } from '../../lib/search-text.ts';
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
import type { DeleteResult, HistoryItem, MemoryEntry, NamespaceCount, Page, SearchHit, StoreResult } from '../../lib/memory-types.ts';
import { GroupCommit } from './group-commit.ts';
import { ENTRY_COLUMNS_E, sqliteTextIndex, type TextIndex } from '../../db/text-index.ts';
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
  /** How many of its newest matches a text search ranks (RANK_WINDOW; tests make it small). */
  rankWindow?: number;
  /** Entries a substring search reads, newest first (INSIDE_WORDS_ROWS; tests make it small). */
  insideWordsRows?: number;
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
  if (readable.length === 0) return sql`1 = 0`;
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
 * The key range a glob with a literal prefix can match: `from` (the prefix) up to `below` (the
 * prefix with its last character raised by one; null when none can be), in SQLite's BINARY order,
 * which for UTF-8 text is code point order. Null for a pattern that starts with a wildcard or has
 * none (a pattern without wildcards matches anywhere in the key).
 */
export function keyRange(pattern: string): { from: string; below: string | null } | null {
  if (!hasWildcard(pattern)) return null;
  const prefix = Array.from(pattern.slice(0, pattern.search(/[*?]/)));
  if (prefix.length === 0) return null;
  const from = prefix.join('');
  while (prefix.length > 0) {
    const last = prefix.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const up = last + 1 === 0xd800 ? 0xe000 : last + 1; // surrogates are not characters
      return { from, below: prefix.join('') + String.fromCodePoint(up) };
    }
  }
  return { from, below: null };
}

/** A text search ranks at most this many of its newest matches (and every older key match). */
export const RANK_WINDOW = 5_000;

/** Entries the inside-words fallback looks through (the newest by id). */
export const INSIDE_WORDS_ROWS = 50_000;

/** A text search's cursor is ['rank', offset] or ['inside', id]; a key-order one is [namespace, key]. */
function cursorTag(cursor: string): string {
  return decodeCursor(cursor, 2)[0]!;
}

function decodeTaggedCursor(cursor: string, tag: 'rank' | 'inside'): number {
  const [t, value] = decodeCursor(cursor, 2);
  const n = Number(value);
  if (t !== tag || !Number.isSafeInteger(n) || n < 0) {
    throw new BatonError('invalid_input', 'cursor: not a cursor returned by this server for this search', { field: 'cursor' });
  }
  return n;
}

/**
 * The memory store: every mutation commits the entry, its history row and a change-feed row in
 * one transaction. Reads never return an entry whose TTL has passed, whether or not it was swept.
 */
export class MemoryService {
  readonly now: () => number;
  readonly maxValueBytes: number;
  private readonly historyLimit: number;
  private readonly rankWindow: number;
  private readonly insideWordsRows: number;
  private readonly onCommit: () => void;
  private readonly project: (write: StoredWrite) => string | null;
  private readonly h: DbHandle;
  private readonly feed: ChangeFeed;

  private readonly q;
  private readonly group: GroupCommit;
  private readonly tx: TxRunner;
  private readonly textIndex: TextIndex;

  constructor(handle: DbHandle, options: MemoryServiceOptions = {}) {
    this.h = handle;
    this.now = options.now ?? Date.now;
    this.maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    this.historyLimit = options.historyLimit ?? 20;
    this.rankWindow = options.rankWindow ?? RANK_WINDOW;
    this.insideWordsRows = options.insideWordsRows ?? INSIDE_WORDS_ROWS;
    this.onCommit = options.onCommit ?? (() => {});
    this.project = options.project ?? (() => null);
    this.group = new GroupCommit(handle.sqlite);
    this.feed = options.feed ?? new ChangeFeed(handle);
    const s = handle.sqlite;
    this.tx = txRunner(s);
    this.textIndex = handle.textIndex ?? sqliteTextIndex(s);
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

  /**
   * search(), but a query with words runs in the search worker when one is attached (search-offload.ts), so
   * it never holds the event loop; globs, listings and bad input are answered here as before.
   */
  async searchAsync(input: SearchInput | Record<string, unknown>, readable: string[] = ['*']): Promise<Page<SearchHit>> {
    const query = (input as { query?: unknown }).query;
    if (this.offload && typeof query === 'string' && hasWordChars(query)) return this.offload.search(input, readable);
    return this.search(input, readable);
  }

  /** Where searchAsync sends queries with words (the server attaches one; tests and the CLI run in-process). */
  offload: { search(input: Record<string, unknown>, readable: string[]): Promise<Page<SearchHit>> } | null = null;

  /**
   * Search. `pattern`: a key glob (every namespace unless one is named); `query`: plain text, each
   * whitespace-separated term found where a word of the key or value starts with it (a term with
   * punctuation also exactly as written), through the word index `memory_fts`: results come best
   * first (BM25, a key match weighing ten times a value match) with highlighted snippets. When no
   * entry has such words, the terms are looked for inside words in the newest entries. Without a
   * query, or with terms that have no letter or digit, results come in (namespace, key) order.
   * `readable`: namespace patterns (`*`, `team-*`, a name) the caller may read; entries elsewhere
   * are left out, so a scoped token can search without naming a namespace.
   */
  search(input: SearchInput | Record<string, unknown>, readable: string[] = ['*']): Page<SearchHit> {
    const data = parseInput(searchInputSchema, input);
    const terms = data.query ? searchTerms(data.query) : [];
    const indexed = terms.filter(hasWordChars);
    const tag = data.cursor ? cursorTag(data.cursor) : null;
    return this.readConsistent(() => {
      // Terms with no letter or digit are substrings only (LIKE): read in the newest entries alone, as
      // the inside-words fallback does, or one query that matches nothing scans every value.
      if (indexed.length === 0) return this.keyOrderSearch(data, this.searchFilters(data, readable, terms), terms.length > 0);
      if (tag === 'inside') return this.insideWords(data, readable, terms);
      // Terms with punctuation must also appear as written: the word index does not see it.
      const ranked = this.rankedSearch(
        data,
        this.searchFilters(
          data,
          readable,
          terms.filter((t) => !isPlainWord(t)),
        ),
        indexed,
        terms,
      );
      return ranked.items.length > 0 || tag === 'rank' ? ranked : this.insideWords(data, readable, terms);
    });
  }

  /** The WHERE conditions every search shares (alias `e`), with their parameters. */
  private searchFilters(data: SearchInput & { limit: number }, readable: string[], exact: string[]): { sql: string[]; params: unknown[] } {
    const cond: string[] = ['(e.expires_at IS NULL OR e.expires_at > ?)'];
    const params: unknown[] = [this.now()];
    if (data.namespace) {
      cond.push('e.namespace = ?');
      params.push(data.namespace);
    }
    if (!readable.includes('*')) {
      // Namespace patterns use only `*` as a wildcard and namespaces cannot contain GLOB's other metacharacters.
      cond.push(readable.length === 0 ? '1 = 0' : `(${readable.map(() => 'e.namespace GLOB ?').join(' OR ')})`);
      params.push(...readable);
    }
    if (data.pattern) {
      const range = keyRange(data.pattern);
      if (range) {
        // A literal prefix becomes a range on the indexed key, so the glob reads only keys that can match.
        cond.push(range.below === null ? 'e.key >= ?' : 'e.key >= ? AND e.key < ?');
        params.push(range.from, ...(range.below === null ? [] : [range.below]));
      }
      cond.push('e.key GLOB ?');
      params.push(toSqliteGlob(data.pattern));
    }
    // Each of `exact` as a substring of the key or value, as written (LIKE: ASCII case folded).
    for (const t of exact) {
      const like = `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      cond.push("(e.key LIKE ? ESCAPE '\\' OR e.value LIKE ? ESCAPE '\\')");
      params.push(like, like);
    }
    return { sql: cond, params };
  }

  /** Text through the full-text index, best first; pages by offset (a cursor carries it). */
  private rankedSearch(data: SearchInput & { limit: number }, where: { sql: string[]; params: unknown[] }, indexed: string[], terms: string[]) {
    const offset = data.cursor ? decodeTaggedCursor(data.cursor, 'rank') : 0;
    const need = offset + data.limit + 1;
    const rows = this.textIndex.ranked({ indexed, where, need, rankWindow: this.rankWindow }).slice(offset, need);
    const more = rows.length > data.limit;
    const items: SearchHit[] = rows.slice(0, data.limit).map((row) => ({
      ...toEntry(row),
      match: {
        // bm25() is lower for better matches; the score is its negation, rounded (higher is better).
        score: Math.round(-row.score * 1e6) / 1e6,
        key: highlightAll(row.key, terms),
        value: snippet(row.value, terms),
      },
    }));
    return { items, nextCursor: more ? encodeCursor(['rank', String(offset + data.limit)]) : null };
  }

  /**
   * The fallback when no word starts with the terms: each term as a substring of the key or value
   * (`lock` in `blocked`), in the newest INSIDE_WORDS_ROWS entries only, so a query that matches
   * nothing never reads the whole table; newest first.
   */
  private insideWords(data: SearchInput & { limit: number }, readable: string[], terms: string[]) {
    const before = data.cursor ? decodeTaggedCursor(data.cursor, 'inside') : null;
    const where = this.searchFilters(data, readable, terms);
    if (before !== null) {
      where.sql.push('e.id < ?');
      where.params.push(before);
    }
    const rows = this.h.sqlite
      .prepare<unknown[], MemoryEntryRow & { id: number }>(
        `SELECT e.id, ${ENTRY_COLUMNS_E} FROM (SELECT * FROM memory_entries ORDER BY id DESC LIMIT ?) e
         WHERE ${where.sql.join(' AND ')} ORDER BY e.id DESC LIMIT ?`,
      )
      .all(this.insideWordsRows, ...where.params, data.limit + 1);
    const more = rows.length > data.limit;
    const items: SearchHit[] = rows.slice(0, data.limit).map(({ id: _id, ...row }) => ({
      ...toEntry(row),
      match: { score: 0, key: highlightAll(row.key, terms, false), value: snippet(row.value, terms, false) },
    }));
    return { items, nextCursor: more ? encodeCursor(['inside', String(rows[data.limit - 1]!.id)]) : null };
  }

  /** Globs (and text too short for the index) in (namespace, key) order, keyset-paged. */
  private keyOrderSearch(data: SearchInput & { limit: number }, where: { sql: string[]; params: unknown[] }, newestOnly = false) {
    const after = data.cursor ? decodeCursor(data.cursor, 2) : null;
    const from = newestOnly ? '(SELECT * FROM memory_entries ORDER BY id DESC LIMIT ?)' : 'memory_entries';
    const select = (extra: string, extraParams: unknown[], order: string, limit: number) =>
      this.h.sqlite
        .prepare<unknown[], MemoryEntryRow>(`SELECT ${ENTRY_COLUMNS_E} FROM ${from} e WHERE ${[...where.sql, extra].join(' AND ')} ORDER BY ${order} LIMIT ?`)
        .all(...(newestOnly ? [this.insideWordsRows] : []), ...where.params, ...extraParams, limit);
    let rows: MemoryEntryRow[];
    if (!newestOnly && !data.namespace && data.pattern && keyRange(data.pattern)) {
      // Across namespaces, a key range can only use the (namespace, key) index one namespace at a
      // time: walk the namespaces in order (one index probe each) and read each one's range.
      rows = [];
      const next = this.h.sqlite.prepare<[string], { n: string | null }>('SELECT min(namespace) AS n FROM memory_entries WHERE namespace > ?');
      let ns: string | null = after
        ? after[0]!
        : (this.h.sqlite.prepare<[], { n: string | null }>('SELECT min(namespace) AS n FROM memory_entries').get()?.n ?? null);
      while (ns !== null && rows.length <= data.limit) {
        const keyAfter = after && ns === after[0] ? [after[1]!] : [];
        rows.push(...select(`e.namespace = ?${keyAfter.length ? ' AND e.key > ?' : ''}`, [ns, ...keyAfter], 'e.key', data.limit + 1 - rows.length));
        ns = next.get(ns)?.n ?? null;
      }
    } else {
      const cursor = after ? (['(e.namespace > ? OR (e.namespace = ? AND e.key > ?))', [after[0], after[0], after[1]]] as const) : (['1 = 1', []] as const);
      rows = select(cursor[0], [...cursor[1]], 'e.namespace, e.key', data.limit + 1);
    }
    const more = rows.length > data.limit;
    const items: SearchHit[] = rows.slice(0, data.limit).map(toEntry);
    const last = items.at(-1);
    return { items, nextCursor: more && last ? encodeCursor([last.namespace, last.key]) : null };
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
