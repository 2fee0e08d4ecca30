'use client';

import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, apiError } from '../auth/api';
import { useMe } from '../auth/me';
import { RoleBadge, Section, Spinner } from '../auth/ui';
import { InvitesSection } from './invites';
import { MembersSection, type UserRow } from './members';
import { PasswordSection } from './password';
import { ShareLinksSection } from './share-links';
import { TokensSection } from './tokens';
import { NotificationsSection, WebhooksSection } from './notifications';
import { DataSection } from './data';

export function SettingsPage() {
  const { state, me } = useMe();
  const isAdmin = me?.role === 'admin';
  const [users, setUsers] = useState<UserRow[] | null>(null);
  const [usersError, setUsersError] = useState<string | null>(null);

  const loadUsers = useCallback(async () => {
    try {
      const r = await api<{ items: UserRow[] }>('/api/v1/users');
      setUsers(r.items);
      setUsersError(null);
    } catch (err) {
      setUsersError(apiError(err).message);
    }
  }, []);
  useEffect(() => {
    if (isAdmin) void loadUsers();
  }, [isAdmin, loadUsers]);
  const userNames = useMemo(() => new Map((users ?? []).map((u) => [u.id, u.name || u.email])), [users]);

  return (
    <div className="mx-auto max-w-[100rem] px-4 py-8">
      <div className="space-y-6">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
          <p className="mt-1 text-slate-600 dark:text-slate-400">Your account, API tokens for agents, and who can use this Baton.</p>
        </div>

        {state.status === 'loading' && <Spinner />}
        {state.status === 'error' && (
          <p role="alert" className="text-rose-600 dark:text-rose-400">
            Could not load your account: {state.message}
          </p>
        )}
        {state.status === 'signed-out' && (
          <p role="alert" className="text-slate-600 dark:text-slate-400">
            You are signed out.{' '}
            <a className="font-medium text-accent-600 underline dark:text-accent-500" href="/sign-in?next=/settings">
              Sign in
            </a>
          </p>
        )}

        {me && (
          <>
            <Section id="account" title="Account">
              <dl className="grid gap-4 text-sm sm:grid-cols-3">
                <div>
                  <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Name</dt>
                  <dd className="mt-0.5 font-medium">{me.name}</dd>
                </div>
                <div>
                  <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Email</dt>
                  <dd className="mt-0.5 break-all">{me.email}</dd>
                </div>
                <div>
                  <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Role</dt>
                  <dd className="mt-0.5">
                    <RoleBadge role={me.role} />
                  </dd>
                </div>
              </dl>
              {me.role === 'viewer' && (
                <p
                  data-testid="viewer-note"
                  className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm text-slate-700 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300"
                >
                  You have read-only access: you can browse memory and boards as they change, but not change them, create API tokens or share links. Ask an
                  admin if you need more.
                </p>
              )}
            </Section>

            <PasswordSection email={me.email} />

            {me.role !== 'viewer' && <TokensSection me={me} userNames={userNames} />}
            {isAdmin && (
              <MembersSection
                me={me}
                users={users}
                loadError={usersError}
                onChanged={(id: string, change: Partial<Pick<UserRow, 'role' | 'disabled'>>) =>
                  setUsers((u) => u && u.map((x) => (x.id === id ? { ...x, ...change } : x)))
                }
              />
            )}
            {isAdmin && <InvitesSection />}
            <NotificationsSection />
            {isAdmin && <WebhooksSection />}
            {me.role !== 'viewer' && <ShareLinksSection me={me} userNames={userNames} />}
            {isAdmin && <DataSection />}
          </>
        )}
      </div>
    </div>
  );
}
