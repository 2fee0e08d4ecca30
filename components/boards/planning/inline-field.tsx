'use client';

import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { btnCls, FieldError, inputCls, linkBtnCls, primaryCls } from '../ui';

/**
 * A single value edited in place: shown large, "Edit" turns it into an input; Enter saves,
 * Escape cancels. `save` resolves false when the API refused (its message shows under the input).
 */
export function InlineField({
  id,
  label,
  value,
  placeholder,
  empty,
  editable,
  error,
  saving,
  save,
  className = 'text-xl font-semibold',
  multiline = false,
}: {
  id: string;
  label: string;
  value: string | null;
  placeholder: string;
  empty: string;
  editable: boolean;
  error: string | null;
  saving: boolean;
  save: (value: string | null) => Promise<boolean>;
  className?: string;
  multiline?: boolean;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (draft === null) return;
    if (await save(draft.trim() || null)) setDraft(null);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') setDraft(null);
    if (multiline && e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void submit();
    }
  };

  if (draft !== null) {
    return (
      <form onSubmit={(e) => void submit(e)} aria-label={`Edit ${label.toLowerCase()}`} className="space-y-2">
        <label htmlFor={id} className="sr-only">
          {label}
        </label>
        {multiline ? (
          <textarea
            id={id}
            rows={2}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onKey}
            placeholder={placeholder}
            className={`${inputCls} text-base`}
            autoFocus
            aria-describedby={`${id}-error`}
          />
        ) : (
          <input
            id={id}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onKey}
            placeholder={placeholder}
            className={`${inputCls} text-base`}
            autoFocus
            aria-describedby={`${id}-error`}
          />
        )}
        <FieldError id={`${id}-error`} message={error} />
        <div className="flex gap-2">
          <button type="submit" className={primaryCls} disabled={saving}>
            {saving ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className={btnCls} onClick={() => setDraft(null)}>
            Cancel
          </button>
        </div>
      </form>
    );
  }
  return (
    <div className="flex items-start gap-3">
      <p data-testid={id} className={`min-w-0 flex-1 whitespace-pre-wrap ${value ? className : 'text-base text-slate-500 italic dark:text-slate-400'}`}>
        {value ?? empty}
      </p>
      {editable && (
        <button type="button" className={`${linkBtnCls} shrink-0`} onClick={() => setDraft(value ?? '')} aria-label={`Edit ${label.toLowerCase()}`}>
          Edit
        </button>
      )}
    </div>
  );
}
