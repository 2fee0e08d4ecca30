'use client';

import type { Role } from '../../lib/access';
import { api, apiError, messageFor, toDate } from '../auth/api';
import type { Me } from '../auth/me';
import { Badge, inputBase, rowClass, Section, Spinner, tableClass, tdClass, thClass, When } from '../auth/ui';
import { useNow } from '../ui/use-now';
import { useState } from 'react';

export interface UserRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  disabled: boolean;
  createdAt: string | number;
}

const ROLES: Role[] = ['admin', 'member', 'viewer'];

/** Members (admins only): everyone with an account, and their role. */
export function MembersSection({
  me,
  users,
  loadError,
  onChanged,
}: {
  me: Me;
  users: UserRow[] | null;
  loadError: string | null;
  onChanged: (id: string, role: Role) => void;
}) {
  const [saving, setSaving] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const now = useNow(60_000);

  const change = async (u: UserRow, role: Role) => {
    if (role === u.role) return;
    if (u.id === me.id && role !== 'admin' && !window.confirm('Give up your own admin role? You will lose access to this page.')) return;
    setSaving(u.id);
    setRowError(null);
    setSaved(null);
    try {
      await api(`/api/v1/users/${encodeURIComponent(u.id)}`, { method: 'PATCH', body: { role } });
      onChanged(u.id, role);
      setSaved(u.id);
      if (u.id === me.id) window.location.reload();
    } catch (err) {
      setRowError({ id: u.id, message: messageFor(apiError(err)) });
    } finally {
      setSaving(null);
    }
  };

  return (
    <Section id="members" title="Members" description="Admins manage people and tokens; members read and write memory; viewers only read. A role change applies at once, open connections included.">
      {loadError && <p role="alert" className="text-sm text-rose-600 dark:text-rose-400">Could not load members: {loadError}</p>}
      {!users && !loadError && <Spinner label="Loading members…" />}
      {users && (
        <div className="relative overflow-x-auto">
          <table className={tableClass} data-testid="members">
            <thead>
              <tr>
                <th scope="col" className={thClass}>Name</th>
                <th scope="col" className={thClass}>Email</th>
                <th scope="col" className={thClass}>Role</th>
                <th scope="col" className={thClass}>Joined</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} className={rowClass} data-testid="member-row">
                  <td className={`${tdClass} font-medium`}>
                    {u.name} {u.id === me.id && <span className="font-normal text-slate-500">(you)</span>}{' '}
                    {u.disabled && <Badge tone="slate">disabled</Badge>}
                  </td>
                  <td className={`${tdClass} break-all`}>{u.email}</td>
                  <td className={tdClass}>
                    <label className="sr-only" htmlFor={`role-${u.id}`}>Role of {u.name}</label>
                    <div className="flex items-center gap-2">
                      <select
                        id={`role-${u.id}`}
                        value={u.role}
                        disabled={saving === u.id}
                        onChange={(e) => void change(u, e.target.value as Role)}
                        className={`${inputBase} w-32`}
                        aria-invalid={rowError?.id === u.id}
                        aria-describedby={`role-${u.id}-error`}
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>{r}</option>
                        ))}
                      </select>
                      {saving === u.id && <span className="text-xs text-slate-500">Saving…</span>}
                      {saved === u.id && <span role="status" className="text-xs text-emerald-600 dark:text-emerald-400">Saved</span>}
                    </div>
                    {rowError?.id === u.id && (
                      <p id={`role-${u.id}-error`} role="alert" className="mt-1 text-sm text-rose-600 dark:text-rose-400">{rowError.message}</p>
                    )}
                  </td>
                  <td className={tdClass}><When at={toDate(u.createdAt)} now={now} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
