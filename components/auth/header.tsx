'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { HandoffsNav } from '../handoffs/notifier';
import { NeedsYouNav } from '../notify/needs-you';
import { ConnectionIndicator } from '../realtime/connection-indicator';
import { ThemeToggle } from '../ui/theme-toggle';
import { isAuthPage, useMe } from './me';
import { UserMenu } from './user-menu';

const links = [
  // On a phone, Sessions is in the user menu (the dashboard lists them too).
  { href: '/sessions', label: 'Sessions', narrow: false },
  { href: '/memory', label: 'Memory', narrow: true },
  // On a phone, Analytics is in the user menu only, like Settings.
  { href: '/analytics', label: 'Analytics', narrow: false },
  // On a phone, Settings is in the user menu only: the header has no room for it.
  { href: '/settings', label: 'Settings', narrow: false },
];

/**
 * The header's page links; none on the sign-in, setup and invitation pages. Not prefetched: on every page load
 * they asked the server for five route payloads while the page was loading its own data and opening its socket
 * (bench (h): the dashboard's load competed with them).
 */
export function HeaderLinks() {
  const pathname = usePathname();
  const { state } = useMe();
  if (isAuthPage(pathname) || state.status === 'signed-out') return null;
  return (
    <>
      {links.map((l) => {
        const current = pathname === l.href || pathname?.startsWith(`${l.href}/`);
        return (
          <Link
            key={l.href}
            href={l.href}
            prefetch={false}
            aria-current={current ? 'page' : undefined}
            className={`${l.narrow ? '' : 'hidden sm:inline '}text-sm font-medium ${current ? 'text-slate-900 dark:text-white' : 'text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white'}`}
          >
            {l.label}
          </Link>
        );
      })}
      <HandoffsNav />
      <NeedsYouNav />
    </>
  );
}

/** Right side of the header: live status, theme, and who is signed in. */
export function HeaderControls() {
  const pathname = usePathname();
  const authPage = isAuthPage(pathname);
  return (
    <div className="ml-auto flex items-center gap-2 sm:gap-3">
      {!authPage && <ConnectionIndicator />}
      <ThemeToggle />
      {!authPage && <UserMenu />}
    </div>
  );
}
