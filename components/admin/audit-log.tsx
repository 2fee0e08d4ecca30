'use client';

import { TimeAgo } from '../ui/time-ago';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, apiError } from '../auth/api';
import { useMe } from '../auth/me';
import { Badge, inputBase, secondaryButton, Spinner, type Tone } from '../auth/ui';
import { useNow } from '../ui/use-now';

interface AuditRow {
  id: number;
  at: string;
  actorKind: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  target: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  ip: string | null;
  detail: Record<string, unknown> | null;
}

interface Filters {
  action: string;
  actor: string;
  outcome: '' | 'ok' | 'denied' | 'failed';
}

const outcomeTone: Record<AuditRow['outcome'], Tone> = { ok: 'green', denied: 'rose', failed: 'amber' };
const kindTone: Record<string, Tone> = { user: 'accent', token: 'green', share: 'amber', anonymous: 'slate' };
const PAGE = 100;
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function query(filters: Filters, before?: number): string {
  const qs = new URLSearchParams({ limit: String(PAGE) });
  if (filters.action.trim()) qs.set('action', filters.action.trim());
  if (filters.actor.trim()) qs.set('actor', filters.actor.trim());
  if (filters.outcome) qs.set('outcome', filters.outcome);
  if (before) qs.set('before', String(before));
  return `/api/v1/audit?${qs}`;
}

/** The audit log, newest first: who did what, to what, from where, and whether it was allowed. */
export function AuditLogView() {
  const { state, me } = useMe();
  const [filters, setFilters] = useState<Filters>({ action: '', actor: '', outcome: '' });
  const [rows, setRows] = useState<AuditRow[] | null>(null);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const generation = useRef(0);
  const now = useNow(30_000);
  const isAdmin = me?.role === 'admin';

  const load = useCallback(async (f: Filters) => {
    const gen = ++generation.current;
    try {
      const r = await api<{ items: AuditRow[]; nextBefore: number | null }>(query(f));
      if (gen !== generation.current) return;
      setRows(r.items);
      setNextBefore(r.nextBefore);
      setError(null);
    } catch (err) {
      if (gen === generation.current) setError(apiError(err).message);
    }
  }, []);

  // Filters apply as you type (debounced).
  useEffect(() => {
    if (!isAdmin) return;
    const t = setTimeout(() => void load(filters), 250);
    return () => clearTimeout(t);
  }, [filters, isAdmin, load]);

  const loadOlder = async () => {
    if (!nextBefore) return;
    setLoadingMore(true);
    const gen = generation.current;
    try {
      const r = await api<{ items: AuditRow[]; nextBefore: number | null }>(query(filters, nextBefore));
      if (gen !== generation.current) return;
      setRows((prev) => [...(prev ?? []), ...r.items]);
      setNextBefore(r.nextBefore);
    } catch (err) {
      setError(apiError(err).message);
    } finally {
      setLoadingMore(false);
    }
  };

  if (state.status === 'loading')
    return (
      <Wrapper>
        <Spinner />
      </Wrapper>
    );
  if (!isAdmin) {
    return (
      <Wrapper>
        <div role="alert" data-testid="admins-only" className="max-w-xl rounded-lg border border-slate-200 p-6 dark:border-slate-800">
          <h2 className="text-lg font-semibold">Admins only</h2>
          <p className="mt-1 text-slate-600 dark:text-slate-400">The audit log is visible to admins. Ask an admin of this Baton if you need to see it.</p>
        </div>
      </Wrapper>
    );
  }

  const filtered = !!(filters.action || filters.actor || filters.outcome);
  return (
    <Wrapper>
      <form
        role="search"
        aria-label="Filter the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          void load(filters);
        }}
        className="flex flex-wrap items-end gap-3"
        data-testid="audit-filters"
      >
        <label className="block text-sm font-medium">
          Action starts with
          <input
            value={filters.action}
            onChange={(e) => setFilters({ ...filters, action: e.target.value })}
            placeholder="memory., token., auth."
            maxLength={64}
            className={`mt-1 block h-10 ${inputBase} w-64 font-mono`}
          />
        </label>
        <label className="block text-sm font-medium">
          Actor contains
          <input
            value={filters.actor}
            onChange={(e) => setFilters({ ...filters, actor: e.target.value })}
            placeholder="name, token:…"
            maxLength={80}
            className={`mt-1 block h-10 ${inputBase} w-56`}
          />
        </label>
        <label className="block text-sm font-medium">
          Outcome
          <select
            value={filters.outcome}
            onChange={(e) => setFilters({ ...filters, outcome: e.target.value as Filters['outcome'] })}
            className={`mt-1 block h-10 ${inputBase} w-36`}
          >
            <option value="">any</option>
            <option value="ok">ok</option>
            <option value="denied">denied</option>
            <option value="failed">failed</option>
          </select>
        </label>
        {filtered && (
          <button type="button" className={`${secondaryButton} h-10`} onClick={() => setFilters({ action: '', actor: '', outcome: '' })}>
            Clear filters
          </button>
        )}
      </form>

      {error && (
        <p role="alert" className="mt-4 text-rose-600 dark:text-rose-400">
          Could not load the audit log: {error}
        </p>
      )}
      {!rows && !error && (
        <div className="mt-6">
          <Spinner />
        </div>
      )}
      {rows && rows.length === 0 && (
        <div className="mt-6 rounded-lg border border-dashed border-slate-300 p-10 text-center text-slate-500 dark:border-slate-700" data-testid="audit-empty">
          {filtered ? 'No events match these filters.' : 'Nothing recorded yet.'}
        </div>
      )}
      {rows && rows.length > 0 && (
        <div className="relative mt-6 overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
          <table className="w-full border-collapse text-left text-base" data-testid="audit-table">
            <thead className="bg-slate-50 dark:bg-slate-900">
              <tr>
                {['Time', 'Actor', 'Action', 'Target', 'Outcome', 'IP'].map((h) => (
                  <th
                    key={h}
                    scope="col"
                    className="whitespace-nowrap px-4 py-3 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400"
                  >
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} className="border-t border-slate-100 align-top dark:border-slate-800" data-testid="audit-row" data-outcome={r.outcome}>
                  <td className="whitespace-nowrap px-4 py-2.5">
                    <time dateTime={r.at} className="tabular-nums">
                      {timeFormat.format(new Date(r.at))}
                    </time>
                    <div className="text-xs text-slate-500">
                      <TimeAgo at={r.at} now={now} />
                    </div>
                  </td>
                  <td className="px-4 py-2.5">
                    <div className="min-w-[8rem] break-words font-medium">{r.actorLabel}</div>
                    {r.actorLabel !== r.actorKind && <Badge tone={kindTone[r.actorKind] ?? 'slate'}>{r.actorKind}</Badge>}
                  </td>
                  <td className="whitespace-nowrap px-4 py-2.5 font-mono text-sm">{r.action}</td>
                  <td className="max-w-md px-4 py-2.5">
                    <div className="break-all font-mono text-sm">{r.target ?? <span className="text-slate-400">—</span>}</div>
                    {r.detail && (
                      <div className="mt-0.5 break-all font-mono text-xs text-slate-500" title="Detail">
                        {JSON.stringify(r.detail)}
                      </div>
                    )}
                  </td>
                  <td className="px-4 py-2.5">
                    <Badge tone={outcomeTone[r.outcome]} testId="audit-outcome">
                      {r.outcome}
                    </Badge>
                  </td>
                  <td className="whitespace-nowrap px-4 py-2.5 font-mono text-sm text-slate-600 dark:text-slate-400">{r.ip ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rows && rows.length > 0 && (
        <div className="mt-4 flex items-center gap-4 text-sm text-slate-500">
          <span>
            {rows.length} {rows.length === 1 ? 'event' : 'events'} shown
          </span>
          {nextBefore ? (
            <button type="button" onClick={() => void loadOlder()} disabled={loadingMore} className={secondaryButton} data-testid="audit-load-older">
              {loadingMore ? 'Loading…' : 'Load older'}
            </button>
          ) : (
            <span>That is everything{filtered ? ' matching' : ''}.</span>
          )}
        </div>
      )}
    </Wrapper>
  );
}

function Wrapper({ children }: { children: React.ReactNode }) {
  return (
    <div className="mx-auto max-w-[100rem] px-4 py-8">
      <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
      <p className="mb-6 mt-1 text-slate-600 dark:text-slate-400">
        Sign-ins, writes, tokens, invitations and role changes: who, what, when and from where. Newest first.
      </p>
      {children}
    </div>
  );
}
