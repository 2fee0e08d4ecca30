'use client';

import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { DASHBOARD_ROOM, type Change } from '../../lib/events';
import { summaryOf, type SessionSummary } from '../../lib/session-types';
import { apiError } from '../auth/api';

import { useFeed } from '../realtime/connection';
import { useNow } from '../ui/use-now';
import { sessionsApi } from './api';
import { absolute, ago, SESSION_STATUSES, SESSION_TYPES, statusLook, typeLabel } from './look';
import { inputCls } from './ui';

const ROOMS = [DASHBOARD_ROOM];
const FILTERS = ['type', 'status', 'owner', 'project'] as const;
type Filter = (typeof FILTERS)[number];

/** Every session in a table, filterable by type, status, owner and project; live from the dashboard room. */
export function SessionsIndex() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const now = useNow(30_000);
  const [data, setData] = useState<{ sessions: Map<string, SessionSummary>; seq: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Archived sessions (SESSION_ARCHIVE_DAYS) are left out unless asked for.
  const showArchived = params.get('archived') === '1';

  const load = useCallback(async () => {
    const res = await sessionsApi.list({ limit: 500, archived: showArchived ? 'true' : undefined });
    setData({ sessions: new Map(res.items.map((s) => [s.id, s])), seq: res.seq });
    setError(null);
    return res.seq;
  }, [showArchived]);
  useEffect(() => {
    load().catch((e) => setError(apiError(e).message));
  }, [load]);

  useFeed(
    ROOMS,
    data?.seq ?? null,
    (changes: Change[]) =>
      setData((d) => {
        if (!d) return d;
        const sessions = new Map(d.sessions);
        for (const c of changes) {
          if (c.topic !== 'session' || !c.value) continue;
          try {
            const board = JSON.parse(c.value) as SessionSummary & { details?: { archivedAt?: unknown } };
            // Archived just now: it leaves this list unless archived sessions are shown.
            if (board.details?.archivedAt !== undefined && !showArchived) {
              sessions.delete(board.id);
              continue;
            }
            const known = sessions.get(board.id);
            if (!known || known.version < board.version) sessions.set(board.id, summaryOf(board));
          } catch {
            // skip a malformed change
          }
        }
        return { ...d, sessions };
      }),
    load,
  );

  const filter = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Record<Filter, string>;
  const setFilter = (name: Filter, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    router.replace(next.size ? `${pathname}?${next}` : pathname, { scroll: false });
  };

  const all = useMemo(() => [...(data?.sessions.values() ?? [])].sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt)), [data]);
  const owners = useMemo(() => [...new Set(all.map((s) => s.owner).filter((o): o is string => !!o))].sort(), [all]);
  const projects = useMemo(() => [...new Set(all.map((s) => s.project).filter((p): p is string => !!p))].sort(), [all]);
  const shown = all.filter(
    (s) =>
      (!filter.type || s.type === filter.type) &&
      (!filter.status || s.status === filter.status) &&
      (!filter.owner || s.owner === filter.owner) &&
      (!filter.project || s.project === filter.project),
  );
  const filtered = FILTERS.some((f) => filter[f]);

  const select = (name: Filter, label: string, options: { value: string; label: string }[]) => (
    <label className="flex items-center gap-2 text-sm text-slate-600 dark:text-slate-300">
      {label}
      <select value={filter[name]} onChange={(e) => setFilter(name, e.target.value)} className={`${inputCls} w-auto py-1`} data-testid={`filter-${name}`}>
        <option value="">All</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
        {filter[name] && !options.some((o) => o.value === filter[name]) && <option value={filter[name]}>{filter[name]}</option>}
      </select>
    </label>
  );

  return (
    <div className="mx-auto max-w-[100rem] space-y-5 px-4 py-6 sm:px-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Sessions</h1>
          <p className="text-sm text-slate-500 dark:text-slate-400">Every development, coordination, review and planning session, live.</p>
        </div>
        <div className="flex flex-wrap items-center gap-3" role="group" aria-label="Filters">
          {select(
            'type',
            'Type',
            SESSION_TYPES.map((t) => ({ value: t, label: typeLabel[t] })),
          )}
          {select(
            'status',
            'Status',
            SESSION_STATUSES.map((s) => ({ value: s, label: statusLook[s].label })),
          )}
          {select(
            'owner',
            'Owner',
            owners.map((o) => ({ value: o, label: o })),
          )}
          {select(
            'project',
            'Project',
            projects.map((p) => ({ value: p, label: p })),
          )}
          <label className="flex items-center gap-2 text-sm text-slate-600 dark:text-slate-300">
            <input
              type="checkbox"
              checked={showArchived}
              data-testid="filter-archived"
              onChange={(e) => {
                const next = new URLSearchParams(params);
                if (e.target.checked) next.set('archived', '1');
                else next.delete('archived');
                router.replace(next.size ? `${pathname}?${next}` : pathname, { scroll: false });
              }}
            />
            Show archived
          </label>
          {filtered && (
            <button
              type="button"
              className="text-sm font-medium text-accent-600 hover:underline dark:text-accent-500"
              onClick={() => router.replace(pathname, { scroll: false })}
            >
              Clear
            </button>
          )}
        </div>
      </div>

      {error && (
        <p role="alert" className="rounded-lg border border-rose-300 bg-rose-50 p-4 text-rose-800 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200">
          Could not load sessions: {error}{' '}
          <button type="button" className="font-semibold underline" onClick={() => void load().catch((e) => setError(apiError(e).message))}>
            Retry
          </button>
        </p>
      )}
      {!data && !error && (
        <p className="text-slate-500" aria-busy="true">
          Loading sessions…
        </p>
      )}

      {data && all.length === 0 && (
        <div className="rounded-xl border border-dashed border-slate-300 p-8 text-center dark:border-slate-700" data-testid="sessions-empty">
          <h2 className="text-lg font-semibold">No sessions yet</h2>
          <p className="mx-auto mt-2 max-w-xl text-slate-600 dark:text-slate-400">
            A session appears as soon as an agent stores its state, e.g. <code className="font-mono text-sm">session/development/init</code>. The{' '}
            <Link href="/" className="font-medium text-accent-600 hover:underline dark:text-accent-500">
              dashboard
            </Link>{' '}
            can load example sessions.
          </p>
        </div>
      )}

      {data && all.length > 0 && (
        <div className="overflow-x-auto rounded-xl border border-slate-200 dark:border-slate-800">
          <table className="w-full text-left text-sm" data-testid="sessions-table">
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-900 dark:text-slate-400">
              <tr>
                <th scope="col" className="px-4 py-2.5 font-semibold">
                  Session
                </th>
                <th scope="col" className="px-3 py-2.5 font-semibold">
                  Type
                </th>
                <th scope="col" className="px-3 py-2.5 font-semibold">
                  Status
                </th>
                <th scope="col" className="px-3 py-2.5 font-semibold">
                  Project
                </th>
                <th scope="col" className="px-3 py-2.5 font-semibold">
                  Owner
                </th>
                <th scope="col" className="px-3 py-2.5 text-right font-semibold">
                  Goals
                </th>
                <th scope="col" className="px-3 py-2.5 text-right font-semibold">
                  Blockers
                </th>
                <th scope="col" className="px-4 py-2.5 text-right font-semibold">
                  Last activity
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {shown.map((s) => (
                <tr
                  key={s.id}
                  data-testid="session-row"
                  data-session={s.id}
                  data-status={s.status}
                  data-version={s.version}
                  className="hover:bg-slate-50 dark:hover:bg-slate-900/60"
                >
                  <td className="max-w-[26rem] px-4 py-2.5">
                    <Link
                      href={`/sessions/${encodeURIComponent(s.id)}`}
                      className="block font-medium text-slate-900 hover:text-accent-600 hover:underline dark:text-slate-100 dark:hover:text-accent-500"
                    >
                      <span className="block truncate">{s.title}</span>
                      <span className="block truncate font-mono text-xs font-normal text-slate-500 dark:text-slate-400">{s.id}</span>
                    </Link>
                  </td>
                  <td className="whitespace-nowrap px-3 py-2.5">
                    {typeLabel[s.type] ?? s.type}
                    {s.subtype && <span className="text-slate-500 dark:text-slate-400"> · {s.subtype}</span>}
                  </td>
                  <td className="px-3 py-2.5">
                    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ${statusLook[s.status]?.chip ?? ''}`}>
                      {statusLook[s.status]?.label ?? s.status}
                    </span>
                  </td>
                  <td className="px-3 py-2.5">{s.project ?? <span className="text-slate-400">—</span>}</td>
                  <td className="px-3 py-2.5">{s.owner ?? <span className="text-slate-400">—</span>}</td>
                  <td className="whitespace-nowrap px-3 py-2.5 text-right tabular-nums">
                    {s.goalsTotal ? `${s.goalsDone}/${s.goalsTotal}` : <span className="text-slate-400">—</span>}
                  </td>
                  <td className={`px-3 py-2.5 text-right tabular-nums ${s.openBlockers ? 'font-semibold text-rose-700 dark:text-rose-400' : 'text-slate-400'}`}>
                    {s.openBlockers || '—'}
                  </td>
                  <td className="whitespace-nowrap px-4 py-2.5 text-right text-slate-500 dark:text-slate-400">
                    <time dateTime={s.lastActivityAt} title={absolute(s.lastActivityAt)}>
                      {ago(s.lastActivityAt, now)}
                    </time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length === 0 && (
            <p className="p-6 text-center text-sm text-slate-500 dark:text-slate-400">
              No sessions match these filters.{' '}
              <button
                type="button"
                className="font-medium text-accent-600 hover:underline dark:text-accent-500"
                onClick={() => router.replace(pathname, { scroll: false })}
              >
                Clear filters
              </button>
            </p>
          )}
        </div>
      )}
    </div>
  );
}
