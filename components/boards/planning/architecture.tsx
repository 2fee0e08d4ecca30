'use client';

import { addMonths, addWeeks, eachMonthOfInterval, format, isValid, max as maxDate, min as minDate, parseISO, startOfMonth } from 'date-fns';
import { useState, type FormEvent } from 'react';
import type { BoardItem } from '../../../lib/board-items';
import type { SessionBoard } from '../../../lib/session-types';
import { sessionsApi } from '../api';
import { Participants } from '../coordination/participants';
import { detailText, fieldsOf, itemsOf, useBoardEdit, useEditable, type BoardSectionProps, itemMax } from '../items';
import { humanize } from '../look';
import { btnCls, Card, Chip, Empty, ErrorNote, IconButton, labelCls, linkBtnCls, primaryCls, ProgressBar, selectCls, TextField } from '../ui';
import { InlineField } from './inline-field';
import { Risks } from './risks';

type Phase = BoardItem<'phase'>;
type Adr = BoardItem<'adr'>;

// ---- objectives and horizon ----------------------------------------------------------------------

/** The planning objectives (the session's goals): ticked as met, added by members. */
export function Objectives({ board, onBoard, canEdit }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const [text, setText] = useState('');
  const done = board.goals.filter((g) => g.done).length;
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await edit.run('add', () => sessionsApi.addGoal(board.id, text))) setText('');
  };
  return (
    <Card id="objectives" title="Objectives" count={board.goals.length ? `${done}/${board.goals.length}` : undefined}>
      {board.goals.length > 0 && (
        <div className="mb-3">
          <ProgressBar value={(done / board.goals.length) * 100} label={`${done} of ${board.goals.length} objectives met`} tone="bg-emerald-500" />
        </div>
      )}
      <ol data-testid="objectives" className="space-y-1.5">
        {board.goals.map((g, i) => (
          <li key={g.id} data-done={g.done ? 'true' : 'false'} className="flex items-start gap-3">
            <span
              aria-hidden
              className={`flex h-7 w-7 shrink-0 items-center justify-center rounded-full text-sm font-bold ${g.done ? 'bg-emerald-600 text-white' : 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200'}`}
            >
              {g.done ? '✓' : i + 1}
            </span>
            <span className={`min-w-0 flex-1 pt-0.5 text-lg font-medium leading-snug ${g.done ? 'text-slate-500 dark:text-slate-400' : ''}`}>{g.text}</span>
            {editable && (
              <label className="flex shrink-0 items-center gap-1.5 pt-1 text-xs text-slate-600 dark:text-slate-300">
                <input
                  type="checkbox"
                  checked={g.done}
                  disabled={edit.pending.has(`goal:${g.id}`)}
                  onChange={(e) => void edit.run(`goal:${g.id}`, () => sessionsApi.setGoalDone(board.id, g.id, e.target.checked))}
                  className="h-4 w-4 accent-emerald-600"
                />
                Met
              </label>
            )}
          </li>
        ))}
      </ol>
      {board.goals.length === 0 && <Empty>No objectives yet.</Empty>}
      {editable && (
        <form onSubmit={(e) => void add(e)} aria-label="Add objective" className="mt-3 flex items-start gap-2">
          <div className="min-w-0 flex-1">
            <TextField
              id="objective-text"
              label="Objective"
              hideLabel
              value={text}
              onChange={setText}
              placeholder="Add an objective…"
              error={edit.errorFor('text')}
            />
          </div>
          <button type="submit" className={btnCls} disabled={edit.pending.has('add')}>
            Add
          </button>
        </form>
      )}
      <ErrorNote message={edit.otherError(['text'])} onDismiss={edit.clear} />
    </Card>
  );
}

/** "6 months", "1 year", "2 quarters", "10 weeks" → the end of the horizon from `from`. */
export function horizonEnd(horizon: string | null, from: Date): Date | null {
  const m = horizon?.match(/(\d+(?:\.\d+)?)\s*(week|wk|month|mo|quarter|qtr|year|yr)/i);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  if (unit.startsWith('w')) return addWeeks(from, Math.round(n));
  const months = unit.startsWith('y') ? n * 12 : unit.startsWith('q') ? n * 3 : n;
  return addMonths(from, Math.round(months));
}

export function horizonOf(board: SessionBoard): string | null {
  return fieldsOf(board).horizon ?? detailText(board, 'planning_horizon') ?? board.expectedDuration;
}

/** The planning horizon and scope, the horizon edited in place. */
export function Horizon({ board, onBoard, canEdit }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const horizon = horizonOf(board);
  const scope = detailText(board, 'scope') ?? board.focusArea;
  const end = horizonEnd(horizon, parseISO(board.startedAt));
  return (
    <Card id="horizon" title="Horizon">
      <InlineField
        id="horizon-text"
        label="Horizon"
        value={horizon}
        placeholder="6 months"
        empty="No horizon set."
        editable={editable}
        error={edit.errorFor('horizon')}
        saving={edit.pending.has('horizon')}
        save={(v) => edit.setFields({ horizon: v }, 'horizon')}
        className="text-3xl font-bold"
      />
      {end && isValid(end) && (
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
          {format(parseISO(board.startedAt), 'MMM yyyy')} – {format(end, 'MMM yyyy')}
        </p>
      )}
      {scope && (
        <p className="mt-3 text-base">
          <span className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Scope </span>
          <span className="font-semibold">{humanize(scope)}</span>
        </p>
      )}
      <ErrorNote message={edit.otherError(['horizon'])} onDismiss={edit.clear} />
    </Card>
  );
}

// ---- phases --------------------------------------------------------------------------------------

const phaseLook: Record<Phase['data']['status'], { bar: string; label: string }> = {
  planned: { bar: 'bg-slate-400 dark:bg-slate-500', label: 'Planned' },
  'in-progress': { bar: 'bg-accent-600', label: 'In progress' },
  done: { bar: 'bg-emerald-600', label: 'Done' },
};
const date = (v: string | null) => {
  if (!v) return null;
  const d = parseISO(v);
  return isValid(d) ? d : null;
};

/** Phases as bars on a month timeline spanning the horizon (and any phase beyond it). */
export function PhasesTimeline({ board, onBoard, canEdit, now = Date.now() }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const [adding, setAdding] = useState(false);
  const [form, setForm] = useState({ name: '', start: '', end: '', status: 'planned' });
  const [endError, setEndError] = useState<string | null>(null);
  const phases = itemsOf(board, 'phase');
  const dated = phases.filter((p) => date(p.data.start) && date(p.data.end) && date(p.data.end)! >= date(p.data.start)!);
  const undated = phases.filter((p) => !dated.includes(p));
  const started = parseISO(board.startedAt);
  const hEnd = horizonEnd(horizonOf(board), started);
  const anchors = [...(isValid(started) ? [started] : []), ...dated.map((p) => date(p.data.start)!)];
  const from = startOfMonth(anchors.length ? minDate(anchors) : new Date(now));
  const to = maxDate([...(hEnd ? [hEnd] : []), ...dated.map((p) => date(p.data.end)!), addMonths(from, 1)]);
  const span = to.getTime() - from.getTime() || 1;
  const at = (d: Date) => Math.max(0, Math.min(100, ((d.getTime() - from.getTime()) / span) * 100));
  const months = dated.length || hEnd ? eachMonthOfInterval({ start: from, end: to }) : [];
  const every = Math.max(1, Math.ceil(months.length / 12));
  const today = new Date(now);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setEndError(null);
    if (form.start && form.end && form.end < form.start) {
      setEndError('Must be on or after the start');
      return;
    }
    if (await edit.add('phase', form)) {
      setForm({ name: '', start: form.end, end: '', status: 'planned' });
      setAdding(false);
    }
  };

  return (
    <Card
      id="phases"
      title="Phases"
      count={phases.length || undefined}
      action={
        editable && !adding ? (
          <button type="button" className={linkBtnCls} onClick={() => setAdding(true)}>
            + Add phase
          </button>
        ) : undefined
      }
    >
      {months.length > 0 && (
        <div data-testid="timeline" className="space-y-2">
          <div className="grid grid-cols-1 gap-1 sm:grid-cols-[15rem_1fr] sm:gap-3">
            <span className="hidden sm:block" />
            <div className="relative h-5 text-xs font-semibold text-slate-500 dark:text-slate-400" aria-hidden>
              {months.map(
                (m, i) =>
                  i % every === 0 &&
                  at(m) < 95 && (
                    <span
                      key={m.toISOString()}
                      className="absolute top-0 -translate-x-0 border-l border-slate-300 pl-1 whitespace-nowrap dark:border-slate-700"
                      style={{ left: `${at(m)}%` }}
                    >
                      {format(m, months.length > 12 ? 'MMM yy' : 'MMM')}
                    </span>
                  ),
              )}
            </div>
          </div>
          <ul className="space-y-2" data-testid="phases">
            {dated.map((p) => {
              const s = date(p.data.start)!;
              const e = date(p.data.end)!;
              return (
                <li key={p.id} data-item={p.id} data-status={p.data.status} className="grid grid-cols-1 items-center gap-1 sm:grid-cols-[15rem_1fr] sm:gap-3">
                  <span className="flex min-w-0 items-center gap-2">
                    <span className="min-w-0 flex-1 text-base leading-tight font-semibold">{p.data.name}</span>
                    {editable ? (
                      <select
                        aria-label={`Status of ${p.data.name}`}
                        value={p.data.status}
                        onChange={(ev) => void edit.update(p.id, { data: { status: ev.target.value } })}
                        className={`${selectCls} w-auto shrink-0 py-0.5 text-xs`}
                      >
                        {Object.entries(phaseLook).map(([k, v]) => (
                          <option key={k} value={k}>
                            {v.label}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <span className="shrink-0 text-xs text-slate-600 dark:text-slate-300">{phaseLook[p.data.status].label}</span>
                    )}
                  </span>
                  <div className="relative h-8 rounded-md bg-slate-100 dark:bg-slate-800/70">
                    {today >= from && today <= to && <span aria-hidden className="absolute inset-y-0 w-0.5 bg-rose-500" style={{ left: `${at(today)}%` }} />}
                    <div
                      className={`absolute inset-y-1 flex min-w-[0.5rem] items-center overflow-hidden rounded px-2 text-xs font-semibold whitespace-nowrap text-white ${phaseLook[p.data.status].bar}`}
                      style={{ left: `${at(s)}%`, width: `${Math.max(1, at(e) - at(s))}%` }}
                      title={`${p.data.name}: ${format(s, 'd MMM yyyy')} – ${format(e, 'd MMM yyyy')} · ${phaseLook[p.data.status].label}`}
                    >
                      {format(s, 'd MMM')} – {format(e, 'd MMM')}
                    </div>
                  </div>
                </li>
              );
            })}
          </ul>
          {dated.length === 0 && <Empty>No dated phases yet. The timeline spans the {horizonOf(board)} horizon.</Empty>}
        </div>
      )}
      {undated.length > 0 && (
        <div className="mt-3">
          <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Not yet scheduled</h3>
          <ul className="space-y-1">
            {undated.map((p) => (
              <li key={p.id} data-item={p.id} className="flex items-center gap-2 text-base">
                <span className="min-w-0 flex-1">{p.data.name}</span>
                <Chip className="bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300">{phaseLook[p.data.status].label}</Chip>
                {editable && (
                  <IconButton label={`Remove ${p.data.name}`} onClick={() => void edit.remove(p.id)}>
                    ✕
                  </IconButton>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {phases.length === 0 && months.length === 0 && <Empty>No phases planned yet.</Empty>}
      {editable && adding && (
        <form onSubmit={(e) => void add(e)} aria-label="Add phase" className="mt-3 space-y-2 rounded-lg bg-slate-50 p-3 dark:bg-slate-900">
          <TextField
            id="phase-name"
            maxLength={itemMax('phase', 'name')}
            label="Phase"
            value={form.name}
            onChange={(v) => setForm({ ...form, name: v })}
            autoFocus
            error={edit.errorFor('name')}
          />
          <div className="grid grid-cols-2 gap-2 sm:grid-cols-3">
            <TextField
              id="phase-start"
              label="Start"
              type="date"
              value={form.start}
              onChange={(v) => setForm({ ...form, start: v })}
              error={edit.errorFor('start')}
            />
            <TextField
              id="phase-end"
              label="End"
              type="date"
              value={form.end}
              onChange={(v) => setForm({ ...form, end: v })}
              error={endError ?? edit.errorFor('end')}
            />
            <div className="min-w-0">
              <label htmlFor="phase-status" className={labelCls}>
                Status
              </label>
              <select id="phase-status" value={form.status} onChange={(e) => setForm({ ...form, status: e.target.value })} className={`${selectCls} w-full`}>
                {Object.entries(phaseLook).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v.label}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className="flex gap-2">
            <button type="submit" className={primaryCls} disabled={edit.pending.has('add:phase')}>
              Add phase
            </button>
            <button
              type="button"
              className={btnCls}
              onClick={() => {
                setAdding(false);
                edit.clear();
                setEndError(null);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
      <ErrorNote message={adding ? edit.otherError(['name', 'start', 'end']) : (edit.error?.message ?? null)} onDismiss={edit.clear} />
    </Card>
  );
}

// ---- ADRs ----------------------------------------------------------------------------------------

const adrLook: Record<Adr['data']['status'], string> = {
  proposed: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300',
  accepted: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
  superseded: 'bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
  rejected: 'bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-300',
};
const ADR_STATUSES = Object.keys(adrLook) as Adr['data']['status'][];
const adrNo = (a: Adr, all: Adr[]) => a.data.number ?? all.indexOf(a) + 1;
const adrLabel = (n: number) => `ADR-${String(n).padStart(3, '0')}`;

function AdrRow({ adr, all, editable, edit }: { adr: Adr; all: Adr[]; editable: boolean; edit: ReturnType<typeof useBoardEdit> }) {
  const [superseding, setSuperseding] = useState(false);
  const others = all.filter((a) => a.id !== adr.id);
  const [by, setBy] = useState<string>('');
  const n = adrNo(adr, all);
  const successor = adr.data.supersededBy ? all.find((a) => adrNo(a, all) === adr.data.supersededBy) : undefined;

  const setStatus = async (status: Adr['data']['status']) => {
    if (status === 'superseded') {
      setSuperseding(true);
      setBy(String(others.length ? adrNo(others.at(-1)!, all) : ''));
      return;
    }
    setSuperseding(false);
    await edit.update(adr.id, { data: { status, supersededBy: null } });
  };
  const supersede = async (e: FormEvent) => {
    e.preventDefault();
    if (await edit.update(adr.id, { data: { status: 'superseded', supersededBy: Number(by) || null } })) setSuperseding(false);
  };

  return (
    <li id={`adr-${n}`} data-item={adr.id} data-status={adr.data.status} className="rounded-lg border border-slate-200 p-3 dark:border-slate-800">
      <div className="flex flex-wrap items-start gap-2">
        <span className="shrink-0 font-mono text-sm font-bold text-slate-600 dark:text-slate-300">{adrLabel(n)}</span>
        <p
          className={`min-w-0 flex-1 basis-48 text-base font-semibold leading-snug ${adr.data.status === 'superseded' || adr.data.status === 'rejected' ? 'text-slate-500 dark:text-slate-400' : ''}`}
        >
          {adr.data.title}
        </p>
        <Chip className={adrLook[adr.data.status]}>{adr.data.status}</Chip>
        {editable && (
          <select
            aria-label={`Change status of ${adrLabel(n)}`}
            value={superseding ? 'superseded' : adr.data.status}
            onChange={(e) => void setStatus(e.target.value as Adr['data']['status'])}
            className={`${selectCls} py-0.5 text-xs`}
            disabled={edit.pending.has(`update:${adr.id}`)}
          >
            {ADR_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        )}
        {editable && (
          <IconButton label={`Remove ${adrLabel(n)}`} disabled={edit.busy} onClick={() => void edit.remove(adr.id)}>
            ✕
          </IconButton>
        )}
      </div>
      {adr.data.status === 'superseded' && (
        <p className="mt-1 text-sm font-medium text-slate-700 dark:text-slate-200" data-testid="superseded-by">
          Superseded by{' '}
          {adr.data.supersededBy ? (
            <a href={`#adr-${adr.data.supersededBy}`} className="text-accent-600 underline dark:text-accent-500">
              {adrLabel(adr.data.supersededBy)}
              {successor ? `: ${successor.data.title}` : ''}
            </a>
          ) : (
            'a later decision'
          )}
        </p>
      )}
      {editable && superseding && (
        <form onSubmit={(e) => void supersede(e)} aria-label={`Supersede ${adrLabel(n)}`} className="mt-2 flex flex-wrap items-center gap-2 text-sm">
          <label htmlFor={`adr-${adr.id}-by`}>Superseded by</label>
          <select id={`adr-${adr.id}-by`} value={by} onChange={(e) => setBy(e.target.value)} className={selectCls}>
            <option value="">(not recorded)</option>
            {others.map((o) => (
              <option key={o.id} value={adrNo(o, all)}>
                {adrLabel(adrNo(o, all))}: {o.data.title}
              </option>
            ))}
          </select>
          <button type="submit" className={primaryCls}>
            Save
          </button>
          <button type="button" className={btnCls} onClick={() => setSuperseding(false)}>
            Cancel
          </button>
        </form>
      )}
      {(adr.data.context || adr.data.decision) && (
        <details className="mt-1.5 text-sm">
          <summary className="cursor-pointer text-slate-600 select-none hover:text-slate-900 dark:text-slate-300 dark:hover:text-white">
            Context and decision
          </summary>
          {adr.data.context && (
            <p className="mt-1">
              <span className="font-semibold">Context: </span>
              {adr.data.context}
            </p>
          )}
          {adr.data.decision && (
            <p className="mt-1">
              <span className="font-semibold">Decision: </span>
              {adr.data.decision}
            </p>
          )}
        </details>
      )}
    </li>
  );
}

/** Architecture decision records with their status; superseded ones say by which. */
export function Adrs({ board, onBoard, canEdit }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const [adding, setAdding] = useState(false);
  const [form, setForm] = useState({ title: '', context: '', decision: '' });
  const adrs = itemsOf(board, 'adr');
  const next = Math.max(0, ...adrs.map((a, i) => a.data.number ?? i + 1)) + 1;
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await edit.add('adr', { ...form, number: next, status: 'proposed' })) {
      setForm({ title: '', context: '', decision: '' });
      setAdding(false);
    }
  };
  const counts = ADR_STATUSES.map((s) => [s, adrs.filter((a) => a.data.status === s).length] as const).filter(([, n]) => n > 0);
  return (
    <Card
      id="adrs"
      title="Decision records"
      count={adrs.length || undefined}
      action={
        editable && !adding ? (
          <button type="button" className={linkBtnCls} onClick={() => setAdding(true)}>
            + Add ADR
          </button>
        ) : undefined
      }
    >
      {counts.length > 0 && (
        <p className="mb-2 flex flex-wrap gap-1.5">
          {counts.map(([s, n]) => (
            <Chip key={s} className={adrLook[s]}>
              {n} {s}
            </Chip>
          ))}
        </p>
      )}
      {editable && adding && (
        <form onSubmit={(e) => void add(e)} aria-label="Add ADR" className="mb-3 space-y-2 rounded-lg bg-slate-50 p-3 dark:bg-slate-900">
          <TextField
            id="adr-title"
            maxLength={itemMax('adr', 'title')}
            label="{adrLabel(next)} title"
            value={form.title}
            onChange={(v) => setForm({ ...form, title: v })}
            autoFocus
            error={edit.errorFor('title')}
          />
          <TextField
            id="adr-context"
            maxLength={itemMax('adr', 'context')}
            label="Context"
            rows={2}
            value={form.context}
            onChange={(v) => setForm({ ...form, context: v })}
            error={edit.errorFor('context')}
          />
          <TextField
            id="adr-decision"
            maxLength={itemMax('adr', 'decision')}
            label="Decision"
            rows={2}
            value={form.decision}
            onChange={(v) => setForm({ ...form, decision: v })}
            error={edit.errorFor('decision')}
          />
          <div className="flex gap-2">
            <button type="submit" className={primaryCls} disabled={edit.pending.has('add:adr')}>
              Propose
            </button>
            <button
              type="button"
              className={btnCls}
              onClick={() => {
                setAdding(false);
                edit.clear();
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
      <ul data-testid="adrs" className="space-y-2">
        {adrs.map((a) => (
          <AdrRow key={a.id} adr={a} all={adrs} editable={editable} edit={edit} />
        ))}
      </ul>
      {adrs.length === 0 && <Empty>No decision records yet.</Empty>}
      <ErrorNote message={adding ? edit.otherError(['title', 'context', 'decision']) : (edit.error?.message ?? null)} onDismiss={edit.clear} />
    </Card>
  );
}

type Props = BoardSectionProps & { now: number; canEdit: boolean };

/** Architecture planning: objectives and the horizon, phases on a timeline, decisions and risks. */
export function ArchitecturePlanningBoard(props: Props) {
  return (
    <div className="grid items-start gap-4 lg:grid-cols-5" data-testid="board-planning-architecture">
      <div className="flex min-w-0 flex-col gap-4 lg:col-span-3">
        <Objectives {...props} />
        <PhasesTimeline {...props} />
        <Adrs {...props} />
      </div>
      <div className="flex min-w-0 flex-col gap-4 lg:col-span-2">
        <Horizon {...props} />
        <Risks {...props} />
        <Participants board={props.board} title="Participants" leadRole="Architect" />
      </div>
    </div>
  );
}
