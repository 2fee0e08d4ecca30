'use client';

import Link from 'next/link';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Role } from '../../lib/access';
import type { ApiError } from '../../lib/errors';
import { api, apiError } from './api';
import { AccountFields, useFocusInvalid, type AccountValues } from './account-fields';
import { AuthCard, FormError, primaryButton, RoleBadge, Spinner } from './ui';

interface InviteInfo {
  role: Role;
  email: string | null;
  expiresAt: string;
}

const roleMeaning: Record<Role, string> = {
  admin: 'read and write memory, invite people and manage tokens and roles',
  member: 'read and write memory, create API tokens and share links',
  viewer: 'read memory and boards, without changing anything',
};

/** Accepting an invitation: create an account with the role the invitation carries. */
export function InviteForm({ token }: { token: string }) {
  const [info, setInfo] = useState<InviteInfo | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [values, setValues] = useState<AccountValues>({ name: '', email: '', password: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useFocusInvalid(form, error);

  useEffect(() => {
    api<InviteInfo>(`/api/v1/invites/${encodeURIComponent(token)}`)
      .then((i) => {
        setInfo(i);
        if (i.email) setValues((v) => ({ ...v, email: i.email! }));
      })
      .catch((err) => setLoadError(apiError(err)));
  }, [token]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/invites/${encodeURIComponent(token)}/accept`, { method: 'POST', body: { ...values, email: info?.email ?? values.email } });
      window.location.assign('/');
    } catch (err) {
      const apiErr = apiError(err);
      // The invitation itself went bad meanwhile (used, revoked, expired).
      if (apiErr.field === 'token') setLoadError(apiErr);
      else setError(apiErr);
      setBusy(false);
    }
  };

  if (loadError) {
    return (
      <AuthCard title="This invitation can't be used">
        <div role="alert" data-testid="invite-invalid" className="space-y-2 text-sm text-slate-700 dark:text-slate-300">
          <p>
            {loadError.code === 'not_found'
              ? 'The link is invalid, was already used, was revoked, or has expired.'
              : `Baton could not check the invitation: ${loadError.message}`}
          </p>
          <p className="text-slate-600 dark:text-slate-400">Ask the person who invited you for a new link. If you already have an account, sign in instead.</p>
        </div>
        <Link href="/sign-in" className={`${primaryButton} mt-6 inline-block`}>
          Go to sign in
        </Link>
      </AuthCard>
    );
  }

  if (!info) {
    return (
      <AuthCard title="Join Baton">
        <Spinner label="Checking the invitation…" />
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title="Join Baton"
      intro={
        <div className="space-y-2" data-testid="invite-info">
          <p>
            You are invited as <RoleBadge role={info.role} />
            {info.email && (
              <>
                {' '}
                for <span className="font-medium text-slate-900 dark:text-slate-100">{info.email}</span>
              </>
            )}
            .
          </p>
          <p>
            As {info.role === 'admin' ? 'an' : 'a'} {info.role} you can {roleMeaning[info.role]}. The link works until{' '}
            <time dateTime={info.expiresAt}>{new Date(info.expiresAt).toLocaleString()}</time>.
          </p>
        </div>
      }
    >
      <form ref={form} onSubmit={(e) => void submit(e)} className="space-y-4" aria-label="Accept invitation" noValidate data-testid="invite-form">
        <AccountFields values={values} onChange={setValues} error={error} fixedEmail={info.email} />
        <FormError error={error} fields={['name', 'email', 'password']} />
        <button type="submit" disabled={busy} className={`${primaryButton} w-full`}>
          {busy ? 'Creating your account…' : 'Create account and join'}
        </button>
      </form>
    </AuthCard>
  );
}
