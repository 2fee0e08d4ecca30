import type { DbHandle } from '../../db/client.ts';
import { HEAD_SEQ_SQL } from '../../db/schema.ts';
import { DEFAULT_NOTIFY_PREFS, notifyPrefsSchema, SEVERITY_RANK, type NeedsYou, type NotifyPrefs, type Severity } from '../../lib/notify.ts';
import { BLOCKER_SEVERITIES } from '../../lib/session-types.ts';
import { BatonError } from '../../lib/errors.ts';
import { z } from 'zod';

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());
const OPEN_SESSION = `s.status NOT IN ('completed')`;

/**
 * Who "me" is on a board, for routing what needs attention (never for permission): a session I or
 * one of my tokens started (by account id), or whose owner label is my name, email or the email's
 * local part (the seed names owners by label, e.g. developer-001).
 */
export function ownerNames(user: { name: string; email: string }): string[] {
  return [...new Set([user.name, user.email, user.email.split('@')[0] ?? ''].map((x) => x.trim().toLowerCase()).filter(Boolean))];
}

/**
 * What needs a person now: agents waiting on their sessions, handoffs to them (and their own sent
 * back for changes), open critical blockers on their sessions. Read from the tables, so the header's
 * count is right on every page load; pages re-read it when the feed says a board or handoff changed.
 */
export class NeedsYouReader {
  constructor(private readonly h: DbHandle) {}

  /** `alertFrom`: the person's browser-notification threshold for blockers (their `blockerAlerts`); null: none. */
  read(user: { id: string; name: string; email: string }, alertFrom: Severity | null = null): NeedsYou {
    const names = ownerNames(user);
    const inNames = `(json_extract(s.details, '$.createdByAccount') = ? OR lower(s.owner) IN (${names.map(() => '?').join(', ')}))`;
    const mine = [user.id, ...names];
    const s = this.h.sqlite;
    const agents = s
      .prepare<unknown[], { sessionId: string; sessionTitle: string; name: string; message: string | null; since: number | null }>(
        `SELECT a.session_id AS sessionId, s.title AS sessionTitle, a.name, a.waiting_message AS message, a.waiting_since AS since
         FROM session_agents a JOIN work_sessions s ON s.id = a.session_id
         WHERE a.status = 'waiting' AND ${OPEN_SESSION} AND ${inNames} ORDER BY a.waiting_since`,
      )
      .all(...mine)
      .map((a) => ({ ...a, since: iso(a.since) }));
    const handoffs = s
      .prepare<unknown[], { id: string; sessionId: string; sessionTitle: string; from: string; expiresAt: number }>(
        `SELECT h.id, h.session_id AS sessionId, s.title AS sessionTitle, h.from_label AS "from", h.expires_at AS expiresAt
         FROM handoffs h JOIN work_sessions s ON s.id = h.session_id
         WHERE (h.to_user_id = ? AND h.status = 'pending') OR (h.from_user_id = ? AND h.status = 'changes-requested') ORDER BY h.expires_at`,
      )
      .all(user.id, user.id)
      .map((h) => ({ ...h, expiresAt: iso(h.expiresAt)! }));
    const blockers = s
      .prepare<unknown[], { sessionId: string; sessionTitle: string; id: number; description: string; severity: Severity }>(
        `SELECT b.session_id AS sessionId, s.title AS sessionTitle, b.id, b.description, b.severity
         FROM session_blockers b JOIN work_sessions s ON s.id = b.session_id
         WHERE b.resolved_at IS NULL AND b.severity = 'critical' AND ${OPEN_SESSION} AND ${inNames} ORDER BY b.created_at`,
      )
      .all(...mine);
    const alertSeverities = alertFrom ? BLOCKER_SEVERITIES.filter((v) => SEVERITY_RANK[v] >= SEVERITY_RANK[alertFrom]) : [];
    const blockerAlerts = alertSeverities.length
      ? s
          .prepare<unknown[], { sessionId: string; sessionTitle: string; id: number; description: string; severity: Severity }>(
            `SELECT b.session_id AS sessionId, s.title AS sessionTitle, b.id, b.description, b.severity
             FROM session_blockers b JOIN work_sessions s ON s.id = b.session_id
             WHERE b.resolved_at IS NULL AND b.severity IN (${alertSeverities.map(() => '?').join(', ')}) AND ${OPEN_SESSION} AND ${inNames}
             ORDER BY b.created_at`,
          )
          .all(...alertSeverities, ...mine)
      : [];
    const sessionIds = [...new Set([...agents.map((a) => a.sessionId), ...handoffs.map((h) => h.sessionId), ...blockers.map((b) => b.sessionId)])];
    const seq = s.prepare<[], { seq: number }>(HEAD_SEQ_SQL).get()!.seq;
    return { count: agents.length + handoffs.length + blockers.length, agents, handoffs, blockers, blockerAlerts, sessionIds, seq };
  }
}

// A patch names only what changes: no defaults here (a `.partial()` of the stored schema would fill
// every field it does not name with its default, so turning one thing on turned others off).
const flag = z.boolean({ error: 'must be true or false' }).optional();
const prefsPatchSchema = z
  .object({
    popups: z.object({ boardChanges: flag, handoffs: flag, agentsWaiting: flag }).strict().optional(),
    browser: z
      .object({ enabled: flag, handoffs: flag, agentsWaiting: flag, blockerSeverity: z.enum(BLOCKER_SEVERITIES).nullable().optional() })
      .strict()
      .optional(),
    quiet: flag,
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'give popups, browser or quiet');

/** Each person's notification preferences (one JSON row per user). */
export class NotifyPrefsStore {
  constructor(
    private readonly h: DbHandle,
    private readonly now: () => number = Date.now,
  ) {}

  get(userId: string): NotifyPrefs {
    const row = this.h.sqlite.prepare<[string], { prefs: string }>('SELECT prefs FROM notify_prefs WHERE user_id = ?').get(userId);
    if (!row) return DEFAULT_NOTIFY_PREFS;
    const parsed = notifyPrefsSchema.safeParse(JSON.parse(row.prefs));
    return parsed.success ? parsed.data : DEFAULT_NOTIFY_PREFS;
  }

  /** Merges a partial change into the stored preferences. */
  update(userId: string, input: unknown): NotifyPrefs {
    const r = prefsPatchSchema.safeParse(input ?? {});
    if (!r.success) {
      const issue = r.error.issues[0]!;
      const field = issue.path.join('.') || 'body';
      throw new BatonError('invalid_input', `${field}: ${issue.message}`, { field });
    }
    const cur = this.get(userId);
    const defined = <T extends object>(o: T | undefined) => Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined));
    const next = notifyPrefsSchema.parse({
      popups: { ...cur.popups, ...defined(r.data.popups) },
      browser: { ...cur.browser, ...defined(r.data.browser) },
      quiet: r.data.quiet ?? cur.quiet,
    });
    this.h.sqlite
      .prepare(
        'INSERT INTO notify_prefs (user_id, prefs, updated_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET prefs = excluded.prefs, updated_at = excluded.updated_at',
      )
      .run(userId, JSON.stringify(next), this.now());
    return next;
  }
}
