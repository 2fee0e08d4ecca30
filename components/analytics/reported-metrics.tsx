'use client';

import Link from 'next/link';
import type { Analytics, ReportedMetrics } from '../../lib/analytics-types';
import { relative } from '../ui/format';
import { pct } from './format';

/** Keys whose 0–1 values read as percentages. */
const RATE = /(rate|score|coverage|efficiency|completeness|compliance|continuity|synchronization|effectiveness|preservation_score)$/;
/** Rows shown per entry before "and N more". */
const MAX_ROWS = 14;

const label = (key: string) => key.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

interface Row {
  path: string;
  key: string;
  text: string;
  /** Baton's own measure of the same thing, when it has one. */
  measured?: string;
}

/** Flattens an agent's metrics object into labelled rows (one level of sections, lists as text). */
function rowsOf(value: Record<string, unknown>, a: Analytics, sessionId: string | null): { rows: Row[]; lists: { key: string; items: string[] }[] } {
  const rows: Row[] = [];
  const lists: { key: string; items: string[] }[] = [];
  const add = (key: string, v: unknown, section: string | null) => {
    if (typeof v === 'number')
      rows.push({
        path: section ? `${section}.${key}` : key,
        key,
        text: v >= 0 && v <= 1 && RATE.test(key) ? pct(v) : String(v),
        measured: measuredFor(key, a, sessionId),
      });
    else if (typeof v === 'string' || typeof v === 'boolean') rows.push({ path: section ? `${section}.${key}` : key, key, text: String(v) });
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) lists.push({ key, items: v });
  };
  for (const [key, v] of Object.entries(value)) {
    if (key === 'session_id' || key === 'team_id' || key === 'period') continue; // in the entry's title
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) add(k, x, key);
    else add(key, v, null);
  }
  return { rows, lists };
}

/**
 * The measured counterpart of a reported metric, where Baton measures the same thing: a session's
 * claim against that session's goals (when it is in view), a team's against everything in view.
 */
function measuredFor(key: string, a: Analytics, sessionId: string | null): string | undefined {
  if (key === 'handoff_success_rate' && !sessionId && a.handoffs.acceptanceRate !== null) return `${pct(a.handoffs.acceptanceRate)} accepted`;
  if (key !== 'completion_rate') return undefined;
  if (!sessionId) return a.goals.completionRate === null ? undefined : `${pct(a.goals.completionRate)} of goals done`;
  const row = a.sessionRows.find((r) => r.id === sessionId);
  return row && row.goalsTotal > 0 ? `${pct(row.goalsDone / row.goalsTotal)} of its goals done` : undefined;
}

function Entry({ entry, a, now, title }: { entry: ReportedMetrics; a: Analytics; now: number; title: string }) {
  const sessionId = typeof entry.value.session_id === 'string' ? entry.value.session_id : null;
  const { rows, lists } = rowsOf(entry.value, a, sessionId);
  return (
    <article className="min-w-0 rounded-lg border border-slate-200 p-3 dark:border-slate-800" data-testid="reported-entry">
      <header className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
        <h3 className="min-w-0 break-words font-semibold">
          {sessionId ? (
            <Link href={`/sessions/${encodeURIComponent(sessionId)}`} className="text-accent-600 hover:underline dark:text-accent-500">
              {title}
            </Link>
          ) : (
            title
          )}
        </h3>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          {entry.updatedBy} · {relative(entry.updatedAt, now)} ·{' '}
          <Link
            href={`/memory?${new URLSearchParams({ ns: entry.namespace, key: entry.key })}`}
            className="underline decoration-dotted hover:text-slate-900 dark:hover:text-white"
          >
            {entry.namespace}
          </Link>
        </p>
      </header>
      <dl className="mt-2 grid grid-cols-[minmax(0,1fr)_auto] gap-x-4 gap-y-1 text-sm">
        {rows.slice(0, MAX_ROWS).map((r) => (
          <div key={r.path} className="contents">
            <dt className="min-w-0 truncate text-slate-600 dark:text-slate-300" title={r.path}>
              {label(r.key)}
            </dt>
            <dd className="text-right tabular-nums">
              <span className="font-medium">{r.text}</span>
              {r.measured ? (
                <span className="ml-2 rounded bg-emerald-50 px-1.5 py-0.5 text-xs text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300">
                  measured {r.measured}
                </span>
              ) : null}
            </dd>
          </div>
        ))}
      </dl>
      {rows.length > MAX_ROWS ? <p className="mt-1 text-xs text-slate-500">and {rows.length - MAX_ROWS} more in the entry</p> : null}
      {lists.map((l) => (
        <div key={l.key} className="mt-2 text-sm">
          <p className="text-slate-600 dark:text-slate-300">{label(l.key)}</p>
          <ul className="ml-4 list-disc">
            {l.items.slice(0, 8).map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        </div>
      ))}
    </article>
  );
}

/**
 * What agents stored about themselves at the seed's metrics keys, beside (never inside) Baton's
 * measured figures; where Baton measures the same thing, its figure is shown next to the claim.
 */
export function ReportedMetricsPanel({ analytics, now }: { analytics: Analytics; now: number }) {
  const { team, sessions } = analytics.reported;
  if (team.length === 0 && sessions.length === 0) return null;
  return (
    <section
      className="min-w-0 rounded-xl border border-slate-200 bg-white p-4 sm:p-5 dark:border-slate-800 dark:bg-slate-950"
      aria-labelledby="reported-heading"
    >
      <h2 id="reported-heading" className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">
        Reported by agents
      </h2>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
        What agents stored about themselves. Baton does not check these; where it measures the same thing, its figure is beside the claim.
      </p>
      <div className="mt-3 grid gap-3 lg:grid-cols-2">
        {team.map((e) => (
          <Entry
            key={`${e.namespace}/${e.key}`}
            entry={e}
            a={analytics}
            now={now}
            title={[e.value.team_id, e.value.period].filter((x) => typeof x === 'string').join(' · ') || 'Team coordination'}
          />
        ))}
        {sessions.map((e) => (
          <Entry
            key={`${e.namespace}/${e.key}`}
            entry={e}
            a={analytics}
            now={now}
            title={typeof e.value.session_id === 'string' ? `Session ${e.value.session_id}` : 'Session productivity'}
          />
        ))}
      </div>
    </section>
  );
}
