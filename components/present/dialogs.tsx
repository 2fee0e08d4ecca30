'use client';

import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { apiError, messageFor } from '../auth/api';
import type { SessionBoard } from '../../lib/session-types';

/**
 * A modal on the native <dialog>: showModal() gives the focus trap, Esc to close and an inert page
 * behind it; the dialog role comes with the element.
 */
export function Modal({
  open,
  onClose,
  title,
  children,
  testId,
  wide,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  testId?: string;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      // showModal() focuses the first focusable element (the ✕ button), so typing would press it:
      // put the caret in the form's first field (or the one marked data-autofocus) instead.
      (d.querySelector<HTMLElement>('[data-autofocus]') ?? d.querySelector<HTMLElement>('input:not([type="hidden"]), textarea, select'))?.focus();
    }
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid={testId}
      // No onClose: the native close event also follows our own close() a moment later, and would
      // then shut the next dialog opened in the meantime. Esc arrives as cancel, handled here.
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes it.
        if (e.target === ref.current) onClose();
      }}
      className={`m-auto w-[calc(100%-2rem)] ${wide ? 'max-w-3xl' : 'max-w-2xl'} rounded-2xl border border-slate-200 bg-white p-0 text-slate-900 shadow-2xl backdrop:bg-slate-950/70 backdrop:backdrop-blur-sm dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100`}
    >
      {open && (
        <div className="p-5 sm:p-8">
          <div className="mb-5 flex items-start gap-4">
            <h2 id={titleId} className="text-2xl font-semibold tracking-tight 2xl:text-3xl">
              {title}
            </h2>
            <button
              type="button"
              onClick={onClose}
              aria-label="Close"
              className="ml-auto rounded-md px-2 py-1 text-xl text-slate-500 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-accent-500 dark:hover:bg-slate-800"
            >
              ✕
            </button>
          </div>
          {children}
        </div>
      )}
    </dialog>
  );
}

const field =
  'w-full min-w-0 rounded-lg border border-slate-300 bg-white px-4 py-3 text-lg placeholder:text-slate-400 focus-visible:outline-2 focus-visible:outline-accent-500 disabled:opacity-60 2xl:text-2xl dark:border-slate-600 dark:bg-slate-950 dark:placeholder:text-slate-500';
const label = 'mb-1.5 block text-sm font-semibold uppercase tracking-wide text-slate-600 2xl:text-base dark:text-slate-300';
const submit =
  'rounded-lg bg-accent-600 px-6 py-3 text-lg font-semibold text-white hover:bg-accent-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-500 disabled:opacity-60 2xl:text-xl';
const cancel =
  'rounded-lg border border-slate-300 px-6 py-3 text-lg font-medium hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-accent-500 2xl:text-xl dark:border-slate-600 dark:hover:bg-slate-800';

/** A form whose submit calls the API; the error names the field the server named. */
function useSubmit(save: () => Promise<SessionBoard>, onSaved: (b: SessionBoard) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      onSaved(await save());
    } catch (err) {
      const a = apiError(err);
      setError({ field: a.field, message: messageFor(a) });
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, onSubmit };
}

function FieldError({ id, error, name }: { id: string; error: { field?: string; message: string } | null; name: string | null }) {
  if (!error) return null;
  if (name !== null && error.field !== name) return null;
  if (name === null && error.field && ['topic', 'decision', 'rationale', 'data.title', 'data.owner', 'data.due'].includes(error.field)) return null;
  return (
    <p id={id} role="alert" className="mt-1.5 text-base text-rose-700 dark:text-rose-300">
      {error.message}
    </p>
  );
}

/** `d`: capture a decision while the meeting is on it (the topic defaults to the current agenda item). */
export function DecisionDialog({
  open,
  onClose,
  topic,
  save,
  onSaved,
}: {
  open: boolean;
  onClose: () => void;
  topic: string;
  save: (input: { topic: string; decision: string; rationale: string | null }) => Promise<SessionBoard>;
  onSaved: (b: SessionBoard) => void;
}) {
  const ids = useId();
  const [form, setForm] = useState({ topic, decision: '', rationale: '' });
  useEffect(() => {
    if (open) setForm({ topic, decision: '', rationale: '' });
  }, [open, topic]);
  const { busy, error, onSubmit } = useSubmit(
    () => save({ topic: form.topic, decision: form.decision, rationale: form.rationale.trim() || null }),
    (b) => {
      onSaved(b);
      onClose();
    },
  );
  const err = (name: string) => (error?.field === name ? { 'aria-invalid': true, 'aria-describedby': `${ids}-${name}-err` } : {});
  return (
    <Modal open={open} onClose={onClose} title="Capture a decision" testId="decision-dialog">
      <form onSubmit={(e) => void onSubmit(e)} className="space-y-4">
        <div>
          <label htmlFor={`${ids}-topic`} className={label}>
            Topic
          </label>
          <input
            id={`${ids}-topic`}
            name="topic"
            className={field}
            value={form.topic}
            onChange={(e) => setForm({ ...form, topic: e.target.value })}
            maxLength={300}
            {...err('topic')}
          />
          <FieldError id={`${ids}-topic-err`} error={error} name="topic" />
        </div>
        <div>
          <label htmlFor={`${ids}-decision`} className={label}>
            Decision
          </label>
          <textarea
            id={`${ids}-decision`}
            name="decision"
            data-autofocus
            className={`${field} min-h-28`}
            value={form.decision}
            onChange={(e) => setForm({ ...form, decision: e.target.value })}
            maxLength={2000}
            placeholder="What did we decide?"
            {...err('decision')}
          />
          <FieldError id={`${ids}-decision-err`} error={error} name="decision" />
        </div>
        <div>
          <label htmlFor={`${ids}-rationale`} className={label}>
            Why (optional)
          </label>
          <textarea
            id={`${ids}-rationale`}
            name="rationale"
            className={`${field} min-h-20`}
            value={form.rationale}
            onChange={(e) => setForm({ ...form, rationale: e.target.value })}
            maxLength={4000}
          />
          <FieldError id={`${ids}-rationale-err`} error={error} name="rationale" />
        </div>
        <FieldError id={`${ids}-err`} error={error} name={null} />
        <div className="flex flex-wrap justify-end gap-3 pt-2">
          <button type="button" className={cancel} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={submit} disabled={busy}>
            {busy ? 'Saving…' : 'Save decision'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** `a`: add an action item (title, owner, due date). */
export function ActionItemDialog({
  open,
  onClose,
  owners,
  save,
  onSaved,
}: {
  open: boolean;
  onClose: () => void;
  owners: string[];
  save: (input: { title: string; owner: string | null; due: string | null }) => Promise<SessionBoard>;
  onSaved: (b: SessionBoard) => void;
}) {
  const ids = useId();
  const [form, setForm] = useState({ title: '', owner: '', due: '' });
  useEffect(() => {
    if (open) setForm({ title: '', owner: '', due: '' });
  }, [open]);
  const { busy, error, onSubmit } = useSubmit(
    () => save({ title: form.title, owner: form.owner.trim() || null, due: form.due || null }),
    (b) => {
      onSaved(b);
      onClose();
    },
  );
  const err = (name: string) => (error?.field === name ? { 'aria-invalid': true, 'aria-describedby': `${ids}-${name}-err` } : {});
  return (
    <Modal open={open} onClose={onClose} title="Add an action item" testId="action-dialog">
      <form onSubmit={(e) => void onSubmit(e)} className="space-y-4">
        <div>
          <label htmlFor={`${ids}-title`} className={label}>
            Action
          </label>
          <input
            id={`${ids}-title`}
            name="title"
            data-autofocus
            className={field}
            value={form.title}
            onChange={(e) => setForm({ ...form, title: e.target.value })}
            maxLength={500}
            placeholder="What needs doing?"
            {...err('data.title')}
          />
          <FieldError id={`${ids}-data.title-err`} error={error} name="data.title" />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor={`${ids}-owner`} className={label}>
              Owner
            </label>
            <input
              id={`${ids}-owner`}
              name="owner"
              list={`${ids}-owners`}
              className={field}
              value={form.owner}
              onChange={(e) => setForm({ ...form, owner: e.target.value })}
              maxLength={120}
              {...err('data.owner')}
            />
            <datalist id={`${ids}-owners`}>
              {owners.map((o) => (
                <option key={o} value={o} />
              ))}
            </datalist>
            <FieldError id={`${ids}-data.owner-err`} error={error} name="data.owner" />
          </div>
          <div>
            <label htmlFor={`${ids}-due`} className={label}>
              Due
            </label>
            <input
              id={`${ids}-due`}
              name="due"
              type="date"
              className={field}
              value={form.due}
              onChange={(e) => setForm({ ...form, due: e.target.value })}
              {...err('data.due')}
            />
            <FieldError id={`${ids}-data.due-err`} error={error} name="data.due" />
          </div>
        </div>
        <FieldError id={`${ids}-err`} error={error} name={null} />
        <div className="flex flex-wrap justify-end gap-3 pt-2">
          <button type="button" className={cancel} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={submit} disabled={busy}>
            {busy ? 'Saving…' : 'Add action item'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

export const SHORTCUTS: [string[], string][] = [
  [['→', 'n'], 'Next agenda item'],
  [['←', 'p'], 'Previous agenda item'],
  [['Space'], 'Start or pause the timer'],
  [['d'], 'Capture a decision'],
  [['a'], 'Add an action item'],
  [['f'], 'Full screen on or off'],
  [['Esc'], 'Close a dialog'],
  [['Ctrl', 'K'], 'Command palette'],
  [['?'], 'This help'],
];

export function HelpDialog({ open, onClose, driving }: { open: boolean; onClose: () => void; driving: boolean }) {
  return (
    <Modal open={open} onClose={onClose} title="Keyboard shortcuts" testId="help-dialog">
      <p className="mb-4 text-lg text-slate-600 2xl:text-xl dark:text-slate-300">
        {driving
          ? 'You drive the meeting: everyone following sees what you do.'
          : 'Following the presenter. Moving through the agenda yourself lets you browse on your own until you rejoin.'}
      </p>
      <dl className="grid grid-cols-[auto_1fr] items-center gap-x-6 gap-y-3 text-lg 2xl:text-2xl">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={what} className="contents">
            <dt className="flex gap-1.5">
              {keys.map((k, i) => (
                <span key={k} className="flex items-center gap-1.5">
                  {i > 0 && <span className="text-slate-400">{keys[0] === 'Ctrl' ? '+' : '/'}</span>}
                  <kbd className="min-w-10 rounded-md border border-slate-300 bg-slate-50 px-2 py-0.5 text-center font-mono text-base font-semibold dark:border-slate-600 dark:bg-slate-800">
                    {k}
                  </kbd>
                </span>
              ))}
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
    </Modal>
  );
}
