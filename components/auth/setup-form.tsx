'use client';

import Link from 'next/link';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiError } from '../../lib/errors';
import { api, apiError } from './api';
import { AccountFields, useFocusInvalid, type AccountValues } from './account-fields';
import { AuthCard, FormError, primaryButton, Spinner } from './ui';

/** First run: the first account becomes the owner (an admin). */
export function SetupForm() {
  const [needed, setNeeded] = useState<boolean | null>(null);
  const [values, setValues] = useState<AccountValues>({ name: '', email: '', password: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useFocusInvalid(form, error);

  useEffect(() => {
    api<{ needed: boolean }>('/api/v1/setup')
      .then((r) => setNeeded(r.needed))
      .catch(() => setNeeded(true));
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('/api/v1/setup', { method: 'POST', body: values });
      // A full load: the live connection and the header pick up the new session.
      window.location.assign('/');
    } catch (err) {
      const apiErr = apiError(err);
      if (apiErr.field === 'setup') setNeeded(false);
      setError(apiErr);
      setBusy(false);
    }
  };

  if (needed === null) {
    return (
      <AuthCard title="Set up Baton">
        <Spinner />
      </AuthCard>
    );
  }

  if (!needed) {
    return (
      <AuthCard title="Baton is already set up">
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="setup-done">
          Baton already has an owner. Sign in with your account, or ask an admin for an invitation.
        </p>
        <Link href="/sign-in" className={`${primaryButton} mt-6 inline-block`}>
          Go to sign in
        </Link>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Set up Baton" intro="Create the owner account. You will be an admin: you can invite teammates and hand out API tokens to agents.">
      <form ref={form} onSubmit={(e) => void submit(e)} className="space-y-4" aria-label="Set up Baton" noValidate data-testid="setup-form">
        <AccountFields values={values} onChange={setValues} error={error} />
        <FormError error={error} fields={['name', 'email', 'password']} />
        <button type="submit" disabled={busy} className={`${primaryButton} w-full`}>
          {busy ? 'Creating your account…' : 'Create owner account'}
        </button>
      </form>
    </AuthCard>
  );
}
