'use client';

import { useRef, useState, type ReactNode } from 'react';
import type { Role } from '../../lib/access';
import type { ApiError } from '../../lib/errors';
import { formatDistanceStrict } from 'date-fns';
import { messageFor } from './api';

export const inputBase =
  'rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-accent-500 focus:outline-2 focus:outline-accent-500 aria-[invalid=true]:border-rose-500 dark:border-slate-700 dark:bg-slate-900 dark:aria-[invalid=true]:border-rose-500';
export const inputClass = `mt-1 w-full ${inputBase}`;
export const primaryButton =
  'rounded-md bg-accent-600 px-4 py-2 text-sm font-semibold text-white hover:bg-accent-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-500 disabled:opacity-60';
export const secondaryButton =
  'rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-accent-500 disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-900';
export const dangerButton = `${secondaryButton} text-rose-700 dark:text-rose-400`;

/** The message under a field, when the error names that field. */
export function FieldError({ error, field, id }: { error: ApiError | null; field: string | string[]; id: string }) {
  const fields = Array.isArray(field) ? field : [field];
  if (!error?.field || !fields.some((f) => error.field === f || error.field!.startsWith(`${f}.`))) return null;
  return (
    <p id={id} role="alert" className="mt-1 text-sm font-normal text-rose-600 dark:text-rose-400">
      {messageFor(error)}
    </p>
  );
}

/** Whether an error belongs to the form as a whole (it names none of these fields). */
export function isFormLevel(error: ApiError | null, fields: string[]): boolean {
  return !!error && !(error.field && fields.some((f) => error.field === f || error.field!.startsWith(`${f}.`)));
}

/** An error that names none of the form's fields (or no field at all). */
export function FormError({ error, fields, children }: { error: ApiError | null; fields: string[]; children?: ReactNode }) {
  if (!error) return null;
  if (error.field && fields.some((f) => error.field === f || error.field!.startsWith(`${f}.`))) return null;
  return (
    <div
      role="alert"
      className="rounded-md border border-rose-300 bg-rose-50 p-3 text-sm text-rose-800 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200"
    >
      {children ?? messageFor(error)}
    </div>
  );
}

export function invalid(error: ApiError | null, field: string): boolean {
  return !!error?.field && (error.field === field || error.field.startsWith(`${field}.`));
}

const roleLook: Record<Role, string> = {
  admin: 'border-accent-500/40 bg-accent-600/10 text-accent-600 dark:text-accent-500',
  member: 'border-emerald-500/40 bg-emerald-500/10 text-emerald-700 dark:text-emerald-400',
  viewer: 'border-slate-400/40 bg-slate-500/10 text-slate-600 dark:text-slate-300',
};

export function RoleBadge({ role }: { role: Role }) {
  return (
    <span
      data-testid="role-badge"
      data-role={role}
      className={`inline-flex items-center rounded-full border px-2 py-0.5 text-xs font-semibold ${roleLook[role]}`}
    >
      {role}
    </span>
  );
}

/** A secret or a link in a read-only box, with a button that copies it. */
export function CopyBox({ value, label, testId, multiline = false }: { value: string; label: string; testId?: string; multiline?: boolean }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const box = useRef<HTMLElement>(null);
  const copy = async () => {
    let ok = false;
    try {
      await navigator.clipboard.writeText(value);
      ok = true;
    } catch {
      // No clipboard API (plain http on another host): select the text and fall back to execCommand.
      const el = box.current;
      if (el instanceof HTMLInputElement) el.select();
      else if (el) window.getSelection()?.selectAllChildren(el);
      try {
        ok = document.execCommand('copy');
      } catch {
        ok = false;
      }
    }
    setCopied(ok ? 'yes' : 'no');
    setTimeout(() => setCopied(null), 2500);
  };
  return (
    <div className={`flex gap-2 ${multiline ? 'items-start' : 'items-stretch'}`}>
      {!multiline && (
        <label className="sr-only" htmlFor={`copy-${testId ?? label}`}>
          {label}
        </label>
      )}
      {multiline ? (
        <pre
          ref={box as React.RefObject<HTMLPreElement>}
          id={`copy-${testId ?? label}`}
          tabIndex={0}
          aria-label={label}
          data-testid={testId}
          className="min-w-0 flex-1 select-all whitespace-pre-wrap break-all rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-xs leading-relaxed focus-visible:outline-2 focus-visible:outline-accent-500 dark:border-slate-700 dark:bg-slate-900"
        >
          {value}
        </pre>
      ) : (
        <input
          ref={box as React.RefObject<HTMLInputElement>}
          id={`copy-${testId ?? label}`}
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          data-testid={testId}
          className="min-w-0 flex-1 rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm dark:border-slate-700 dark:bg-slate-900"
        />
      )}
      <button type="button" onClick={() => void copy()} className={`${secondaryButton} shrink-0`} aria-label={`Copy ${label}`}>
        <span aria-live="polite">{copied === 'yes' ? 'Copied' : copied === 'no' ? 'Press Ctrl+C' : 'Copy'}</span>
      </button>
    </div>
  );
}

/** The centered card of the sign-in, setup and invitation pages. */
export function AuthCard({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <div className="mx-auto flex min-h-[calc(100vh-3.5rem)] max-w-md flex-col justify-center px-4 py-10">
      <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8 dark:border-slate-800 dark:bg-slate-900/40">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {intro && <div className="mt-1 text-sm text-slate-600 dark:text-slate-400">{intro}</div>}
        <div className="mt-6">{children}</div>
      </div>
    </div>
  );
}

/** A settings block: heading, a line saying what it is for, content. */
export function Section({ id, title, description, children }: { id: string; title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-title`} data-testid={`section-${id}`} className="rounded-xl border border-slate-200 p-5 dark:border-slate-800">
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        {title}
      </h2>
      {description && <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{description}</p>}
      <div className="mt-4 space-y-4">{children}</div>
    </section>
  );
}

export function Spinner({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="text-sm text-slate-500" aria-busy="true">
      {label}
    </p>
  );
}

export type Tone = 'green' | 'slate' | 'amber' | 'rose' | 'accent';
const toneLook: Record<Tone, string> = {
  green: 'border-emerald-500/40 bg-emerald-500/10 text-emerald-700 dark:text-emerald-400',
  slate: 'border-slate-400/40 bg-slate-500/10 text-slate-600 dark:text-slate-300',
  amber: 'border-amber-500/40 bg-amber-500/10 text-amber-800 dark:text-amber-300',
  rose: 'border-rose-500/40 bg-rose-500/10 text-rose-700 dark:text-rose-400',
  accent: 'border-accent-500/40 bg-accent-600/10 text-accent-600 dark:text-accent-500',
};

export function Badge({ tone, children, testId }: { tone: Tone; children: ReactNode; testId?: string }) {
  return (
    <span data-testid={testId} className={`inline-flex items-center whitespace-nowrap rounded-full border px-2 py-0.5 text-xs font-semibold ${toneLook[tone]}`}>
      {children}
    </span>
  );
}

export const tableClass = 'w-full border-collapse text-left text-sm';
export const thClass = 'whitespace-nowrap px-3 py-2 text-xs font-semibold uppercase tracking-wide text-slate-500';
export const tdClass = 'px-3 py-2 align-top';
export const rowClass = 'border-t border-slate-100 dark:border-slate-800';

/** A time shown relative to now, with the exact time on hover. */
export function When({ at, now, empty = '—' }: { at: Date | null; now: number; empty?: string }) {
  if (!at) return <span className="text-slate-400">{empty}</span>;
  const iso = at.toISOString();
  return (
    <time dateTime={iso} title={at.toLocaleString()} className="whitespace-nowrap">
      {/* `now` ticks slowly; never call something that just happened "in 1 second". */}
      {roughly(at.getTime(), Math.max(now, Date.now()))}
    </time>
  );
}

/** "3 days ago", "in 3 days": rounded, so a 72-hour link created a moment ago says 3 days, not 2. */
function roughly(t: number, now: number): string {
  if (Math.abs(now - t) < 5000) return 'just now';
  const d = formatDistanceStrict(t, now, { roundingMethod: 'round' });
  return t < now ? `${d} ago` : `in ${d}`;
}
