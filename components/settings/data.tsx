'use client';

import { useCallback, useEffect, useState, type ChangeEvent } from 'react';
import type { ApiError } from '../../lib/errors';
import { api, apiError } from '../auth/api';
import { Badge, primaryButton, rowClass, secondaryButton, Section, Spinner, tableClass, tdClass, thClass, When } from '../auth/ui';
import { useNow } from '../ui/use-now';

// Settings → Data (admins, issue 17): export, import (a dry run first, then apply), backups, and how
// to restore. The routes: GET /api/v1/export, POST /api/v1/import, GET/POST /api/v1/backups.

type Mode = 'skip' | 'overwrite' | 'merge';
interface ImportSummary {
  mode: Mode;
  dryRun: boolean;
  lines: number;
  counts: Record<string, Record<string, number>>;
  changes: string[];
  missingUsers: string[];
  seq: number;
}
interface BackupList {
  items: { name: string; size: number; at: string }[];
  configured: boolean;
  intervalMinutes: number | null;
  keep: number | null;
  lastGoodAt: string | null;
}

const MODES: { value: Mode; label: string; help: string }[] = [
  { value: 'skip', label: 'Skip', help: 'Keep what is here; add only what is missing' },
  { value: 'merge', label: 'Merge', help: 'Keep the newer version of each key' },
  { value: 'overwrite', label: 'Overwrite', help: 'The file wins for everything it holds' },
];

const records = (n: number) => `${n} ${n === 1 ? 'record' : 'records'}`;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** POST /api/v1/import with upload progress (fetch reports none): resolves to the summary or rejects with the API's error. */
function postImport(file: File, mode: Mode, dryRun: boolean, onProgress: (fraction: number) => void): Promise<ImportSummary> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/import?mode=${mode}${dryRun ? '&dryRun=true' : ''}`);
    xhr.setRequestHeader('content-type', 'application/x-ndjson');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject({ code: 'internal', message: 'Could not reach Baton. Check your connection and try again.' } satisfies ApiError);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: reported below
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as ImportSummary);
      else reject((body as { error?: ApiError } | null)?.error ?? ({ code: 'internal', message: `Import failed (${xhr.status})` } satisfies ApiError));
    };
    xhr.send(file);
  });
}

function Counts({ summary }: { summary: ImportSummary }) {
  const rows = Object.entries(summary.counts);
  if (rows.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-400">The file holds no records.</p>;
  return (
    <table className={tableClass} data-testid="import-counts">
      <thead>
        <tr>
          <th className={thClass}>Records</th>
          <th className={thClass}>{summary.dryRun ? 'Would be' : 'Result'}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([type, outcomes]) => (
          <tr key={type} className={rowClass}>
            <td className={`${tdClass} font-medium`}>{type}</td>
            <td className={tdClass}>
              {Object.entries(outcomes)
                .map(([outcome, n]) => `${n} ${outcome}`)
                .join(', ')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ImportForm() {
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<Mode>('skip');
  const [progress, setProgress] = useState<{ label: string; fraction: number } | null>(null);
  const [preview, setPreview] = useState<ImportSummary | null>(null);
  const [applied, setApplied] = useState<ImportSummary | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const reset = () => {
    setPreview(null);
    setApplied(null);
    setError(null);
  };
  const run = async (dryRun: boolean) => {
    if (!file) return;
    reset();
    setProgress({ label: dryRun ? 'Checking' : 'Importing', fraction: 0 });
    try {
      const summary = await postImport(file, mode, dryRun, (fraction) => setProgress({ label: dryRun ? 'Checking' : 'Importing', fraction }));
      if (dryRun) setPreview(summary);
      else setApplied(summary);
    } catch (err) {
      setError(err && typeof err === 'object' && 'code' in err ? (err as ApiError) : apiError(err));
    } finally {
      setProgress(null);
    }
  };
  const busy = progress !== null;

  return (
    <div className="space-y-3" data-testid="import">
      <h3 className="font-semibold">Import</h3>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        A Baton export (NDJSON). You see what would change first; nothing is applied until you confirm, and a file with a bad line applies nothing.
      </p>
      <div className="flex flex-wrap items-end gap-3">
        <label className="text-sm font-medium">
          File
          <input
            type="file"
            accept=".ndjson,.jsonl,application/x-ndjson"
            data-testid="import-file"
            disabled={busy}
            onChange={(e: ChangeEvent<HTMLInputElement>) => {
              setFile(e.target.files?.[0] ?? null);
              reset();
            }}
            className="mt-1 block w-full max-w-xs text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium dark:file:border-slate-700 dark:file:bg-slate-900 dark:file:text-slate-100"
          />
        </label>
        <fieldset className="text-sm" disabled={busy}>
          <legend className="font-medium">When a record is already here</legend>
          <div className="mt-1 flex flex-wrap gap-3">
            {MODES.map((m) => (
              <label key={m.value} className="flex items-center gap-1.5" title={m.help}>
                <input
                  type="radio"
                  name="import-mode"
                  value={m.value}
                  checked={mode === m.value}
                  onChange={() => {
                    setMode(m.value);
                    reset();
                  }}
                />
                {m.label}
              </label>
            ))}
          </div>
        </fieldset>
        <button type="button" className={secondaryButton} disabled={!file || busy} onClick={() => void run(true)} data-testid="import-check">
          Check file
        </button>
      </div>
      <p className="text-xs text-slate-500">{MODES.find((m) => m.value === mode)!.help}.</p>

      {progress && (
        <div data-testid="import-progress">
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {progress.label}… {progress.fraction < 1 ? `${Math.round(progress.fraction * 100)} % sent` : 'reading the file'}
          </p>
          <progress
            className="mt-1 h-2 w-full max-w-md"
            max={1}
            value={progress.fraction < 1 ? progress.fraction : undefined}
            aria-label={`${progress.label} the file`}
          />
        </div>
      )}
      {error && (
        <p
          role="alert"
          data-testid="import-error"
          className="rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200"
        >
          {error.message}
        </p>
      )}
      {preview && (
        <div className="space-y-2 rounded-md border border-slate-200 p-3 dark:border-slate-800" data-testid="import-preview">
          <p className="text-sm">
            <Badge tone="amber">Dry run</Badge> {records(preview.lines - 1)} in {file?.name}; nothing has changed yet.
          </p>
          <Counts summary={preview} />
          {preview.changes.length > 0 && (
            <ul className="max-h-40 overflow-auto font-mono text-xs text-slate-600 dark:text-slate-400">
              {preview.changes.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
          )}
          {preview.missingUsers.length > 0 && (
            <p className="text-sm text-amber-800 dark:text-amber-300">
              No account here for {preview.missingUsers.join(', ')}: their handoffs keep the name only.
            </p>
          )}
          <button type="button" className={primaryButton} disabled={busy} onClick={() => void run(false)} data-testid="import-apply">
            Import {records(preview.lines - 1)} ({mode})
          </button>
        </div>
      )}
      {applied && (
        <div className="space-y-2 rounded-md border border-emerald-300 p-3 dark:border-emerald-800" data-testid="import-done">
          <p className="text-sm">
            <Badge tone="green">Imported</Badge> {records(applied.lines - 1)}; open screens have been updated.
          </p>
          <Counts summary={applied} />
        </div>
      )}
    </div>
  );
}

function Backups() {
  const now = useNow(30_000);
  const [list, setList] = useState<BackupList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setList(await api<BackupList>('/api/v1/backups'));
      setError(null);
    } catch (err) {
      setError(apiError(err).message);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const backUpNow = async () => {
    setBusy(true);
    setDone(null);
    setError(null);
    try {
      const b = await api<{ name: string; size: number; ms: number }>('/api/v1/backups', { method: 'POST' });
      setDone(`${b.name} written (${formatBytes(b.size)}, ${b.ms} ms) and checked.`);
      await load();
    } catch (err) {
      setError(apiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="space-y-3" data-testid="backups">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h3 className="font-semibold">Backups</h3>
        {list?.configured && (
          <button type="button" className={primaryButton} onClick={() => void backUpNow()} disabled={busy} data-testid="backup-now">
            {busy ? 'Backing up…' : 'Back up now'}
          </button>
        )}
      </div>
      {!list && !error && <Spinner />}
      {error && (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
          {error}
        </p>
      )}
      {done && (
        <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
          {done}
        </p>
      )}
      {list && !list.configured && (
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="backups-off">
          This server keeps no backups of its own: set <code className="font-mono">BACKUP_DIR</code> (and optionally{' '}
          <code className="font-mono">BACKUP_INTERVAL_MINUTES</code>, <code className="font-mono">BACKUP_KEEP</code>) and restart it, or take one with{' '}
          <code className="font-mono">baton backup FILE</code>.
          {list.lastGoodAt && (
            <>
              {' '}
              Last good backup: <When at={new Date(list.lastGoodAt)} now={now} />.
            </>
          )}
        </p>
      )}
      {list?.configured && (
        <>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Every {list.intervalMinutes} minutes, the newest {list.keep} kept; each is checked with <code className="font-mono">quick_check</code> before it
            counts. Last good backup: <When at={list.lastGoodAt ? new Date(list.lastGoodAt) : null} now={now} empty="none yet" />.
          </p>
          {list.items.length === 0 ? (
            <p className="text-sm text-slate-500">No backups yet.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className={tableClass} data-testid="backup-list">
                <thead>
                  <tr>
                    <th className={thClass}>File</th>
                    <th className={thClass}>Taken</th>
                    <th className={`${thClass} text-right`}>Size</th>
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((b) => (
                    <tr key={b.name} className={rowClass}>
                      <td className={`${tdClass} break-all font-mono text-xs`}>{b.name}</td>
                      <td className={tdClass}>
                        <When at={new Date(b.at)} now={now} />
                      </td>
                      <td className={`${tdClass} whitespace-nowrap text-right tabular-nums`}>{formatBytes(b.size)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}

export function DataSection() {
  return (
    <Section id="data" title="Data" description="Move Baton's data between installs, and keep it safe. Tokens, passwords and share links are never exported.">
      <div className="space-y-3">
        <h3 className="font-semibold">Export</h3>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Every memory entry with its history, sessions and their boards, checkpoints and handoffs, as one NDJSON file (people by email). It is read from one
          snapshot, so writes during the download are either in it or not at all.
        </p>
        <a href="/api/v1/export" download className={`${secondaryButton} inline-block`} data-testid="export-download">
          Download export
        </a>
      </div>
      <ImportForm />
      <Backups />
      <div className="space-y-2" data-testid="restore-help">
        <h3 className="font-semibold">Restore from a backup</h3>
        <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-600 dark:text-slate-400">
          <li>Stop Baton (a restore refuses a database a running server has open).</li>
          <li>
            Run <code className="font-mono">baton restore &lt;backup file&gt; --db &lt;DATABASE_PATH&gt;</code> on the server. It checks the backup, refuses one
            from a newer Baton and migrates an older one forward.
          </li>
          <li>
            Start Baton again. Open screens reload what they show; anything written after the backup was taken is gone, so export first if you may need it.
          </li>
        </ol>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          To move to another machine instead, download an export here and import it there. Details: <code className="font-mono">docs/operations.md</code>, “Back
          up, restore and move data”.
        </p>
      </div>
    </Section>
  );
}
