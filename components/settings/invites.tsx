'use client';

import { useRef, useState, type FormEvent } from 'react';
import type { Role } from '../../lib/access';
import type { ApiError } from '../../lib/errors';
import { api, apiError, toDate } from '../auth/api';
import { useApiList } from './use-api-list';
import { useFocusInvalid } from '../auth/account-fields';
import {
  Badge,
  CopyBox,
  dangerButton,
  FieldError,
  FormError,
  inputClass,
  invalid,
  isFormLevel,
  primaryButton,
  RoleBadge,
  rowClass,
  secondaryButton,
  Section,
  Spinner,
  tableClass,
  tdClass,
  thClass,
  When,
  type Tone,
} from '../auth/ui';
import { useNow } from '../ui/use-now';
import { useConfirm } from '../ui/confirm';

interface InviteRow {
  id: string;
  role: Role;
  email: string | null;
  createdAt: number | string;
  expiresAt: number | string;
  acceptedAt: number | string | null;
  revokedAt: number | string | null;
}

interface CreatedInvite {
  id: string;
  token: string;
  path: string;
  role: Role;
  expiresAt: string;
}

type InviteStatus = 'open' | 'accepted' | 'revoked' | 'expired';
const statusTone: Record<InviteStatus, Tone> = { open: 'green', accepted: 'accent', revoked: 'rose', expired: 'slate' };

function inviteStatus(i: InviteRow, now: number): InviteStatus {
  if (i.acceptedAt) return 'accepted';
  if (i.revokedAt) return 'revoked';
  if ((toDate(i.expiresAt)?.getTime() ?? 0) <= now) return 'expired';
  return 'open';
}

/** Invitations (admins only): a one-time link that creates an account with a role. */
export function InvitesSection() {
  const [confirm, confirmDialog] = useConfirm();
  const [role, setRole] = useState<Role>('member');
  const [email, setEmail] = useState('');
  const [hours, setHours] = useState('72');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);
  const form = useRef<HTMLFormElement>(null);
  useFocusInvalid(form, error);
  const now = useNow(30_000);

  const { items: items, loadError: loadError, reload: load } = useApiList<InviteRow>('/api/v1/invites');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const n = Number(hours);
    if (!Number.isInteger(n) || n < 1 || n > 720) {
      return setError({ code: 'invalid_input', field: 'expiresInHours', message: 'expiresInHours: a whole number of hours from 1 to 720 (30 days)' });
    }
    setBusy(true);
    setError(null);
    try {
      const r = await api<CreatedInvite>('/api/v1/invites', { method: 'POST', body: { role, email: email.trim() || undefined, expiresInHours: n } });
      setCreated(r);
      setEmail('');
      await load();
    } catch (err) {
      setError(apiError(err));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (i: InviteRow) => {
    const ok = await confirm({
      title: `Revoke this ${i.role} invitation?`,
      body: `${i.email ? `The invitation for ${i.email}` : 'The link'} stops working at once.`,
      confirm: 'Revoke invitation',
      danger: true,
    });
    if (!ok) return;
    setRowError(null);
    try {
      await api(`/api/v1/invites/${encodeURIComponent(i.id)}`, { method: 'DELETE' });
      if (created?.id === i.id) setCreated(null);
      await load();
    } catch (err) {
      setRowError({ id: i.id, message: apiError(err).message });
    }
  };

  const link = created ? `${window.location.origin}${created.path}` : '';

  return (
    <Section id="invites" title="Invitations" description="Invite a teammate with a link that works once. They pick their own name and password.">
      <form
        ref={form}
        onSubmit={(e) => void submit(e)}
        aria-label="Create invitation"
        noValidate
        data-testid="invite-create-form"
        className="grid gap-4 rounded-lg border border-slate-200 bg-slate-50/60 p-4 sm:grid-cols-[10rem_minmax(0,1fr)_9rem_auto] sm:items-start dark:border-slate-800 dark:bg-slate-900/40"
      >
        <label className="block text-sm font-medium">
          Role
          <select
            name="role"
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            className={inputClass}
            aria-invalid={invalid(error, 'role')}
            aria-describedby="invite-role-error"
          >
            <option value="viewer">viewer</option>
            <option value="member">member</option>
            <option value="admin">admin</option>
          </select>
          <FieldError error={error} field="role" id="invite-role-error" />
        </label>
        <label className="block text-sm font-medium">
          Email <span className="font-normal text-slate-500">(optional: only this address may use it)</span>
          <input
            name="email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            placeholder="anyone with the link"
            className={inputClass}
            aria-invalid={invalid(error, 'email')}
            aria-describedby="invite-email-error"
          />
          <FieldError error={error} field="email" id="invite-email-error" />
        </label>
        <label className="block text-sm font-medium">
          Valid for <span className="font-normal text-slate-500">(hours)</span>
          <input
            name="expiresInHours"
            type="number"
            min={1}
            max={720}
            step={1}
            inputMode="numeric"
            value={hours}
            onChange={(e) => setHours(e.target.value)}
            className={inputClass}
            aria-invalid={invalid(error, 'expiresInHours')}
            aria-describedby="invite-hours-error"
          />
          <FieldError error={error} field="expiresInHours" id="invite-hours-error" />
        </label>
        <div className="sm:pt-6">
          <button type="submit" disabled={busy} className={`${primaryButton} w-full whitespace-nowrap`}>
            {busy ? 'Creating…' : 'Create link'}
          </button>
        </div>
        {isFormLevel(error, ['role', 'email', 'expiresInHours']) && (
          <div className="sm:col-span-4">
            <FormError error={error} fields={['role', 'email', 'expiresInHours']} />
          </div>
        )}
      </form>

      {created && (
        <div
          role="region"
          aria-label="New invitation link"
          data-testid="new-invite"
          className="space-y-2 rounded-lg border border-emerald-400 bg-emerald-50 p-4 dark:border-emerald-700 dark:bg-emerald-950/40"
        >
          <p className="text-sm">
            Send this link to the person you invite as <RoleBadge role={created.role} />. It works once, until{' '}
            <time dateTime={created.expiresAt}>{new Date(created.expiresAt).toLocaleString()}</time>, and is shown only now.
          </p>
          <CopyBox value={link} label="Invitation link" testId="new-invite-link" />
          <button type="button" onClick={() => setCreated(null)} className={secondaryButton}>
            Done
          </button>
        </div>
      )}

      {loadError && (
        <p role="alert" className="text-sm text-rose-600 dark:text-rose-400">
          Could not load invitations: {loadError}
        </p>
      )}
      {!items && !loadError && <Spinner label="Loading invitations…" />}
      {items && items.length === 0 && <p className="text-sm text-slate-500">No invitations yet.</p>}
      {items && items.length > 0 && (
        <div className="relative overflow-x-auto">
          <table className={tableClass} data-testid="invites">
            <thead>
              <tr>
                <th scope="col" className={thClass}>
                  Role
                </th>
                <th scope="col" className={thClass}>
                  For
                </th>
                <th scope="col" className={thClass}>
                  Created
                </th>
                <th scope="col" className={thClass}>
                  Expires
                </th>
                <th scope="col" className={thClass}>
                  Status
                </th>
                <th scope="col" className={thClass}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => {
                const status = inviteStatus(i, now);
                return (
                  <tr key={i.id} className={rowClass} data-testid="invite-row" data-status={status}>
                    <td className={tdClass}>
                      <RoleBadge role={i.role} />
                    </td>
                    <td className={`${tdClass} break-all`}>{i.email ?? <span className="text-slate-500">anyone with the link</span>}</td>
                    <td className={tdClass}>
                      <When at={toDate(i.createdAt)} now={now} />
                    </td>
                    <td className={tdClass}>
                      <When at={toDate(i.expiresAt)} now={now} />
                    </td>
                    <td className={tdClass}>
                      <Badge tone={statusTone[status]}>{status}</Badge>
                    </td>
                    <td className={`${tdClass} text-right`}>
                      {status === 'open' && (
                        <button
                          type="button"
                          onClick={() => void revoke(i)}
                          className={`${dangerButton} py-1 text-xs`}
                          aria-label={`Revoke ${i.role} invitation${i.email ? ` for ${i.email}` : ''}`}
                        >
                          Revoke
                        </button>
                      )}
                      {rowError?.id === i.id && (
                        <p role="alert" className="mt-1 text-xs text-rose-600 dark:text-rose-400">
                          {rowError.message}
                        </p>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {confirmDialog}
    </Section>
  );
}
