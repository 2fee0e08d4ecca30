'use client';

import { useState, type ReactNode } from 'react';
import type { BoardFields } from '../../../lib/board-items';
import type { BoardEdit } from '../items';
import { Card, ErrorNote, FieldError, inputCls, linkBtnCls } from '../ui';

export interface OutcomeChoice<O extends string> {
  outcome: O;
  /** The button: "Approve", "Sign off". */
  action: string;
  /** The result shown: "Approved", "Signed off". */
  label: string;
  tone: string;
  button: string;
  /** A note is required with this outcome (reject, request changes, block). */
  needsNote?: boolean;
}

/**
 * A review's outcome (the code review's verdict, the QA sign-off): what it is, with its note,
 * and for members one button per outcome. Outcomes that need a reason say so next to the note.
 */
export function OutcomePanel<O extends string>({
  id,
  title,
  field,
  value,
  choices,
  pendingLabel,
  edit,
  editable,
  warning,
}: {
  id: string;
  title: string;
  field: 'verdict' | 'signOff';
  value: { outcome: O; note: string | null } | undefined;
  choices: OutcomeChoice<O>[];
  pendingLabel: string;
  edit: BoardEdit;
  editable: boolean;
  /** Something to weigh first (open high findings, failing areas), shown above the buttons. */
  warning?: ReactNode;
}) {
  const [note, setNote] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const current = value && value.outcome !== ('pending' as O) ? choices.find((c) => c.outcome === value.outcome) : undefined;

  const decide = async (choice: OutcomeChoice<O> | null) => {
    setMissing(null);
    if (choice?.needsNote && !note.trim()) {
      setMissing(`Say why (a note is required to ${choice.action.toLowerCase()})`);
      return;
    }
    const next = { [field]: { outcome: choice ? choice.outcome : 'pending', note: choice ? note.trim() || null : null } } as BoardFields;
    if (await edit.setFields(next, field)) setNote('');
  };
  const noteId = `${id}-note`;

  return (
    <Card id={id} title={title}>
      <div data-testid={id} data-outcome={value?.outcome ?? 'pending'}>
        <p
          className={`inline-flex items-center rounded-lg px-3 py-1.5 text-xl font-bold ${current ? current.tone : 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200'}`}
        >
          {current ? current.label : pendingLabel}
        </p>
        {current && value?.note && <p className="mt-2 whitespace-pre-wrap text-base text-slate-700 dark:text-slate-200">{value.note}</p>}
      </div>
      {editable && (
        <div className="mt-3 space-y-2">
          {warning}
          <label htmlFor={noteId} className="block text-xs font-semibold text-slate-600 dark:text-slate-300">
            Note
          </label>
          <textarea
            id={noteId}
            rows={2}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            className={inputCls}
            placeholder="Why (required to reject or block)"
            aria-describedby={`${noteId}-error`}
          />
          <FieldError id={`${noteId}-error`} message={missing ?? edit.errorFor(`${field}.note`)} />
          <div className="flex flex-wrap gap-2">
            {choices.map((c) => (
              <button
                key={c.outcome}
                type="button"
                className={c.button}
                disabled={edit.pending.has(field)}
                onClick={() => void decide(c)}
                aria-pressed={value?.outcome === c.outcome}
              >
                {c.action}
              </button>
            ))}
            {current && (
              <button type="button" className={linkBtnCls} disabled={edit.pending.has(field)} onClick={() => void decide(null)}>
                Reset to pending
              </button>
            )}
          </div>
        </div>
      )}
      <ErrorNote message={edit.otherError([`${field}.note`])} onDismiss={edit.clear} />
    </Card>
  );
}

const solid =
  'inline-flex items-center justify-center rounded-md px-3 py-1.5 text-sm font-semibold text-white focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-60';
export const outcomeButtons = {
  good: `${solid} bg-emerald-700 hover:bg-emerald-600 focus-visible:outline-emerald-600`,
  warn: `${solid} bg-amber-600 hover:bg-amber-500 focus-visible:outline-amber-500`,
  bad: `${solid} bg-rose-700 hover:bg-rose-600 focus-visible:outline-rose-600`,
};
export const outcomeTones = {
  good: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  warn: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
  bad: 'bg-rose-100 text-rose-900 dark:bg-rose-950 dark:text-rose-200',
};
