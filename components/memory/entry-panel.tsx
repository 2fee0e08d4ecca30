'use client';

import { TimeAgo } from '../ui/time-ago';
import { useEffect, useState } from 'react';
import type { HistoryItem, MemoryEntry } from '../../lib/memory-types';
import { useCanWrite } from '../auth/me';
import { bytes, countdown, relative } from '../ui/format';
import { memoryApi } from './api';
import { prettyValue, ValueDiff } from './value-diff';

interface Props {
  entry: MemoryEntry;
  now: number;
  onEdit: () => void;
  onDelete: () => void;
}

function Meta({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-sm">{children}</dd>
    </div>
  );
}

const btn =
  'rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-accent-500 dark:border-slate-700 dark:hover:bg-slate-900';

export function EntryPanel({ entry, now, onEdit, onDelete }: Props) {
  const [raw, setRaw] = useState(false);
  const [history, setHistory] = useState<HistoryItem[] | null>(null);
  const [historyError, setHistoryError] = useState<string | null>(null);
  const [pair, setPair] = useState<[number, number]>([1, 0]);
  // Viewers get no Edit or Delete (the server refuses their writes anyway).
  const canWrite = useCanWrite();

  // Reload history whenever the entry gets a new version.
  // Live changes do not carry the projection verdict: ask for it with each new version.
  const [warning, setWarning] = useState<string | null>(entry.projectionWarning ?? null);
  useEffect(() => {
    let live = true;
    memoryApi
      .entry(entry.namespace, entry.key)
      .then((e) => live && setWarning(e.projectionWarning ?? null))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [entry.namespace, entry.key, entry.version, entry.updatedAt]);

  useEffect(() => {
    let live = true;
    memoryApi
      .history(entry.namespace, entry.key)
      .then((h) => {
        if (!live) return;
        setHistory(h.items);
        setHistoryError(null);
        setPair([Math.min(1, h.items.length - 1), 0]);
      })
      .catch((e: Error) => live && setHistoryError(e.message));
    return () => {
      live = false;
    };
  }, [entry.namespace, entry.key, entry.version, entry.updatedAt]);

  // "Restore this version": a preview of what the restore changes (current → that version) first.
  const [restoring, setRestoring] = useState<HistoryItem | null>(null);
  const [restoreState, setRestoreState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  useEffect(() => {
    setRestoring(null);
    setRestoreState({ busy: false, error: null });
  }, [entry.namespace, entry.key]);
  const restore = async (h: HistoryItem) => {
    setRestoreState({ busy: true, error: null });
    try {
      await memoryApi.restore(entry.namespace, entry.key, h.version, entry.version);
      setRestoring(null);
      setRestoreState({ busy: false, error: null });
    } catch (e) {
      setRestoreState({ busy: false, error: (e as Error).message });
    }
  };

  const older = history?.[pair[0]];
  const newer = history?.[pair[1]];

  return (
    <article aria-labelledby="entry-title" className="space-y-5" data-testid="entry-panel">
      <header className="space-y-1">
        <p className="font-mono text-xs text-slate-500">{entry.namespace}</p>
        <h2 id="entry-title" className="break-all font-mono text-lg font-semibold">
          {entry.key}
        </h2>
        <div className="flex flex-wrap gap-2 pt-2">
          {canWrite && (
            <>
              <button type="button" className={btn} onClick={onEdit}>
                Edit <kbd className="ml-1 text-xs text-slate-400">e</kbd>
              </button>
              <button type="button" className={`${btn} text-rose-700 dark:text-rose-400`} onClick={onDelete}>
                Delete
              </button>
            </>
          )}
          <button type="button" className={btn} onClick={() => void navigator.clipboard?.writeText(entry.raw)}>
            Copy value
          </button>
        </div>
      </header>

      {warning && (
        <p
          role="note"
          data-testid="projection-warning"
          className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
        >
          <span className="font-semibold">Stays plain memory.</span> {warning}
        </p>
      )}
      <dl className="grid grid-cols-2 gap-4 rounded-lg border border-slate-200 p-4 sm:grid-cols-3 dark:border-slate-800">
        <Meta label="Version">
          <span data-testid="entry-version" className="tabular-nums">
            v{entry.version}
          </span>
        </Meta>
        <Meta label="Updated">
          <time dateTime={entry.updatedAt} title={new Date(entry.updatedAt).toLocaleString()}>
            {relative(entry.updatedAt, now)}
          </time>
        </Meta>
        <Meta label="By">
          <span className="break-all">{entry.updatedBy}</span>
        </Meta>
        <Meta label="Expires">
          {entry.expiresAt ? (
            <span data-testid="ttl-countdown" className="tabular-nums text-amber-700 dark:text-amber-400" title={new Date(entry.expiresAt).toLocaleString()}>
              in {countdown(entry.expiresAt, now)}
            </span>
          ) : (
            <span className="text-slate-500">never</span>
          )}
        </Meta>
        <Meta label="Size">{bytes(entry.size)}</Meta>
        <Meta label="Created">
          <time dateTime={entry.createdAt} title={new Date(entry.createdAt).toLocaleString()}>
            {relative(entry.createdAt, now)}
          </time>
        </Meta>
      </dl>

      <section aria-labelledby="value-title">
        <div className="mb-2 flex items-center justify-between">
          <h3 id="value-title" className="text-sm font-semibold">
            Value {entry.isJson ? <span className="font-normal text-slate-500">JSON</span> : <span className="font-normal text-slate-500">text</span>}
          </h3>
          {entry.isJson && (
            <div role="group" aria-label="Value format" className="inline-flex rounded-md border border-slate-300 text-xs dark:border-slate-700">
              <button type="button" aria-pressed={!raw} onClick={() => setRaw(false)} className={`px-2 py-1 ${!raw ? 'bg-slate-200 dark:bg-slate-800' : ''}`}>
                Pretty
              </button>
              <button type="button" aria-pressed={raw} onClick={() => setRaw(true)} className={`px-2 py-1 ${raw ? 'bg-slate-200 dark:bg-slate-800' : ''}`}>
                Raw
              </button>
            </div>
          )}
        </div>
        <pre
          data-testid="entry-value"
          className="max-h-[28rem] overflow-auto whitespace-pre-wrap break-words rounded-lg bg-slate-50 p-4 font-mono text-xs leading-relaxed dark:bg-slate-900"
        >
          {raw || !entry.isJson ? entry.raw : prettyValue(entry.raw)}
        </pre>
      </section>

      <section aria-labelledby="history-title" className="space-y-3">
        <h3 id="history-title" className="text-sm font-semibold">
          History
        </h3>
        {historyError && (
          <p role="alert" className="text-sm text-rose-600">
            Could not load history: {historyError}
          </p>
        )}
        {!history && !historyError && (
          <p className="text-sm text-slate-500" aria-busy="true">
            Loading history…
          </p>
        )}
        {history && (
          <>
            <ol
              className="divide-y divide-slate-100 rounded-lg border border-slate-200 text-sm dark:divide-slate-900 dark:border-slate-800"
              data-testid="history"
            >
              {history.map((h, i) => (
                <li key={h.seq} className="flex items-center gap-3 px-3 py-1.5">
                  <span className="w-10 font-mono tabular-nums">v{h.version}</span>
                  <span className="w-14 text-xs text-slate-500">{h.op}</span>
                  <span className="min-w-0 flex-1 truncate text-slate-600 dark:text-slate-400">{h.actor}</span>
                  <TimeAgo className="text-xs text-slate-500" at={h.at} now={now} />
                  {canWrite && h.op === 'store' && h.value !== null && h.value !== entry.raw && (
                    <button
                      type="button"
                      className="rounded border border-slate-300 px-1.5 text-xs hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900"
                      aria-label={`Restore v${h.version}`}
                      onClick={() => {
                        setRestoring(h);
                        setRestoreState({ busy: false, error: null });
                      }}
                    >
                      Restore…
                    </button>
                  )}
                  <label className="flex items-center gap-1 text-xs" title="Compare from">
                    <input
                      type="radio"
                      name="diff-from"
                      checked={pair[0] === i}
                      onChange={() => setPair([i, pair[1]])}
                      aria-label={`Compare from v${h.version}`}
                    />
                    from
                  </label>
                  <label className="flex items-center gap-1 text-xs" title="Compare to">
                    <input type="radio" name="diff-to" checked={pair[1] === i} onChange={() => setPair([pair[0], i])} aria-label={`Compare to v${h.version}`} />
                    to
                  </label>
                </li>
              ))}
            </ol>
            {restoring && (
              <div role="region" aria-label="Restore preview" data-testid="restore-preview" className="space-y-2 rounded-lg border border-accent-500/40 p-3">
                <p className="text-sm">
                  Restoring writes the value of <span className="font-mono">v{restoring.version}</span> as a new version (v{entry.version + 1}); nothing is
                  lost, the current value stays in the history. What changes:
                </p>
                <ValueDiff before={entry.raw} after={restoring.value} />
                {restoreState.error && (
                  <p role="alert" className="text-sm text-rose-600">
                    {restoreState.error}
                  </p>
                )}
                <div className="flex gap-2">
                  <button type="button" className={btn} disabled={restoreState.busy} onClick={() => void restore(restoring)}>
                    {restoreState.busy ? 'Restoring…' : 'Restore this version'}
                  </button>
                  <button type="button" className={btn} onClick={() => setRestoring(null)}>
                    Cancel
                  </button>
                </div>
              </div>
            )}
            {older && newer && older !== newer ? (
              <div className="space-y-1">
                <p className="text-xs text-slate-500">
                  Changes from v{older.version} ({older.op}) to v{newer.version} ({newer.op})
                </p>
                <ValueDiff before={older.value} after={newer.value} />
              </div>
            ) : (
              <p className="text-sm text-slate-500">{history.length < 2 ? 'Only one version so far.' : 'Pick two different versions to compare.'}</p>
            )}
          </>
        )}
      </section>
    </article>
  );
}
