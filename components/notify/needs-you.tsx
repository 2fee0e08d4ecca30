'use client';

import Link from 'next/link';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { DASHBOARD_ROOM, HANDOFFS_ROOM, userRoom, type Change } from '../../lib/events';
import { createPortal } from 'react-dom';
import { SEVERITY_RANK, type NeedsYou, type NotifyPrefs } from '../../lib/notify';
import { isOwnChange, writerIdOf } from '../../lib/notices';
import { useNotifyPrefs } from './prefs';
import { api } from '../auth/api';
import { useMe } from '../auth/me';
import { useFeed } from '../realtime/connection';

/**
 * What needs me now (waiting agents and critical blockers on my sessions, handoffs to me), from
 * GET /api/v1/needs-you, read again whenever the feed says a board or a handoff changed. `byMe`:
 * every change behind the latest read was mine (by account id), so what it shows new is my own doing.
 */
export function useNeedsYou(): NeedsYou | null {
  return useNeedsYouRead().data;
}

function useNeedsYouRead(): { data: NeedsYou | null; byMe: boolean } {
  const { me } = useMe();
  const myId = me?.id ?? null;
  const [read, setRead] = useState<{ data: NeedsYou | null; byMe: boolean }>({ data: null, byMe: false });
  const rooms = useMemo(() => (myId ? [DASHBOARD_ROOM, HANDOFFS_ROOM, userRoom(myId)] : [DASHBOARD_ROOM]), [myId]);
  /** Whether every change since the last read was mine (null: none yet). */
  const mineOnly = useRef<boolean | null>(null);
  const load = useCallback(async () => {
    const byMe = mineOnly.current === true;
    mineOnly.current = null;
    const d = await api<NeedsYou>('/api/v1/needs-you');
    setRead({ data: d, byMe });
    return d.seq;
  }, []);
  useEffect(() => {
    if (!myId) return;
    load().catch(() => setRead({ data: null, byMe: false }));
  }, [myId, load]);
  // A burst of changes is one read.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useFeed(
    rooms,
    myId ? (read.data?.seq ?? null) : null,
    (changes: Change[]) => {
      const relevant = changes.filter((c) => c.topic === 'session' || c.topic === 'handoff');
      if (relevant.length === 0) return;
      const mine = relevant.every((c) => isOwnChange(writerIdOf(c.value), myId));
      mineOnly.current = (mineOnly.current ?? true) && mine;
      if (pending.current) return;
      pending.current = setTimeout(() => {
        pending.current = null;
        load().catch(() => {});
      }, 150);
    },
    load,
  );
  return myId ? read : { data: null, byMe: false };
}

export { useNotifyPrefs } from './prefs';

interface Notice {
  title: string;
  body: string;
  href: string;
}

/** What needs me, by key (to tell what is new since the last read), for browser notifications and in-page pop-ups. */
export function noticesOf(n: NeedsYou, prefs: NotifyPrefs, channel: 'browser' | 'popup'): Map<string, Notice> {
  const out = new Map<string, Notice>();
  const agents = channel === 'browser' ? prefs.browser.agentsWaiting : prefs.popups.agentsWaiting;
  if (agents)
    for (const a of n.agents)
      out.set(`a:${a.sessionId}:${a.name}`, {
        title: `${a.name} is waiting for you`,
        body: `On “${a.sessionTitle}”${a.message ? `: ${a.message}` : ''}`,
        href: `/sessions/${encodeURIComponent(a.sessionId)}`,
      });
  if (channel === 'browser' && prefs.browser.handoffs)
    for (const h of n.handoffs)
      out.set(`h:${h.id}`, {
        title: `${h.from} handed you “${h.sessionTitle}”`,
        body: 'Review the handoff in Baton',
        href: `/handoffs/${encodeURIComponent(h.id)}`,
      });
  const min = prefs.browser.blockerSeverity;
  if (channel === 'browser' && min)
    for (const b of n.blockerAlerts ?? n.blockers)
      if (SEVERITY_RANK[b.severity] >= SEVERITY_RANK[min])
        out.set(`b:${b.id}`, {
          title: `Blocker (${b.severity}) on “${b.sessionTitle}”`,
          body: b.description,
          href: `/sessions/${encodeURIComponent(b.sessionId)}`,
        });
  return out;
}

/**
 * The header's "Needs you" count (live); browser notifications for what newly needs me, when this
 * person turned them on (Settings → Notifications) and the browser allows; an in-page pop-up when
 * an agent starts waiting for me. Quiet mode silences both (the count still updates); nothing is
 * raised for what my own changes caused.
 */
export function NeedsYouNav() {
  const { data: needs, byMe } = useNeedsYouRead();
  const [prefs, , prefsReady] = useNotifyPrefs();
  const seen = useRef<Set<string> | null>(null);
  const [toasts, setToasts] = useState<(Notice & { key: string })[]>([]);
  const [portal, setPortal] = useState<HTMLElement | null>(null);
  useEffect(() => setPortal(document.body), []);
  useEffect(() => {
    if (!needs || !prefsReady) return;
    const browser = noticesOf(needs, prefs, 'browser');
    const popup = noticesOf(needs, prefs, 'popup');
    const before = seen.current;
    seen.current = new Set([...browser.keys(), ...popup.keys()]);
    // The first read only records what is already there: a notification is for something new.
    if (!before || byMe || prefs.quiet) return;
    if (prefs.browser.enabled && typeof Notification !== 'undefined' && Notification.permission === 'granted')
      for (const [key, n] of browser)
        if (!before.has(key)) {
          try {
            const shown = new Notification(n.title, { body: n.body, tag: key });
            shown.onclick = () => {
              window.focus();
              window.location.assign(n.href);
            };
          } catch {
            // Some browsers (Android Chrome) only notify through a service worker: the count still shows it.
          }
        }
    const fresh = [...popup].filter(([key]) => !before.has(key)).map(([key, n]) => ({ ...n, key }));
    if (fresh.length) setToasts((ts) => [...ts, ...fresh].slice(-3));
  }, [needs, prefs, prefsReady, byMe]);
  useEffect(() => {
    if (prefs.quiet) setToasts([]);
  }, [prefs.quiet]);
  useEffect(() => {
    if (toasts.length === 0) return;
    const t = setTimeout(() => setToasts((ts) => ts.slice(1)), 12_000);
    return () => clearTimeout(t);
  }, [toasts]);
  if (!needs) return null;
  const n = needs.count;
  return (
    <>
      <Link
        href="/?needs=1"
        prefetch={false}
        data-testid="needs-you-link"
        data-count={n}
        aria-label={n ? `Needs you: ${n}` : 'Needs you: nothing'}
        title="Waiting agents and critical blockers on your sessions, handoffs to you"
        className="inline-flex shrink-0 items-center gap-1 text-sm font-medium text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white"
      >
        <span className="hidden sm:inline">Needs you</span>
        <span aria-hidden className="sm:hidden">
          !
        </span>
        {n > 0 && (
          <span
            data-testid="needs-you-count"
            className="min-w-5 rounded-full bg-rose-600 px-1.5 py-0.5 text-center text-[11px] font-bold leading-none tabular-nums text-white"
          >
            {n > 99 ? '99+' : n}
          </span>
        )}
      </Link>
      {portal &&
        toasts.length > 0 &&
        createPortal(
          <div
            role="status"
            aria-live="polite"
            data-testid="needs-you-toasts"
            className="pointer-events-none fixed bottom-4 left-4 right-4 z-50 flex flex-col gap-2 sm:right-auto sm:w-96"
          >
            {toasts.map((t) => (
              <div
                key={t.key}
                data-testid="needs-you-toast"
                className="pointer-events-auto flex w-full items-start gap-3 rounded-lg border border-l-4 border-slate-200 border-l-rose-500 bg-white px-4 py-3 text-sm shadow-lg dark:border-slate-700 dark:border-l-rose-500 dark:bg-slate-900"
              >
                <p className="min-w-0 flex-1 break-words">
                  <Link
                    href={t.href}
                    className="font-semibold text-accent-600 hover:underline dark:text-accent-500"
                    onClick={() => setToasts((ts) => ts.filter((x) => x.key !== t.key))}
                  >
                    {t.title}
                  </Link>{' '}
                  <span className="text-slate-600 dark:text-slate-300">{t.body}</span>
                </p>
                <button
                  type="button"
                  onClick={() => setToasts((ts) => ts.filter((x) => x.key !== t.key))}
                  aria-label="Dismiss notification"
                  className="shrink-0 text-slate-400 hover:text-slate-700 dark:hover:text-slate-200"
                >
                  ✕
                </button>
              </div>
            ))}
          </div>,
          portal,
        )}
    </>
  );
}
