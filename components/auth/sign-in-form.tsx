'use client';

import { useRef, useState, type FormEvent } from 'react';
import { useCountdown } from '../ui/use-countdown';
import type { ApiError } from '../../lib/errors';
import { safeNext } from '../../lib/safe-next';
import { ApiRequestError, api, apiError } from './api';
import { ShowPassword, useFocusInvalid } from './account-fields';
import { AuthCard, FieldError, FormError, inputClass, invalid, primaryButton } from './ui';

export function SignInForm() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [show, setShow] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  /** When a rate limit lifts (epoch ms), and the seconds left until then. */
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const wait = useCountdown(retryAt);
  const limited = wait > 0;
  const form = useRef<HTMLFormElement>(null);
  useFocusInvalid(form, error);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (limited) return;
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/sign-in/email', { method: 'POST', body: { email, password } });
      // A full load: the live connection and the header pick up the new session.
      window.location.assign(safeNext(window.location.search, window.location.origin));
    } catch (err) {
      const apiErr = apiError(err);
      const status = err instanceof ApiRequestError ? err.status : 0;
      if (status === 401) {
        setError({ ...apiErr, field: 'password', message: 'Email or password is wrong' });
      } else if (status === 429 || apiErr.code === 'rate_limited') {
        const seconds = apiErr.retryAfter ?? 60;
        setError({ ...apiErr, field: undefined });
        setRetryAt(Date.now() + seconds * 1000);
      } else {
        setError(apiErr);
      }
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Sign in to Baton" intro="New here? Ask an admin of this Baton for an invitation link.">
      <form ref={form} onSubmit={(e) => void submit(e)} className="space-y-4" aria-label="Sign in" noValidate data-testid="sign-in-form">
        <label className="block text-sm font-medium">
          Email
          <input
            name="email"
            type="email"
            autoComplete="username"
            autoFocus
            required
            className={inputClass}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={invalid(error, 'email')}
            aria-describedby="email-error"
          />
          <FieldError error={error} field="email" id="email-error" />
        </label>
        <div>
          <label htmlFor="password" className="block text-sm font-medium">
            Password
          </label>
          <div className="relative">
            <input
              id="password"
              name="password"
              type={show ? 'text' : 'password'}
              autoComplete="current-password"
              required
              className={`${inputClass} pr-16`}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={invalid(error, 'password')}
              aria-describedby="password-error"
            />
            <ShowPassword show={show} onToggle={() => setShow(!show)} />
          </div>
          <FieldError error={error} field="password" id="password-error" />
        </div>
        <FormError error={error} fields={['email', 'password']}>
          {limited ? error?.message.replace(/;\s*try again in \d+ s\.?$/, '.') : error?.message}
          {limited && (
            <span className="mt-1 block font-medium" data-testid="retry-after">
              You can try again in {wait} {wait === 1 ? 'second' : 'seconds'}.
            </span>
          )}
        </FormError>
        <button type="submit" disabled={busy || limited} className={`${primaryButton} w-full`}>
          {busy ? 'Signing in…' : limited ? `Wait ${wait} s` : 'Sign in'}
        </button>
      </form>
    </AuthCard>
  );
}
