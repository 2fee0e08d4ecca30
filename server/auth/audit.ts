import { and, desc, eq, gte, like, lt, type SQL } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.ts';
import { auditLog } from '../../db/schema.ts';
import type { Principal } from '../../lib/access.ts';
import { principalLabel } from '../../lib/access.ts';

export interface AuditEvent {
  principal: Principal;
  action: string;
  target?: string | null;
  outcome?: 'ok' | 'denied' | 'failed';
  ip?: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditQuery {
  action?: string;
  actor?: string;
  outcome?: 'ok' | 'denied' | 'failed';
  before?: number;
  since?: number;
  limit?: number;
}

/** The audit log: who (user, token or share link), what, when, from where. Never secrets. */
export class AuditLog {
  private readonly insert;
  private readonly updateDetail;

  constructor(
    private readonly h: DbHandle,
    private readonly now: () => number = Date.now,
  ) {
    this.updateDetail = h.sqlite.prepare<[string, number]>('UPDATE audit_log SET detail = ? WHERE id = ?');
    this.insert = h.sqlite.prepare<Record<string, unknown>, { id: number }>(
      `INSERT INTO audit_log (at, actor_kind, actor_id, actor_label, action, target, outcome, ip, detail)
       VALUES (@at, @actorKind, @actorId, @actorLabel, @action, @target, @outcome, @ip, @detail) RETURNING id`,
    );
  }

  /** Writes one row; returns its id. */
  record(event: AuditEvent): number {
    const p = event.principal;
    const row = this.insert.get({
      at: this.now(),
      actorKind: p.kind,
      actorId: 'id' in p ? p.id : null,
      actorLabel: principalLabel(p),
      action: event.action,
      target: event.target ?? null,
      outcome: event.outcome ?? 'ok',
      ip: event.ip ?? null,
      detail: event.detail ? JSON.stringify(event.detail) : null,
    });
    return row!.id;
  }

  /** Rewrites a row's detail (a folded run of identical denials counts its repeats there). */
  setDetail(id: number, detail: Record<string, unknown>): void {
    this.updateDetail.run(JSON.stringify(detail), id);
  }

  list(query: AuditQuery) {
    const conditions: SQL[] = [];
    if (query.action) conditions.push(like(auditLog.action, `${query.action.replace(/[%_]/g, '')}%`));
    if (query.actor) conditions.push(like(auditLog.actorLabel, `%${query.actor.replace(/[%_]/g, '')}%`));
    if (query.outcome) conditions.push(eq(auditLog.outcome, query.outcome));
    if (query.before) conditions.push(lt(auditLog.id, query.before));
    if (query.since) conditions.push(gte(auditLog.at, query.since));
    const limit = Math.min(Math.max(query.limit ?? 100, 1), 500);
    const rows = this.h.db
      .select()
      .from(auditLog)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(auditLog.id))
      .limit(limit)
      .all();
    return {
      items: rows.map((r) => ({ ...r, at: new Date(r.at).toISOString(), detail: r.detail ? JSON.parse(r.detail) : null })),
      nextBefore: rows.length === limit ? rows.at(-1)!.id : null,
    };
  }
}
