'use client';

import Link from 'next/link';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { DASHBOARD_ROOM, HANDOFFS_ROOM, userRoom, type Change } from '../../lib/events';
import { DEFAULT_NOTIFY_PREFS, SEVERITY_RANK, type NeedsYou, type NotifyPrefs } from '../../lib/notify';
import { api } from '../auth/api';
import { useMe } from '../auth/me';
import { useFeed } from '../realtime/connection';

/**
 * What needs me now (waiting agents and critical blockers on my sessions, handoffs to me), from
 * GET /api/v1/needs-you, read again whenever the feed says a board or a handoff changed.
 */
export function useNeedsYou(): NeedsYou | null {
  const { me } = useMe();
  const myId = me?.id ?? null;
  const [data, setData] = useState<NeedsYou | null>(null);
  const rooms = useMemo(() => (myId ? [DASHBOARD_ROOM, HANDOFFS_ROOM, userRoom(myId)] : [DASHBOARD_ROOM]), [myId]);
  const load = useCallback(async () => {
    const d = await api<NeedsYou>('/api/v1/needs-you');
    setData(d);
    return d.seq;
  }, []);
  useEffect(() => {
    if (!myId) return;
    load().catch(() => setData(null));
  }, [myId, load]);
  // A burst of changes is one read.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useFeed(
    rooms,
    myId ? (data?.seq ?? null) : null,
    (changes: Change[]) => {
      if (!changes.some((c) => c.topic === 'session' || c.topic === 'handoff')) return;
      if (pending.current) return;
      pending.current = setTimeout(() => {
        pending.current = null;
        load().catch(() => {});
      }, 150);
    },
    load,
  );
  return myId ? data : null;
}

export function useNotifyPrefs(): [
  NotifyPrefs,
  (patch: Partial<{ popups: Partial<NotifyPrefs['popups']>; browser: Partial<NotifyPrefs['browser']>; quiet: boolean }>) => Promise<void>,
] {
  const { me } = useMe();
  const [prefs, setPrefs] = useState<NotifyPrefs>(DEFAULT_NOTIFY_PREFS);
  useEffect(() => {
    if (!me) return;
    api<NotifyPrefs>('/api/v1/me/notifications')
      .then(setPrefs)
      .catch(() => {});
  }, [me]);
  const update = useCallback(async (patch: object) => {
    setPrefs(await api<NotifyPrefs>('/api/v1/me/notifications', { method: 'PUT', body: patch }));
  }, []);
  return [prefs, update];
}

/** The keys of what needs me, to tell what is new since the last read. */
const keysOf = (n: NeedsYou, prefs: NotifyPrefs) => {
  const out = new Map<string, string>();
  if (prefs.browser.agentsWaiting)
    for (const a of n.agents) out.set(`a:${a.sessionId}:${a.name}`, `${a.name} is waiting for you on “${a.sessionTitle}”${a.message ? `: ${a.message}` : ''}`);
  if (prefs.browser.handoffs) for (const h of n.handoffs) out.set(`h:${h.id}`, `${h.from} handed you “${h.sessionTitle}”`);
  const min = prefs.browser.blockerSeverity;
  if (min)
    for (const b of n.blockers)
      if (SEVERITY_RANK[b.severity] >= SEVERITY_RANK[min]) out.set(`b:${b.id}`, `Blocker (${b.severity}) on “${b.sessionTitle}”: ${b.description}`);
  return out;
};

/**
 * The header's "Needs you" count (live), and browser notifications for what newly needs me, when
 * this person turned them on (Settings → Notifications) and quiet mode is off.
 */
export function NeedsYouNav() {
  const needs = useNeedsYou();
  const [prefs] = useNotifyPrefs();
  const seen = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (!needs) return;
    const now = keysOf(needs, prefs);
    const before = seen.current;
    seen.current = new Set(now.keys());
    // The first read only records what is already there: a notification is for something new.
    if (!before || prefs.quiet || !prefs.browser.enabled || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    for (const [key, text] of now) if (!before.has(key)) new Notification('Baton: needs you', { body: text, tag: key });
  }, [needs, prefs]);
  if (!needs) return null;
  const n = needs.count;
  return (
    <Link
      href="/?needs=1"
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
  );
}
