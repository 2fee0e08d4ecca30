import type { DbHandle } from '../../db/client.ts';
import { HEAD_SEQ_SQL, type ChangeRow } from '../../db/schema.ts';
import { ALL_MEMORY_ROOM, DASHBOARD_ROOM, HANDOFFS_ROOM, type Change } from '../../lib/events.ts';
import { toChange } from '../memory/service.ts';

const COLUMNS = 'seq, topic, namespace, key, op, version, value, actor, at, expires_at AS expiresAt';

/** Reads the change table: replay for subscribers, the broadcaster's tail, retention and pruning. */
export class ChangeFeed {
  private readonly stmts;

  constructor(private readonly h: DbHandle) {
    const s = h.sqlite;
    this.stmts = {
      head: s.prepare<[], { seq: number }>(
        HEAD_SEQ_SQL,
      ),
      oldest: s.prepare<[], { seq: number | null }>('SELECT min(seq) AS seq FROM changes'),
      after: s.prepare<[number, number], ChangeRow>(`SELECT ${COLUMNS} FROM changes WHERE seq > ? ORDER BY seq LIMIT ?`),
      prune: s.prepare<[number], unknown>('DELETE FROM changes WHERE seq <= ?'),
      recent: s.prepare<[number], ChangeRow>(`SELECT ${COLUMNS} FROM changes WHERE topic = 'memory' ORDER BY seq DESC LIMIT ?`),
    };
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
    const namespaces = rooms.filter((r) => r.startsWith('ns:')).map((r) => r.slice(3));
    const sessions = rooms.filter((r) => r.startsWith('session:')).map((r) => r.slice(8));
    if (rooms.includes(ALL_MEMORY_ROOM)) clauses.push("topic = 'memory'");
    else if (namespaces.length) {
      clauses.push(`(topic = 'memory' AND namespace IN (${namespaces.map(() => '?').join(',')}))`);
      params.push(...namespaces);
    }
    if (rooms.includes(DASHBOARD_ROOM)) clauses.push("topic = 'session'");
    else if (sessions.length) {
      clauses.push(`(topic = 'session' AND key IN (${sessions.map(() => '?').join(',')}))`);
      params.push(...sessions);
    }
    const users = rooms.filter((r) => r.startsWith('user:')).map((r) => r.slice(5));
    if (rooms.includes(HANDOFFS_ROOM)) clauses.push("topic = 'handoff'");
    else if (users.length) {
      const marks = users.map(() => '?').join(',');
      clauses.push(`(topic = 'handoff' AND (json_extract(value, '$.to.userId') IN (${marks}) OR json_extract(value, '$.from.userId') IN (${marks})))`);
      params.push(...users, ...users);
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
