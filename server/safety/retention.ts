// Retention (issue 17): run by the sweeper on its slow ticks (every 30th sweep), each part doing a
// bounded batch so a tick never stalls writes however much has piled up; what is left waits for the
// next tick.
//
//   SESSION_ARCHIVE_DAYS  finished sessions inactive that long get details.archivedAt (SessionService)
//   HISTORY_KEEP          versions kept per key: written keys are trimmed as they are written; this
//                         walks every key in turn (after the limit was lowered, or an import)
//   AUDIT_RETENTION_DAYS  audit rows older than that are deleted, oldest first

import type { DbHandle } from '../../db/client.ts';
import type { SessionService } from '../sessions/service.ts';

const DAY = 86_400_000;

export interface RetentionOptions {
  /** 0: never archive. */
  sessionArchiveDays: number;
  historyKeep: number;
  /** 0: keep the audit log forever. */
  auditRetentionDays: number;
  now?: () => number;
  /** Per tick: sessions archived, keys looked at, audit rows deleted. */
  batch?: { sessions?: number; keys?: number; auditRows?: number };
}

export interface RetentionTick {
  archived: string[];
  historyTrimmed: number;
  auditDeleted: number;
}

export function createRetention(db: DbHandle, sessions: Pick<SessionService, 'archiveInactive'>, options: RetentionOptions): { tick(): RetentionTick } {
  const now = options.now ?? Date.now;
  const batch = { sessions: 100, keys: 500, auditRows: 2000, ...options.batch };
  const s = db.sqlite;
  // Keys in order from a cursor, with their history length: the primary key's index makes this a
  // walk over at most `keys` keys' rows.
  const keysAfter = s.prepare<[string, string, number], { namespace: string; key: string; n: number }>(
    `SELECT namespace, key, count(*) AS n FROM memory_history WHERE (namespace, key) > (?, ?)
     GROUP BY namespace, key ORDER BY namespace, key LIMIT ?`,
  );
  const trimKey = s.prepare<[string, string, string, string, number]>(
    `DELETE FROM memory_history WHERE namespace = ? AND key = ? AND seq <= (
       SELECT seq FROM memory_history WHERE namespace = ? AND key = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
  );
  // The audit log grows in id order with time: look only at its oldest rows.
  const pruneAudit = s.prepare<[number, number]>(
    `DELETE FROM audit_log WHERE id IN (SELECT id FROM (SELECT id, at FROM audit_log ORDER BY id LIMIT ?) oldest WHERE at < ?)`,
  );
  let cursor: [string, string] = ['', ''];

  const trimHistory = (): number => {
    const keys = keysAfter.all(cursor[0], cursor[1], batch.keys);
    cursor = keys.length < batch.keys ? ['', ''] : [keys.at(-1)!.namespace, keys.at(-1)!.key];
    const over = keys.filter((k) => k.n > options.historyKeep);
    if (over.length === 0) return 0;
    let deleted = 0;
    s.transaction(() => {
      for (const k of over) deleted += trimKey.run(k.namespace, k.key, k.namespace, k.key, options.historyKeep).changes;
    }).immediate();
    return deleted;
  };

  return {
    tick() {
      const at = now();
      const archived = options.sessionArchiveDays > 0 ? sessions.archiveInactive(at - options.sessionArchiveDays * DAY, batch.sessions) : [];
      const historyTrimmed = trimHistory();
      const auditDeleted = options.auditRetentionDays > 0 ? pruneAudit.run(batch.auditRows, at - options.auditRetentionDays * DAY).changes : 0;
      return { archived, historyTrimmed, auditDeleted };
    },
  };
}
