'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { SessionBoard } from '../../lib/session-types';
import { apiError } from '../auth/api';

import { sessionsApi, type ResumeContext } from './api';
import { DiffView } from './checkpoints';
import { absolute, ago, checkpointLook, humanize, severityLook, typeLabel } from './look';
import { btnCls, Chip, ErrorNote, primaryCls } from './ui';
import { useAction } from './use-action';

/** The checks a person confirms before resuming; the first names match what agents report. */
const CHECKS = [
  { key: 'existing_tests_pass', label: 'Tests pass', aliases: ['tests_pass', 'testsPass', 'tests_passing'] },
  { key: 'code_compiles', label: 'Code compiles', aliases: ['compiles', 'codeCompiles', 'build_passes'] },
  { key: 'branch_matches', label: 'Branch matches', aliases: ['branchMatches', 'branch_ok', 'correct_branch'] },
  { key: 'files_present', label: 'Files present', aliases: ['filesPresent', 'active_files_present'] },
] as const;

function prefill(validation: Record<string, unknown> | undefined): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const c of CHECKS) {
    const hit = [c.key, ...c.aliases].find((k) => typeof validation?.[k] === 'boolean');
    out[c.key] = hit ? (validation![hit] as boolean) : false;
  }
  const known = new Set<string>(CHECKS.flatMap((c) => [c.key, ...c.aliases]));
  for (const [k, v] of Object.entries(validation ?? {})) if (!known.has(k) && typeof v === 'boolean') out[k] = v;
  return out;
}

/**
 * Shown on an interrupted or paused session: the last checkpoint, what changed since, what is open,
 * and the validation to confirm before resuming it as a linked continuation.
 */
export function RecoverPanel({ board, now, canEdit, onBoard }: { board: SessionBoard; now: number; canEdit: boolean; onBoard: (b: SessionBoard) => void }) {
  const router = useRouter();
  const [ctx, setCtx] = useState<ResumeContext | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [checks, setChecks] = useState<Record<string, boolean> | null>(null);
  const [notes, setNotes] = useState('');
  const { pending, error, setError, run } = useAction();

  // The resume context follows the board: reload it with each new version.
  useEffect(() => {
    let live = true;
    sessionsApi
      .resume(board.id)
      .then((c) => {
        if (!live) return;
        setCtx(c);
        setLoadError(null);
      })
      .catch((e) => live && setLoadError(apiError(e).message));
    return () => {
      live = false;
    };
  }, [board.id, board.version]);

  // Pre-fill from the last recovery checkpoint's validation (once; the person's ticks win after that).
  const lastRecovery = useMemo(() => board.checkpoints.find((c) => c.kind === 'recovery'), [board.checkpoints]);
  useEffect(() => {
    if (checks || !ctx) return;
    if (!lastRecovery) return setChecks(prefill(undefined));
    if (ctx.lastCheckpoint?.id === lastRecovery.id) return setChecks(prefill(ctx.lastCheckpoint.validation));
    let live = true;
    sessionsApi
      .checkpoint(board.id, lastRecovery.id)
      .then((s) => live && setChecks((c) => c ?? prefill(s.validation)))
      .catch(() => live && setChecks((c) => c ?? prefill(undefined)));
    return () => {
      live = false;
    };
  }, [ctx, checks, lastRecovery, board.id]);

  const recover = async (e: FormEvent) => {
    e.preventDefault();
    const validation: Record<string, unknown> = { ...(checks ?? prefill(undefined)), validated_at: new Date().toISOString(), validated_in: 'board' };
    if (notes.trim()) validation.notes = notes.trim();
    const child = await run('recover', () => sessionsApi.recover(board.id, validation));
    if (child) router.push(`/sessions/${encodeURIComponent(child.id)}`);
  };
  const markActive = async () => {
    const b = await run('active', () => sessionsApi.update(board.id, { status: 'active' }));
    if (b) onBoard(b);
  };

  const last = ctx?.lastCheckpoint ?? null;
  const lastKind = last ? (checkpointLook[last.kind as keyof typeof checkpointLook]?.label ?? humanize(last.kind)) : '';
  const interrupted = board.status === 'interrupted';
  // Paused because a handoff was declined: say so, and why; nothing crashed.
  const latestHandoff = [...board.handoffs].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  const declined = !interrupted && latestHandoff?.status === 'declined' ? latestHandoff : null;
  // Workspace checks and continuations are about code: only a development session has a branch, tests and files to check.
  const development = board.type === 'development';
  const kind = (typeLabel[board.type] ?? board.type).toLowerCase();
  const title = declined ? `${declined.to} declined the handoff` : interrupted ? 'This session was interrupted' : 'This session is paused';
  const explain = declined
    ? canEdit
      ? 'The session stays with you, paused. Pick it up again here, or hand it to someone else.'
      : 'The session stays with its owner, paused.'
    : !canEdit
      ? development
        ? 'A member can resume it as a linked continuation.'
        : 'A member can resume it.'
      : development
        ? 'Check the workspace, then resume it as a continuation linked to this one.'
        : `Look over where it stood, then resume the ${kind} session.`;

  return (
    <section
      aria-labelledby="recover-title"
      data-testid="recover-panel"
      data-section="recover"
      data-reason={declined ? 'declined' : board.status}
      data-session-type={board.type}
      className={`rounded-xl border-2 p-5 ${declined ? 'border-slate-300 bg-slate-50 dark:border-slate-700 dark:bg-slate-900/50' : 'border-amber-400 bg-amber-50/70 dark:border-amber-700 dark:bg-amber-950/30'}`}
    >
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <h2 id="recover-title" className={`text-lg font-semibold ${declined ? 'text-slate-900 dark:text-slate-100' : 'text-amber-950 dark:text-amber-100'}`}>
          {title}
        </h2>
        <p className={`text-sm ${declined ? 'text-slate-600 dark:text-slate-300' : 'text-amber-900/80 dark:text-amber-200/80'}`}>
          Last activity{' '}
          <time dateTime={board.lastActivityAt} title={absolute(board.lastActivityAt)}>
            {ago(board.lastActivityAt, now)}
          </time>
          . {explain}
        </p>
      </div>
      {declined && (
        <p data-testid="recover-declined-reason" className="mt-2 text-sm">
          <span className="font-semibold">Reason:</span> “{declined.reason || 'no reason given'}”{' '}
          <span className="text-slate-500 dark:text-slate-400">
            · handed off by {declined.from}{' '}
            <time dateTime={declined.createdAt} title={absolute(declined.createdAt)}>
              {ago(declined.createdAt, now)}
            </time>
          </span>
        </p>
      )}

      {loadError && <ErrorNote message={`Could not load the resume context: ${loadError}`} />}
      {!ctx && !loadError && (
        <p className="mt-3 text-sm text-amber-900/80 dark:text-amber-200/80" aria-busy="true">
          Loading what changed…
        </p>
      )}

      {ctx && (
        <div className="mt-4 grid gap-5 lg:grid-cols-[minmax(0,1.1fr)_minmax(0,1fr)_minmax(18rem,0.9fr)]">
          <div className="min-w-0 space-y-3">
            <div>
              <h3 className="text-xs font-semibold uppercase tracking-wide text-amber-900/70 dark:text-amber-200/70">Last checkpoint</h3>
              {last ? (
                <p className="mt-1 text-sm" data-testid="recover-last-checkpoint">
                  <span className="font-medium">{last.label || lastKind}</span>
                  <span className="block text-xs text-slate-600 dark:text-slate-300">
                    {last.label && last.label !== lastKind && `${lastKind} · `}
                    <time dateTime={last.createdAt} title={absolute(last.createdAt)}>
                      {ago(last.createdAt, now)}
                    </time>
                  </span>
                </p>
              ) : (
                <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
                  {development ? 'No checkpoint yet: the continuation starts from the board as it is.' : 'No checkpoint yet.'}
                </p>
              )}
            </div>
            {ctx.changedSinceCheckpoint && (
              <div>
                <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-amber-900/70 dark:text-amber-200/70">Changed since</h3>
                <DiffView diff={ctx.changedSinceCheckpoint} empty="Nothing changed since the last checkpoint." />
              </div>
            )}
          </div>

          <div className="min-w-0 space-y-3">
            <div>
              <h3 className="text-xs font-semibold uppercase tracking-wide text-amber-900/70 dark:text-amber-200/70">
                Open blockers ({ctx.openBlockers.length})
              </h3>
              {ctx.openBlockers.length === 0 ? (
                <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">None.</p>
              ) : (
                <ul className="mt-1 space-y-1">
                  {ctx.openBlockers.map((b) => (
                    <li key={b.id} className="flex items-start gap-2 text-sm">
                      <Chip className={severityLook[b.severity].chip}>{b.severity}</Chip>
                      <span className="min-w-0">{b.description}</span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
            <div>
              <h3 className="text-xs font-semibold uppercase tracking-wide text-amber-900/70 dark:text-amber-200/70">Next steps</h3>
              {ctx.nextSteps.length === 0 ? (
                <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">None recorded.</p>
              ) : (
                <ol className="mt-1 list-decimal space-y-0.5 pl-5 text-sm">
                  {ctx.nextSteps.slice(0, 6).map((s, i) => (
                    <li key={i}>{s}</li>
                  ))}
                  {ctx.nextSteps.length > 6 && <li className="list-none text-slate-500">…and {ctx.nextSteps.length - 6} more</li>}
                </ol>
              )}
            </div>
          </div>

          {canEdit && !development && (
            <div
              className="min-w-0 space-y-3 rounded-lg border border-slate-300 bg-white p-4 dark:border-slate-700 dark:bg-slate-950"
              data-testid="recover-actions"
            >
              <p className="text-sm text-slate-600 dark:text-slate-300">Resuming sets this {kind} session active again, here, with its board as it is.</p>
              <button type="button" className={`${primaryCls} px-4 py-2`} disabled={pending.size > 0} onClick={() => void markActive()}>
                {pending.has('active') ? 'Resuming…' : `Resume the ${kind} session`}
              </button>
              <ErrorNote message={error} onDismiss={() => setError(null)} />
            </div>
          )}
          {canEdit && development && (
            <form
              onSubmit={(e) => void recover(e)}
              className="min-w-0 space-y-3 rounded-lg border border-amber-300 bg-white p-4 dark:border-amber-800 dark:bg-slate-950"
              aria-label="Validate and resume"
            >
              <fieldset>
                <legend className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Workspace checks</legend>
                {!checks ? (
                  <p className="mt-2 text-sm text-slate-500" aria-busy="true">
                    Loading…
                  </p>
                ) : (
                  <div className="mt-2 grid gap-x-4 gap-y-1.5 sm:grid-cols-2">
                    {Object.keys(checks).map((key) => {
                      const known = CHECKS.find((c) => c.key === key);
                      return (
                        <label
                          key={key}
                          className="flex items-start gap-2 text-sm"
                          title={key === 'branch_matches' && board.branch ? `The checked-out branch is ${board.branch}` : undefined}
                        >
                          <input
                            type="checkbox"
                            name={key}
                            checked={checks[key] ?? false}
                            onChange={(e) => setChecks({ ...checks, [key]: e.target.checked })}
                            className="mt-0.5 h-4 w-4 shrink-0 accent-emerald-600"
                          />
                          <span className="min-w-0">
                            {known?.label ?? humanize(key)}
                            {key === 'branch_matches' && board.branch && (
                              <code className="block truncate font-mono text-xs text-slate-500 dark:text-slate-400">{board.branch}</code>
                            )}
                          </span>
                        </label>
                      );
                    })}
                  </div>
                )}
                {lastRecovery && checks && <p className="mt-1.5 text-xs text-slate-500 dark:text-slate-400">Pre-filled from the last recovery checkpoint.</p>}
              </fieldset>
              <label className="block">
                <span className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Notes</span>
                <textarea
                  rows={2}
                  value={notes}
                  onChange={(e) => setNotes(e.target.value)}
                  placeholder="Optional: what you checked, anything off"
                  className="mt-1 w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-950"
                />
              </label>
              <div className="flex flex-wrap gap-2">
                <button type="submit" className={`${primaryCls} px-4 py-2`} disabled={pending.size > 0 || !checks}>
                  {pending.has('recover') ? 'Resuming…' : 'Resume as continuation'}
                </button>
                <button
                  type="button"
                  className={btnCls}
                  disabled={pending.size > 0}
                  onClick={() => void markActive()}
                  title="Set this session active again, without a continuation"
                >
                  {pending.has('active') ? 'Marking…' : 'Mark active here'}
                </button>
              </div>
              <ErrorNote message={error} onDismiss={() => setError(null)} />
            </form>
          )}
        </div>
      )}
    </section>
  );
}
