'use client';

import dynamic from 'next/dynamic';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useDeferredValue, useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { SESSION_TYPES, type SessionType } from '../../lib/session-types';
import type { Analytics, WriterKind } from '../../lib/analytics-types';
import { ALL_MEMORY_ROOM, DASHBOARD_ROOM, HANDOFFS_ROOM } from '../../lib/events';
import { ApiRequestError, apiError } from '../auth/api';
import { checkpointLook, severityLook, statusLook, typeLabel } from '../boards/look';
import { useFeed } from '../realtime/connection';
import { relative } from '../ui/format';
import { useNow } from '../ui/use-now';
import { analyticsApi, browserZone, type AnalyticsParams } from './api';
import { date, dateTime, dayLabel, hours, n, pct, plural } from './format';
import { ReportedMetricsPanel } from './reported-metrics';

// recharts is the page's heaviest part: its own chunk, fetched while the figures load.
const Charts = dynamic(() => import('./charts-panel'), { ssr: false, loading: () => <ChartsSkeleton /> });

const ROOMS = [ALL_MEMORY_ROOM, DASHBOARD_ROOM, HANDOFFS_ROOM];
const DAY_CHOICES = [7, 14, 30, 90];
const DEFAULT_DAYS = 14;
/** Live changes refresh the figures at most this often; changes during a request queue one more. */
const REFRESH_MS = 500;

type Filters = Omit<AnalyticsParams, 'tz'>;

/** The view's filters from the URL; anything the server would refuse falls back to the default. */
function readFilters(sp: URLSearchParams): Filters {
  const d = Number(sp.get('days'));
  const days = Number.isInteger(d) && d >= 1 && d <= 90 ? d : DEFAULT_DAYS;
  const t = sp.get('type');
  const type = (SESSION_TYPES as readonly string[]).includes(t ?? '') ? (t as SessionType) : undefined;
  const project = sp.get('project')?.trim().slice(0, 120) || undefined;
  return { days, type, project };
}
const keyOf = (f: Filters) => `${f.days}|${f.type ?? ''}|${f.project ?? ''}`;

interface Failure {
  status: number;
  message: string;
}
function failureOf(err: unknown): Failure {
  const status = err instanceof ApiRequestError ? err.status : 0;
  const e = apiError(err);
  return { status, message: e.field && !e.message.startsWith(e.field) ? `${e.field}: ${e.message}` : e.message };
}

const kindLook: Record<WriterKind, { label: string; chip: string }> = {
  agent: { label: 'Agent', chip: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300' },
  person: { label: 'Person', chip: 'bg-indigo-100 text-indigo-800 dark:bg-indigo-950 dark:text-indigo-300' },
  cli: { label: 'CLI', chip: 'bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300' },
  system: { label: 'Baton', chip: 'bg-slate-100 text-slate-500 ring-1 ring-inset ring-slate-300 dark:bg-slate-900 dark:text-slate-400 dark:ring-slate-700' },
};

const card = 'min-w-0 rounded-xl border border-slate-200 bg-white p-4 sm:p-5 dark:border-slate-800 dark:bg-slate-950';
const focusRing = 'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-500';

/**
 * /analytics: what Baton recorded over a window (sessions, goals, blockers, checkpoints, handoffs,
 * memory writes), filtered by session type and project, all in the URL. Follows the memory,
 * dashboard and handoff rooms and refetches (throttled, one request at a time) when anything changes.
 */
export function AnalyticsView() {
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = useMemo(() => readFilters(new URLSearchParams(sp.toString())), [sp]);
  const key = keyOf(filters);

  const [data, setData] = useState<{ analytics: Analytics; key: string } | null>(null);
  const [failure, setFailure] = useState<(Failure & { key: string }) | null>(null);
  const [busy, setBusy] = useState(false);
  const [knownProjects, setKnownProjects] = useState<string[]>([]);
  const now = useNow(10_000);

  // One request at a time: a change (or a filter switch) while one runs asks for one more after it.
  const wanted = useRef(filters);
  wanted.current = filters;
  const inFlight = useRef<Promise<number> | null>(null);
  const again = useRef(false);
  const seq = useRef(0);
  const fetchNow = useCallback((): Promise<number> => {
    if (inFlight.current) {
      again.current = true;
      return inFlight.current;
    }
    const run = async () => {
      setBusy(true);
      try {
        do {
          again.current = false;
          const f = wanted.current;
          try {
            const analytics = await analyticsApi.get({ ...f, tz: browserZone() });
            seq.current = Math.max(seq.current, analytics.seq);
            if (keyOf(f) === keyOf(wanted.current)) {
              setData({ analytics, key: keyOf(f) });
              setFailure(null);
            }
          } catch (err) {
            if (keyOf(f) === keyOf(wanted.current)) setFailure({ ...failureOf(err), key: keyOf(f) });
          }
          // The filters moved on while we asked: ask again for the current ones.
          if (keyOf(f) !== keyOf(wanted.current)) again.current = true;
        } while (again.current);
      } finally {
        inFlight.current = null;
        setBusy(false);
      }
      return seq.current;
    };
    inFlight.current = run();
    return inFlight.current;
  }, []);

  useEffect(() => {
    void fetchNow();
  }, [key, fetchNow]);

  // Projects for the filter's suggestions: every session's, plus the ones the answers mention.
  useEffect(() => {
    analyticsApi.projects().then(setKnownProjects, () => {});
  }, []);

  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const soon = useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void fetchNow();
    }, REFRESH_MS);
  }, [fetchNow]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  useFeed(ROOMS, data ? data.analytics.seq : null, soon, fetchNow);

  // Two changes in one go (the project field's blur, then a click) build on each other, not on the render's URL.
  const pendingQs = useRef(sp.toString());
  useEffect(() => {
    pendingQs.current = sp.toString();
  }, [sp]);
  const setFilters = (patch: Partial<Record<'days' | 'type' | 'project', string | undefined>>) => {
    const qs = new URLSearchParams(pendingQs.current);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') qs.delete(k);
      else qs.set(k, v);
    }
    pendingQs.current = qs.toString();
    router.replace(`${pathname}${qs.size ? `?${qs}` : ''}`, { scroll: false });
  };
  const filtered = !!(filters.type || filters.project);

  const projects = useMemo(() => {
    const all = new Set(knownProjects);
    for (const r of data?.analytics.sessionRows ?? []) if (r.project) all.add(r.project);
    return [...all].sort((a, b) => a.localeCompare(b));
  }, [knownProjects, data]);

  const a = data?.analytics ?? null;
  const stale = !!data && data.key !== key;
  const failed = failure && failure.key === key ? failure : null;

  return (
    <div className="mx-auto max-w-[100rem] space-y-6 px-4 py-6 sm:py-8" data-testid="analytics" data-busy={busy} data-seq={a?.seq ?? ''}>
      <div className="flex flex-wrap items-end justify-between gap-x-6 gap-y-2">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight 2xl:text-3xl">Analytics</h1>
          <p className="mt-1 text-slate-600 dark:text-slate-400 2xl:text-lg">
            What Baton recorded: sessions, goals, blockers, checkpoints, handoffs and memory writes. Counted by the server, never self-reported.
          </p>
        </div>
        {a && (
          <p className="flex items-center gap-2 text-sm text-slate-500 dark:text-slate-400" data-testid="analytics-updated">
            <span aria-hidden className={`inline-block h-2 w-2 rounded-full ${busy ? 'animate-pulse bg-amber-500' : 'bg-emerald-500'}`} />
            {busy ? (
              'Updating…'
            ) : (
              <>
                Updated{' '}
                <time dateTime={a.generatedAt} title={dateTime(a.generatedAt)}>
                  {relative(a.generatedAt, Math.max(now, Date.parse(a.generatedAt)))}
                </time>
              </>
            )}
          </p>
        )}
      </div>

      <Controls filters={filters} projects={projects} onChange={setFilters} />

      {failed && a && !stale && (
        <p
          role="alert"
          className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
        >
          Could not refresh: {failed.message}. Showing the figures from {dateTime(a.generatedAt)}.
        </p>
      )}

      {failed && (!a || stale) ? (
        <ErrorPanel failure={failed} onRetry={() => void fetchNow()} />
      ) : !a ? (
        <Loading />
      ) : (
        <div className={`space-y-6 transition-opacity ${stale ? 'opacity-60' : ''}`} aria-busy={stale}>
          <WindowNote a={a} />
          {a.sessions.total === 0 && a.writes.total === 0 ? (
            <Empty filtered={filtered} onClear={() => setFilters({ type: undefined, project: undefined })} />
          ) : (
            <>
              <Stats a={a} />
              <DeferredCharts a={a} />
              <SessionsTable a={a} now={now} />
              <Writers a={a} now={now} />
              <ReportedMetricsPanel analytics={a} now={now} />
            </>
          )}
        </div>
      )}
    </div>
  );
}

function Controls({
  filters,
  projects,
  onChange,
}: {
  filters: Filters;
  projects: string[];
  onChange: (patch: Partial<Record<'days' | 'type' | 'project', string | undefined>>) => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState(filters.project ?? '');
  useEffect(() => setDraft(filters.project ?? ''), [filters.project]);
  const commit = (value: string) => {
    const v = value.trim();
    if (v !== (filters.project ?? '')) onChange({ project: v || undefined });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    commit(draft);
  };
  const choices = DAY_CHOICES.includes(filters.days) ? DAY_CHOICES : [...DAY_CHOICES, filters.days].sort((x, y) => x - y);
  const input =
    'h-10 rounded-lg border border-slate-300 bg-white px-3 text-sm text-slate-900 focus:border-accent-500 focus:outline-none focus:ring-2 focus:ring-accent-500/40 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 2xl:text-base';

  return (
    <form onSubmit={submit} role="search" aria-label="Analytics filters" className="flex flex-wrap items-end gap-x-5 gap-y-3" data-testid="analytics-controls">
      <fieldset className="min-w-0">
        <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Window</legend>
        <div className="inline-flex rounded-lg border border-slate-300 bg-slate-50 p-0.5 dark:border-slate-700 dark:bg-slate-900">
          {choices.map((d) => (
            <label
              key={d}
              className="cursor-pointer rounded-md px-3 py-1.5 text-sm font-medium tabular-nums text-slate-600 has-[:checked]:bg-white has-[:checked]:text-slate-900 has-[:checked]:shadow-sm has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-accent-500 dark:text-slate-300 dark:has-[:checked]:bg-slate-700 dark:has-[:checked]:text-white 2xl:text-base"
            >
              <input
                type="radio"
                name={`${id}-days`}
                value={d}
                checked={filters.days === d}
                onChange={() => onChange({ days: String(d) })}
                className="sr-only"
              />
              <span aria-hidden>{d} d</span>
              <span className="sr-only">{d} days</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="flex min-w-0 flex-col">
        <label htmlFor={`${id}-type`} className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">
          Session type
        </label>
        <select id={`${id}-type`} value={filters.type ?? ''} onChange={(e) => onChange({ type: e.target.value || undefined })} className={`${input} pr-8`}>
          <option value="">All types</option>
          {SESSION_TYPES.map((t) => (
            <option key={t} value={t}>
              {typeLabel[t]}
            </option>
          ))}
        </select>
      </div>
      <div className="flex w-full min-w-0 flex-col sm:w-auto sm:flex-1 sm:max-w-xs">
        <label htmlFor={`${id}-project`} className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">
          Project
        </label>
        <div className="flex gap-2">
          <input
            id={`${id}-project`}
            type="search"
            list={`${id}-projects`}
            value={draft}
            maxLength={120}
            placeholder="All projects"
            autoComplete="off"
            onChange={(e) => {
              setDraft(e.target.value);
              // Picking a suggestion applies it at once; typed text applies on Enter or leaving the field.
              if (projects.includes(e.target.value) || e.target.value === '') commit(e.target.value);
            }}
            onBlur={() => commit(draft)}
            className={`${input} min-w-0 flex-1`}
          />
          <datalist id={`${id}-projects`}>
            {projects.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
          <button type="submit" className={`h-10 shrink-0 rounded-lg bg-accent-600 px-3 text-sm font-medium text-white hover:bg-accent-500 ${focusRing}`}>
            Apply
          </button>
        </div>
      </div>
      {(filters.type || filters.project) && (
        <button
          type="button"
          onClick={() => onChange({ type: undefined, project: undefined })}
          className={`h-10 rounded-lg px-3 text-sm font-medium text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800 ${focusRing}`}
        >
          Clear filters
        </button>
      )}
    </form>
  );
}

/** Charts render after the figures have been painted (and re-render at low priority on live updates). */
function DeferredCharts({ a }: { a: Analytics }) {
  const shown = useDeferredValue<Analytics | null>(a, null);
  return shown ? <Charts a={shown} /> : <ChartsSkeleton />;
}

function ChartsSkeleton() {
  return (
    <div className="grid gap-4 xl:grid-cols-2" aria-hidden data-testid="charts-loading">
      <div className="h-80 animate-pulse rounded-xl bg-slate-100 dark:bg-slate-900" />
      <div className="h-80 animate-pulse rounded-xl bg-slate-100 dark:bg-slate-900" />
    </div>
  );
}

function Loading() {
  return (
    <div role="status" aria-busy="true" aria-live="polite" className="space-y-6">
      <span className="text-slate-500">Loading analytics…</span>
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-3 2xl:grid-cols-6" aria-hidden>
        {Array.from({ length: 6 }, (_, i) => (
          <div key={i} className="h-32 animate-pulse rounded-xl bg-slate-100 dark:bg-slate-900" />
        ))}
      </div>
      <ChartsSkeleton />
    </div>
  );
}

function ErrorPanel({ failure, onRetry }: { failure: Failure; onRetry: () => void }) {
  const message =
    failure.status === 403 ? 'You need read access to all memory to see analytics.' : failure.status === 401 ? 'Your sign-in has ended.' : failure.message;
  return (
    <div
      role="alert"
      data-testid="analytics-error"
      data-status={failure.status}
      className="rounded-xl border border-rose-300 bg-rose-50 p-5 text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100"
    >
      <h2 className="font-semibold">Could not load analytics</h2>
      <p className="mt-1">{message}</p>
      <div className="mt-3 flex flex-wrap gap-3 text-sm">
        {failure.status === 401 ? (
          <Link href="/sign-in" className={`rounded-md bg-rose-700 px-3 py-1.5 font-medium text-white hover:bg-rose-600 ${focusRing}`}>
            Sign in
          </Link>
        ) : failure.status === 403 ? (
          <span className="text-rose-800 dark:text-rose-200">Ask an admin for a role that reads every namespace.</span>
        ) : (
          <button type="button" onClick={onRetry} className={`rounded-md bg-rose-700 px-3 py-1.5 font-medium text-white hover:bg-rose-600 ${focusRing}`}>
            Try again
          </button>
        )}
      </div>
    </div>
  );
}

function Empty({ filtered, onClear }: { filtered: boolean; onClear: () => void }) {
  return (
    <section data-testid="analytics-empty" className="rounded-xl border border-dashed border-slate-300 p-8 text-center dark:border-slate-700">
      {filtered ? (
        <>
          <h2 className="text-lg font-semibold">Nothing matches these filters</h2>
          <p className="mx-auto mt-2 max-w-xl text-slate-600 dark:text-slate-400">No session of this type or project, and no memory writes in the window.</p>
          <button
            type="button"
            onClick={onClear}
            className={`mt-4 rounded-lg bg-accent-600 px-4 py-2 text-sm font-medium text-white hover:bg-accent-500 ${focusRing}`}
          >
            Clear filters
          </button>
        </>
      ) : (
        <>
          <h2 className="text-lg font-semibold">Nothing recorded yet</h2>
          <p className="mx-auto mt-2 max-w-xl text-slate-600 dark:text-slate-400">
            No sessions and no memory writes in this window. Figures appear as soon as agents and teammates start sessions and write to Baton. To look around
            first, load the example sessions from the dashboard.
          </p>
          <Link href="/" className={`mt-4 inline-block rounded-lg bg-accent-600 px-4 py-2 text-sm font-medium text-white hover:bg-accent-500 ${focusRing}`}>
            Go to the dashboard
          </Link>
        </>
      )}
    </section>
  );
}

function WindowNote({ a }: { a: Analytics }) {
  const late = a.feedCoversFrom && Date.parse(a.feedCoversFrom) > Date.parse(a.window.from);
  return (
    <div className="space-y-2 text-sm text-slate-600 dark:text-slate-400">
      <p data-testid="analytics-window">
        <span className="font-medium text-slate-800 dark:text-slate-200">
          {dayLabel(a.daily[0]?.date ?? a.window.from.slice(0, 10))} – {dayLabel(a.daily.at(-1)?.date ?? a.window.to.slice(0, 10))}
        </span>{' '}
        · last {plural(a.query.days, 'day')} · days in {a.query.tz}
        {a.query.type && <> · {typeLabel[a.query.type]} sessions</>}
        {a.query.project && (
          <>
            {' '}
            · project <span className="font-mono">{a.query.project}</span>
          </>
        )}
      </p>
      {(a.query.type || a.query.project) && (
        <p className="text-slate-500">Filters apply to sessions and their goals, blockers, checkpoints and handoffs; memory writes count every namespace.</p>
      )}
      {late && (
        <p data-testid="feed-covers-from" className="text-slate-500 dark:text-slate-400">
          Baton has counted memory writes since {dateTime(a.feedCoversFrom!)}: writes before {date(a.feedCoversFrom!)} are not in these figures.
        </p>
      )}
    </div>
  );
}

function StatCard({ testId, label, value, tone, children }: { testId: string; label: string; value: string; tone?: string; children?: ReactNode }) {
  return (
    <section aria-label={label} data-testid={testId} className={`${card} flex flex-col`}>
      <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400 2xl:text-sm">{label}</h2>
      <p className={`mt-1 text-3xl font-semibold tabular-nums sm:text-4xl 2xl:text-5xl ${tone ?? ''}`} data-testid={`${testId}-value`}>
        {value}
      </p>
      <div className="mt-2 space-y-1 text-sm tabular-nums text-slate-600 dark:text-slate-400 2xl:text-base">{children}</div>
    </section>
  );
}

function Stats({ a }: { a: Analytics }) {
  const { sessions, goals, blockers, handoffs, checkpoints, writes, recovery } = a;
  const finished = handoffs.accepted + handoffs.declined + handoffs.expired;
  const kinds = Object.entries(checkpoints.byKind).filter(([, v]) => v > 0);
  const human = writes.byKind.agent + writes.byKind.person;
  return (
    <div className="grid grid-cols-1 gap-3 min-[420px]:grid-cols-2 lg:grid-cols-3 2xl:grid-cols-6" data-testid="stats">
      <StatCard testId="stat-sessions" label="Sessions" value={n(sessions.total)}>
        <p>
          <span data-testid="stat-sessions-active">{n(sessions.byStatus.active)}</span> active ·{' '}
          <span data-testid="stat-sessions-interrupted" className={recovery.interruptedNow > 0 ? 'font-semibold text-amber-700 dark:text-amber-400' : ''}>
            {n(recovery.interruptedNow)}
          </span>{' '}
          interrupted now
        </p>
        <p className="text-slate-500">
          {n(sessions.startedInWindow)} started in window
          {sessions.medianHoursToFinish !== null && <> · median {hours(sessions.medianHoursToFinish)} to finish</>}
        </p>
        {recovery.recoveredInWindow > 0 && <p className="text-slate-500">{plural(recovery.recoveredInWindow, 'recovery', 'recoveries')} in window</p>}
      </StatCard>

      <StatCard testId="stat-goals" label="Goal completion" value={pct(goals.completionRate)}>
        <p>
          <span data-testid="stat-goals-done">{n(goals.done)}</span> of <span data-testid="stat-goals-total">{n(goals.total)}</span> goals done
        </p>
        {goals.total > 0 && (
          <div className="h-1.5 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800" aria-hidden>
            <div className="h-full rounded-full bg-emerald-500" style={{ width: `${Math.round((goals.done / goals.total) * 100)}%` }} />
          </div>
        )}
        <p className="text-slate-500">{n(goals.doneInWindow)} done in window</p>
      </StatCard>

      <StatCard testId="stat-blockers" label="Open blockers" value={n(blockers.open)} tone={blockers.open > 0 ? 'text-rose-600 dark:text-rose-400' : ''}>
        <ul className="flex flex-wrap gap-1" aria-label="Open blockers by severity">
          {(['critical', 'high', 'medium', 'low'] as const).map((s) => (
            <li
              key={s}
              data-testid={`stat-blockers-${s}`}
              data-count={blockers.openBySeverity[s]}
              className={`rounded px-1.5 py-0.5 text-xs font-semibold ${blockers.openBySeverity[s] > 0 ? severityLook[s].chip : 'bg-slate-50 text-slate-400 dark:bg-slate-900 dark:text-slate-500'}`}
            >
              {n(blockers.openBySeverity[s])} {s}
            </li>
          ))}
        </ul>
        <p className="text-slate-500">
          {n(blockers.raisedInWindow)} raised · {n(blockers.resolvedInWindow)} resolved in window
          {blockers.medianHoursToResolve !== null && <> · median {hours(blockers.medianHoursToResolve)} to resolve</>}
        </p>
      </StatCard>

      <StatCard testId="stat-handoffs" label="Handoffs accepted" value={pct(handoffs.acceptanceRate)}>
        <p>
          {finished > 0 ? (
            <>
              {n(handoffs.accepted)} of {n(finished)} decided
            </>
          ) : (
            'None decided in window'
          )}
          {handoffs.medianHoursToAccept !== null && (
            <>
              {' '}
              · median <span data-testid="stat-handoffs-median">{hours(handoffs.medianHoursToAccept)}</span> to accept
            </>
          )}
        </p>
        <p className="text-slate-500">
          {plural(handoffs.createdInWindow, 'handoff')} in window · <span data-testid="stat-handoffs-open">{n(handoffs.open)}</span> open
        </p>
      </StatCard>

      <StatCard testId="stat-checkpoints" label="Checkpoints" value={n(checkpoints.inWindow)}>
        <p>in the window</p>
        {kinds.length > 0 && (
          <p className="text-slate-500" data-testid="stat-checkpoints-kinds">
            {kinds.map(([k, v]) => `${checkpointLook[k as keyof typeof checkpointLook].label} ${n(v)}`).join(' · ')}
          </p>
        )}
      </StatCard>

      <StatCard testId="stat-writes" label="Memory writes" value={n(writes.total)}>
        <p>
          <span data-testid="stat-writes-agent">{n(writes.byKind.agent)}</span> by agents ·{' '}
          <span data-testid="stat-writes-person">{n(writes.byKind.person)}</span> by people
        </p>
        {human > 0 && (
          <div className="flex h-1.5 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800" aria-hidden>
            <div className="h-full bg-sky-600 dark:bg-sky-400" style={{ width: `${(writes.byKind.agent / writes.total) * 100}%` }} />
            <div className="h-full bg-indigo-500 dark:bg-indigo-400" style={{ width: `${(writes.byKind.person / writes.total) * 100}%` }} />
          </div>
        )}
        {writes.byKind.cli + writes.byKind.system > 0 && (
          <p className="text-slate-500">
            {n(writes.byKind.cli)} CLI · {n(writes.byKind.system)} Baton
          </p>
        )}
      </StatCard>
    </div>
  );
}

function SessionsTable({ a, now }: { a: Analytics; now: number }) {
  const th = 'px-2 py-2 text-left sm:px-3 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400';
  const td = 'px-2 py-2.5 align-top tabular-nums sm:px-3';
  return (
    <section aria-labelledby="analytics-sessions" className={`${card} !p-0`}>
      <div className="flex items-baseline justify-between gap-3 p-4 pb-2 sm:p-5 sm:pb-2">
        <h2 id="analytics-sessions" className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400 2xl:text-base">
          Sessions active in the window
        </h2>
        <Link href="/sessions" className="shrink-0 text-sm font-medium text-accent-600 hover:underline dark:text-accent-500">
          All sessions →
        </Link>
      </div>
      {a.sessionRows.length === 0 ? (
        <p className="px-5 pb-5 text-sm text-slate-500">No session was active in this window.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm 2xl:text-base" data-testid="session-rows">
            <thead className="border-b border-slate-200 dark:border-slate-800">
              <tr>
                <th scope="col" className={th}>
                  Session
                </th>
                <th scope="col" className={`${th} hidden sm:table-cell`}>
                  Type
                </th>
                <th scope="col" className={th}>
                  Status
                </th>
                <th scope="col" className={`${th} text-right`}>
                  Goals
                </th>
                <th scope="col" className={`${th} hidden text-right lg:table-cell`}>
                  Progress
                </th>
                <th scope="col" className={`${th} text-right`}>
                  <span className="sm:hidden">Blk.</span>
                  <span className="hidden sm:inline">Blockers</span>
                </th>
                <th scope="col" className={`${th} hidden text-right md:table-cell`}>
                  Checkpoints
                </th>
                <th scope="col" className={`${th} hidden text-right lg:table-cell`}>
                  Handoffs
                </th>
                <th scope="col" className={`${th} hidden text-right md:table-cell`}>
                  Time
                </th>
                <th scope="col" className={`${th} hidden text-right sm:table-cell`}>
                  Last activity
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-900">
              {a.sessionRows.map((r) => (
                <tr key={r.id} data-testid="session-row" data-session={r.id} className="hover:bg-slate-50 dark:hover:bg-slate-900/60">
                  <td className="max-w-[8.5rem] px-2 py-2.5 sm:max-w-xs sm:px-3">
                    <Link
                      href={`/sessions/${encodeURIComponent(r.id)}`}
                      className={`block truncate font-medium text-slate-900 hover:underline dark:text-slate-100 ${focusRing}`}
                    >
                      {r.title}
                    </Link>
                    <p className="truncate text-xs text-slate-500">{[r.project, r.owner].filter(Boolean).join(' · ') || r.id}</p>
                  </td>
                  <td className={`${td} hidden sm:table-cell`}>{typeLabel[r.type]}</td>
                  <td className={td}>
                    <span
                      className={`inline-block whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${statusLook[r.status].chip}`}
                    >
                      {statusLook[r.status].label}
                    </span>
                  </td>
                  <td className={`${td} text-right whitespace-nowrap`} data-testid="row-goals">
                    {r.goalsDone}/{r.goalsTotal}
                  </td>
                  <td className={`${td} hidden text-right lg:table-cell`}>{r.progress === null ? '—' : `${Math.round(r.progress)}%`}</td>
                  <td
                    className={`${td} text-right ${r.openBlockers > 0 ? 'font-semibold text-rose-600 dark:text-rose-400' : 'text-slate-500'}`}
                    data-testid="row-blockers"
                  >
                    {r.openBlockers}
                  </td>
                  <td className={`${td} hidden text-right md:table-cell`} data-testid="row-checkpoints">
                    {r.checkpoints}
                  </td>
                  <td className={`${td} hidden text-right lg:table-cell`}>{r.handoffs}</td>
                  <td className={`${td} hidden whitespace-nowrap text-right md:table-cell`}>{hours(r.hours)}</td>
                  <td className={`${td} hidden whitespace-nowrap text-right text-slate-500 sm:table-cell`}>
                    <time dateTime={r.lastActivityAt} title={dateTime(r.lastActivityAt)}>
                      {relative(r.lastActivityAt, now)}
                    </time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Writers({ a, now }: { a: Analytics; now: number }) {
  const top = Math.max(1, ...a.writers.map((w) => w.writes));
  return (
    <section aria-labelledby="analytics-writers" className={card}>
      <h2 id="analytics-writers" className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400 2xl:text-base">
        Busiest writers
      </h2>
      {a.writers.length === 0 ? (
        <p className="mt-3 text-sm text-slate-500">No memory writes in this window.</p>
      ) : (
        <ol className="mt-3 grid gap-x-10 gap-y-3 md:grid-cols-2 xl:grid-cols-3" data-testid="writers">
          {a.writers.map((w) => (
            <li key={w.actor} data-testid="writer" data-actor={w.actor} data-kind={w.kind} className="text-sm 2xl:text-base">
              <div className="flex items-center gap-2">
                <span className="min-w-0 flex-1 truncate font-mono" title={w.actor}>
                  {w.actor}
                </span>
                <span className={`shrink-0 rounded px-1.5 py-0.5 text-xs font-semibold ${kindLook[w.kind].chip}`}>{kindLook[w.kind].label}</span>
                <span className="w-14 shrink-0 text-right font-semibold tabular-nums" data-testid="writer-writes">
                  {n(w.writes)}
                </span>
              </div>
              <div className="mt-1 flex items-center gap-2">
                <div className="h-1.5 flex-1 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800" aria-hidden>
                  <div
                    className={`h-full rounded-full ${w.kind === 'agent' ? 'bg-sky-600 dark:bg-sky-400' : w.kind === 'person' ? 'bg-indigo-500 dark:bg-indigo-400' : 'bg-slate-400 dark:bg-slate-500'}`}
                    style={{ width: `${(w.writes / top) * 100}%` }}
                  />
                </div>
                <time className="shrink-0 whitespace-nowrap text-right text-xs text-slate-500" dateTime={w.lastAt} title={dateTime(w.lastAt)}>
                  last {relative(w.lastAt, now)}
                </time>
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
