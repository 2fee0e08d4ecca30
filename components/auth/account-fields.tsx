'use client';

import { useEffect, useRef, useState, type RefObject } from 'react';
import type { ApiError } from '../../lib/errors';
import { FieldError, inputClass, invalid } from './ui';

export interface AccountValues {
  name: string;
  email: string;
  password: string;
}

/** Moves focus to the first field the error marks invalid, so keyboard users land on what to fix. */
export function useFocusInvalid(form: RefObject<HTMLFormElement | null>, error: ApiError | null) {
  useEffect(() => {
    if (!error) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form, error]);
}

/** Name, email and a new password: the setup and invitation forms. */
export function AccountFields({
  values,
  onChange,
  error,
  fixedEmail,
}: {
  values: AccountValues;
  onChange: (v: AccountValues) => void;
  error: ApiError | null;
  /** The invitation is for this address only. */
  fixedEmail?: string | null;
}) {
  const [show, setShow] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <>
      <label className="block text-sm font-medium">
        Name
        <input
          ref={first}
          name="name"
          autoComplete="name"
          required
          maxLength={80}
          className={inputClass}
          value={values.name}
          onChange={(e) => onChange({ ...values, name: e.target.value })}
          aria-invalid={invalid(error, 'name')}
          aria-describedby="name-error"
        />
        <FieldError error={error} field="name" id="name-error" />
      </label>
      <label className="block text-sm font-medium">
        Email
        <input
          name="email"
          type="email"
          autoComplete="email"
          required
          readOnly={!!fixedEmail}
          className={`${inputClass} read-only:bg-slate-50 read-only:text-slate-600 dark:read-only:bg-slate-800 dark:read-only:text-slate-300`}
          value={fixedEmail ?? values.email}
          onChange={(e) => onChange({ ...values, email: e.target.value })}
          aria-invalid={invalid(error, 'email')}
          aria-describedby="email-error"
        />
        <FieldError error={error} field="email" id="email-error" />
      </label>
      <div>
        <label htmlFor="new-password" className="block text-sm font-medium">
          Password <span className="font-normal text-slate-500">(at least 8 characters)</span>
        </label>
        <div className="relative">
          <input
            id="new-password"
            name="password"
            type={show ? 'text' : 'password'}
            autoComplete="new-password"
            required
            minLength={8}
            className={`${inputClass} pr-16`}
            value={values.password}
            onChange={(e) => onChange({ ...values, password: e.target.value })}
            aria-invalid={invalid(error, 'password')}
            aria-describedby="password-error"
          />
          <ShowPassword show={show} onToggle={() => setShow(!show)} />
        </div>
        <FieldError error={error} field="password" id="password-error" />
      </div>
    </>
  );
}

export function ShowPassword({ show, onToggle }: { show: boolean; onToggle: () => void }) {
  return (
    <button
      type="button"
      onClick={onToggle}
      aria-pressed={show}
      aria-label={show ? 'Hide password' : 'Show password'}
      className="absolute right-1.5 top-1/2 mt-0.5 -translate-y-1/2 rounded px-2 py-1 text-xs font-medium text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-accent-500 dark:text-slate-300 dark:hover:bg-slate-800"
    >
      {show ? 'Hide' : 'Show'}
    </button>
  );
}
