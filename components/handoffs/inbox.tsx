'use client';

import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { HANDOFFS_ROOM, userRoom, type Change } from '../../lib/events';
import { HANDOFF_STATUSES, type HandoffListItem, type HandoffStatus } from '../../lib/handoff-types';
import { apiError } from '../auth/api';
import { useMe } from '../auth/me';
import { absolute, ago } from '../boards/look';
import { ErrorNote } from '../boards/ui';
import { useFeed } from '../realtime/connection';
import { useNow } from '../ui/use-now';
import { handoffsApi, type HandoffBox } from './api';
import { handoffStatusLook, inView, isFromMe, isOpenHandoff, isToMe, recipientTag, recipientText, timeLeft } from './look';

const TABS: { box: HandoffBox; label: string }[] = [
  { box: 'inbox', label: 'To me' },
  { box: 'sent', label: 'From me' },
  { box: 'all', label: 'All' },
];
const FILTERS: (HandoffStatus | 'any')[] = ['any', ...HANDOFF_STATUSES];

const byNewest = (a: HandoffListItem, b: HandoffListItem) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id.localeCompare(a.id);

function emptyText(box: HandoffBox, status: HandoffStatus | null): { title: string; body: string } {
  if (status) return { title: `No ${handoffStatusLook[status].label.toLowerCase()} handoffs`, body: 'Try another status, or all of them.' };
  if (box === 'inbox')
    return { title: 'Nothing handed to you', body: 'When a teammate or an agent hands you a session, it appears here at once, with a notification.' };
  if (box === 'sent')
    return {
      title: 'You have not handed anything off',
      body: 'Open a session board and choose “Hand off” to pass it, with its context, to the next person or agent.',
    };
  return { title: 'No handoffs yet', body: 'Handoffs made from boards, agents (MCP session_handoff) or the CLI show up here.' };
}

export function HandoffRow({ h, now, myId }: { h: HandoffListItem; now: number; myId: string | null }) {
  const look = handoffStatusLook[h.status];
  const open = isOpenHandoff(h.status);
  const left = Date.parse(h.expiresAt) - now;
  const soon = open && left < 6 * 3600_000;
  return (
    <li
      data-testid="handoff-row"
      data-handoff={h.id}
      data-status={h.status}
      className="relative rounded-xl border border-slate-200 bg-white p-4 shadow-sm shadow-slate-900/[0.03] hover:border-violet-300 focus-within:ring-2 focus-within:ring-accent-500 dark:border-slate-800 dark:bg-slate-900/40 dark:hover:border-violet-700"
    >
      <div className="flex flex-wrap items-start gap-x-3 gap-y-1.5">
        <span
          className={`inline-flex shrink-0 items-center rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 ${look.chip}`}
          data-testid="handoff-row-status"
        >
          {look.label}
        </span>
        <h2 className="min-w-0 flex-1 basis-48 text-base font-semibold leading-snug">
          {/* The whole card is the link (its ::after covers the card); the title names it. */}
          <Link href={`/handoffs/${encodeURIComponent(h.id)}`} className="break-words after:absolute after:inset-0 after:rounded-xl focus:outline-none">
            {h.sessionTitle}
          </Link>
        </h2>
        {h.handoffType && (
          <span className="shrink-0 rounded-md bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600 dark:bg-slate-800 dark:text-slate-300">
            {h.handoffType}
          </span>
        )}
      </div>
      <p className="mt-1.5 flex flex-wrap items-center gap-x-1.5 text-sm text-slate-700 dark:text-slate-200">
        <span className="font-medium">{isFromMe(h, myId) ? 'You' : h.from.label}</span>
        <span aria-label="to" className="text-slate-400">
          →
        </span>
        <span className="font-medium">{h.to.kind === 'user' && myId && h.to.userId === myId ? 'you' : recipientText(h.to)}</span>
        {recipientTag[h.to.kind] && (
          <span className="rounded bg-sky-100 px-1.5 text-[11px] font-semibold text-sky-800 dark:bg-sky-950 dark:text-sky-300">{recipientTag[h.to.kind]}</span>
        )}
      </p>
      <p className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-500 dark:text-slate-400">
        <span>
          sent{' '}
          <time dateTime={h.createdAt} title={absolute(h.createdAt)}>
            {ago(h.createdAt, now)}
          </time>
        </span>
        {open ? (
          <span data-testid="handoff-expiry" className={soon ? 'font-semibold text-amber-700 dark:text-amber-400' : ''}>
            <time dateTime={h.expiresAt} title={absolute(h.expiresAt)}>
              {left > 0 ? `expires in ${timeLeft(h.expiresAt, now)}` : 'expiring now'}
            </time>
          </span>
        ) : (
          h.decidedAt && (
            <span>
              {look.label.toLowerCase()}{' '}
              <time dateTime={h.decidedAt} title={absolute(h.decidedAt)}>
                {ago(h.decidedAt, now)}
              </time>
              {h.decidedBy && ` by ${h.decidedBy}`}
            </span>
          )
        )}
        {h.checklistTotal > 0 && (
          <span>
            checklist{' '}
            <span className="tabular-nums">
              {h.checklistDone}/{h.checklistTotal}
            </span>
          </span>
        )}
        {h.comments > 0 && (
          <span>
            <span className="tabular-nums">{h.comments}</span> {h.comments === 1 ? 'comment' : 'comments'}
          </span>
        )}
        {h.continuationId && (
          <span>
            continued in <code className="font-mono">{h.continuationId}</code>
          </span>
        )}
      </p>
      {h.reason && (h.status === 'declined' || h.status === 'changes-requested') && (
        <p data-testid="handoff-reason" className="mt-2 border-l-2 border-slate-300 pl-2 text-sm text-slate-600 dark:border-slate-600 dark:text-slate-300">
          {h.status === 'declined' ? 'Declined because: ' : 'Changes asked for: '}
          <span className="italic">“{h.reason}”</span>
        </p>
      )}
    </li>
  );
}

/**
 * The handoff inbox: to me, from me or all, filtered by status; a snapshot over REST, then live
 * from my user room (or every handoff for "All"), each change carrying the whole list row.
 */
export function HandoffInbox() {
  const { me } = useMe();
  const myId = me?.id ?? null;
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const box = TABS.find((t) => t.box === params.get('box'))?.box ?? 'inbox';
  const statusParam = params.get('status');
  const status = (HANDOFF_STATUSES as readonly string[]).includes(statusParam ?? '') ? (statusParam as HandoffStatus) : null;
  const now = useNow(30_000);
  const [items, setItems] = useState<HandoffListItem[] | null>(null);
  const [seq, setSeq] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);

  const navigate = (next: { box?: HandoffBox; status?: HandoffStatus | null }) => {
    const qs = new URLSearchParams(params);
    const b = next.box ?? box;
    const s = next.status === undefined ? status : next.status;
    if (b === 'inbox') qs.delete('box');
    else qs.set('box', b);
    if (s) qs.set('status', s);
    else qs.delete('status');
    router.replace(`${pathname}${qs.size ? `?${qs}` : ''}`, { scroll: false });
  };

  const load = useCallback(async () => {
    const res = await handoffsApi.list({ box, status: status ?? undefined, limit: 200 });
    setItems(res.items.slice().sort(byNewest));
    setError(null);
    return res.seq;
  }, [box, status]);

  useEffect(() => {
    if (!myId) return;
    let live = true;
    setItems(null);
    setSeq(null);
    load()
      .then((s) => live && setSeq(s))
      .catch((e) => live && setError(apiError(e).message));
    return () => {
      live = false;
    };
  }, [load, myId]);

  // Team and agent handoffs go to the `handoffs` room only; mine to my user room as well.
  const rooms = useMemo(() => (myId ? [userRoom(myId), HANDOFFS_ROOM] : [HANDOFFS_ROOM]), [myId]);
  useFeed(
    rooms,
    seq,
    (changes: Change[]) => {
      const updates: HandoffListItem[] = [];
      for (const c of changes) {
        if (c.topic !== 'handoff' || !c.value) continue;
        try {
          updates.push(JSON.parse(c.value) as HandoffListItem);
        } catch {
          // skipped; a resync reloads the list
        }
      }
      if (!updates.length) return;
      setItems((cur) => {
        if (!cur) return cur;
        const map = new Map(cur.map((h) => [h.id, h]));
        for (const h of updates) {
          const was = map.get(h.id);
          if (was && was.version > h.version) continue;
          if (inView(h, box, status, myId)) map.set(h.id, h);
          else map.delete(h.id);
        }
        return [...map.values()].sort(byNewest);
      });
    },
    load,
  );

  const onTabKey = (e: KeyboardEvent, i: number) => {
    const dir = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!dir) return;
    e.preventDefault();
    const j = (i + dir + TABS.length) % TABS.length;
    tabRefs.current[j]?.focus();
    navigate({ box: TABS[j]!.box });
  };

  const openToMe = items?.filter((h) => isOpenHandoff(h.status) && isToMe(h, myId) && !isFromMe(h, myId)).length ?? 0;
  const empty = emptyText(box, status);

  return (
    <div className="mx-auto max-w-5xl px-4 py-6 sm:px-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">Handoffs</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Sessions passed, with their context, between teammates and agents.</p>
        </div>
      </div>

      <div role="tablist" aria-label="Which handoffs" className="mt-5 flex gap-1 border-b border-slate-200 dark:border-slate-800">
        {TABS.map((t, i) => {
          const selected = t.box === box;
          return (
            <button
              key={t.box}
              ref={(el) => {
                tabRefs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={`tab-${t.box}`}
              aria-selected={selected}
              aria-controls="handoff-list"
              tabIndex={selected ? 0 : -1}
              onKeyDown={(e) => onTabKey(e, i)}
              onClick={() => navigate({ box: t.box })}
              className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-accent-500 ${selected ? 'border-accent-600 text-slate-900 dark:border-accent-500 dark:text-white' : 'border-transparent text-slate-500 hover:text-slate-800 dark:text-slate-400 dark:hover:text-slate-200'}`}
            >
              {t.label}
              {t.box === 'inbox' && box === 'inbox' && !status && openToMe > 0 && (
                <span className="ml-1.5 rounded-full bg-violet-600 px-1.5 py-0.5 text-[11px] font-bold tabular-nums text-white">{openToMe}</span>
              )}
            </button>
          );
        })}
      </div>

      <div className="mt-3 flex flex-wrap items-center gap-1.5" role="group" aria-label="Filter by status">
        {FILTERS.map((s) => {
          const on = (s === 'any' ? null : s) === status;
          return (
            <button
              key={s}
              type="button"
              aria-pressed={on}
              data-filter={s}
              onClick={() => navigate({ status: s === 'any' ? null : s })}
              className={`rounded-full px-3 py-1 text-xs font-medium ring-1 focus-visible:outline-2 focus-visible:outline-accent-500 ${on ? 'bg-slate-900 text-white ring-slate-900 dark:bg-white dark:text-slate-900 dark:ring-white' : 'bg-white text-slate-600 ring-slate-300 hover:bg-slate-50 dark:bg-slate-900 dark:text-slate-300 dark:ring-slate-700 dark:hover:bg-slate-800'}`}
            >
              {s === 'any' ? 'Any status' : handoffStatusLook[s].label}
            </button>
          );
        })}
      </div>

      <section id="handoff-list" role="tabpanel" aria-labelledby={`tab-${box}`} className="mt-4">
        {error && !items && <ErrorNote message={`Could not load handoffs: ${error}`} />}
        {!items && !error && (
          <ul aria-busy="true" aria-label="Loading handoffs" className="space-y-3">
            {[0, 1, 2].map((i) => (
              <li key={i} className="h-24 animate-pulse rounded-xl border border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-900/40" />
            ))}
          </ul>
        )}
        {items && items.length === 0 && (
          <div data-testid="handoffs-empty" className="rounded-xl border border-dashed border-slate-300 px-6 py-12 text-center dark:border-slate-700">
            <p className="text-base font-semibold">{empty.title}</p>
            <p className="mx-auto mt-1 max-w-md text-sm text-slate-500 dark:text-slate-400">{empty.body}</p>
          </div>
        )}
        {items && items.length > 0 && (
          <ul data-testid="handoff-list" className="space-y-3">
            {items.map((h) => (
              <HandoffRow key={h.id} h={h} now={now} myId={myId} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
