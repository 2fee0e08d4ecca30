'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { HandoffListItem } from '../../lib/handoff-types';
import { HANDOFFS_ROOM, userRoom, type Change } from '../../lib/events';
import { useMe } from '../auth/me';
import { useFeed } from '../realtime/connection';
import { isOwnChange } from '../../lib/notices';
import { useNotifyPrefs } from '../notify/prefs';
import { handoffsApi } from './api';
import { isFromMe, isOpenHandoff, isToMe, toastFor, type Toast } from './look';

const toneLook: Record<Toast['tone'], string> = {
  info: 'border-l-violet-500',
  good: 'border-l-emerald-500',
  bad: 'border-l-rose-500',
};

/**
 * The header's Handoffs link with the count of open handoffs waiting for me, kept live through my
 * user room, and a toast when one arrives (or when one I sent is decided). Mounted once, in the header.
 * Toasts follow Settings → Notifications ("Handoffs to me" pop-ups, quiet mode), and never tell me
 * about a step I took myself (the change's writer id against my account id).
 */
export function HandoffsNav() {
  const { me } = useMe();
  const pathname = usePathname();
  const myId = me?.id ?? null;
  const [known, setKnown] = useState<Map<string, HandoffListItem>>(new Map());
  const knownRef = useRef(known);
  knownRef.current = known;
  const [seq, setSeq] = useState<number | null>(null);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextToast = useRef(1);
  // Mine arrive through my user room; a handoff to the whole team only through `handoffs`.
  const rooms = useMemo(() => (myId ? [userRoom(myId), HANDOFFS_ROOM] : [HANDOFFS_ROOM]), [myId]);
  const [prefs, , prefsReady] = useNotifyPrefs();
  const popups = prefsReady && prefs.popups.handoffs && !prefs.quiet;
  const popupsRef = useRef(popups);
  popupsRef.current = popups;
  useEffect(() => {
    if (!popups) setToasts([]);
  }, [popups]);

  const load = useCallback(async () => {
    const [inbox, sent] = await Promise.all([handoffsApi.list({ box: 'inbox', limit: 200 }), handoffsApi.list({ box: 'sent', limit: 200 })]);
    const map = new Map<string, HandoffListItem>();
    for (const h of [...inbox.items, ...sent.items]) map.set(h.id, h);
    setKnown(map);
    // Both answers are consistent with their own seq: follow from the older, replays are idempotent.
    return Math.min(inbox.seq, sent.seq);
  }, []);

  useEffect(() => {
    if (!myId) return;
    let live = true;
    load()
      .then((s) => live && setSeq(s))
      .catch(() => live && setSeq(null));
    return () => {
      live = false;
    };
  }, [myId, load]);

  const [portal, setPortal] = useState<HTMLElement | null>(null);
  useEffect(() => setPortal(document.body), []);

  const dismiss = useCallback((id: number) => setToasts((ts) => ts.filter((t) => t.id !== id)), []);

  useFeed(
    rooms,
    myId ? seq : null,
    (changes: Change[]) => {
      if (!myId) return;
      const next = new Map(knownRef.current);
      const fresh: Toast[] = [];
      for (const c of changes) {
        if (c.topic !== 'handoff' || !c.value) continue;
        let h: HandoffListItem & { writerId?: string | null };
        try {
          h = JSON.parse(c.value) as HandoffListItem & { writerId?: string | null };
        } catch {
          continue;
        }
        const before = next.get(h.id);
        if (before && before.version > h.version) continue;
        next.set(h.id, h);
        if (!popupsRef.current || isOwnChange(h.writerId ?? null, myId)) continue;
        const t = toastFor(before, h, myId);
        if (t) fresh.push({ ...t, id: nextToast.current++ });
      }
      knownRef.current = next;
      setKnown(next);
      if (fresh.length) setToasts((ts) => [...ts, ...fresh].slice(-4));
    },
    load,
  );

  // Each toast stays 12 s (long enough to read and reach with the keyboard), or until dismissed.
  useEffect(() => {
    if (toasts.length === 0) return;
    const oldest = toasts[0]!;
    const t = setTimeout(() => dismiss(oldest.id), 12_000);
    return () => clearTimeout(t);
  }, [toasts, dismiss]);

  if (!myId) return null;
  const open = [...known.values()].filter((h) => isOpenHandoff(h.status) && isToMe(h, myId) && !isFromMe(h, myId)).length;
  const current = pathname === '/handoffs' || pathname?.startsWith('/handoffs/');

  return (
    <>
      <Link
        href="/handoffs"
        prefetch={false}
        data-testid="handoffs-link"
        data-count={open}
        data-ready={seq !== null}
        aria-current={current ? 'page' : undefined}
        aria-label={open ? `Handoffs, ${open} waiting for you` : 'Handoffs'}
        title="Handoffs"
        className={`-ml-2 inline-flex shrink-0 items-center gap-1 text-sm font-medium sm:ml-0 sm:gap-1.5 ${current ? 'text-slate-900 dark:text-white' : 'text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white'}`}
      >
        {/* On a phone the header has room for the mark and the count only. */}
        {/* With a count, the count alone (the mark would crowd the header). */}
        <span aria-hidden className={open > 0 ? 'hidden' : 'text-base leading-none sm:hidden'}>
          ⇄
        </span>
        <span className="hidden sm:inline">Handoffs</span>
        {open > 0 && (
          <span
            data-testid="handoffs-badge"
            className="min-w-4 rounded-full bg-violet-600 px-1 py-0.5 text-center text-[11px] font-bold leading-none tabular-nums text-white sm:min-w-5 sm:px-1.5"
          >
            <span className="sm:hidden">{open > 9 ? '9+' : open}</span>
            <span className="hidden sm:inline">{open}</span>
          </span>
        )}
      </Link>
      {/* In <body>, not in the header: the header's backdrop blur makes it the containing block of
          anything fixed inside it, which put the toasts above the top of the screen. */}
      {portal &&
        createPortal(
          <div
            role="status"
            aria-live="polite"
            data-testid="handoff-toasts"
            className="pointer-events-none fixed bottom-4 right-4 left-4 z-50 flex flex-col items-end gap-2 sm:left-auto sm:w-96"
          >
            {toasts.map((t) => (
              <div
                key={t.id}
                data-testid="handoff-toast"
                data-handoff={t.handoffId}
                className={`pointer-events-auto flex w-full items-start gap-3 rounded-lg border border-l-4 border-slate-200 bg-white px-4 py-3 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900 ${toneLook[t.tone]}`}
              >
                <span aria-hidden className="mt-0.5 text-violet-600 dark:text-violet-400">
                  ⇄
                </span>
                <p className="min-w-0 flex-1 break-words">
                  {t.text}
                  {' — '}
                  <Link
                    href={`/handoffs/${encodeURIComponent(t.handoffId)}`}
                    onClick={() => dismiss(t.id)}
                    className="font-semibold text-accent-600 hover:underline dark:text-accent-500"
                  >
                    {t.action}
                  </Link>
                </p>
                <button
                  type="button"
                  onClick={() => dismiss(t.id)}
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
