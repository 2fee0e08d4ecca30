'use client';

import { LimitCounter } from '../ui/limit-counter';
import type { InputHTMLAttributes, ReactNode } from 'react';

/** A board section: a titled card with an optional count and header action. */
export function Card({
  id,
  title,
  count,
  action,
  children,
  className = '',
  testId,
}: {
  id: string;
  title: string;
  count?: ReactNode;
  action?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <section
      aria-labelledby={`${id}-title`}
      data-section={id}
      data-testid={testId}
      className={`min-w-0 rounded-xl border border-slate-200 bg-white p-4 shadow-sm shadow-slate-900/[0.03] sm:p-5 dark:border-slate-800 dark:bg-slate-900/40 dark:shadow-none ${className}`}
    >
      <header className="mb-3 flex items-center gap-2">
        <h2 id={`${id}-title`} className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300">
          {title}
        </h2>
        {count !== undefined && (
          <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-semibold tabular-nums text-slate-600 dark:bg-slate-800 dark:text-slate-300">
            {count}
          </span>
        )}
        {action && <div className="ml-auto flex items-center gap-2">{action}</div>}
      </header>
      {children}
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <p className="rounded-lg border border-dashed border-slate-200 px-3 py-4 text-center text-sm text-slate-500 dark:border-slate-800 dark:text-slate-400">
      {children}
    </p>
  );
}

export function ErrorNote({ message, onDismiss }: { message: string | null; onDismiss?: () => void }) {
  if (!message) return null;
  return (
    <p
      role="alert"
      className="mt-2 flex items-start gap-2 rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200"
    >
      <span className="min-w-0 flex-1">{message}</span>
      {onDismiss && (
        <button type="button" onClick={onDismiss} aria-label="Dismiss" className="shrink-0 text-rose-500 hover:text-rose-700 dark:hover:text-rose-100">
          ✕
        </button>
      )}
    </p>
  );
}

export function Chip({ className, children, title }: { className: string; children: ReactNode; title?: string }) {
  return (
    <span title={title} className={`inline-flex shrink-0 items-center rounded-full px-2 py-0.5 text-xs font-semibold ${className}`}>
      {children}
    </span>
  );
}

export function ProgressBar({ value, label, tone = 'bg-accent-500' }: { value: number; label: string; tone?: string }) {
  const pct = Math.max(0, Math.min(100, value));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(pct)}
      className="h-2 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800"
    >
      <div className={`h-full rounded-full ${tone} transition-[width] duration-500`} style={{ width: `${pct}%` }} />
    </div>
  );
}

export const inputCls =
  'w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm placeholder:text-slate-400 focus-visible:outline-2 focus-visible:outline-accent-500 disabled:opacity-60 dark:border-slate-700 dark:bg-slate-950 dark:placeholder:text-slate-500';
export const btnCls =
  'inline-flex items-center justify-center gap-1.5 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-accent-500 disabled:cursor-not-allowed disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800';
export const primaryCls =
  'inline-flex items-center justify-center gap-1.5 rounded-md bg-accent-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-accent-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-500 disabled:cursor-not-allowed disabled:opacity-60';
export const linkBtnCls = 'text-sm font-medium text-accent-600 hover:underline disabled:opacity-60 dark:text-accent-500';

/** The API's message for one form field, under it (`id` goes into the input's aria-describedby). */
export function FieldError({ id, message }: { id: string; message: string | null }) {
  if (!message) return null;
  return (
    <p id={id} role="alert" data-testid="field-error" className="mt-1 text-xs font-medium text-rose-700 dark:text-rose-300">
      {message}
    </p>
  );
}

/** A labelled figure: "45 points", "+247 lines". */
export function Stat({ label, value, sub, tone = '' }: { label: string; value: ReactNode; sub?: ReactNode; tone?: string }) {
  return (
    <div className="min-w-0">
      <dt className="truncate text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className={`text-2xl font-bold tabular-nums leading-tight sm:text-3xl ${tone}`}>{value}</dd>
      {sub && <dd className="text-xs text-slate-500 dark:text-slate-400">{sub}</dd>}
    </div>
  );
}

/** A small icon button for row actions (remove, move); the label is for screen readers and the tooltip. */
export function IconButton({
  label,
  onClick,
  disabled,
  children,
  className = '',
}: {
  label: string;
  onClick: () => void;
  disabled?: boolean;
  children: ReactNode;
  className?: string;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      onClick={onClick}
      disabled={disabled}
      className={`inline-flex h-7 min-w-7 shrink-0 items-center justify-center rounded-md px-1.5 text-sm text-slate-500 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-accent-500 disabled:cursor-not-allowed disabled:opacity-40 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-slate-100 ${className}`}
    >
      {children}
    </button>
  );
}

export const selectCls =
  'min-w-0 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-accent-500 disabled:opacity-60 dark:border-slate-700 dark:bg-slate-950';
export const labelCls = 'block text-xs font-semibold text-slate-600 dark:text-slate-300';
export const formCls = 'space-y-2 rounded-lg bg-slate-50 p-3 dark:bg-slate-900';

/**
 * A labelled text input (or textarea, with `rows`) with the API's message for it underneath.
 * `hideLabel` keeps the label for screen readers only (compact one-line forms).
 */
export function TextField({
  id,
  label,
  hideLabel = false,
  value,
  onChange,
  error,
  rows,
  className = '',
  maxLength,
  ...rest
}: {
  id: string;
  label: string;
  hideLabel?: boolean;
  value: string;
  onChange: (value: string) => void;
  error: string | null;
  rows?: number;
  className?: string;
  /** The most the schema takes (components/boards/items.ts itemMax): the input stops there, a counter shows near it. */
  maxLength?: number;
} & Pick<InputHTMLAttributes<HTMLInputElement>, 'placeholder' | 'inputMode' | 'type' | 'list' | 'autoFocus' | 'disabled'>) {
  const common = {
    id,
    value,
    maxLength,
    className: `${inputCls} ${className}`,
    'aria-describedby': `${id}-error${maxLength ? ` ${id}-count` : ''}`,
    'aria-invalid': error ? true : undefined,
    placeholder: rest.placeholder,
    autoFocus: rest.autoFocus,
    disabled: rest.disabled,
  };
  return (
    <div className="min-w-0">
      <label htmlFor={id} className={hideLabel ? 'sr-only' : labelCls}>
        {label}
      </label>
      {rows ? (
        <textarea rows={rows} {...common} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} type={rest.type} inputMode={rest.inputMode} list={rest.list} onChange={(e) => onChange(e.target.value)} />
      )}
      <LimitCounter value={value} max={maxLength} id={`${id}-count`} />
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}
