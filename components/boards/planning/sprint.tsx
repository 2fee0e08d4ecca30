'use client';

import { useState, type FormEvent } from 'react';
import type { BoardItem } from '../../../lib/board-items';
import type { SessionBoard } from '../../../lib/session-types';
import { Participants } from '../coordination/participants';
import { detail, detailText, fieldsOf, itemsOf, numberOrNull, useBoardEdit, useEditable, type BoardSectionProps, itemMax } from '../items';
import { btnCls, Card, Empty, ErrorNote, FieldError, IconButton, inputCls, labelCls, linkBtnCls, primaryCls, Stat, TextField } from '../ui';
import { InlineField } from './inline-field';
import { Risks } from './risks';

type Backlog = BoardItem<'backlog'>;
export interface Capacity {
  points: number;
  developerDays: number;
  buffer: number;
}

/** The sprint's capacity: the board field, else what the seed's init recorded (`sprint_capacity`). */
export function capacityOf(board: SessionBoard): Capacity | null {
  const c = fieldsOf(board).capacity;
  if (c) return c;
  const raw = detail<Record<string, unknown>>(board, 'sprint_capacity');
  if (!raw || typeof raw !== 'object') return null;
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return { points: n(raw.total_story_points), developerDays: n(raw.available_developer_days), buffer: n(raw.capacity_buffer) };
}

const round = (n: number) => Number(n.toFixed(1));

/**
 * How loaded the sprint is: effective capacity = points × (1 − buffer); `near` from 85 % of it,
 * `over` past it (by `over` points).
 */
export function sprintLoad(
  capacity: Capacity | null,
  committed: number,
): { effective: number; state: 'ok' | 'near' | 'over' | 'unknown'; over: number; left: number } {
  if (!capacity) return { effective: 0, state: 'unknown', over: 0, left: 0 };
  const effective = round(capacity.points * (1 - capacity.buffer));
  const over = round(committed - effective);
  return {
    effective,
    state: over > 0 ? 'over' : committed >= effective * 0.85 && committed > 0 ? 'near' : 'ok',
    over: Math.max(0, over),
    left: Math.max(0, round(effective - committed)),
  };
}

const loadLook = {
  ok: { bar: 'bg-emerald-500', text: 'text-emerald-700 dark:text-emerald-400' },
  near: { bar: 'bg-amber-500', text: 'text-amber-700 dark:text-amber-400' },
  over: { bar: 'bg-rose-600', text: 'text-rose-700 dark:text-rose-400' },
  unknown: { bar: 'bg-slate-400', text: 'text-slate-600 dark:text-slate-300' },
};

function CapacityForm({ capacity, edit, onDone }: { capacity: Capacity | null; edit: ReturnType<typeof useBoardEdit>; onDone: () => void }) {
  const [form, setForm] = useState({
    points: String(capacity?.points ?? ''),
    developerDays: String(capacity?.developerDays ?? ''),
    buffer: String(round((capacity?.buffer ?? 0.2) * 100)),
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const pct = numberOrNull(form.buffer);
    const buffer = typeof pct === 'number' ? pct / 100 : pct;
    if (
      await edit.setFields(
        { capacity: { points: numberOrNull(form.points), developerDays: numberOrNull(form.developerDays), buffer } as unknown as Capacity },
        'capacity',
      )
    )
      onDone();
  };
  const field = (name: keyof typeof form, label: string, suffix?: string) => (
    <div className="min-w-0">
      <label htmlFor={`capacity-${name}`} className={labelCls}>
        {label}
      </label>
      <div className="flex items-center gap-1">
        <input
          id={`capacity-${name}`}
          inputMode="decimal"
          value={form[name]}
          onChange={(e) => setForm({ ...form, [name]: e.target.value })}
          className={`${inputCls} text-right`}
          aria-describedby={`capacity-${name}-error`}
        />
        {suffix && <span className="text-sm text-slate-500 dark:text-slate-400">{suffix}</span>}
      </div>
      <FieldError id={`capacity-${name}-error`} message={edit.errorFor(`capacity.${name}`) ?? (name === 'buffer' ? edit.errorFor('capacity') : null)} />
    </div>
  );
  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Edit capacity" className="mt-3 space-y-2 rounded-lg bg-slate-50 p-3 dark:bg-slate-900">
      <div className="grid grid-cols-3 gap-2">
        {field('points', 'Story points')}
        {field('developerDays', 'Developer days')}
        {field('buffer', 'Buffer', '%')}
      </div>
      <div className="flex gap-2">
        <button type="submit" className={primaryCls} disabled={edit.pending.has('capacity')}>
          {edit.pending.has('capacity') ? 'Saving…' : 'Save'}
        </button>
        <button
          type="button"
          className={btnCls}
          onClick={() => {
            edit.clear();
            onDone();
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Capacity and commitment: the bar turns amber near effective capacity and red past it, with how far over. */
export function SprintCapacity({ board, onBoard, canEdit }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const [editing, setEditing] = useState(false);
  const capacity = capacityOf(board);
  const inSprint = itemsOf(board, 'backlog').filter((b) => b.data.inSprint);
  const committed = round(inSprint.reduce((n, b) => n + b.data.points, 0));
  const load = sprintLoad(capacity, committed);
  const scale = Math.max(capacity?.points ?? 0, committed, 1);
  const pct = (n: number) => `${Math.min(100, (n / scale) * 100)}%`;

  return (
    <Card
      id="capacity"
      title="Capacity"
      action={
        editable && !editing ? (
          <button type="button" className={linkBtnCls} onClick={() => setEditing(true)}>
            Edit
          </button>
        ) : undefined
      }
    >
      <div data-testid="capacity" data-state={load.state} data-committed={committed} data-effective={load.effective}>
        {capacity ? (
          <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
            <Stat label="Story points" value={capacity.points} />
            <Stat label="Developer days" value={capacity.developerDays} />
            <Stat label="Buffer" value={`${round(capacity.buffer * 100)}%`} />
            <Stat label="Effective" value={load.effective} sub="points after buffer" />
          </dl>
        ) : (
          <Empty>No capacity set.{editable ? ' Set points, developer days and a buffer.' : ''}</Empty>
        )}
        <div className="mt-4">
          <p className="mb-1.5 flex flex-wrap items-baseline justify-between gap-x-3 text-base">
            <span>
              <span className={`text-2xl font-bold tabular-nums ${loadLook[load.state].text}`} data-testid="committed">
                {committed}
              </span>
              <span className="text-slate-600 dark:text-slate-300"> {capacity ? `of ${load.effective}` : ''} points committed</span>
            </span>
            {load.state === 'ok' && capacity && <span className="text-sm text-slate-600 dark:text-slate-300">{load.left} points left</span>}
            {load.state === 'near' && <span className="text-sm font-semibold text-amber-700 dark:text-amber-400">Near capacity · {load.left} points left</span>}
          </p>
          <div
            className="relative h-5 overflow-hidden rounded-md bg-slate-100 dark:bg-slate-800"
            role="meter"
            aria-label="Committed points against effective capacity"
            aria-valuemin={0}
            aria-valuemax={load.effective || scale}
            aria-valuenow={committed}
            data-testid="capacity-bar"
          >
            {capacity && (
              <div
                aria-hidden
                className="absolute inset-y-0 bg-[repeating-linear-gradient(135deg,transparent_0_6px,rgb(148_163_184/0.35)_6px_12px)]"
                style={{ left: pct(load.effective), width: `calc(${pct(capacity.points)} - ${pct(load.effective)})` }}
              />
            )}
            <div className={`absolute inset-y-0 left-0 ${loadLook[load.state].bar} transition-[width] duration-500`} style={{ width: pct(committed) }} />
            {capacity && <div aria-hidden className="absolute inset-y-0 w-0.5 bg-slate-900 dark:bg-white" style={{ left: pct(load.effective) }} />}
          </div>
          {capacity && (
            <p className="mt-1 flex justify-between text-xs text-slate-500 dark:text-slate-400">
              <span>0</span>
              <span>
                │ effective {load.effective} · buffer to {capacity.points}
              </span>
            </p>
          )}
          {load.state === 'over' && (
            <p
              role="alert"
              data-testid="overcommit"
              className="mt-3 rounded-md border-2 border-rose-600 bg-rose-50 px-3 py-2 text-lg font-bold text-rose-800 dark:border-rose-500 dark:bg-rose-950 dark:text-rose-200"
            >
              Overcommitted by {load.over} {load.over === 1 ? 'point' : 'points'}
            </p>
          )}
        </div>
      </div>
      {editable && editing && <CapacityForm capacity={capacity} edit={edit} onDone={() => setEditing(false)} />}
      <ErrorNote
        message={editing ? edit.otherError(['capacity.points', 'capacity.developerDays', 'capacity.buffer', 'capacity']) : (edit.error?.message ?? null)}
        onDismiss={edit.clear}
      />
    </Card>
  );
}

/** The sprint goal, edited in place. */
export function SprintGoal({ board, onBoard, canEdit }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const goal = fieldsOf(board).sprintGoal ?? null;
  const sprint = detailText(board, 'sprint_number');
  const duration = board.expectedDuration ?? detailText(board, 'sprint_duration');
  return (
    <Card
      id="sprint-goal"
      title={sprint ? `Sprint ${sprint} goal` : 'Sprint goal'}
      action={duration ? <span className="text-sm font-semibold text-slate-600 dark:text-slate-300">{duration}</span> : undefined}
    >
      <InlineField
        id="sprint-goal-text"
        label="Sprint goal"
        value={goal}
        placeholder="What this sprint delivers"
        empty="No sprint goal yet."
        editable={editable}
        error={edit.errorFor('sprintGoal')}
        saving={edit.pending.has('sprintGoal')}
        save={(v) => edit.setFields({ sprintGoal: v }, 'sprintGoal')}
        className="text-2xl font-bold leading-snug"
        multiline
      />
      <ErrorNote message={edit.otherError(['sprintGoal'])} onDismiss={edit.clear} />
    </Card>
  );
}

function BacklogList({
  items,
  title,
  testId,
  editable,
  edit,
  emptyText,
  moveLabel,
  moveTo,
}: {
  items: Backlog[];
  title: string;
  testId: string;
  editable: boolean;
  edit: ReturnType<typeof useBoardEdit>;
  emptyText: string;
  moveLabel: string;
  moveTo: boolean;
}) {
  const total = round(items.reduce((n, b) => n + b.data.points, 0));
  return (
    <section aria-label={title} className="min-w-0">
      <h3 className="mb-2 flex items-baseline gap-2 text-sm font-bold uppercase tracking-wide text-slate-700 dark:text-slate-200">
        {title}
        <span className="text-xs font-semibold tabular-nums text-slate-500 dark:text-slate-400">
          {items.length} · {total} pts
        </span>
      </h3>
      <ul data-testid={testId} className="space-y-1.5">
        {items.map((b) => (
          <li
            key={b.id}
            data-item={b.id}
            data-points={b.data.points}
            className="flex items-center gap-2 rounded-lg border border-slate-200 px-3 py-2 dark:border-slate-800"
          >
            <span
              className="flex h-8 min-w-8 shrink-0 items-center justify-center rounded-md bg-slate-100 px-1.5 text-base font-bold tabular-nums text-slate-800 dark:bg-slate-800 dark:text-slate-100"
              title="Story points"
            >
              {b.data.points}
            </span>
            <span className="min-w-0 flex-1">
              <span className="block text-base font-medium leading-snug">{b.data.title}</span>
              {b.data.owner && <span className="block text-xs text-slate-500 dark:text-slate-400">{b.data.owner}</span>}
            </span>
            {editable && (
              <>
                <button
                  type="button"
                  className={`${btnCls} shrink-0 px-2 py-1 text-xs`}
                  disabled={edit.pending.has(`update:${b.id}`)}
                  onClick={() => void edit.update(b.id, { data: { inSprint: moveTo } })}
                  aria-label={`${moveLabel}: ${b.data.title}`}
                >
                  {moveLabel}
                </button>
                <IconButton label={`Remove "${b.data.title}"`} disabled={edit.busy} onClick={() => void edit.remove(b.id)}>
                  ✕
                </IconButton>
              </>
            )}
          </li>
        ))}
      </ul>
      {items.length === 0 && <Empty>{emptyText}</Empty>}
    </section>
  );
}

/** The sprint and the backlog side by side; members move items between them and add new ones. */
export function SprintBacklog({ board, onBoard, canEdit }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const [form, setForm] = useState({ title: '', points: '' });
  const items = itemsOf(board, 'backlog');
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await edit.add('backlog', { title: form.title, points: numberOrNull(form.points) ?? 0 })) setForm({ title: '', points: '' });
  };
  return (
    <Card id="backlog" title="Backlog" count={items.length || undefined}>
      <div className="grid gap-4 md:grid-cols-2">
        <BacklogList
          items={items.filter((b) => b.data.inSprint)}
          title="In the sprint"
          testId="sprint-items"
          editable={editable}
          edit={edit}
          emptyText="Nothing in the sprint yet."
          moveLabel="← Backlog"
          moveTo={false}
        />
        <BacklogList
          items={items.filter((b) => !b.data.inSprint)}
          title="Backlog"
          testId="backlog-items"
          editable={editable}
          edit={edit}
          emptyText="The backlog is empty."
          moveLabel="Into sprint"
          moveTo={true}
        />
      </div>
      {editable && (
        <form onSubmit={(e) => void add(e)} aria-label="Add backlog item" className="mt-4 grid grid-cols-[1fr_5.5rem_auto] gap-2">
          <TextField
            id="backlog-title"
            maxLength={itemMax('backlog', 'title')}
            label="Backlog item"
            hideLabel
            value={form.title}
            onChange={(v) => setForm({ ...form, title: v })}
            placeholder="Add a backlog item…"
            error={edit.errorFor('title')}
          />
          <TextField
            id="backlog-points"
            label="Points"
            hideLabel
            inputMode="decimal"
            value={form.points}
            onChange={(v) => setForm({ ...form, points: v })}
            placeholder="pts"
            className="text-right"
            error={edit.errorFor('points')}
          />
          <button type="submit" className={`${btnCls} self-start`} disabled={edit.pending.has('add:backlog')}>
            Add
          </button>
        </form>
      )}
      <ErrorNote message={edit.otherError(['title', 'points'])} onDismiss={edit.clear} />
    </Card>
  );
}

type Props = BoardSectionProps & { now: number; canEdit: boolean };

/** Sprint planning: goal and capacity on top, the backlog moving into the sprint, risks and the team beside. */
export function SprintPlanningBoard(props: Props) {
  return (
    <div className="grid items-start gap-4 lg:grid-cols-5" data-testid="board-planning-sprint">
      <div className="flex min-w-0 flex-col gap-4 lg:col-span-3">
        <SprintGoal {...props} />
        <SprintCapacity {...props} />
        <SprintBacklog {...props} />
      </div>
      <div className="flex min-w-0 flex-col gap-4 lg:col-span-2">
        <Risks {...props} />
        <Participants board={props.board} title="Team" leadRole="Facilitator" />
      </div>
    </div>
  );
}
