'use client';

import { differenceInCalendarDays, format, isValid, parseISO } from 'date-fns';
import { useState, type FormEvent } from 'react';
import type { BoardItem } from '../../../lib/board-items';
import { itemsOf, useBoardEdit, useEditable, type BoardSectionProps, itemMax } from '../items';
import { btnCls, Card, Chip, Empty, ErrorNote, IconButton, selectCls, TextField } from '../ui';
import { peopleOf } from './participants';

type ActionItem = BoardItem<'action'>;
const STATUSES = ['open', 'in-progress', 'done'] as const;
const statusChip: Record<ActionItem['data']['status'], string> = {
  open: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200',
  'in-progress': 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300',
  done: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
};

/** When an action item is due, against today: overdue, today, or in N days. */
export function dueState(
  due: string | null,
  status: ActionItem['data']['status'],
  now: number,
): { label: string; tone: 'overdue' | 'today' | 'soon' | 'later' | 'none' } {
  if (!due) return { label: 'No due date', tone: 'none' };
  const d = parseISO(due);
  if (!isValid(d)) return { label: due, tone: 'later' };
  const days = differenceInCalendarDays(d, now);
  const date = format(d, 'd MMM yyyy');
  if (status === 'done') return { label: date, tone: 'later' };
  if (days < 0) return { label: `${date} · overdue ${-days} ${days === -1 ? 'day' : 'days'}`, tone: 'overdue' };
  if (days === 0) return { label: `${date} · today`, tone: 'today' };
  return { label: days <= 3 ? `${date} · in ${days} ${days === 1 ? 'day' : 'days'}` : date, tone: days <= 3 ? 'soon' : 'later' };
}
const dueTone = {
  overdue: 'font-semibold text-rose-700 dark:text-rose-300',
  today: 'font-semibold text-amber-800 dark:text-amber-300',
  soon: 'text-amber-800 dark:text-amber-300',
  later: 'text-slate-600 dark:text-slate-300',
  none: 'text-slate-400 dark:text-slate-500',
};

/** Action items: owner, due date, status; overdue ones stand out. Open first, by due date. */
export function ActionItems({ board, onBoard, canEdit, now = Date.now() }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const [form, setForm] = useState({ title: '', owner: '', due: '' });
  const items = itemsOf(board, 'action').sort((a, b) => {
    const da = a.data.status === 'done' ? 1 : 0;
    const db = b.data.status === 'done' ? 1 : 0;
    return da - db || (a.data.due ?? '9999').localeCompare(b.data.due ?? '9999') || a.position - b.position;
  });
  const open = items.filter((i) => i.data.status !== 'done').length;
  const overdue = items.filter((i) => dueState(i.data.due, i.data.status, now).tone === 'overdue').length;
  const owners = peopleOf(board, 'coordinator').map((p) => p.name);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await edit.add('action', { title: form.title, owner: form.owner, due: form.due })) setForm({ title: '', owner: '', due: '' });
  };

  return (
    <Card
      id="actions"
      title="Action items"
      count={items.length ? `${open} open` : undefined}
      action={overdue > 0 ? <Chip className="bg-rose-600 text-white dark:bg-rose-500">{overdue} overdue</Chip> : undefined}
    >
      <ul data-testid="actions" className="divide-y divide-slate-100 dark:divide-slate-800">
        {items.map((item) => {
          const due = dueState(item.data.due, item.data.status, now);
          return (
            <li
              key={item.id}
              data-item={item.id}
              data-status={item.data.status}
              data-overdue={due.tone === 'overdue' ? 'true' : 'false'}
              className={`flex flex-wrap items-center gap-x-3 gap-y-1 py-2 ${due.tone === 'overdue' ? '-mx-2 rounded-md border-l-4 border-rose-500 bg-rose-50 px-2 dark:bg-rose-950/40' : ''}`}
            >
              <div className="min-w-0 flex-1 basis-52">
                <p
                  className={`text-base font-medium leading-snug ${item.data.status === 'done' ? 'text-slate-500 line-through decoration-slate-400 dark:text-slate-400' : ''}`}
                >
                  {item.data.title}
                </p>
                <p className="flex flex-wrap gap-x-3 text-sm">
                  <span className={item.data.owner ? 'text-slate-700 dark:text-slate-200' : 'text-slate-400 dark:text-slate-500'}>
                    {item.data.owner ?? 'Unassigned'}
                  </span>
                  <span className={dueTone[due.tone]} data-testid="due">
                    {due.label}
                  </span>
                </p>
              </div>
              {editable ? (
                <select
                  aria-label={`Status of "${item.data.title}"`}
                  value={item.data.status}
                  disabled={edit.pending.has(`update:${item.id}`)}
                  onChange={(e) => void edit.update(item.id, { data: { status: e.target.value } })}
                  className={selectCls}
                >
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              ) : (
                <Chip className={statusChip[item.data.status]}>{item.data.status}</Chip>
              )}
              {editable && (
                <IconButton label={`Remove "${item.data.title}"`} disabled={edit.busy} onClick={() => void edit.remove(item.id)}>
                  ✕
                </IconButton>
              )}
            </li>
          );
        })}
      </ul>
      {items.length === 0 && <Empty>No action items yet.{editable ? ' Capture one below.' : ''}</Empty>}
      {editable && (
        <form onSubmit={(e) => void add(e)} aria-label="Add action item" className="mt-3 grid gap-2 sm:grid-cols-[1fr_10rem_10rem_auto]">
          <TextField
            id="action-title"
            maxLength={itemMax('action', 'title')}
            label="Action item"
            hideLabel
            value={form.title}
            onChange={(v) => setForm({ ...form, title: v })}
            placeholder="Add an action item…"
            error={edit.errorFor('title')}
          />
          <TextField
            id="action-owner"
            maxLength={itemMax('action', 'owner')}
            label="Owner"
            hideLabel
            list="action-owners"
            value={form.owner}
            onChange={(v) => setForm({ ...form, owner: v })}
            placeholder="Owner"
            error={edit.errorFor('owner')}
          />
          <datalist id="action-owners">
            {owners.map((o) => (
              <option key={o} value={o} />
            ))}
          </datalist>
          <TextField
            id="action-due"
            label="Due date"
            hideLabel
            type="date"
            value={form.due}
            onChange={(v) => setForm({ ...form, due: v })}
            error={edit.errorFor('due')}
          />
          <button type="submit" className={`${btnCls} self-start`} disabled={edit.pending.has('add:action')}>
            {edit.pending.has('add:action') ? 'Adding…' : 'Add'}
          </button>
        </form>
      )}
      <ErrorNote message={edit.otherError(['title', 'owner', 'due'])} onDismiss={edit.clear} />
    </Card>
  );
}
