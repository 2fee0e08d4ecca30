'use client';

import { useRef, useState, type FormEvent } from 'react';
import { useCountdown } from '../ui/use-countdown';
import type { ApiError } from '../../lib/errors';
import { ApiRequestError, api, apiError, messageFor } from '../auth/api';
import { useFocusInvalid } from '../auth/account-fields';
import { FormError, inputClass, invalid, primaryButton, Section } from '../auth/ui';

const FIELDS = ['currentPassword', 'newPassword', 'confirmPassword'] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, string>;
const EMPTY: Values = { currentPassword: '', newPassword: '', confirmPassword: '' };

const LABELS: Record<Field, string> = {
  currentPassword: 'Current password',
  newPassword: 'New password',
  confirmPassword: 'Confirm new password',
};

/**
 * The server's message under its field: "currentPassword: is wrong" reads "Current password is
 * wrong" there, "newPassword: must be at least 8 characters" reads "Must be at least 8 characters".
 */
function fieldMessage(error: ApiError, field: Field): string {
  const msg = messageFor(error);
  return /^is\b/i.test(msg) ? `${LABELS[field]} ${msg.charAt(0).toLowerCase()}${msg.slice(1)}` : msg;
}

/**
 * Change the signed-in person's password. The server answers with a fresh cookie for this browser
 * and signs out every other browser of the account, so this page stays signed in.
 */
export function PasswordSection({ email }: { email: string }) {
  const [values, setValues] = useState<Values>(EMPTY);
  const [show, setShow] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const wait = useCountdown(retryAt);
  const waiting = wait > 0;
  const form = useRef<HTMLFormElement>(null);
  useFocusInvalid(form, error);

  const set = (field: Field, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setDone(false);
    // Typing in the field an error names clears that error (others stay until the next submit).
    if (error?.field === field) setError(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || waiting) return;
    setDone(false);
    if (!values.currentPassword) {
      return setError({ code: 'invalid_input', field: 'currentPassword', message: 'Enter your current password' });
    }
    if (values.newPassword !== values.confirmPassword) {
      return setError({ code: 'invalid_input', field: 'confirmPassword', message: 'Does not match the new password' });
    }
    setBusy(true);
    setError(null);
    try {
      await api<{ changed: true }>('/api/v1/me/password', {
        method: 'POST',
        body: { currentPassword: values.currentPassword, newPassword: values.newPassword },
      });
      setValues(EMPTY);
      setShow(false);
      setRetryAt(null);
      setDone(true);
    } catch (err) {
      const apiErr = apiError(err);
      const status = err instanceof ApiRequestError ? err.status : 0;
      if (status === 429 || apiErr.code === 'rate_limited') {
        setRetryAt(Date.now() + (apiErr.retryAfter ?? 60) * 1000);
        setError({ ...apiErr, field: undefined });
      } else {
        setError(apiErr);
      }
    } finally {
      setBusy(false);
    }
  };

  const field = (name: Field, autoComplete: 'current-password' | 'new-password', hint?: string) => {
    const id = `password-${name}`;
    const bad = invalid(error, name);
    return (
      <div>
        <label htmlFor={id} className="block text-sm font-medium">
          {LABELS[name]} {hint && <span className="font-normal text-slate-500 dark:text-slate-400">{hint}</span>}
        </label>
        <input
          id={id}
          name={name}
          type={show ? 'text' : 'password'}
          autoComplete={autoComplete}
          required
          maxLength={256}
          className={inputClass}
          value={values[name]}
          onChange={(e) => set(name, e.target.value)}
          aria-invalid={bad}
          aria-describedby={bad ? `${id}-error` : undefined}
        />
        {bad && error && (
          <p id={`${id}-error`} role="alert" className="mt-1 text-sm text-rose-600 dark:text-rose-400">
            {fieldMessage(error, name)}
          </p>
        )}
      </div>
    );
  };

  return (
    <Section
      id="password"
      title="Password"
      description="Change the password you sign in with. Every other browser signed in as you is signed out; this one stays signed in."
    >
      <form ref={form} onSubmit={(e) => void submit(e)} aria-label="Change password" noValidate className="max-w-md space-y-4" data-testid="password-form">
        {/* Lets password managers file the new password under this account. */}
        <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
        {field('currentPassword', 'current-password')}
        {field('newPassword', 'new-password', '(at least 8 characters)')}
        {field('confirmPassword', 'new-password')}
        <label className="flex w-fit items-center gap-2 text-sm">
          <input type="checkbox" checked={show} onChange={(e) => setShow(e.target.checked)} className="h-4 w-4 accent-accent-600" />
          Show passwords
        </label>
        <FormError error={error} fields={[...FIELDS]}>
          {error?.message}
          {waiting && (
            <span className="mt-1 block font-medium" data-testid="password-retry-after">
              You can try again in {wait} {wait === 1 ? 'second' : 'seconds'}.
            </span>
          )}
        </FormError>
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" disabled={busy || waiting} className={primaryButton}>
            {busy ? 'Changing password…' : waiting ? `Wait ${wait} s` : 'Change password'}
          </button>
        </div>
        {/* Always in the page, so screen readers announce the message when it appears. */}
        <p role="status" aria-live="polite" data-testid="password-status" className="text-sm font-medium text-emerald-700 empty:hidden dark:text-emerald-400">
          {done ? 'Password changed. Other browsers signed in as you were signed out.' : ''}
        </p>
      </form>
    </Section>
  );
}
