import type { DbHandle } from '../../db/client.ts';
import { HEAD_SEQ_SQL, type ChangeRow } from '../../db/schema.ts';
import { CHANGE_TOPICS, type Change, type ChangeTopic } from '../../lib/events.ts';
import { TOPIC_REPLAY } from './topics.ts';

const COLUMNS = 'seq, topic, namespace, key, op, version, value, actor, at, expires_at AS expiresAt';

/** A change as a service appends it (times in ms); the feed assigns its seq. */
export interface NewChange {
  topic: ChangeTopic;
  namespace: string;
  key: string;
  op: Change['op'];
  version: number;
  value: string | null;
  actor: string;
  at: number;
  expiresAt: number | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A change row as clients see it (ISO times); a row of an unknown topic reads as memory. */
export function toChange(row: ChangeRow): Change {
  const topic = (CHANGE_TOPICS as readonly string[]).includes(row.topic) ? (row.topic as ChangeTopic) : 'memory';
  return {
    seq: row.seq,
    topic,
    namespace: row.namespace,
    key: row.key,
    op: row.op,
    version: row.version,
    value: row.value,
    actor: row.actor,
    at: iso(row.at),
    expiresAt: row.expiresAt == null ? null : iso(row.expiresAt),
  } as Change;
}

/**
 * The change table: the one place change rows are written (append, inside the caller's
 * transaction) and read (replay for subscribers, the broadcaster's tail, retention and pruning).
 */
export class ChangeFeed {
  private readonly stmts;

  constructor(private readonly h: DbHandle) {
    const s = h.sqlite;
    this.stmts = {
      // RETURNING (not lastInsertRowid): the same statement gives the seq on both stores.
      append: s.prepare<NewChange, { seq: number }>(
        `INSERT INTO changes (topic, namespace, key, op, version, value, actor, at, expires_at)
         VALUES (@topic, @namespace, @key, @op, @version, @value, @actor, @at, @expiresAt) RETURNING seq`,
      ),
      head: s.prepare<[], { seq: number }>(HEAD_SEQ_SQL),
      oldest: s.prepare<[], { seq: number | null }>('SELECT min(seq) AS seq FROM changes'),
      after: s.prepare<[number, number], ChangeRow>(`SELECT ${COLUMNS} FROM changes WHERE seq > ? ORDER BY seq LIMIT ?`),
      prune: s.prepare<[number], unknown>('DELETE FROM changes WHERE seq <= ?'),
      recent: s.prepare<[number], ChangeRow>(`SELECT ${COLUMNS} FROM changes WHERE topic = 'memory' ORDER BY seq DESC LIMIT ?`),
    };
  }

  /** Appends one change and returns its seq; must run inside the mutation's own transaction. */
  append(change: NewChange): number {
    return this.stmts.append.get(change)!.seq;
  }

  headSeq(): number {
    return this.stmts.head.get()!.seq;
  }

  /**
   * Whether a client that applied everything up to `sinceSeq` can be caught up from the table:
   * nothing after it may have been pruned, and it may not be ahead of this database.
   */
  canReplayFrom(sinceSeq: number): boolean {
    const head = this.headSeq();
    if (sinceSeq > head) return false;
    const oldest = this.stmts.oldest.get()!.seq ?? head + 1;
    return sinceSeq >= oldest - 1;
  }

  /** Changes after `afterSeq` in seq order, all topics. */
  readAfter(afterSeq: number, limit: number): Change[] {
    return this.stmts.after.all(afterSeq, limit).map(toChange);
  }

  /** Changes after `afterSeq` that belong to any of `rooms`, in seq order. */
  readForRooms(afterSeq: number, rooms: readonly string[], limit: number): Change[] {
    const clauses: string[] = [];
    const params: unknown[] = [];
    for (const topic of CHANGE_TOPICS) {
      const filter = TOPIC_REPLAY[topic](rooms);
      if (!filter) continue;
      clauses.push(filter.sql);
      params.push(...filter.params);
    }
    if (clauses.length === 0) return [];
    return this.h.sqlite
      .prepare<unknown[], ChangeRow>(`SELECT ${COLUMNS} FROM changes WHERE seq > ? AND (${clauses.join(' OR ')}) ORDER BY seq LIMIT ?`)
      .all(afterSeq, ...params, limit)
      .map(toChange);
  }

  /** The newest changes in readable namespaces, newest first (the home page's activity list). */
  recent(limit: number, readable: string[] = ['*']): Change[] {
    if (readable.includes('*')) return this.stmts.recent.all(limit).map(toChange);
    if (readable.length === 0) return [];
    const where = `topic = 'memory' AND (${readable.map(() => 'namespace GLOB ?').join(' OR ')})`;
    return this.h.sqlite
      .prepare<unknown[], ChangeRow>(`SELECT ${COLUMNS} FROM changes WHERE ${where} ORDER BY seq DESC LIMIT ?`)
      .all(...readable, limit)
      .map(toChange);
  }

  /** Keeps the newest `keep` changes; a client older than that gets `resync`. Returns rows removed. */
  prune(keep: number): number {
    // The newest row always stays: the head seq is max(seq), and must never go back.
    const cutoff = this.headSeq() - Math.max(keep, 1);
    if (cutoff <= 0) return 0;
    return this.stmts.prune.run(cutoff).changes;
  }
}
