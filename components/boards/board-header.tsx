'use client';

import Link from 'next/link';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { PresenceViewer } from '../../lib/events';
import type { SessionBoard, SessionStatus } from '../../lib/session-types';

import { HandOffButton } from '../handoffs/board-handoffs';
import { sessionsApi } from './api';
import { absolute, ago, duration, initials, statusLook, typeLabel } from './look';
import { Chip, ErrorNote, inputCls, primaryCls } from './ui';
import { useAction } from './use-action';

const kindName: Record<PresenceViewer['kind'], string> = { user: 'person', token: 'agent', share: 'shared screen' };
const kindLook: Record<PresenceViewer['kind'], string> = {
  user: 'rounded-full bg-accent-600',
  token: 'rounded-md bg-sky-600',
  share: 'rounded-full bg-slate-500',
};

/** Who else has this board open: people (round), agents (square) and shared screens, with a count. */
export function Presence({ viewers, myId }: { viewers: PresenceViewer[]; myId: string | null }) {
  const shown = viewers.slice(0, 6);
  const label = (v: PresenceViewer) => `${v.name}${v.id === myId ? ' (you)' : ''}, ${kindName[v.kind]}${v.focus ? `, looking at ${v.focus}` : ''}`;
  return (
    <div data-testid="presence" data-count={viewers.length} className="flex items-center gap-2" aria-label={`${viewers.length} viewing`}>
      <ul className="flex -space-x-1.5">
        {shown.map((v) => (
          <li
            key={v.id}
            data-kind={v.kind}
            title={label(v)}
            className={`relative flex h-8 w-8 items-center justify-center border-2 border-white text-[11px] font-bold text-white dark:border-slate-950 ${kindLook[v.kind]}`}
          >
            <span aria-hidden>{initials(v.name)}</span>
            <span className="sr-only">{label(v)}</span>
          </li>
        ))}
      </ul>
      <span className="whitespace-nowrap text-xs text-slate-500 dark:text-slate-400">
        {viewers.length > shown.length && `+${viewers.length - shown.length} · `}
        {viewers.length === 0 ? 'No viewers' : `${viewers.length} viewing`}
      </span>
    </div>
  );
}

function Meta({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-[0.7rem] font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="truncate text-sm font-medium">{children}</dd>
    </div>
  );
}

const none = <span className="font-normal text-slate-400 dark:text-slate-500">—</span>;

function Elapsed({ board, now }: { board: SessionBoard; now: number }) {
  const end = board.endedAt ? Date.parse(board.endedAt) : now;
  const elapsed = Math.max(0, end - Date.parse(board.startedAt));
  const expected = board.expectedMinutes ? board.expectedMinutes * 60_000 : null;
  const ratio = expected ? elapsed / expected : null;
  const over = ratio !== null && ratio > 1;
  return (
    <div className="min-w-0" data-testid="board-elapsed">
      <p className="flex flex-wrap items-baseline gap-x-1.5 text-sm">
        <span className="text-[0.7rem] font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{board.endedAt ? 'Took' : 'Elapsed'}</span>
        <span className="font-semibold tabular-nums">{duration(elapsed)}</span>
        {expected ? (
          <span className={`text-slate-500 dark:text-slate-400 ${over ? 'text-amber-700 dark:text-amber-400' : ''}`}>
            of {board.expectedDuration ?? duration(expected)} expected{over && ` · over by ${duration(elapsed - expected)}`}
          </span>
        ) : (
          <span className="text-slate-500 dark:text-slate-400">· no expected duration</span>
        )}
      </p>
      {ratio !== null && (
        <div
          role="progressbar"
          aria-label="Elapsed of expected duration"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.min(100, Math.round(ratio * 100))}
          className="mt-1.5 h-1.5 w-full max-w-md overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
        >
          <div className={`h-full rounded-full ${over ? 'bg-amber-500' : 'bg-accent-500'}`} style={{ width: `${Math.min(100, ratio * 100)}%` }} />
        </div>
      )}
    </div>
  );
}

const AUTOSAVE = [0, 15, 30, 60];
const STATUS_CHOICES: SessionStatus[] = ['active', 'paused', 'completed'];

/** Checkpoint now (shortcut `c`), autosave, status: the board's actions for members. */
function Actions({ board, onBoard }: { board: SessionBoard; onBoard: (b: SessionBoard) => void }) {
  const { pending, busy, error, setError, run } = useAction();
  const [label, setLabel] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const checkpointing = pending.has('checkpoint');
  const checkpointRef = useRef<() => void>(() => {});

  const checkpoint = async (e?: FormEvent) => {
    e?.preventDefault();
    if (checkpointing) return;
    const b = await run('checkpoint', () => sessionsApi.createCheckpoint(board.id, label));
    if (b) {
      onBoard(b);
      setSaved(b.checkpoints[0]?.label ?? 'Checkpoint');
      setLabel('');
    }
  };
  checkpointRef.current = () => void checkpoint();

  useEffect(() => {
    if (!saved) return;
    const t = setTimeout(() => setSaved(null), 4000);
    return () => clearTimeout(t);
  }, [saved]);

  // `c` saves a checkpoint from anywhere on the board (not while typing).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key !== 'c' || e.metaKey || e.ctrlKey || e.altKey || e.repeat) return;
      // Not while typing; a focused checkbox or button is fine.
      const typing =
        target.closest('textarea, select, [contenteditable]') ||
        (target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(target.type));
      if (typing) return;
      e.preventDefault();
      checkpointRef.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const setAutosave = async (minutes: number) => {
    const b = await run('autosave', () => sessionsApi.update(board.id, { autosaveMinutes: minutes }));
    if (b) onBoard(b);
  };
  const setStatus = async (status: SessionStatus) => {
    const b = await run('status', () => sessionsApi.update(board.id, { status }));
    if (b) onBoard(b);
  };
  const autosaveChoices = AUTOSAVE.includes(board.autosaveMinutes) ? AUTOSAVE : [...AUTOSAVE, board.autosaveMinutes].sort((a, b) => a - b);
  const statusChoices = STATUS_CHOICES.includes(board.status) ? STATUS_CHOICES : [board.status, ...STATUS_CHOICES];

  return (
    <div className="min-w-0" data-testid="board-actions">
      <div className="flex flex-wrap items-center gap-2">
        <form onSubmit={(e) => void checkpoint(e)} className="flex items-center gap-2">
          <label htmlFor="checkpoint-label" className="sr-only">
            Checkpoint label (optional)
          </label>
          <input
            id="checkpoint-label"
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            placeholder="Label (optional)"
            className={`${inputCls} w-40`}
            disabled={checkpointing}
          />
          <button type="submit" className={`${primaryCls} whitespace-nowrap`} disabled={checkpointing} title="Save a checkpoint now (c)" aria-keyshortcuts="c">
            {checkpointing ? 'Saving…' : 'Checkpoint now'}
            <kbd className="rounded border border-white/40 px-1 text-[10px] font-normal">c</kbd>
          </button>
        </form>
        <label className="flex items-center gap-1.5 text-sm text-slate-600 dark:text-slate-300">
          Autosave
          <select
            value={board.autosaveMinutes}
            onChange={(e) => void setAutosave(Number(e.target.value))}
            disabled={pending.has('autosave')}
            className={`${inputCls} w-auto py-1`}
            data-testid="autosave"
          >
            {autosaveChoices.map((m) => (
              <option key={m} value={m}>
                {m === 0 ? 'off' : `every ${m} min`}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1.5 text-sm text-slate-600 dark:text-slate-300">
          Status
          <select
            value={board.status}
            onChange={(e) => void setStatus(e.target.value as SessionStatus)}
            disabled={pending.has('status')}
            className={`${inputCls} w-auto py-1`}
            data-testid="status-select"
          >
            {statusChoices.map((s) => (
              <option key={s} value={s}>
                {statusLook[s].label}
              </option>
            ))}
          </select>
        </label>
        <HandOffButton board={board} />
        {saved && !busy && (
          <span role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
            ✓ Saved “{saved}”
          </span>
        )}
      </div>
      <ErrorNote message={error} onDismiss={() => setError(null)} />
    </div>
  );
}

export function BoardHeader({
  board,
  now,
  viewers,
  myId,
  canEdit,
  readOnly,
  share = null,
  onBoard,
}: {
  board: SessionBoard;
  now: number;
  viewers: PresenceViewer[];
  myId: string | null;
  canEdit: boolean;
  readOnly: boolean;
  /** The share link this board was opened with: read-only, and no links into the rest of Baton. */
  share?: string | null;
  onBoard: (b: SessionBoard) => void;
}) {
  const look = statusLook[board.status];
  const { parent, children } = board.lineage;
  // Branch, commit and focus belong to code: other boards show them only when they have them.
  const dev = board.type === 'development';
  return (
    <header className="border-b border-slate-200 bg-slate-50/70 dark:border-slate-800 dark:bg-slate-900/30">
      <div className="mx-auto max-w-[100rem] space-y-4 px-4 py-5 sm:px-6">
        <nav aria-label="Breadcrumb" className="flex items-center gap-1.5 text-xs text-slate-500 dark:text-slate-400">
          {share ? (
            <span>Shared board</span>
          ) : (
            <Link href="/sessions" className="hover:text-slate-900 hover:underline dark:hover:text-white">
              Sessions
            </Link>
          )}
          <span aria-hidden>/</span>
          <span className="truncate font-mono">{board.id}</span>
        </nav>

        <div className="flex flex-wrap items-start justify-between gap-4">
          <div className="min-w-0 flex-1 basis-full sm:basis-0">
            <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
              <h1 data-testid="board-title" className="min-w-0 break-words text-2xl font-semibold tracking-tight sm:text-3xl">
                {board.title}
              </h1>
              <Chip className="bg-white text-slate-700 ring-1 ring-slate-300 dark:bg-slate-900 dark:text-slate-200 dark:ring-slate-700">
                {typeLabel[board.type] ?? board.type}
                {board.subtype && <span className="font-normal text-slate-500 dark:text-slate-400">&nbsp;· {board.subtype}</span>}
              </Chip>
              <span
                data-testid="board-status"
                data-status={board.status}
                className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 ${look.chip}`}
              >
                <span aria-hidden className={`h-1.5 w-1.5 rounded-full ${look.dot} ${board.status === 'active' ? 'animate-pulse' : ''}`} />
                {look.label}
              </span>
              {share && (
                <span
                  data-testid="read-only-badge"
                  title="Opened with a share link: you can follow the board but not change it"
                  className="rounded-full border border-slate-300 px-2 py-0.5 text-xs font-medium text-slate-600 dark:border-slate-700 dark:text-slate-300"
                >
                  Read-only link
                </span>
              )}
              {readOnly && !share && (
                <span
                  data-testid="read-only-badge"
                  title="You have viewer access: you can follow the board but not change it"
                  className="rounded-full border border-slate-300 px-2 py-0.5 text-xs font-medium text-slate-600 dark:border-slate-700 dark:text-slate-300"
                >
                  Read-only
                </span>
              )}
            </div>
          </div>
          <div className="flex flex-wrap items-center gap-3">
            {/* A shared screen gets meeting mode only where there is a meeting: a coordination session's agenda. */}
            {(!share || board.type === 'coordination') && (
              <Link
                href={`/present/${encodeURIComponent(board.id)}${share ? `?share=${encodeURIComponent(share)}` : ''}`}
                data-testid="present-link"
                title="Meeting mode: a large-type screen everyone follows"
                className="inline-flex items-center gap-1.5 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-accent-500 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
              >
                <span aria-hidden>▶</span> {share ? 'Meeting screen' : 'Present'}
              </Link>
            )}
            <Presence viewers={viewers} myId={myId} />
          </div>
        </div>

        <dl className="grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-3 lg:grid-cols-6">
          <Meta label="Project">{board.project ?? none}</Meta>
          <Meta label="Owner">{board.owner ?? none}</Meta>
          {(dev || board.branch) && (
            <Meta label="Branch">
              {board.branch ? (
                <code className="font-mono text-[0.8rem]" title={board.branch}>
                  {board.branch}
                </code>
              ) : (
                none
              )}
            </Meta>
          )}
          {(dev || board.lastCommit) && (
            <Meta label="Last commit">
              {board.lastCommit ? (
                <code className="font-mono text-[0.8rem]" title={board.lastCommit}>
                  {board.lastCommit.slice(0, 12)}
                </code>
              ) : (
                none
              )}
            </Meta>
          )}
          {(dev || board.focusArea) && <Meta label="Focus">{board.focusArea ?? none}</Meta>}
          <Meta label="Last activity">
            <time dateTime={board.lastActivityAt} title={absolute(board.lastActivityAt)}>
              {ago(board.lastActivityAt, now)}
            </time>
          </Meta>
        </dl>

        <div className="flex flex-wrap items-end justify-between gap-x-8 gap-y-3">
          <div className="flex min-w-0 flex-1 flex-wrap items-end gap-x-8 gap-y-3">
            <div className="w-full min-w-0 sm:w-auto sm:min-w-[22rem] sm:max-w-xl">
              <Elapsed board={board} now={now} />
            </div>
            {(parent || children.length > 0 || board.resumeCount > 0) && (
              <div className="min-w-0 space-y-0.5 text-sm" data-testid="lineage">
                {parent && (
                  <p>
                    <span className="text-slate-500 dark:text-slate-400">continues </span>
                    {share ? (
                      <span className="font-medium">{parent.title}</span>
                    ) : (
                      <Link href={`/sessions/${encodeURIComponent(parent.id)}`} className="font-medium text-accent-600 hover:underline dark:text-accent-500">
                        {parent.title}
                      </Link>
                    )}
                    <span className="text-xs text-slate-500 dark:text-slate-400"> ({statusLook[parent.status]?.label ?? parent.status})</span>
                  </p>
                )}
                {children.length > 0 && (
                  <p>
                    <span className="text-slate-500 dark:text-slate-400">continued in </span>
                    {children.map((c, i) => (
                      <span key={c.id}>
                        {i > 0 && ', '}
                        {share ? (
                          <span className="font-mono text-[0.8rem] font-medium">{c.id}</span>
                        ) : (
                          <Link
                            href={`/sessions/${encodeURIComponent(c.id)}`}
                            className="font-mono text-[0.8rem] font-medium text-accent-600 hover:underline dark:text-accent-500"
                          >
                            {c.id}
                          </Link>
                        )}
                        <span className="text-xs text-slate-500 dark:text-slate-400"> ({statusLook[c.status]?.label ?? c.status})</span>
                      </span>
                    ))}
                  </p>
                )}
                {board.resumeCount > 0 && (
                  <p className="text-slate-500 dark:text-slate-400" data-testid="resume-count">
                    resumed {board.resumeCount} {board.resumeCount === 1 ? 'time' : 'times'}
                  </p>
                )}
              </div>
            )}
          </div>
          {canEdit && <Actions board={board} onBoard={onBoard} />}
        </div>
      </div>
    </header>
  );
}
