'use client';

import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { DEFAULT_HANDOFF_TTL_SECONDS, handoffCreateSchema, type Handoff } from '../../lib/handoff-types';
import { maxLengthOf } from '../../lib/validation-messages';
import { LimitCounter } from '../ui/limit-counter';
import type { SessionBoard } from '../../lib/session-types';
import { apiError, messageFor } from '../auth/api';
import { useMe } from '../auth/me';
import { btnCls, inputCls, primaryCls } from '../boards/ui';
import { handoffsApi, type HandoffRecipients } from './api';
import { draftFromBoard, draftFromHandoff, inputFromDraft, suggestChecklist, validateDraft, type FieldErrors, type HandoffDraft } from './draft';
import { EXPIRY_CHOICES, HANDOFF_TYPES, recipientText } from './look';

/** The handoff type's limit, from the schema the server checks. */
const HANDOFF_TYPE_MAX = maxLengthOf(handoffCreateSchema.shape.handoffType);

function Field({
  label,
  hint,
  error,
  htmlFor,
  children,
  className = '',
}: {
  label: string;
  hint?: string;
  error?: string;
  htmlFor: string;
  children: ReactNode;
  className?: string;
}) {
  const hintId = `${htmlFor}-hint`;
  return (
    <div className={`min-w-0 ${className}`}>
      <label htmlFor={htmlFor} className="block text-sm font-medium text-slate-700 dark:text-slate-200">
        {label}
      </label>
      {hint && (
        <p id={hintId} className="text-xs text-slate-500 dark:text-slate-400">
          {hint}
        </p>
      )}
      <div className="mt-1">{children}</div>
      {error && (
        <p id={`${htmlFor}-error`} data-field-error={htmlFor} className="mt-1 text-sm text-rose-700 dark:text-rose-400">
          {error}
        </p>
      )}
    </div>
  );
}

function Fieldset({ legend, children, action }: { legend: string; children: ReactNode; action?: ReactNode }) {
  return (
    <fieldset className="min-w-0 space-y-3 rounded-lg border border-slate-200 p-3 sm:p-4 dark:border-slate-800">
      <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300">{legend}</legend>
      {children}
      {action}
    </fieldset>
  );
}

const smallBtn =
  'rounded-md px-2 py-1 text-xs font-medium text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-accent-500 dark:text-slate-300 dark:hover:bg-slate-800';

/**
 * Create (from a board) or edit-and-resend (from the review page) a handoff, in a modal dialog:
 * recipient, type, summary, context, checklist and expiry. Validated with the server's schema before
 * sending; any field error (ours or the server's) shows under its field.
 */
export function HandoffDialog({
  open,
  onClose,
  onSaved,
  board,
  handoff,
}: {
  open: boolean;
  onClose: () => void;
  onSaved: (h: Handoff) => void;
  /** Create mode: the session being handed off. */
  board?: SessionBoard;
  /** Edit mode: the handoff being changed and sent again. */
  handoff?: Handoff;
}) {
  const { me } = useMe();
  const ref = useRef<HTMLDialogElement>(null);
  const uid = useId();
  const f = (name: string) => `${uid}-${name}`;
  const editing = !!handoff;
  const [draft, setDraft] = useState<HandoffDraft | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // After a first try, errors follow the typing: fixed fields lose theirs at once.
  const [tried, setTried] = useState(false);
  const [recipients, setRecipients] = useState<HandoffRecipients | null>(null);
  const [recipientsError, setRecipientsError] = useState<string | null>(null);

  // Opening starts from the board (or the handoff) as it is now.
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open) {
      setDraft(handoff ? draftFromHandoff(handoff) : board ? draftFromBoard(board) : null);
      setErrors({});
      setFormError(null);
      setTried(false);
      if (!dialog.open) dialog.showModal();
    } else if (dialog.open) dialog.close();
    // Only on open/close: a live board change must not wipe what is being typed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  useEffect(() => {
    if (!open || editing || recipients) return;
    handoffsApi
      .recipients()
      .then(setRecipients)
      .catch((e) => setRecipientsError(apiError(e).message));
  }, [open, editing, recipients]);

  useEffect(() => {
    if (!tried || !draft) return;
    const found = validateDraft(draft);
    setErrors(found);
    if (Object.keys(found).length === 0) setFormError(null);
  }, [draft, tried]);

  const set = <K extends keyof HandoffDraft>(key: K, value: HandoffDraft[K]) => setDraft((d) => (d ? { ...d, [key]: value } : d));
  const setRow = <K extends 'inProgress' | 'blockers'>(key: K, i: number, patch: Partial<HandoffDraft[K][number]>) =>
    setDraft((d) => (d ? { ...d, [key]: d[key].map((r, j) => (j === i ? { ...r, ...patch } : r)) } : d));
  const removeRow = (key: 'inProgress' | 'blockers' | 'checklist', i: number) =>
    setDraft((d) => (d ? { ...d, [key]: (d[key] as unknown[]).filter((_, j) => j !== i) } : d));

  const err = (path: string) => errors[path];
  /** The first error at or under `prefix` (a list's own error, or one of its items'). */
  const errUnder = (prefix: string) => Object.entries(errors).find(([k]) => k === prefix || k.startsWith(`${prefix}.`))?.[1];
  const described = (name: string, path: string, hint = false) => ({
    id: f(name),
    'aria-invalid': errors[path] ? true : undefined,
    'aria-describedby': [hint ? `${f(name)}-hint` : '', errors[path] ? `${f(name)}-error` : ''].filter(Boolean).join(' ') || undefined,
  });

  const focusFirstError = () => requestAnimationFrame(() => ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft || saving) return;
    const found = validateDraft(draft);
    setTried(true);
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length) {
      setFormError('Some fields need attention.');
      focusFirstError();
      return;
    }
    setSaving(true);
    try {
      const input = inputFromDraft(draft);
      let saved: Handoff;
      if (handoff) {
        const { to: _to, fromBoard: _fb, ...edit } = input;
        saved = await handoffsApi.update(handoff.id, edit);
      } else if (board) saved = await handoffsApi.create(board.id, input);
      else return;
      onSaved(saved);
      onClose();
    } catch (error) {
      const api = apiError(error);
      if (api.field) {
        setErrors({ [api.field]: messageFor(api) });
        setFormError('Some fields need attention.');
        focusFirstError();
      } else setFormError(api.message);
    } finally {
      setSaving(false);
    }
  };

  const others = (recipients?.users ?? []).filter((u) => u.id !== me?.id);
  const title = editing ? 'Edit and resend handoff' : 'Hand off this session';

  return (
    <dialog
      ref={ref}
      aria-labelledby={`${uid}-title`}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClose={() => open && onClose()}
      data-testid="handoff-dialog"
      className="m-0 h-full max-h-none w-full max-w-none bg-white p-0 text-slate-900 shadow-2xl backdrop:bg-slate-950/60 sm:m-auto sm:h-auto sm:max-h-[92vh] sm:max-w-3xl sm:rounded-xl dark:bg-slate-900 dark:text-slate-100"
    >
      {draft && (
        <form onSubmit={(e) => void submit(e)} noValidate aria-label={title} className="flex h-full max-h-[inherit] flex-col">
          <header className="flex items-start gap-3 border-b border-slate-200 px-4 py-3 sm:px-6 dark:border-slate-800">
            <div className="min-w-0 flex-1">
              <h2 id={`${uid}-title`} className="text-lg font-semibold">
                {title}
              </h2>
              <p className="truncate text-sm text-slate-500 dark:text-slate-400">
                {handoff ? handoff.sessionTitle : board?.title}
                {!editing && ' · pre-filled from the board; change anything'}
              </p>
            </div>
            <button type="button" onClick={onClose} className={smallBtn} aria-label="Close">
              ✕
            </button>
          </header>

          <div className="min-h-0 flex-1 space-y-4 overflow-y-auto px-4 py-4 sm:px-6">
            <Fieldset legend="Recipient">
              {editing && handoff ? (
                <p className="text-sm">
                  To <span className="font-semibold">{recipientText(handoff.to)}</span>{' '}
                  <span className="text-slate-500 dark:text-slate-400">(the recipient stays the same)</span>
                </p>
              ) : (
                <>
                  <div role="radiogroup" aria-label="Who receives it" className="flex flex-wrap gap-2">
                    {(
                      [
                        ['user', 'A person'],
                        ['agent', 'An agent'],
                        ['team', 'Anyone on the team'],
                      ] as const
                    ).map(([kind, label]) => (
                      <label
                        key={kind}
                        className={`flex cursor-pointer items-center gap-2 rounded-md border px-3 py-1.5 text-sm ${draft.toKind === kind ? 'border-accent-500 bg-accent-600/10 font-medium' : 'border-slate-300 dark:border-slate-700'}`}
                      >
                        <input
                          type="radio"
                          name={f('to-kind')}
                          value={kind}
                          checked={draft.toKind === kind}
                          onChange={() => set('toKind', kind)}
                          className="accent-accent-600"
                        />
                        {label}
                      </label>
                    ))}
                  </div>
                  {draft.toKind === 'user' && (
                    <Field label="Person" htmlFor={f('to-user')} error={err('to.userId') ?? err('to')}>
                      <select {...described('to-user', 'to.userId')} value={draft.userId} onChange={(e) => set('userId', e.target.value)} className={inputCls}>
                        <option value="">
                          {recipients
                            ? others.length
                              ? 'Choose a teammate…'
                              : 'No other members yet'
                            : recipientsError
                              ? 'Could not load members'
                              : 'Loading…'}
                        </option>
                        {others.map((u) => (
                          <option key={u.id} value={u.id}>
                            {u.name} ({u.email}){u.role === 'viewer' ? ' · viewer' : ''}
                          </option>
                        ))}
                      </select>
                    </Field>
                  )}
                  {draft.toKind === 'agent' && (
                    <Field
                      label="Agent name"
                      hint="An agent seen on a session, or any name an agent will use"
                      htmlFor={f('to-agent')}
                      error={err('to.name') ?? err('to')}
                    >
                      <input
                        {...described('to-agent', 'to.name', true)}
                        list={f('agents')}
                        value={draft.agentName}
                        onChange={(e) => set('agentName', e.target.value)}
                        className={inputCls}
                        autoComplete="off"
                      />
                      <datalist id={f('agents')}>
                        {(recipients?.agents ?? []).map((a) => (
                          <option key={a} value={a} />
                        ))}
                      </datalist>
                    </Field>
                  )}
                  {draft.toKind === 'team' && (
                    <p className="text-sm text-slate-600 dark:text-slate-300">
                      Everyone on the team sees it in their inbox; the first to accept takes the session.
                    </p>
                  )}
                  {recipientsError && <p className="text-sm text-rose-700 dark:text-rose-400">{recipientsError}</p>}
                </>
              )}
              <div className="grid gap-3 sm:grid-cols-2">
                <Field label="Handoff type" htmlFor={f('type')} error={err('handoffType')}>
                  <input
                    {...described('type', 'handoffType')}
                    list={f('types')}
                    value={draft.handoffType}
                    onChange={(e) => set('handoffType', e.target.value)}
                    maxLength={HANDOFF_TYPE_MAX}
                    className={inputCls}
                    autoComplete="off"
                  />
                  <LimitCounter value={draft.handoffType} max={HANDOFF_TYPE_MAX} />
                  <datalist id={f('types')}>
                    {HANDOFF_TYPES.map((t) => (
                      <option key={t} value={t} />
                    ))}
                  </datalist>
                </Field>
                <Field label="Expires in" htmlFor={f('ttl')} error={err('ttl')}>
                  <select {...described('ttl', 'ttl')} value={draft.ttl} onChange={(e) => set('ttl', Number(e.target.value))} className={inputCls}>
                    {(EXPIRY_CHOICES.some((c) => c.seconds === draft.ttl)
                      ? EXPIRY_CHOICES
                      : [...EXPIRY_CHOICES, { label: `${Math.round(draft.ttl / 3600)} hours`, seconds: draft.ttl }]
                    ).map((c) => (
                      <option key={c.seconds} value={c.seconds}>
                        {c.label}
                        {c.seconds === DEFAULT_HANDOFF_TTL_SECONDS ? ' (default)' : ''}
                      </option>
                    ))}
                  </select>
                </Field>
              </div>
            </Fieldset>

            <Fieldset legend="What was done and what is open">
              <Field label="Completed" hint="One per line" htmlFor={f('completed')} error={errUnder('summary.completed')}>
                <textarea
                  {...described('completed', 'summary.completed', true)}
                  rows={3}
                  value={draft.completed}
                  onChange={(e) => set('completed', e.target.value)}
                  className={inputCls}
                />
              </Field>

              <div className="space-y-2">
                <p className="text-sm font-medium text-slate-700 dark:text-slate-200">In progress</p>
                {draft.inProgress.length === 0 && <p className="text-sm text-slate-500 dark:text-slate-400">Nothing in progress.</p>}
                {draft.inProgress.map((w, i) => (
                  <div key={i} data-testid="handoff-work-row" className="space-y-2 rounded-md bg-slate-50 p-2 dark:bg-slate-950/50">
                    <div className="flex flex-wrap items-end gap-2">
                      <Field label="Task" htmlFor={f(`work-${i}-task`)} error={err(`summary.inProgress.${i}.task`)} className="flex-1 basis-48">
                        <input
                          {...described(`work-${i}-task`, `summary.inProgress.${i}.task`)}
                          value={w.task}
                          onChange={(e) => setRow('inProgress', i, { task: e.target.value })}
                          className={inputCls}
                        />
                      </Field>
                      <Field label="Progress %" htmlFor={f(`work-${i}-progress`)} error={err(`summary.inProgress.${i}.progress`)} className="w-24">
                        <input
                          {...described(`work-${i}-progress`, `summary.inProgress.${i}.progress`)}
                          type="number"
                          min={0}
                          max={100}
                          value={Number.isFinite(w.progress) ? w.progress : ''}
                          onChange={(e) => setRow('inProgress', i, { progress: e.target.value === '' ? Number.NaN : Number(e.target.value) })}
                          className={inputCls}
                        />
                      </Field>
                      <button
                        type="button"
                        className={smallBtn}
                        onClick={() => removeRow('inProgress', i)}
                        aria-label={`Remove in-progress task ${w.task || i + 1}`}
                      >
                        Remove
                      </button>
                    </div>
                    <div className="grid gap-2 sm:grid-cols-2">
                      <Field label="Next steps" hint="One per line" htmlFor={f(`work-${i}-next`)} error={errUnder(`summary.inProgress.${i}.nextSteps`)}>
                        <textarea
                          {...described(`work-${i}-next`, `summary.inProgress.${i}.nextSteps`, true)}
                          rows={2}
                          value={w.nextSteps}
                          onChange={(e) => setRow('inProgress', i, { nextSteps: e.target.value })}
                          className={inputCls}
                        />
                      </Field>
                      <Field label="Files" hint="One per line" htmlFor={f(`work-${i}-files`)} error={errUnder(`summary.inProgress.${i}.files`)}>
                        <textarea
                          {...described(`work-${i}-files`, `summary.inProgress.${i}.files`, true)}
                          rows={2}
                          value={w.files}
                          onChange={(e) => setRow('inProgress', i, { files: e.target.value })}
                          className={`${inputCls} font-mono text-xs`}
                        />
                      </Field>
                    </div>
                  </div>
                ))}
                <button
                  type="button"
                  className={btnCls}
                  onClick={() => set('inProgress', [...draft.inProgress, { task: '', progress: 0, nextSteps: '', files: '', estimatedCompletion: '' }])}
                >
                  + Add task in progress
                </button>
              </div>

              <div className="space-y-2">
                <p className="text-sm font-medium text-slate-700 dark:text-slate-200">Blockers</p>
                {draft.blockers.length === 0 && <p className="text-sm text-slate-500 dark:text-slate-400">No open blockers.</p>}
                {draft.blockers.map((b, i) => (
                  <div key={i} className="flex flex-wrap items-end gap-2 rounded-md bg-slate-50 p-2 dark:bg-slate-950/50">
                    <Field label="Blocker" htmlFor={f(`blocker-${i}`)} error={err(`summary.blockers.${i}.description`)} className="flex-1 basis-56">
                      <input
                        {...described(`blocker-${i}`, `summary.blockers.${i}.description`)}
                        value={b.description}
                        onChange={(e) => setRow('blockers', i, { description: e.target.value })}
                        className={inputCls}
                      />
                    </Field>
                    <Field label="Impact" htmlFor={f(`blocker-${i}-impact`)} error={err(`summary.blockers.${i}.impact`)} className="flex-1 basis-40">
                      <input
                        {...described(`blocker-${i}-impact`, `summary.blockers.${i}.impact`)}
                        value={b.impact}
                        onChange={(e) => setRow('blockers', i, { impact: e.target.value })}
                        className={inputCls}
                      />
                    </Field>
                    <button type="button" className={smallBtn} onClick={() => removeRow('blockers', i)} aria-label={`Remove blocker ${b.description || i + 1}`}>
                      Remove
                    </button>
                  </div>
                ))}
                <button
                  type="button"
                  className={btnCls}
                  onClick={() => set('blockers', [...draft.blockers, { description: '', impact: '', owner: '', expectedResolution: '' }])}
                >
                  + Add blocker
                </button>
              </div>

              <Field label="Notes" hint="One per line" htmlFor={f('notes')} error={errUnder('summary.notes')}>
                <textarea
                  {...described('notes', 'summary.notes', true)}
                  rows={2}
                  value={draft.notes}
                  onChange={(e) => set('notes', e.target.value)}
                  className={inputCls}
                />
              </Field>
            </Fieldset>

            <Fieldset legend="Context for the next session">
              <div className="grid gap-3 sm:grid-cols-2">
                <Field label="Priorities" hint="One per line, most important first" htmlFor={f('priorities')} error={errUnder('context.priorities')}>
                  <textarea
                    {...described('priorities', 'context.priorities', true)}
                    rows={3}
                    value={draft.priorities}
                    onChange={(e) => set('priorities', e.target.value)}
                    className={inputCls}
                  />
                </Field>
                <Field label="Files to review" hint="One path per line" htmlFor={f('files')} error={errUnder('context.filesToReview')}>
                  <textarea
                    {...described('files', 'context.filesToReview', true)}
                    rows={3}
                    value={draft.filesToReview}
                    onChange={(e) => set('filesToReview', e.target.value)}
                    className={`${inputCls} font-mono text-xs`}
                  />
                </Field>
                <Field label="Decisions needed" hint="One per line" htmlFor={f('decisions')} error={errUnder('context.decisionsNeeded')}>
                  <textarea
                    {...described('decisions', 'context.decisionsNeeded', true)}
                    rows={2}
                    value={draft.decisionsNeeded}
                    onChange={(e) => set('decisionsNeeded', e.target.value)}
                    className={inputCls}
                  />
                </Field>
                <div className="space-y-3">
                  <Field label="Test status" htmlFor={f('tests')} error={err('context.testStatus')}>
                    <input
                      {...described('tests', 'context.testStatus')}
                      value={draft.testStatus}
                      onChange={(e) => set('testStatus', e.target.value)}
                      placeholder="e.g. unit green, integration needs the test db"
                      className={inputCls}
                    />
                  </Field>
                  <Field label="Branch" htmlFor={f('branch')} error={err('context.branch')}>
                    <input
                      {...described('branch', 'context.branch')}
                      value={draft.branch}
                      onChange={(e) => set('branch', e.target.value)}
                      className={`${inputCls} font-mono text-xs`}
                    />
                  </Field>
                </div>
              </div>
            </Fieldset>

            <Fieldset
              legend="Checklist for the recipient"
              action={
                <div className="flex flex-wrap gap-2">
                  <button type="button" className={btnCls} onClick={() => set('checklist', [...draft.checklist, ''])}>
                    + Add item
                  </button>
                  <button type="button" className={btnCls} onClick={() => set('checklist', suggestChecklist(draft))}>
                    Suggest again
                  </button>
                </div>
              }
            >
              {errors.checklist && <p className="text-sm text-rose-700 dark:text-rose-400">{errors.checklist}</p>}
              {draft.checklist.length === 0 && (
                <p className="text-sm text-slate-500 dark:text-slate-400">No checklist: the recipient can accept straight away.</p>
              )}
              <ol className="space-y-2">
                {draft.checklist.map((c, i) => (
                  <li key={i} className="flex items-start gap-2">
                    <span aria-hidden className="mt-2 w-5 shrink-0 text-right text-xs tabular-nums text-slate-400">
                      {i + 1}.
                    </span>
                    <div className="min-w-0 flex-1">
                      <label htmlFor={f(`check-${i}`)} className="sr-only">
                        Checklist item {i + 1}
                      </label>
                      <input
                        {...described(`check-${i}`, `checklist.${i}`)}
                        data-testid="handoff-checklist-input"
                        value={c}
                        onChange={(e) =>
                          set(
                            'checklist',
                            draft.checklist.map((x, j) => (j === i ? e.target.value : x)),
                          )
                        }
                        className={inputCls}
                      />
                      {err(`checklist.${i}`) && (
                        <p id={`${f(`check-${i}`)}-error`} className="mt-1 text-sm text-rose-700 dark:text-rose-400">
                          {err(`checklist.${i}`)}
                        </p>
                      )}
                    </div>
                    <button type="button" className={smallBtn} onClick={() => removeRow('checklist', i)} aria-label={`Remove checklist item ${i + 1}`}>
                      Remove
                    </button>
                  </li>
                ))}
              </ol>
            </Fieldset>
          </div>

          <footer className="flex flex-wrap items-center gap-3 border-t border-slate-200 px-4 py-3 sm:px-6 dark:border-slate-800">
            {formError && (
              <p role="alert" className="min-w-0 flex-1 text-sm text-rose-700 dark:text-rose-400">
                {formError}
              </p>
            )}
            <div className="ml-auto flex gap-2">
              <button type="button" className={btnCls} onClick={onClose}>
                Cancel
              </button>
              <button type="submit" className={primaryCls} disabled={saving}>
                {saving ? 'Sending…' : editing ? 'Save and resend' : 'Send handoff'}
              </button>
            </div>
          </footer>
        </form>
      )}
    </dialog>
  );
}
