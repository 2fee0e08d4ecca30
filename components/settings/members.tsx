'use client';

import type { Role } from '../../lib/access';
import { api, apiError, messageFor, toDate } from '../auth/api';
import type { Me } from '../auth/me';
import { Badge, dangerButton, inputBase, rowClass, secondaryButton, Section, Spinner, tableClass, tdClass, thClass, When } from '../auth/ui';
import { useNow } from '../ui/use-now';
import { useConfirm } from '../ui/confirm';
import { Fragment, useEffect, useState } from 'react';

export interface UserRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  disabled: boolean;
  createdAt: string | number;
}

const ROLES: Role[] = ['admin', 'member', 'viewer'];
// Tighter cells on a phone, so name, role and the Disable button fit 390 px without scrolling.
const th = thClass.replace('px-3', 'px-2 sm:px-3');
const td = tdClass.replace('px-3', 'px-2 sm:px-3');

type RowAction = 'role' | 'disabled';

/**
 * Members (admins only): everyone with an account, their role, and whether they may sign in.
 * Disabling someone asks first (inline, so it works from the keyboard and reads out); enabling
 * does not.
 */
export function MembersSection({
  me,
  users,
  loadError,
  onChanged,
}: {
  me: Me;
  users: UserRow[] | null;
  loadError: string | null;
  /** A row the server changed: apply what it answered. */
  onChanged: (id: string, change: Partial<Pick<UserRow, 'role' | 'disabled'>>) => void;
}) {
  const [saving, setSaving] = useState<{ id: string; action: RowAction } | null>(null);
  const [rowError, setRowError] = useState<{ id: string; action: RowAction; message: string } | null>(null);
  const [saved, setSaved] = useState<{ id: string; action: RowAction } | null>(null);
  const [confirm, confirmDialog] = useConfirm();
  /** The row whose "Disable" waits for a yes. */
  const [confirming, setConfirming] = useState<string | null>(null);
  /** Where focus goes after the buttons it was on are replaced (element id). */
  const [focusId, setFocusId] = useState<string | null>(null);
  const now = useNow(60_000);

  useEffect(() => {
    if (!focusId) return;
    document.getElementById(focusId)?.focus();
    setFocusId(null);
  }, [focusId]);

  const patch = async (u: UserRow, action: RowAction, body: { role: Role } | { disabled: boolean }) => {
    setSaving({ id: u.id, action });
    setRowError(null);
    setSaved(null);
    try {
      // The server answers the account as it now is.
      const res = await api<Pick<UserRow, 'id' | 'role' | 'disabled'>>(`/api/v1/users/${encodeURIComponent(u.id)}`, { method: 'PATCH', body });
      onChanged(u.id, { role: res.role, disabled: res.disabled });
      setSaved({ id: u.id, action });
      return true;
    } catch (err) {
      setRowError({ id: u.id, action, message: messageFor(apiError(err)) });
      return false;
    } finally {
      setSaving(null);
    }
  };

  const changeRole = async (u: UserRow, role: Role) => {
    if (role === u.role) return;
    if (
      u.id === me.id &&
      role !== 'admin' &&
      !(await confirm({
        title: 'Give up your own admin role?',
        body: `You become a ${role} at once and lose access to this page.`,
        confirm: `Make me a ${role}`,
        danger: true,
      }))
    )
      return;
    if ((await patch(u, 'role', { role })) && u.id === me.id) window.location.reload();
  };

  const setDisabled = async (u: UserRow, disabled: boolean) => {
    setConfirming(null);
    await patch(u, 'disabled', { disabled });
    // The button that was pressed is gone (confirm) or renamed (Disable/Enable): keep focus in the row.
    setFocusId(`access-${u.id}`);
  };

  const cancelConfirm = (u: UserRow) => {
    setConfirming(null);
    setFocusId(`access-${u.id}`);
  };

  return (
    <Section
      id="members"
      title="Members"
      description="Admins manage people and tokens; members read and write memory; viewers only read. A role change applies at once, open connections included; a disabled account is signed out everywhere and its tokens stop."
    >
      {loadError && (
        <p role="alert" className="text-sm text-rose-600 dark:text-rose-400">
          Could not load members: {loadError}
        </p>
      )}
      {!users && !loadError && <Spinner label="Loading members…" />}
      {users && (
        <div className="relative overflow-x-auto">
          <table className={tableClass} data-testid="members">
            <thead>
              <tr>
                <th scope="col" className={th}>
                  Name
                </th>
                <th scope="col" className={`${th} hidden sm:table-cell`}>
                  Email
                </th>
                <th scope="col" className={th}>
                  Role
                </th>
                <th scope="col" className={th}>
                  Access
                </th>
                <th scope="col" className={`${th} hidden md:table-cell`}>
                  Joined
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => {
                const busy = saving?.id === u.id;
                const asking = confirming === u.id;
                const roleError = rowError?.id === u.id && rowError.action === 'role' ? rowError.message : null;
                const accessError = rowError?.id === u.id && rowError.action === 'disabled' ? rowError.message : null;
                // A disabled account's details recede; its controls keep their normal look.
                const muted = u.disabled ? 'text-slate-500 dark:text-slate-400' : '';
                return (
                  <Fragment key={u.id}>
                    <tr
                      className={`${rowClass} ${u.disabled ? 'bg-slate-50 dark:bg-slate-900/60' : ''}`}
                      data-testid="member-row"
                      data-disabled={u.disabled ? 'true' : 'false'}
                    >
                      <td className={`${td} font-medium ${muted}`}>
                        <span className={u.disabled ? 'line-through decoration-slate-400' : ''}>{u.name}</span>{' '}
                        {u.id === me.id && <span className="font-normal text-slate-500">(you)</span>}{' '}
                        {u.disabled && (
                          <Badge tone="slate" testId="disabled-badge">
                            disabled
                          </Badge>
                        )}
                        {/* On a phone the email column is hidden: the address goes under the name. */}
                        <span className="mt-0.5 block break-all text-xs font-normal text-slate-500 sm:hidden dark:text-slate-400">{u.email}</span>
                      </td>
                      <td className={`${td} hidden break-all sm:table-cell ${muted}`}>{u.email}</td>
                      <td className={td}>
                        <label className="sr-only" htmlFor={`role-${u.id}`}>
                          Role of {u.name}
                        </label>
                        <div className="flex items-center gap-2">
                          <select
                            id={`role-${u.id}`}
                            value={u.role}
                            disabled={busy}
                            onChange={(e) => void changeRole(u, e.target.value as Role)}
                            className={`${inputBase} w-28 sm:w-32`}
                            aria-invalid={!!roleError}
                            aria-describedby={roleError ? `role-${u.id}-error` : undefined}
                          >
                            {ROLES.map((r) => (
                              <option key={r} value={r}>
                                {r}
                              </option>
                            ))}
                          </select>
                          {busy && saving?.action === 'role' && <span className="text-xs text-slate-500">Saving…</span>}
                          {saved?.id === u.id && saved.action === 'role' && (
                            <span role="status" className="text-xs text-emerald-600 dark:text-emerald-400">
                              Saved
                            </span>
                          )}
                        </div>
                        {roleError && (
                          <p id={`role-${u.id}-error`} role="alert" className="mt-1 text-sm text-rose-600 dark:text-rose-400">
                            {roleError}
                          </p>
                        )}
                      </td>
                      <td className={td}>
                        {u.id === me.id ? (
                          <span className="whitespace-nowrap text-slate-500 dark:text-slate-400">Active</span>
                        ) : (
                          <div className="flex flex-wrap items-center gap-2">
                            <button
                              id={`access-${u.id}`}
                              type="button"
                              disabled={busy}
                              onClick={() => (u.disabled ? void setDisabled(u, false) : asking ? cancelConfirm(u) : setConfirming(u.id))}
                              className={`${u.disabled ? secondaryButton : dangerButton} whitespace-nowrap`}
                              aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.name}`}
                              aria-expanded={u.disabled ? undefined : asking}
                              aria-controls={asking ? `access-${u.id}-confirm` : undefined}
                              aria-describedby={accessError ? `access-${u.id}-error` : undefined}
                            >
                              {busy && saving?.action === 'disabled' ? (u.disabled ? 'Enabling…' : 'Disabling…') : u.disabled ? 'Enable' : 'Disable'}
                            </button>
                            {saved?.id === u.id && saved.action === 'disabled' && (
                              <span role="status" className="text-xs text-emerald-600 dark:text-emerald-400">
                                {u.disabled ? 'Disabled' : 'Enabled'}
                              </span>
                            )}
                          </div>
                        )}
                        {accessError && (
                          <p id={`access-${u.id}-error`} role="alert" className="mt-1 text-sm text-rose-600 dark:text-rose-400">
                            {accessError}
                          </p>
                        )}
                      </td>
                      <td className={`${td} hidden md:table-cell ${muted}`}>
                        <When at={toDate(u.createdAt)} now={now} />
                      </td>
                    </tr>
                    {asking && (
                      // The question gets a row of its own under the person's, so it has the table's full width (a phone included).
                      <tr>
                        <td colSpan={5} className="px-2 pb-3 sm:px-3">
                          <div
                            id={`access-${u.id}-confirm`}
                            role="group"
                            aria-labelledby={`access-${u.id}-ask`}
                            data-testid="disable-confirm"
                            className="space-y-2 rounded-md border border-rose-300 bg-rose-50 p-3 sm:flex sm:items-center sm:justify-between sm:gap-4 sm:space-y-0 dark:border-rose-800 dark:bg-rose-950/60"
                            onKeyDown={(e) => {
                              if (e.key === 'Escape') cancelConfirm(u);
                            }}
                          >
                            <p id={`access-${u.id}-ask`} className="text-sm text-rose-900 dark:text-rose-100">
                              <strong className="font-semibold">Disable {u.name}?</strong> They are signed out everywhere at once, their API tokens and share
                              links stop, and they cannot sign in until an admin enables them again.
                            </p>
                            <div className="flex shrink-0 flex-wrap gap-2">
                              <button type="button" autoFocus onClick={() => void setDisabled(u, true)} className={dangerButton}>
                                Yes, disable
                              </button>
                              <button type="button" onClick={() => cancelConfirm(u)} className={secondaryButton}>
                                Cancel
                              </button>
                            </div>
                          </div>
                        </td>
                      </tr>
                    )}
                  </Fragment>
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
