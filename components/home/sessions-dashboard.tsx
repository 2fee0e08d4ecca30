'use client';

import { TimeAgo } from '../ui/time-ago';
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { DASHBOARD_ROOM, type Change, type PresenceViewer } from '../../lib/events';
import { SESSION_TYPES, summaryOf, type SessionStatus, type SessionSummary, type SessionType } from '../../lib/session-types';
import { api } from '../auth/api';
import { useCanWrite } from '../auth/me';
import { useFeed } from '../realtime/connection';
import { usePresence } from '../realtime/use-presence';
import { useNow } from '../ui/use-now';
import { useNeedsYou } from '../notify/needs-you';
import type { NeedsYou } from '../../lib/notify';

const ROOMS = [DASHBOARD_ROOM];
/** Sessions per page of GET /api/v1/sessions: the first screen, then "Show more". */
export const PAGE_SIZE = 100;
type SessionsPage = { items: SessionSummary[]; seq: number; total: number; nextCursor: string | null };
const typeLabel: Record<SessionType, string> = { development: 'Development', coordination: 'Coordination', review: 'Review', planning: 'Planning' };
export const statusLook: Record<SessionStatus, string> = {
  active: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
  paused: 'bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
  interrupted: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300',
  'handed-off': 'bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-300',
  completed: 'bg-slate-100 text-slate-500 dark:bg-slate-900 dark:text-slate-400',
};

function Viewers({ viewers }: { viewers: PresenceViewer[] }) {
  if (viewers.length === 0) return null;
  return (
    <span
      className="flex -space-x-1.5"
      data-testid="board-viewers"
      data-count={viewers.length}
      title={viewers.map((v) => `${v.name} (${v.kind === 'token' ? 'agent' : v.kind === 'share' ? 'shared screen' : 'person'})`).join(', ')}
    >
      {viewers.slice(0, 4).map((v) => (
        <span
          key={v.id}
          className={`inline-flex h-6 w-6 items-center justify-center rounded-full border-2 border-white text-[10px] font-bold uppercase text-white dark:border-slate-950 ${v.kind === 'token' ? 'bg-sky-600' : v.kind === 'share' ? 'bg-slate-500' : 'bg-accent-600'}`}
        >
          {v.name.slice(0, 2)}
        </span>
      ))}
      {viewers.length > 4 && <span className="pl-2 text-xs text-slate-500">+{viewers.length - 4}</span>}
    </span>
  );
}

function SessionCard({ session, now, viewers, needs }: { session: SessionSummary; now: number; viewers: PresenceViewer[]; needs?: NeedsYou | null }) {
  const waiting = needs?.agents.filter((a) => a.sessionId === session.id) ?? [];
  const pct = session.goalsTotal ? Math.round((session.goalsDone / session.goalsTotal) * 100) : null;
  return (
    <li>
      <Link
        href={`/sessions/${encodeURIComponent(session.id)}`}
        // Not prefetched: a hundred cards in view would each ask the server for the board's route payload.
        prefetch={false}
        data-testid="session-card"
        data-session={session.id}
        data-status={session.status}
        className="block rounded-xl border border-slate-200 p-4 transition hover:border-accent-500 hover:shadow-sm focus-visible:outline-2 focus-visible:outline-accent-500 dark:border-slate-800"
      >
        <div className="flex items-start justify-between gap-2">
          <div className="min-w-0 flex-1">
            <p className="truncate font-semibold">{session.title}</p>
            <p className="truncate text-sm text-slate-500">{[session.subtype, session.project, session.owner].filter(Boolean).join(' · ') || session.id}</p>
          </div>
          <span className={`shrink-0 rounded-full px-2 py-0.5 text-xs font-semibold ${statusLook[session.status]}`}>{session.status}</span>
        </div>
        {waiting.map((a) => (
          <p
            key={a.name}
            data-testid="card-waiting"
            className="mt-2 truncate rounded-md bg-rose-50 px-2 py-1 text-xs font-medium text-rose-800 dark:bg-rose-950 dark:text-rose-200"
          >
            {a.name}: Waiting for you{a.message ? ` — ${a.message}` : ''}
          </p>
        ))}
        {pct !== null && (
          <div className="mt-3" aria-label={`${session.goalsDone} of ${session.goalsTotal} goals done`}>
            <div className="h-1.5 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800">
              <div className="h-full rounded-full bg-accent-500" style={{ width: `${pct}%` }} />
            </div>
          </div>
        )}
        <div className="mt-3 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-500">
          {session.goalsTotal > 0 && (
            <span>
              {session.goalsDone}/{session.goalsTotal} goals
            </span>
          )}
          {session.openBlockers > 0 && (
            <span className="font-semibold text-rose-600 dark:text-rose-400">
              {session.openBlockers} blocker{session.openBlockers === 1 ? '' : 's'}
            </span>
          )}
          <TimeAgo className="ml-auto" at={session.lastActivityAt} now={now} />
          <Viewers viewers={viewers} />
        </div>
      </Link>
    </li>
  );
}

/** Active sessions by type, the ones needing recovery, live status and who is on each board. */
export function SessionsDashboard() {
  const canWrite = useCanWrite();
  const now = useNow(15_000);
  // The first page of sessions (most recent activity first), then more on demand: `total` is the true count, `next` the cursor of the rest.
  const [data, setData] = useState<{ sessions: Map<string, SessionSummary>; seq: number; total: number; next: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const dataRef = useRef(data);
  dataRef.current = data;
  const [error, setError] = useState<string | null>(null);
  const [presence, setPresence] = useState<Map<string, PresenceViewer[]>>(new Map());
  const [project, setProject] = useState('');
  const [type, setType] = useState<SessionType | ''>('');
  const [loadingExamples, setLoadingExamples] = useState(false);
  const needs = useNeedsYou();
  // "Needs you": only sessions with an agent waiting, a critical blocker or a handoff for me (?needs=1 from the header).
  const [needsOnly, setNeedsOnly] = useState(false);
  useEffect(() => setNeedsOnly(new URLSearchParams(window.location.search).get('needs') === '1'), []);

  const load = useCallback(async () => {
    const res = await api<SessionsPage>(`/api/v1/sessions?limit=${PAGE_SIZE}`);
    setData({ sessions: new Map(res.items.map((s) => [s.id, s])), seq: res.seq, total: res.total, next: res.nextCursor });
    setError(null);
    return res.seq;
  }, []);
  useEffect(() => {
    load().catch((e: Error) => setError(e.message));
  }, [load]);

  // The true total of a partly loaded list, asked again when a session it had not listed changes (new, or older and not loaded yet).
  const recount = useCallback(() => {
    api<SessionsPage>('/api/v1/sessions?limit=1')
      .then((res) => setData((d) => (d ? { ...d, total: Math.max(res.total, d.sessions.size) } : d)))
      .catch(() => undefined);
  }, []);

  useFeed(
    ROOMS,
    data?.seq ?? null,
    (changes: Change[]) => {
      const listed = dataRef.current;
      const unlisted =
        !!listed?.next && changes.some((c) => c.topic === 'session' && c.value && !listed.sessions.has((JSON.parse(c.value) as SessionSummary).id));
      setData((d) => {
        if (!d) return d;
        const sessions = new Map(d.sessions);
        let total = d.total;
        for (const c of changes) {
          if (c.topic !== 'session' || !c.value) continue;
          const board = JSON.parse(c.value) as SessionSummary;
          const known = sessions.get(board.id);
          if (!known) {
            // Everything listed: it is new. Otherwise it may be an older one not loaded yet: the server says.
            if (d.next === null) total++;
          }
          if (!known || known.version <= board.version) sessions.set(board.id, summaryOf(board));
        }
        return { ...d, sessions, total: Math.max(total, sessions.size) };
      });
      if (unlisted) recount();
    },
    load,
  );

  // Who is on which board: the server reports every board's viewers to the dashboard room.
  usePresence(DASHBOARD_ROOM, (state) => {
    if (state.room.startsWith('session:')) setPresence((p) => new Map(p).set(state.room.slice(8), state.viewers));
  });

  // The next page, appended; a session already listed (moved by a live update) keeps its newer version.
  const loadMore = async () => {
    if (!data?.next) return;
    setLoadingMore(true);
    try {
      const res = await api<SessionsPage>(`/api/v1/sessions?limit=${PAGE_SIZE}&cursor=${encodeURIComponent(data.next)}`);
      setData((d) => {
        if (!d) return d;
        const sessions = new Map(d.sessions);
        for (const s of res.items) {
          const known = sessions.get(s.id);
          if (!known || known.version < s.version) sessions.set(s.id, s);
        }
        return { ...d, sessions, total: Math.max(res.total, sessions.size), next: res.nextCursor };
      });
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoadingMore(false);
    }
  };

  const loadExamples = async () => {
    setLoadingExamples(true);
    try {
      await api('/api/v1/examples', { method: 'POST' });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoadingExamples(false);
    }
  };

  const all = useMemo(() => [...(data?.sessions.values() ?? [])], [data]);
  const projects = useMemo(() => [...new Set(all.map((s) => s.project).filter((p): p is string => !!p))].sort(), [all]);
  const needIds = new Set(needs?.sessionIds ?? []);
  const shown = all.filter((s) => (!project || s.project === project) && (!type || s.type === type) && (!needsOnly || needIds.has(s.id)));
  const interrupted = shown.filter((s) => s.status === 'interrupted');
  const live = shown.filter((s) => s.status === 'active' || s.status === 'paused');
  const recent = shown.filter((s) => s.status === 'handed-off' || s.status === 'completed').slice(0, 6);

  if (error && !data)
    return (
      <p role="alert" className="rounded-lg border border-rose-300 bg-rose-50 p-4 text-rose-800 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200">
        Could not load sessions: {error}
      </p>
    );
  if (!data)
    return (
      <p className="text-slate-500" aria-busy="true">
        Loading sessions…
      </p>
    );

  if (all.length === 0) {
    return (
      <section className="rounded-xl border border-dashed border-slate-300 p-8 text-center dark:border-slate-700" data-testid="sessions-empty">
        <h2 className="text-lg font-semibold">No sessions yet</h2>
        <p className="mx-auto mt-2 max-w-xl text-slate-600 dark:text-slate-400">
          A session appears as soon as an agent stores its state, e.g. <code className="font-mono text-sm">session/development/init</code> with
          <code className="font-mono text-sm"> memory_usage</code>. To look around first, load the example sessions: the calls of the session-management guide,
          replayed through Baton.
        </p>
        {canWrite && (
          <button
            type="button"
            onClick={() => void loadExamples()}
            disabled={loadingExamples}
            className="mt-4 rounded-md bg-accent-600 px-4 py-2 text-sm font-semibold text-white hover:bg-accent-500 disabled:opacity-60"
          >
            {loadingExamples ? 'Loading…' : 'Load example sessions'}
          </button>
        )}
        {error && (
          <p role="alert" className="mt-3 text-sm text-rose-600">
            {error}
          </p>
        )}
      </section>
    );
  }

  return (
    <div className="space-y-6" data-testid="sessions-dashboard">
      <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Filters">
        <button
          type="button"
          aria-pressed={type === ''}
          onClick={() => setType('')}
          className={`rounded-full border px-3 py-1 text-sm ${type === '' ? 'border-accent-600 bg-accent-600 text-white' : 'border-slate-300 dark:border-slate-700'}`}
        >
          All
        </button>
        {SESSION_TYPES.map((t) => (
          <button
            key={t}
            type="button"
            aria-pressed={type === t}
            onClick={() => setType(t)}
            className={`rounded-full border px-3 py-1 text-sm ${type === t ? 'border-accent-600 bg-accent-600 text-white' : 'border-slate-300 dark:border-slate-700'}`}
          >
            {typeLabel[t]}
          </button>
        ))}
        {needs && (
          <button
            type="button"
            data-testid="needs-you-filter"
            aria-pressed={needsOnly}
            onClick={() => setNeedsOnly((v) => !v)}
            className={`rounded-full border px-3 py-1 text-sm ${needsOnly ? 'border-rose-600 bg-rose-600 text-white' : 'border-slate-300 dark:border-slate-700'}`}
          >
            Needs you{needs.sessionIds.length ? ` (${needs.sessionIds.length})` : ''}
          </button>
        )}
        <label className="ml-auto flex items-center gap-2 text-sm text-slate-600 dark:text-slate-400">
          Project
          <select
            value={project}
            onChange={(e) => setProject(e.target.value)}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
          >
            <option value="">All projects</option>
            {projects.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
      </div>

      {interrupted.length > 0 && (
        <section aria-labelledby="needs-recovery" className="rounded-xl border border-amber-300 bg-amber-50/60 p-4 dark:border-amber-800 dark:bg-amber-950/40">
          <h2 id="needs-recovery" className="text-sm font-semibold uppercase tracking-wide text-amber-800 dark:text-amber-300">
            Interrupted: needs recovery
          </h2>
          <ul className="mt-3 grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-4 [&>li]:min-w-0" data-testid="interrupted">
            {interrupted.map((s) => (
              <SessionCard key={s.id} session={s} now={now} viewers={presence.get(s.id) ?? []} needs={needs} />
            ))}
          </ul>
        </section>
      )}

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2 2xl:grid-cols-4">
        {SESSION_TYPES.filter((t) => !type || t === type).map((t) => {
          const sessions = live.filter((s) => s.type === t);
          return (
            <section key={t} aria-labelledby={`type-${t}`} data-testid={`sessions-${t}`} className="min-w-0">
              <h2 id={`type-${t}`} className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-500">
                {typeLabel[t]} <span className="tabular-nums text-slate-400">{sessions.length}</span>
              </h2>
              {sessions.length === 0 ? (
                <p className="rounded-xl border border-dashed border-slate-200 p-4 text-sm text-slate-400 dark:border-slate-800">No active {t} sessions.</p>
              ) : (
                <ul className="space-y-3">
                  {sessions.map((s) => (
                    <SessionCard key={s.id} session={s} now={now} viewers={presence.get(s.id) ?? []} needs={needs} />
                  ))}
                </ul>
              )}
            </section>
          );
        })}
      </div>

      <div className="flex flex-wrap items-center justify-center gap-3 text-sm text-slate-500" data-testid="sessions-paging">
        <span data-testid="sessions-count" data-loaded={all.length} data-total={data.total} className="tabular-nums">
          {all.length < data.total ? `${all.length} of ${data.total} sessions loaded` : `${data.total} session${data.total === 1 ? '' : 's'}`}
        </span>
        {data.next && (
          <button
            type="button"
            data-testid="sessions-more"
            onClick={() => void loadMore()}
            disabled={loadingMore}
            aria-busy={loadingMore}
            className="rounded-md border border-slate-300 px-3 py-1 font-semibold text-slate-700 hover:border-accent-500 focus-visible:outline-2 focus-visible:outline-accent-500 disabled:opacity-60 dark:border-slate-700 dark:text-slate-300"
          >
            {loadingMore ? 'Loading…' : `Show ${Math.min(PAGE_SIZE, data.total - all.length)} more`}
          </button>
        )}
        {error && (
          <span role="alert" className="text-rose-600 dark:text-rose-400">
            {error}
          </span>
        )}
      </div>

      {recent.length > 0 && (
        <section aria-labelledby="recently-ended">
          <h2 id="recently-ended" className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-500">
            Handed off and completed
          </h2>
          <ul className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-3 [&>li]:min-w-0">
            {recent.map((s) => (
              <SessionCard key={s.id} session={s} now={now} viewers={presence.get(s.id) ?? []} needs={needs} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
