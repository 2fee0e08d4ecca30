'use client';

import { useMemo, useState, type FormEvent } from 'react';
import { MiddlePath } from '../ui/middle-path';
import { LimitCounter } from '../ui/limit-counter';
import { BOARD_TEXT_LIMITS as MAX, type SessionBoard } from '../../lib/session-types';

import { sessionsApi } from './api';
import { absolute, ago, age, agentDot, fileKindLook, flattenMetrics, formatMetric, humanize, metricAt, metricLabel, SEVERITIES, severityLook } from './look';
import { btnCls, Card, Chip, Empty, ErrorNote, inputCls, linkBtnCls, primaryCls, ProgressBar } from './ui';
import { useAction } from './use-action';

export interface SectionProps {
  board: SessionBoard;
  now: number;
  canEdit: boolean;
  /** A mutation's answer: the new board (applied only if newer than what the feed brought). */
  onBoard: (board: SessionBoard) => void;
}

function Time({ iso, now }: { iso: string; now: number }) {
  return (
    <time dateTime={iso} title={absolute(iso)}>
      {ago(iso, now)}
    </time>
  );
}

// ---- goals -------------------------------------------------------------------------------------

export function Goals({ board, canEdit, onBoard }: SectionProps) {
  const { pending, error, setError, run } = useAction();
  const [text, setText] = useState('');
  const done = board.goals.filter((g) => g.done).length;

  const toggle = async (goalId: number, next: boolean) => {
    const b = await run(`goal:${goalId}:${next}`, () => sessionsApi.setGoalDone(board.id, goalId, next));
    if (b) onBoard(b);
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const b = await run('add', () => sessionsApi.addGoal(board.id, text));
    if (b) {
      onBoard(b);
      setText('');
    }
  };
  const pendingDone = (id: number): boolean | null => (pending.has(`goal:${id}:true`) ? true : pending.has(`goal:${id}:false`) ? false : null);

  return (
    <Card id="goals" title="Goals" count={board.goals.length ? `${done}/${board.goals.length}` : undefined}>
      {board.goals.length > 0 && (
        <div className="mb-3">
          <ProgressBar value={(done / board.goals.length) * 100} label={`${done} of ${board.goals.length} goals done`} tone="bg-emerald-500" />
        </div>
      )}
      <ul data-testid="goals" className="space-y-1">
        {board.goals.map((g) => {
          const shown = pendingDone(g.id) ?? g.done;
          return (
            <li key={g.id} data-done={g.done ? 'true' : 'false'} data-goal={g.id} className="flex items-start gap-2.5 rounded-md px-1 py-1">
              {canEdit ? (
                <input
                  type="checkbox"
                  id={`goal-${g.id}`}
                  checked={shown}
                  disabled={pendingDone(g.id) !== null}
                  onChange={(e) => void toggle(g.id, e.target.checked)}
                  className="mt-1 h-4 w-4 shrink-0 accent-emerald-600 disabled:opacity-60"
                />
              ) : (
                <span
                  aria-hidden
                  className={`mt-0.5 flex h-4 w-4 shrink-0 items-center justify-center rounded-full text-[10px] font-bold ${g.done ? 'bg-emerald-500 text-white' : 'border border-slate-300 dark:border-slate-600'}`}
                >
                  {g.done ? '✓' : ''}
                </span>
              )}
              <label
                htmlFor={canEdit ? `goal-${g.id}` : undefined}
                className={`min-w-0 flex-1 text-[0.95rem] leading-snug ${shown ? 'text-slate-500 line-through decoration-slate-400 dark:text-slate-400' : ''}`}
              >
                {!canEdit && <span className="sr-only">{g.done ? 'Done: ' : 'Open: '}</span>}
                {g.text}
              </label>
            </li>
          );
        })}
      </ul>
      {board.goals.length === 0 && <Empty>No goals yet.{canEdit ? ' Add the first one below.' : ''}</Empty>}
      {canEdit && (
        <form onSubmit={(e) => void add(e)} className="mt-3 flex gap-2">
          <label htmlFor="new-goal" className="sr-only">
            New goal
          </label>
          <input
            id="new-goal"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Add a goal…"
            className={inputCls}
            maxLength={MAX.goal}
            disabled={pending.has('add')}
          />
          <LimitCounter value={text} max={MAX.goal} />
          <button type="submit" className={btnCls} disabled={pending.has('add')}>
            {pending.has('add') ? 'Adding…' : 'Add'}
          </button>
        </form>
      )}
      <ErrorNote message={error} onDismiss={() => setError(null)} />
    </Card>
  );
}

// ---- workstreams -------------------------------------------------------------------------------

export function Workstreams({ board }: SectionProps) {
  return (
    <Card id="workstreams" title="Workstreams" count={board.workstreams.length || undefined}>
      <ul data-testid="workstreams" className="space-y-4">
        {board.workstreams.map((w) => {
          const done = w.progress >= 100;
          return (
            <li key={w.id} data-workstream={w.name} data-progress={w.progress}>
              <div className="mb-1.5 flex items-baseline gap-2">
                <span className="min-w-0 flex-1 truncate font-medium" title={w.name}>
                  {w.name}
                </span>
                <span className="shrink-0 text-xs text-slate-500 dark:text-slate-400">{humanize(w.status)}</span>
                <span className="w-10 shrink-0 text-right text-sm font-semibold tabular-nums">{w.progress}%</span>
              </div>
              <ProgressBar value={w.progress} label={`${w.name}: ${w.progress}%`} tone={done ? 'bg-emerald-500' : 'bg-accent-500'} />
              {w.nextSteps.length > 0 && (
                <ul className="mt-2 space-y-0.5 text-sm text-slate-600 dark:text-slate-300">
                  {w.nextSteps.map((s, i) => (
                    <li key={i} className="flex gap-2">
                      <span aria-hidden className="text-slate-400">
                        →
                      </span>
                      <span className="min-w-0">{s}</span>
                    </li>
                  ))}
                </ul>
              )}
              {w.files.length > 0 && (
                <p className="mt-1 text-xs text-slate-500 dark:text-slate-400" title={w.files.join('\n')}>
                  {w.files.length} {w.files.length === 1 ? 'file' : 'files'}
                </p>
              )}
            </li>
          );
        })}
      </ul>
      {board.workstreams.length === 0 && <Empty>No workstreams reported yet. They come from the session&apos;s state saves.</Empty>}
    </Card>
  );
}

// ---- files ---------------------------------------------------------------------------------------

const FILES_SHOWN = 10;

export function Files({ board, now }: SectionProps) {
  const [all, setAll] = useState(false);
  const files = all ? board.files : board.files.slice(0, FILES_SHOWN);
  return (
    <Card id="files" title="Active files" count={board.files.length || undefined}>
      <ul data-testid="files" className="divide-y divide-slate-100 dark:divide-slate-800">
        {files.map((f) => (
          <li key={f.path} className="flex items-center gap-2 py-1.5 text-sm">
            <MiddlePath path={f.path} className="flex-1 text-[0.8rem]" />
            <Chip className={fileKindLook[f.kind] ?? fileKindLook.active!}>{f.kind}</Chip>
            <span
              className="w-24 shrink-0 text-right text-xs text-slate-500 dark:text-slate-400"
              title={`${absolute(f.touchedAt)}${f.touchedBy ? ` by ${f.touchedBy}` : ''}`}
            >
              {ago(f.touchedAt, now)}
            </span>
          </li>
        ))}
      </ul>
      {board.files.length > FILES_SHOWN && (
        <button type="button" className={`${linkBtnCls} mt-2`} onClick={() => setAll(!all)}>
          {all ? 'Show fewer' : `Show all ${board.files.length}`}
        </button>
      )}
      {board.files.length === 0 && <Empty>No files touched yet.</Empty>}
    </Card>
  );
}

// ---- next steps ----------------------------------------------------------------------------------

export function NextSteps({ board }: SectionProps) {
  // The session's own next steps, then those of unfinished workstreams (what `resume` hands an agent).
  const steps = useMemo(
    () => [
      ...board.nextSteps.map((text) => ({ text, from: null as string | null })),
      ...board.workstreams.filter((w) => w.progress < 100).flatMap((w) => w.nextSteps.map((text) => ({ text, from: w.name }))),
    ],
    [board.nextSteps, board.workstreams],
  );
  return (
    <Card id="next-steps" title="Next steps" count={steps.length || undefined}>
      <ol data-testid="next-steps" className="space-y-1.5">
        {steps.map((s, i) => (
          <li key={i} className="flex gap-2.5 text-[0.95rem] leading-snug">
            <span className="mt-0.5 flex h-5 w-5 shrink-0 items-center justify-center rounded-full bg-slate-100 text-xs font-semibold tabular-nums text-slate-600 dark:bg-slate-800 dark:text-slate-300">
              {i + 1}
            </span>
            <span className="min-w-0 flex-1">
              {s.text}
              {s.from && <span className="ml-2 whitespace-nowrap text-xs text-slate-500 dark:text-slate-400">{s.from}</span>}
            </span>
          </li>
        ))}
      </ol>
      {steps.length === 0 && <Empty>No next steps recorded.</Empty>}
    </Card>
  );
}

// ---- blockers ------------------------------------------------------------------------------------

export function Blockers({ board, now, canEdit, onBoard }: SectionProps) {
  const { pending, error, setError, run } = useAction();
  const [adding, setAdding] = useState(false);
  const [form, setForm] = useState({ description: '', severity: 'medium', owner: '' });
  const open = board.blockers
    .filter((b) => !b.resolvedAt)
    .sort((a, b) => severityLook[a.severity].rank - severityLook[b.severity].rank || a.createdAt.localeCompare(b.createdAt));
  const resolved = board.blockers.filter((b) => b.resolvedAt).sort((a, b) => (b.resolvedAt ?? '').localeCompare(a.resolvedAt ?? ''));

  const resolve = async (blockerId: number) => {
    const b = await run(`resolve:${blockerId}`, () => sessionsApi.resolveBlocker(board.id, blockerId));
    if (b) onBoard(b);
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const b = await run('add', () =>
      sessionsApi.addBlocker(board.id, { description: form.description, severity: form.severity, owner: form.owner.trim() || null }),
    );
    if (b) {
      onBoard(b);
      setForm({ description: '', severity: 'medium', owner: '' });
      setAdding(false);
    }
  };

  return (
    <Card
      id="blockers"
      title="Blockers"
      count={open.length ? <span className="text-rose-700 dark:text-rose-300">{open.length} open</span> : undefined}
      action={
        canEdit && !adding ? (
          <button type="button" className={linkBtnCls} onClick={() => setAdding(true)}>
            + Add blocker
          </button>
        ) : undefined
      }
    >
      <div data-testid="blockers">
        <ul className="space-y-2">
          {open.map((b) => (
            <li
              key={b.id}
              data-blocker={b.id}
              data-resolved="false"
              data-severity={b.severity}
              className="rounded-lg border border-slate-200 p-3 dark:border-slate-800"
            >
              <div className="flex items-start gap-2">
                <Chip className={severityLook[b.severity].chip}>{b.severity}</Chip>
                <p className="min-w-0 flex-1 text-[0.95rem] leading-snug">{b.description}</p>
                {canEdit && (
                  <button type="button" className={`${btnCls} px-2 py-1 text-xs`} disabled={pending.has(`resolve:${b.id}`)} onClick={() => void resolve(b.id)}>
                    {pending.has(`resolve:${b.id}`) ? 'Resolving…' : 'Resolve'}
                  </button>
                )}
              </div>
              <p className="mt-1.5 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-slate-500 dark:text-slate-400">
                <span title={absolute(b.createdAt)}>open {age(b.createdAt, now)}</span>
                {b.owner && (
                  <span>
                    owner <span className="font-medium text-slate-700 dark:text-slate-200">{b.owner}</span>
                  </span>
                )}
                {b.kind && <span>{b.kind}</span>}
                {b.expectedResolution && <span>expected {b.expectedResolution}</span>}
              </p>
              {b.impact && <p className="mt-1 text-xs text-slate-600 dark:text-slate-300">Impact: {b.impact}</p>}
            </li>
          ))}
        </ul>
        {open.length === 0 && <Empty>No open blockers.</Empty>}
        {resolved.length > 0 && (
          <details className="mt-3 text-sm">
            <summary className="cursor-pointer select-none text-slate-500 hover:text-slate-700 dark:text-slate-400 dark:hover:text-slate-200">
              Resolved ({resolved.length})
            </summary>
            <ul className="mt-2 space-y-1">
              {resolved.map((b) => (
                <li
                  key={b.id}
                  data-blocker={b.id}
                  data-resolved="true"
                  data-severity={b.severity}
                  className="flex items-baseline gap-2 text-slate-500 dark:text-slate-400"
                >
                  <span aria-hidden className="text-emerald-600">
                    ✓
                  </span>
                  <span className="min-w-0 flex-1 line-through decoration-slate-400">{b.description}</span>
                  <span className="shrink-0 text-xs" title={b.resolvedAt ? absolute(b.resolvedAt) : undefined}>
                    {b.resolvedAt && ago(b.resolvedAt, now)}
                    {b.resolvedBy && ` by ${b.resolvedBy}`}
                  </span>
                </li>
              ))}
            </ul>
          </details>
        )}
      </div>
      {canEdit && adding && (
        <form
          onSubmit={(e) => void add(e)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              setAdding(false);
              setError(null);
            }
          }}
          className="mt-3 space-y-2 rounded-lg bg-slate-50 p-3 dark:bg-slate-900"
          aria-label="Add blocker"
        >
          <label className="block text-xs font-medium text-slate-600 dark:text-slate-300" htmlFor="blocker-description">
            What is blocking?
          </label>
          <textarea
            id="blocker-description"
            rows={2}
            value={form.description}
            onChange={(e) => setForm({ ...form, description: e.target.value })}
            className={inputCls}
            maxLength={MAX.blockerDescription}
            autoFocus
          />
          <LimitCounter value={form.description} max={MAX.blockerDescription} />
          <div className="flex flex-wrap gap-2">
            <label className="flex items-center gap-2 text-xs font-medium text-slate-600 dark:text-slate-300">
              Severity
              <select
                value={form.severity}
                onChange={(e) => setForm({ ...form, severity: e.target.value })}
                className={`${inputCls} w-auto`}
                aria-label="Severity"
              >
                {SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex min-w-40 flex-1 items-center gap-2 text-xs font-medium text-slate-600 dark:text-slate-300">
              Owner
              <input
                value={form.owner}
                onChange={(e) => setForm({ ...form, owner: e.target.value })}
                className={inputCls}
                placeholder="optional"
                aria-label="Owner"
                maxLength={MAX.blockerOwner}
              />
            </label>
          </div>
          <div className="flex gap-2">
            <button type="submit" className={primaryCls} disabled={pending.has('add')}>
              {pending.has('add') ? 'Adding…' : 'Add blocker'}
            </button>
            <button
              type="button"
              className={btnCls}
              onClick={() => {
                setAdding(false);
                setError(null);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
      <ErrorNote message={error} onDismiss={() => setError(null)} />
    </Card>
  );
}

// ---- decisions -----------------------------------------------------------------------------------

export function Decisions({ board, now, canEdit, onBoard }: SectionProps) {
  const { pending, error, setError, run } = useAction();
  const [adding, setAdding] = useState(false);
  const [form, setForm] = useState({ topic: '', decision: '', rationale: '', alternatives: '' });
  const decisions = [...board.decisions].reverse();

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const alternatives = form.alternatives
      .split(/\n|,/)
      .map((s) => s.trim())
      .filter(Boolean);
    const b = await run('add', () =>
      sessionsApi.addDecision(board.id, { topic: form.topic, decision: form.decision, rationale: form.rationale.trim() || null, alternatives }),
    );
    if (b) {
      onBoard(b);
      setForm({ topic: '', decision: '', rationale: '', alternatives: '' });
      setAdding(false);
    }
  };

  return (
    <Card
      id="decisions"
      title="Decisions"
      count={board.decisions.length || undefined}
      action={
        canEdit && !adding ? (
          <button type="button" className={linkBtnCls} onClick={() => setAdding(true)}>
            + Add decision
          </button>
        ) : undefined
      }
    >
      {canEdit && adding && (
        <form
          onSubmit={(e) => void add(e)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              setAdding(false);
              setError(null);
            }
          }}
          className="mb-3 space-y-2 rounded-lg bg-slate-50 p-3 dark:bg-slate-900"
          aria-label="Add decision"
        >
          <input
            value={form.topic}
            onChange={(e) => setForm({ ...form, topic: e.target.value })}
            className={inputCls}
            placeholder="Topic"
            aria-label="Topic"
            maxLength={MAX.decisionTopic}
            autoFocus
          />
          <LimitCounter value={form.topic} max={MAX.decisionTopic} />
          <input
            value={form.decision}
            onChange={(e) => setForm({ ...form, decision: e.target.value })}
            className={inputCls}
            placeholder="Decision"
            aria-label="Decision"
            maxLength={MAX.decision}
          />
          <LimitCounter value={form.decision} max={MAX.decision} />
          <textarea
            rows={2}
            value={form.rationale}
            onChange={(e) => setForm({ ...form, rationale: e.target.value })}
            className={inputCls}
            placeholder="Rationale (optional)"
            aria-label="Rationale"
            maxLength={MAX.rationale}
          />
          <LimitCounter value={form.rationale} max={MAX.rationale} />
          <input
            value={form.alternatives}
            onChange={(e) => setForm({ ...form, alternatives: e.target.value })}
            className={inputCls}
            placeholder="Alternatives considered, comma-separated (optional)"
            aria-label="Alternatives"
          />
          <div className="flex gap-2">
            <button type="submit" className={primaryCls} disabled={pending.has('add')}>
              {pending.has('add') ? 'Adding…' : 'Add decision'}
            </button>
            <button
              type="button"
              className={btnCls}
              onClick={() => {
                setAdding(false);
                setError(null);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
      <ul data-testid="decisions" className="space-y-3">
        {decisions.map((d) => (
          <li key={d.id} data-decision={d.id} className="border-l-2 border-accent-500 pl-3">
            <p className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">{d.topic}</p>
            <p className="text-[0.95rem] font-medium leading-snug">{d.decision}</p>
            {d.rationale && <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-300">{d.rationale}</p>}
            {d.alternatives.length > 0 && <p className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">Also considered: {d.alternatives.join(', ')}</p>}
            <p className="mt-0.5 text-xs text-slate-400 dark:text-slate-500">
              <Time iso={d.decidedAt} now={now} />
              {d.decidedBy && ` · ${d.decidedBy}`}
            </p>
          </li>
        ))}
      </ul>
      {board.decisions.length === 0 && <Empty>No decisions recorded yet.</Empty>}
      <ErrorNote message={error} onDismiss={() => setError(null)} />
    </Card>
  );
}

// ---- agents --------------------------------------------------------------------------------------

export function Agents({ board, now }: SectionProps) {
  return (
    <Card id="agents" title="Agents" count={board.agents.length || undefined}>
      <ul data-testid="agents" className="divide-y divide-slate-100 dark:divide-slate-800">
        {board.agents.map((a) => (
          <li key={a.name} data-agent={a.name} data-status={a.status} className="flex items-start gap-2.5 py-2">
            <span aria-hidden className={`mt-1.5 h-2.5 w-2.5 shrink-0 rounded-full ${agentDot(a.status)}`} />
            <div className="min-w-0 flex-1">
              <p className="flex items-baseline gap-2">
                <span className="truncate font-medium">{a.name}</span>
                {a.role && <span className="truncate text-xs text-slate-500 dark:text-slate-400">{a.role}</span>}
              </p>
              <p className="truncate text-sm text-slate-600 dark:text-slate-300" title={a.currentTask ?? undefined}>
                {a.currentTask ?? <span className="text-slate-400 dark:text-slate-500">No current task</span>}
              </p>
              {a.status === 'waiting' && (
                <p
                  data-testid="agent-waiting"
                  className="mt-1 rounded-md bg-rose-50 px-2 py-1 text-sm font-medium text-rose-800 dark:bg-rose-950 dark:text-rose-200"
                >
                  Waiting for you{a.message ? `: ${a.message}` : ''}
                </p>
              )}
            </div>
            <div className="shrink-0 text-right text-xs text-slate-500 dark:text-slate-400">
              <p>{a.status}</p>
              <p>
                <Time iso={a.lastActivityAt} now={now} />
              </p>
            </div>
          </li>
        ))}
      </ul>
      {board.agents.length === 0 && <Empty>No agents on this session. Agents join with swarm_init or agent_register.</Empty>}
    </Card>
  );
}

// ---- metrics -------------------------------------------------------------------------------------

function Sparkline({ values, label }: { values: number[]; label: string }) {
  const w = 56;
  const h = 20;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const pts = values.map((v, i) => [(i / (values.length - 1)) * (w - 4) + 2, max === min ? h / 2 : h - 3 - ((v - min) / span) * (h - 6)] as const);
  return (
    <svg
      width={w}
      height={h}
      viewBox={`0 0 ${w} ${h}`}
      role="img"
      aria-label={label}
      className={`shrink-0 ${max === min ? 'text-slate-300 dark:text-slate-600' : 'text-accent-500'}`}
    >
      <polyline
        points={pts.map(([x, y]) => `${x},${y}`).join(' ')}
        fill="none"
        stroke="currentColor"
        strokeWidth="1.75"
        strokeLinejoin="round"
        strokeLinecap="round"
      />
      <circle cx={pts.at(-1)![0]} cy={pts.at(-1)![1]} r="2.25" fill="currentColor" />
    </svg>
  );
}

export function Metrics({ board }: SectionProps) {
  // The latest state's metrics; a board without any falls back to its latest checkpoint's.
  const latest =
    Object.keys(board.metrics ?? {}).length > 0 ? board.metrics : (board.checkpoints.find((c) => Object.keys(c.metrics ?? {}).length > 0)?.metrics ?? {});
  const entries = flattenMetrics(latest);
  const history = [...board.checkpoints].reverse(); // oldest first

  return (
    <Card id="metrics" title="Metrics" count={entries.length || undefined}>
      <dl data-testid="metrics" className="grid grid-cols-2 gap-x-4 gap-y-3 sm:grid-cols-3 xl:grid-cols-2 2xl:grid-cols-3">
        {entries.map(([key, value]) => {
          const series = history.map((c) => metricAt(c.metrics, key)).filter((v): v is number => typeof v === 'number');
          const trend = typeof value === 'number' && series.length >= 2 ? [...series, ...(series.at(-1) !== value ? [value] : [])] : null;
          const prev = trend ? trend.at(-2)! : null;
          const delta = trend && typeof value === 'number' && prev !== null ? value - prev : 0;
          return (
            <div key={key} data-metric={key} className="min-w-0">
              <dt className="truncate text-xs font-medium text-slate-500 dark:text-slate-400" title={key}>
                {metricLabel(key)}
              </dt>
              <dd className="flex flex-wrap items-center gap-x-2">
                <span className="truncate text-xl font-semibold tabular-nums" title={typeof value === 'object' ? JSON.stringify(value) : undefined}>
                  {formatMetric(key, value)}
                </span>
                {trend && <Sparkline values={trend} label={`${metricLabel(key)} over ${trend.length} checkpoints`} />}
                {delta !== 0 && (
                  <span
                    className={`text-xs font-semibold tabular-nums ${delta > 0 ? 'text-emerald-600 dark:text-emerald-400' : 'text-rose-600 dark:text-rose-400'}`}
                  >
                    {delta > 0 ? '▲' : '▼'} {formatMetric(key, Math.abs(delta))}
                  </span>
                )}
              </dd>
            </div>
          );
        })}
      </dl>
      {entries.length === 0 && <Empty>No metrics reported yet.</Empty>}
    </Card>
  );
}

// ---- details -------------------------------------------------------------------------------------

function DetailValue({ value, depth }: { value: unknown; depth: number }) {
  if (value === null || value === undefined) return <span className="text-slate-400">—</span>;
  // Details come from JSON: a non-object is a string, number or boolean.
  if (typeof value !== 'object') return <span>{typeof value === 'string' ? value : JSON.stringify(value)}</span>;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) {
      return (
        <ul className="list-disc space-y-0.5 pl-4">
          {value.map((v, i) => (
            <li key={i}>{String(v)}</li>
          ))}
        </ul>
      );
    }
    return (
      <ul className="space-y-2">
        {value.map((v, i) => (
          <li key={i} className="rounded-md bg-slate-50 p-2 dark:bg-slate-900">
            <DetailValue value={v} depth={depth + 1} />
          </li>
        ))}
      </ul>
    );
  }
  if (depth > 2) return <code className="break-all font-mono text-xs">{JSON.stringify(value)}</code>;
  return (
    <dl className="grid grid-cols-[minmax(6rem,auto)_1fr] gap-x-3 gap-y-1">
      {Object.entries(value as Record<string, unknown>).map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-slate-500 dark:text-slate-400">{humanize(k)}</dt>
          <dd className="min-w-0 break-words">
            <DetailValue value={v} depth={depth + 1} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Whatever else the session's writer recorded (handoff notes, agenda, projects…). */
export function Details({ board }: SectionProps) {
  // Meeting state and board fields have their own views (meeting mode, the typed boards).
  const entries = Object.entries(board.details ?? {}).filter(([k]) => k !== 'meeting' && k !== 'fields');
  if (entries.length === 0) return null;
  return (
    <Card id="details" title="Details">
      <div className="space-y-3 text-sm" data-testid="details">
        {entries.map(([k, v]) => (
          <div key={k}>
            <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">{humanize(k)}</h3>
            <DetailValue value={v} depth={0} />
          </div>
        ))}
      </div>
    </Card>
  );
}
