'use client';

import Link from 'next/link';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { api } from './api';
import { useMe } from './me';
import { RoleBadge } from './ui';

const item =
  'block w-full rounded-md px-3 py-2 text-left text-sm text-slate-700 hover:bg-slate-100 focus:bg-slate-100 focus:outline-none dark:text-slate-200 dark:hover:bg-slate-800 dark:focus:bg-slate-800';

/** Who is signed in (name, role), with Settings, the audit log (admins) and Sign out. */
export function UserMenu() {
  const { state, me, reload } = useMe();
  const [open, setOpen] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const [signOutError, setSignOutError] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const menuId = useId();

  const items = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];

  useEffect(() => {
    if (!open) return;
    items()[0]?.focus();
    const onDown = (e: MouseEvent) => {
      if (!menu.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  if (state.status === 'loading') {
    return <span aria-busy="true" aria-label="Loading account" className="inline-block h-8 w-28 animate-pulse rounded-full bg-slate-100 dark:bg-slate-800" />;
  }
  if (state.status === 'error') {
    return (
      <button
        type="button"
        onClick={reload}
        className="rounded-md px-2 py-1 text-xs text-rose-600 hover:bg-slate-100 dark:text-rose-400 dark:hover:bg-slate-800"
        title={state.message}
      >
        Account unavailable · retry
      </button>
    );
  }
  if (!me) {
    return (
      <Link
        href="/sign-in"
        className="rounded-md px-3 py-1.5 text-sm font-medium text-accent-600 hover:bg-slate-100 dark:text-accent-500 dark:hover:bg-slate-800"
      >
        Sign in
      </Link>
    );
  }

  const close = (focusButton = true) => {
    setOpen(false);
    if (focusButton) button.current?.focus();
  };

  const onMenuKey = (e: KeyboardEvent) => {
    const list = items();
    const i = list.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      list[(i + 1) % list.length]?.focus();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      list[(i - 1 + list.length) % list.length]?.focus();
    } else if (e.key === 'Home') {
      e.preventDefault();
      list[0]?.focus();
    } else if (e.key === 'End') {
      e.preventDefault();
      list.at(-1)?.focus();
    } else if (e.key === 'Tab') {
      setOpen(false);
    }
  };

  const signOut = async () => {
    setSigningOut(true);
    setSignOutError(null);
    try {
      await api('/api/auth/sign-out', { method: 'POST', body: {} });
      window.location.assign('/sign-in');
    } catch (err) {
      setSigningOut(false);
      setSignOutError((err as Error).message);
    }
  };

  return (
    <div className="relative" data-testid="user-menu">
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen(!open)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setOpen(true);
          }
        }}
        className="flex items-center gap-2 rounded-full border border-slate-200 py-1 pl-1 pr-3 text-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-accent-500 dark:border-slate-700 dark:hover:bg-slate-900"
        data-testid="user-menu-button"
      >
        <span aria-hidden className="flex h-6 w-6 items-center justify-center rounded-full bg-accent-600 text-xs font-semibold uppercase text-white">
          {(me.name || me.email).trim().charAt(0)}
        </span>
        <span className="hidden max-w-[10rem] truncate font-medium sm:inline" data-testid="user-name">
          {me.name || me.email}
        </span>
        <span className="hidden sm:inline-flex">
          <RoleBadge role={me.role} />
        </span>
        <span aria-hidden className="text-xs text-slate-400">
          ▾
        </span>
      </button>
      {open && (
        <div
          ref={menu}
          id={menuId}
          role="menu"
          aria-label="Account"
          onKeyDown={onMenuKey}
          className="absolute right-0 z-20 mt-2 w-64 rounded-lg border border-slate-200 bg-white p-1 shadow-lg dark:border-slate-700 dark:bg-slate-900"
        >
          <div className="border-b border-slate-100 px-3 pb-2 pt-1.5 dark:border-slate-800" role="none">
            <p className="truncate text-sm font-medium">{me.name}</p>
            <p className="truncate text-xs text-slate-500">{me.email}</p>
            <p className="mt-1 sm:hidden">
              <RoleBadge role={me.role} />
            </p>
          </div>
          <div className="pt-1" role="none">
            <Link href="/sessions" role="menuitem" tabIndex={-1} className={item} onClick={() => close(false)}>
              Sessions
            </Link>
            <Link href="/analytics" role="menuitem" tabIndex={-1} className={item} onClick={() => close(false)}>
              Analytics
            </Link>
            <Link href="/settings" role="menuitem" tabIndex={-1} className={item} onClick={() => close(false)}>
              Settings
            </Link>
            {me.role === 'admin' && (
              <Link href="/admin/audit" role="menuitem" tabIndex={-1} className={item} onClick={() => close(false)}>
                Audit log
              </Link>
            )}
            <button type="button" role="menuitem" tabIndex={-1} className={item} disabled={signingOut} onClick={() => void signOut()}>
              {signingOut ? 'Signing out…' : 'Sign out'}
            </button>
          </div>
        </div>
      )}
      {signOutError && (
        <p
          role="alert"
          className="absolute right-0 mt-2 w-64 rounded-md border border-rose-300 bg-rose-50 p-2 text-xs text-rose-800 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200"
        >
          Sign out failed: {signOutError}
        </p>
      )}
    </div>
  );
}
