'use client';

import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { diffSnapshots, isEmptyDiff, snapshotOfBoard, type SnapshotDiff } from '../../lib/checkpoint-diff';
import type { CheckpointSnapshot, CheckpointSummary, SessionBoard } from '../../lib/session-types';
import { apiError } from '../auth/api';

import { sessionsApi } from './api';
import { useShare } from './share';
import { absolute, ago, checkpointLook, formatMetric, metricLabel } from './look';
import { btnCls, Card, Empty, ErrorNote, linkBtnCls } from './ui';

function DiffGroup({ title, tone, items }: { title: string; tone: 'add' | 'done' | 'warn' | 'neutral'; items: ReactNode[] }) {
  if (items.length === 0) return null;
  const mark = { add: '+', done: '✓', warn: '!', neutral: '~' }[tone];
  const color = {
    add: 'text-emerald-600 dark:text-emerald-400',
    done: 'text-emerald-600 dark:text-emerald-400',
    warn: 'text-rose-600 dark:text-rose-400',
    neutral: 'text-sky-600 dark:text-sky-400',
  }[tone];
  return (
    <div>
      <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">{title}</h4>
      <ul className="mt-1 space-y-0.5">
        {items.map((item, i) => (
          <li key={i} className="flex gap-2 text-sm">
            <span aria-hidden className={`w-3 shrink-0 text-center font-bold ${color}`}>
              {mark}
            </span>
            <span className="min-w-0 flex-1 break-words">{item}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

const arrow = (
  <span aria-label="to" className="px-1 text-slate-400">
    →
  </span>
);
const code = (v: string | null) => (v ? <code className="font-mono text-[0.8rem]">{v}</code> : <span className="text-slate-400">none</span>);

/** What changed between two snapshots, grouped: goals, workstreams, files, blockers, decisions, metrics, branch. */
export function DiffView({ diff, empty = 'No changes.' }: { diff: SnapshotDiff; empty?: string }) {
  if (isEmptyDiff(diff)) return <p className="text-sm text-slate-500 dark:text-slate-400">{empty}</p>;
  return (
    <div className="space-y-3">
      <DiffGroup title="Goals done" tone="done" items={diff.goalsDone} />
      <DiffGroup title="Goals added" tone="add" items={diff.goalsAdded} />
      <DiffGroup
        title="Workstreams"
        tone="neutral"
        items={diff.workstreams.map((w) => (
          <>
            <span className="font-medium">{w.name}</span>{' '}
            <span className="tabular-nums">
              {w.from === null ? 'new' : `${w.from}%`}
              {arrow}
              {w.to}%
            </span>
            {w.statusFrom !== w.statusTo && (
              <span className="text-slate-500 dark:text-slate-400">
                {' '}
                ({w.statusFrom ?? 'new'}
                {arrow}
                {w.statusTo})
              </span>
            )}
          </>
        ))}
      />
      <DiffGroup
        title="Files added"
        tone="add"
        items={diff.filesAdded.map((f) => (
          <code className="font-mono text-[0.8rem]">{f}</code>
        ))}
      />
      <DiffGroup title="Blockers opened" tone="warn" items={diff.blockersOpened} />
      <DiffGroup title="Blockers resolved" tone="done" items={diff.blockersResolved} />
      <DiffGroup
        title="Decisions added"
        tone="add"
        items={diff.decisionsAdded.map((d) => (
          <>
            <span className="font-medium">{d.topic}:</span> {d.decision}
          </>
        ))}
      />
      <DiffGroup
        title="Metrics"
        tone="neutral"
        items={diff.metrics.map((m) => (
          <>
            {metricLabel(m.name)}{' '}
            <span className="tabular-nums">
              {formatMetric(m.name, m.from)}
              {arrow}
              {formatMetric(m.name, m.to)}
            </span>
          </>
        ))}
      />
      <DiffGroup
        title="Branch"
        tone="neutral"
        items={
          diff.branch
            ? [
                <>
                  {code(diff.branch.from)}
                  {arrow}
                  {code(diff.branch.to)}
                </>,
              ]
            : []
        }
      />
      <DiffGroup
        title="Last commit"
        tone="neutral"
        items={
          diff.lastCommit
            ? [
                <>
                  {code(diff.lastCommit.from)}
                  {arrow}
                  {code(diff.lastCommit.to)}
                </>,
              ]
            : []
        }
      />
    </div>
  );
}

const NOW = 'now' as const;
type Side = number | typeof NOW;

function describe(c: CheckpointSummary | undefined): string {
  if (!c) return 'now';
  return c.label || checkpointLook[c.kind].label;
}

/** The checkpoint timeline; pick two (or one and "now") to see what changed between them. */
export function Checkpoints({ board, now }: { board: SessionBoard; now: number }) {
  const [selected, setSelected] = useState<Side[]>([]);
  const [snapshots, setSnapshots] = useState<Map<number, CheckpointSnapshot>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const loading = useRef(new Set<number>());
  const byId = useMemo(() => new Map(board.checkpoints.map((c) => [c.id, c])), [board.checkpoints]);
  const share = useShare();

  // A checkpoint that left the list (only the latest 100 are kept) leaves the selection too.
  const pair = useMemo(() => selected.filter((s) => s === NOW || byId.has(s)), [selected, byId]);

  // Snapshots never change: fetch each once.
  useEffect(() => {
    for (const side of pair) {
      if (side === NOW || snapshots.has(side) || loading.current.has(side)) continue;
      loading.current.add(side);
      sessionsApi
        .checkpoint(board.id, side, share)
        .then((s) => setSnapshots((m) => new Map(m).set(side, s)))
        .catch((e) => setError(`Could not load checkpoint ${side}: ${apiError(e).message}`))
        .finally(() => loading.current.delete(side));
    }
  }, [pair, snapshots, board.id, share]);

  const toggle = (side: Side) =>
    setSelected((s) => {
      const cur = s.filter((x) => x === NOW || byId.has(x));
      if (cur.includes(side)) return cur.filter((x) => x !== side);
      return [...cur, side].slice(-2);
    });
  const compareWithNow = (id?: number) => {
    const target = id ?? pair.find((s): s is number => s !== NOW) ?? board.checkpoints[0]?.id;
    if (target !== undefined) setSelected([target, NOW]);
  };

  // Older on the left: checkpoint ids grow with time, and "now" is newest of all.
  const ordered = pair.length === 2 ? [...pair].sort((a, b) => (a === NOW ? 1 : b === NOW ? -1 : a - b)) : null;
  const snap = (side: Side) => (side === NOW ? snapshotOfBoard(board) : snapshots.get(side));
  const before = ordered ? snap(ordered[0]!) : undefined;
  const after = ordered ? snap(ordered[1]!) : undefined;
  const diff = before && after ? diffSnapshots(before, after) : null;
  const nameOf = (side: Side) => (side === NOW ? 'now' : describe(byId.get(side)));

  return (
    <Card
      id="checkpoints"
      title="Checkpoints"
      count={board.checkpoints.length || undefined}
      className="lg:col-span-2 xl:col-span-3"
      action={
        board.checkpoints.length > 0 ? (
          <button type="button" className={linkBtnCls} onClick={() => compareWithNow()}>
            Compare with now
          </button>
        ) : undefined
      }
    >
      <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.2fr)]">
        <div className="min-w-0">
          <ol data-testid="checkpoints" className="relative space-y-0.5">
            {board.checkpoints.map((c, i) => {
              const look = checkpointLook[c.kind];
              const on = pair.includes(c.id);
              return (
                <li
                  key={c.id}
                  data-checkpoint={c.id}
                  data-kind={c.kind}
                  className={`group relative flex items-start gap-3 rounded-lg px-2 py-2 ${on ? 'bg-accent-600/10 ring-1 ring-accent-500/40' : 'hover:bg-slate-50 dark:hover:bg-slate-900'}`}
                >
                  {i < board.checkpoints.length - 1 && (
                    <span aria-hidden className="absolute left-[1.3rem] top-9 h-[calc(100%-1.25rem)] w-px bg-slate-200 dark:bg-slate-700" />
                  )}
                  <span
                    aria-hidden
                    title={look.label}
                    className={`relative z-10 flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs font-bold ${look.ring}`}
                  >
                    {look.icon}
                  </span>
                  <div className="min-w-0 flex-1">
                    <p className="truncate text-sm font-medium" title={c.label ?? undefined}>
                      {c.label || look.label}
                    </p>
                    <p className="text-xs text-slate-500 dark:text-slate-400">
                      <span className="font-medium">{look.label}</span> ·{' '}
                      <time dateTime={c.createdAt} title={absolute(c.createdAt)}>
                        {ago(c.createdAt, now)}
                      </time>{' '}
                      · {c.createdBy}
                    </p>
                  </div>
                  <div className="flex shrink-0 items-center gap-2">
                    <button
                      type="button"
                      className={`${linkBtnCls} text-xs opacity-70 group-hover:opacity-100`}
                      onClick={() => compareWithNow(c.id)}
                      aria-label={`Compare ${describe(c)} with now`}
                    >
                      vs now
                    </button>
                    <label className="flex items-center gap-1 text-xs text-slate-600 dark:text-slate-300">
                      <input
                        type="checkbox"
                        checked={on}
                        onChange={() => toggle(c.id)}
                        aria-label={`Compare ${describe(c)}`}
                        className="h-4 w-4 accent-accent-600"
                      />
                      <span className="hidden sm:inline">compare</span>
                    </label>
                  </div>
                </li>
              );
            })}
          </ol>
          {board.checkpoints.length === 0 && <Empty>No checkpoints yet. &ldquo;Checkpoint now&rdquo; saves one; agents and autosave add more.</Empty>}
        </div>

        <div data-testid="checkpoint-diff" className="min-w-0 rounded-lg border border-slate-200 p-4 dark:border-slate-800" aria-live="polite">
          {!ordered ? (
            <div className="text-sm text-slate-500 dark:text-slate-400">
              <p>
                {board.checkpoints.length === 0
                  ? 'Once there are checkpoints, compare any two here.'
                  : 'Tick two checkpoints to see what changed between them, or compare one with now.'}
              </p>
              {pair.length === 1 && (
                <button type="button" className={`${btnCls} mt-3`} onClick={() => compareWithNow()}>
                  Compare {nameOf(pair[0]!)} with now
                </button>
              )}
            </div>
          ) : (
            <>
              <h3 className="mb-3 text-sm font-semibold">
                {nameOf(ordered[0]!)} <span className="text-slate-400">→</span> {nameOf(ordered[1]!)}
              </h3>
              {diff ? (
                <DiffView diff={diff} empty="Nothing changed between these two." />
              ) : (
                !error && (
                  <p className="text-sm text-slate-500" aria-busy="true">
                    Loading snapshots…
                  </p>
                )
              )}
            </>
          )}
          <ErrorNote message={error} onDismiss={() => setError(null)} />
        </div>
      </div>
    </Card>
  );
}
