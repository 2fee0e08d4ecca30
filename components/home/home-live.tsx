'use client';

import { TimeAgo } from '../ui/time-ago';
import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import { ALL_MEMORY_ROOM, type Change } from '../../lib/events';
import { useFeed } from '../realtime/connection';
import { memoryApi } from '../memory/api';
import { applyCounts } from '../memory/apply';
import { AgentHowTo } from '../memory/agent-howto';
import { useNow } from '../ui/use-now';

const opLabel: Record<Change['op'], string> = { store: 'stored', delete: 'deleted', expire: 'expired' };
const ROOMS = [ALL_MEMORY_ROOM];

/** Live counts and the latest writes, straight from the change feed. */
export function HomeLive() {
  const [snapshot, setSnapshot] = useState<{ counts: Map<string, number>; recent: Change[]; seq: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const now = useNow(5000);

  const load = useCallback(async () => {
    // Recent first, then counts: replaying from the older seq never misses a change in between.
    const recent = await memoryApi.recent(12);
    const namespaces = await memoryApi.namespaces();
    const counts = new Map(namespaces.items.map((n) => [n.namespace, n.count]));
    setSnapshot({ counts, recent: recent.items, seq: Math.min(recent.seq, namespaces.seq) });
    setError(null);
    return Math.min(recent.seq, namespaces.seq);
  }, []);

  useEffect(() => {
    load().catch((e: Error) => setError(e.message));
  }, [load]);

  useFeed(
    ROOMS,
    snapshot?.seq ?? null,
    (changes) =>
      setSnapshot((s) => {
        if (!s) return s;
        const fresh = changes.filter((c) => !s.recent.some((r) => r.seq === c.seq));
        return { ...s, counts: applyCounts(s.counts, changes), recent: [...fresh.reverse(), ...s.recent].slice(0, 12) };
      }),
    load,
  );

  if (error)
    return (
      <p className="rounded-lg border border-rose-300 bg-rose-50 p-4 text-rose-800 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200">
        Could not load Baton&apos;s state: {error}
      </p>
    );
  if (!snapshot)
    return (
      <p className="text-slate-500" aria-busy="true">
        Loading…
      </p>
    );

  const total = [...snapshot.counts.values()].reduce((a, b) => a + b, 0);
  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <section className="min-w-0 rounded-xl border border-slate-200 p-5 dark:border-slate-800" aria-labelledby="counts">
        <h2 id="counts" className="text-sm font-semibold uppercase tracking-wide text-slate-500">
          Memory
        </h2>
        <p className="mt-2 text-4xl font-semibold tabular-nums" data-testid="total-entries">
          {total}
        </p>
        <p className="text-sm text-slate-500">
          {total === 1 ? 'entry' : 'entries'} in {snapshot.counts.size} {snapshot.counts.size === 1 ? 'namespace' : 'namespaces'}
        </p>
        <ul className="mt-4 space-y-1">
          {[...snapshot.counts.entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([ns, count]) => (
              <li key={ns}>
                <Link
                  href={`/memory?ns=${encodeURIComponent(ns)}`}
                  className="flex justify-between rounded px-2 py-1 text-sm hover:bg-slate-100 dark:hover:bg-slate-900"
                >
                  <span className="truncate font-mono">{ns}</span>
                  <span className="tabular-nums text-slate-500">{count}</span>
                </Link>
              </li>
            ))}
        </ul>
      </section>
      <section className="min-w-0 rounded-xl border border-slate-200 p-5 lg:col-span-2 dark:border-slate-800" aria-labelledby="activity">
        <div className="flex items-baseline justify-between">
          <h2 id="activity" className="text-sm font-semibold uppercase tracking-wide text-slate-500">
            Latest writes
          </h2>
          <Link href="/memory" className="text-sm font-medium text-accent-600 hover:underline dark:text-accent-500">
            Open the memory explorer →
          </Link>
        </div>
        {snapshot.recent.length === 0 ? (
          <div className="mt-4">
            <AgentHowTo />
          </div>
        ) : (
          <ol className="mt-3 divide-y divide-slate-100 dark:divide-slate-900" data-testid="activity">
            {snapshot.recent.map((c) => (
              <li key={c.seq} className="flex items-center gap-3 py-2 text-sm">
                <span className="w-16 shrink-0 text-xs tabular-nums text-slate-400">#{c.seq}</span>
                <Link
                  className="min-w-0 flex-1 truncate font-mono hover:underline"
                  href={`/memory?ns=${encodeURIComponent(c.namespace)}&key=${encodeURIComponent(c.key)}`}
                >
                  <span className="text-slate-500">{c.namespace}/</span>
                  {c.key}
                </Link>
                <span className="hidden shrink-0 text-slate-500 sm:inline">
                  {opLabel[c.op]} by {c.actor}
                </span>
                <TimeAgo className="w-24 shrink-0 text-right text-xs text-slate-400" at={c.at} now={now} />
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
