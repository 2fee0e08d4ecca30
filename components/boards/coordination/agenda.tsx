'use client';

import { useState, type FormEvent } from 'react';
import type { BoardItem } from '../../../lib/board-items';
import { readMeeting, timerElapsed } from '../../../lib/meeting';
import { detail, detailText, itemsOf, numberOrNull, parseMinutes, useBoardEdit, useEditable, type BoardSectionProps } from '../items';
import { btnCls, Card, Chip, Empty, ErrorNote, FieldError, IconButton, inputCls, labelCls, ProgressBar } from '../ui';

type AgendaItem = BoardItem<'agenda'>;

const statusLook: Record<AgendaItem['data']['status'], { label: string; chip: string }> = {
  pending: { label: 'Up next', chip: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200' },
  active: { label: 'Now', chip: 'bg-accent-600 text-white' },
  done: { label: 'Done', chip: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300' },
};

/** The meeting's planned length in minutes: the session's expected duration ("90 minutes"). */
export function meetingMinutes(board: BoardSectionProps['board']): number | null {
  return board.expectedMinutes ?? parseMinutes(board.expectedDuration ?? detailText(board, 'meeting_duration'));
}

/** The agenda item being discussed: the meeting mode's current item, else the one marked active. */
export function currentAgendaItem(board: BoardSectionProps['board'], items: AgendaItem[]): AgendaItem | null {
  const meeting = readMeeting(detail(board, 'meeting'));
  return (
    (meeting.agendaItemId !== null ? items.find((i) => i.id === meeting.agendaItemId) : undefined) ?? items.find((i) => i.data.status === 'active') ?? null
  );
}

/** Minutes the meeting timer has counted on an item (running or paused), or null when it is not timing it. */
function timedMinutes(board: BoardSectionProps['board'], itemId: number, now: number): number | null {
  const meeting = readMeeting(detail(board, 'meeting'));
  if (meeting.timer.itemId !== itemId) return null;
  return Math.floor(timerElapsed(meeting.timer, Math.max(now, Date.now())) / 60_000);
}

/** An item's timebox (with the meeting timer's minutes while it runs); members click it to change it. */
function Timebox({
  board,
  onBoard,
  item,
  spent,
  editable,
}: Pick<BoardSectionProps, 'board' | 'onBoard'> & { item: AgendaItem; spent: number | null; editable: boolean }) {
  const edit = useBoardEdit(board, onBoard);
  const [draft, setDraft] = useState<string | null>(null);
  const late = spent !== null && spent > item.data.timeboxMinutes;
  const save = async () => {
    if (draft === null) return;
    if (draft.trim() === String(item.data.timeboxMinutes) || (await edit.update(item.id, { data: { timeboxMinutes: numberOrNull(draft) } }))) setDraft(null);
  };
  const text = (
    <>
      {spent !== null && `${spent} / `}
      {item.data.timeboxMinutes} min
    </>
  );
  const tone = `shrink-0 text-base font-semibold tabular-nums ${late ? 'text-rose-700 dark:text-rose-300' : 'text-slate-700 dark:text-slate-200'}`;
  if (draft !== null) {
    const error = edit.errorFor('timeboxMinutes') ?? edit.error?.message ?? null;
    return (
      <span className="flex shrink-0 flex-col">
        <span className="flex items-center gap-1">
          <input
            aria-label={`Timebox of "${item.data.title}" in minutes`}
            inputMode="numeric"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void save();
              if (e.key === 'Escape') setDraft(null);
            }}
            onBlur={() => void save()}
            autoFocus
            aria-invalid={error ? true : undefined}
            className={`${inputCls} w-16 text-right`}
          />
          <span className="text-sm text-slate-500 dark:text-slate-400">min</span>
        </span>
        {error && (
          <span role="alert" className="text-xs font-medium text-rose-700 dark:text-rose-300">
            {error}
          </span>
        )}
      </span>
    );
  }
  return editable ? (
    <button
      type="button"
      className={`${tone} rounded px-1 hover:bg-slate-100 dark:hover:bg-slate-800`}
      title="Change the timebox"
      data-testid="timebox"
      onClick={() => setDraft(String(item.data.timeboxMinutes))}
    >
      {text}
    </button>
  ) : (
    <span className={tone} data-testid="timebox">
      {text}
    </span>
  );
}

/**
 * The agenda: items with their timeboxes against the meeting's length, the current one
 * highlighted. Members start an item (the one before it is done), finish, reorder, add and remove.
 */
export function Agenda({ board, onBoard, canEdit, now = Date.now() }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const items = itemsOf(board, 'agenda');
  const [form, setForm] = useState({ title: '', minutes: '10' });
  const planned = items.reduce((n, i) => n + i.data.timeboxMinutes, 0);
  const meeting = meetingMinutes(board);
  const done = items.filter((i) => i.data.status === 'done').length;
  const current = currentAgendaItem(board, items);
  const over = meeting !== null && planned > meeting;

  const start = async (item: AgendaItem) => {
    // Moving on finishes the item before; jumping back puts the one we left back in the queue.
    for (const other of items.filter((i) => i.data.status === 'active' && i.id !== item.id)) {
      if (!(await edit.update(other.id, { data: { status: other.position < item.position ? 'done' : 'pending' } }, `status:${other.id}`))) return;
    }
    await edit.update(item.id, { data: { status: 'active' } }, `status:${item.id}`);
  };
  const finish = async (item: AgendaItem) => {
    if (!(await edit.update(item.id, { data: { status: 'done' } }, `status:${item.id}`))) return;
    const next = items.find((i) => i.position > item.position && i.data.status === 'pending');
    if (next && item.data.status === 'active') await edit.update(next.id, { data: { status: 'active' } }, `status:${next.id}`);
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await edit.add('agenda', { title: form.title, timeboxMinutes: numberOrNull(form.minutes) ?? undefined })) setForm({ title: '', minutes: form.minutes });
  };

  return (
    <Card
      id="agenda"
      title="Agenda"
      count={items.length ? `${done}/${items.length}` : undefined}
      action={
        items.length > 0 ? (
          <span
            data-testid="agenda-total"
            className={`text-sm font-semibold tabular-nums ${over ? 'text-rose-700 dark:text-rose-300' : 'text-slate-600 dark:text-slate-300'}`}
          >
            {planned} min{meeting !== null && ` of ${meeting} min`}
          </span>
        ) : undefined
      }
    >
      {items.length > 0 && meeting !== null && (
        <div className="mb-3">
          <ProgressBar value={(planned / meeting) * 100} label={`Timeboxes: ${planned} of ${meeting} minutes`} tone={over ? 'bg-rose-500' : 'bg-accent-500'} />
          {over && (
            <p role="status" className="mt-1 text-sm font-semibold text-rose-700 dark:text-rose-300">
              Timeboxes run {planned - meeting} min over the {meeting}-minute meeting
            </p>
          )}
        </div>
      )}
      <ol data-testid="agenda" className="space-y-2">
        {items.map((item, idx) => {
          const s = item.data.status;
          const isCurrent = current?.id === item.id;
          return (
            <li
              key={item.id}
              data-item={item.id}
              data-status={s}
              data-current={isCurrent ? 'true' : 'false'}
              aria-current={isCurrent ? 'step' : undefined}
              className={`flex flex-wrap items-center gap-x-3 gap-y-2 rounded-lg border px-3 py-2.5 ${
                isCurrent
                  ? 'border-accent-500 bg-accent-500/10 ring-2 ring-accent-500/40'
                  : s === 'done'
                    ? 'border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-900/60'
                    : 'border-slate-200 dark:border-slate-800'
              }`}
            >
              <span
                aria-hidden
                className={`flex h-8 w-8 shrink-0 items-center justify-center rounded-full text-sm font-bold tabular-nums ${isCurrent ? 'bg-accent-600 text-white' : s === 'done' ? 'bg-emerald-500 text-white' : 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200'}`}
              >
                {s === 'done' ? '✓' : idx + 1}
              </span>
              <div className="min-w-0 flex-1 basis-40">
                <p
                  className={`text-lg font-semibold leading-snug ${s === 'done' ? 'text-slate-500 line-through decoration-slate-400 dark:text-slate-400' : ''}`}
                >
                  {item.data.title}
                </p>
                {item.data.notes && <p className="text-sm text-slate-600 dark:text-slate-300">{item.data.notes}</p>}
              </div>
              <Timebox board={board} onBoard={onBoard} item={item} spent={isCurrent ? timedMinutes(board, item.id, now) : null} editable={editable} />
              <Chip className={statusLook[s].chip}>{statusLook[s].label}</Chip>
              {editable && (
                <div className="flex shrink-0 items-center gap-1">
                  {s !== 'active' && (
                    <button type="button" className={`${btnCls} px-2 py-1 text-xs`} disabled={edit.busy} onClick={() => void start(item)}>
                      {s === 'done' ? 'Reopen' : 'Start'}
                    </button>
                  )}
                  {s !== 'done' && (
                    <button type="button" className={`${btnCls} px-2 py-1 text-xs`} disabled={edit.busy} onClick={() => void finish(item)}>
                      Done
                    </button>
                  )}
                  <IconButton
                    label={`Move "${item.data.title}" up`}
                    disabled={idx === 0 || edit.busy}
                    onClick={() => void edit.update(item.id, { position: idx - 1 })}
                  >
                    ↑
                  </IconButton>
                  <IconButton
                    label={`Move "${item.data.title}" down`}
                    disabled={idx === items.length - 1 || edit.busy}
                    onClick={() => void edit.update(item.id, { position: idx + 1 })}
                  >
                    ↓
                  </IconButton>
                  <IconButton label={`Remove "${item.data.title}"`} disabled={edit.busy} onClick={() => void edit.remove(item.id)}>
                    ✕
                  </IconButton>
                </div>
              )}
            </li>
          );
        })}
      </ol>
      {items.length === 0 && <Empty>No agenda yet.{editable ? ' Add the first item below.' : ''}</Empty>}
      {editable && (
        <form onSubmit={(e) => void add(e)} aria-label="Add agenda item" className="mt-3 flex flex-wrap items-start gap-2">
          <div className="min-w-0 flex-1 basis-48">
            <label htmlFor="agenda-title" className="sr-only">
              Agenda item
            </label>
            <input
              id="agenda-title"
              value={form.title}
              onChange={(e) => setForm({ ...form, title: e.target.value })}
              placeholder="Add an agenda item…"
              className={inputCls}
              aria-describedby="agenda-title-error"
            />
            <FieldError id="agenda-title-error" message={edit.errorFor('title')} />
          </div>
          <div className="w-28">
            <label htmlFor="agenda-minutes" className={`${labelCls} sr-only`}>
              Timebox (minutes)
            </label>
            <div className="flex items-center gap-1">
              <input
                id="agenda-minutes"
                inputMode="numeric"
                value={form.minutes}
                onChange={(e) => setForm({ ...form, minutes: e.target.value })}
                className={`${inputCls} text-right`}
                aria-describedby="agenda-minutes-error"
              />
              <span className="text-sm text-slate-500 dark:text-slate-400">min</span>
            </div>
            <FieldError id="agenda-minutes-error" message={edit.errorFor('timeboxMinutes')} />
          </div>
          <button type="submit" className={btnCls} disabled={edit.pending.has('add:agenda')}>
            {edit.pending.has('add:agenda') ? 'Adding…' : 'Add'}
          </button>
        </form>
      )}
      <ErrorNote message={edit.otherError(['title', 'timeboxMinutes'])} onDismiss={edit.clear} />
    </Card>
  );
}
