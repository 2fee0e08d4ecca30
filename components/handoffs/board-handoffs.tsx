'use client';

import Link from 'next/link';
import { useRef, useState } from 'react';
import type { Handoff } from '../../lib/handoff-types';
import type { SessionBoard } from '../../lib/session-types';
import { absolute, ago } from '../boards/look';
import { btnCls } from '../boards/ui';
import { HandoffDialog } from './create-dialog';
import { handoffStatusLook, isOpenHandoff, timeLeft } from './look';

/** The board's "Hand off" button and its dialog (members; not while a handoff is already open). */
export function HandOffButton({ board }: { board: SessionBoard }) {
  const [open, setOpen] = useState(false);
  const [sent, setSent] = useState<Handoff | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const pending = board.handoffs.some((h) => isOpenHandoff(h.status));
  if (board.status === 'completed' || board.status === 'handed-off') return null;
  return (
    <>
      <button
        ref={button}
        type="button"
        data-testid="hand-off"
        className={`${btnCls} whitespace-nowrap border-violet-300 text-violet-800 hover:bg-violet-50 dark:border-violet-700 dark:text-violet-200 dark:hover:bg-violet-950`}
        disabled={pending}
        title={pending ? 'A handoff of this session is already waiting for review' : 'Pass this session, with its context, to a teammate or an agent'}
        onClick={() => setOpen(true)}
      >
        <span aria-hidden>⇄</span> Hand off
      </button>
      {sent && (
        <span role="status" className="text-sm text-violet-700 dark:text-violet-300">
          ✓ Sent —{' '}
          <Link href={`/handoffs/${encodeURIComponent(sent.id)}`} className="font-semibold underline">
            view handoff
          </Link>
        </span>
      )}
      <HandoffDialog
        open={open}
        board={board}
        onClose={() => {
          setOpen(false);
          button.current?.focus();
        }}
        onSaved={setSent}
      />
    </>
  );
}

/** On the board: the open handoff waiting for review (a banner), and earlier handoffs of this session. */
export function BoardHandoffs({ board, now }: { board: SessionBoard; now: number }) {
  if (board.handoffs.length === 0) return null;
  const open = board.handoffs.filter((h) => isOpenHandoff(h.status));
  const past = board.handoffs.filter((h) => !isOpenHandoff(h.status));
  return (
    <section aria-label="Handoffs of this session" data-testid="board-handoffs" className="space-y-2">
      {open.map((h) => (
        <div
          key={h.id}
          data-testid="board-handoff-banner"
          data-status={h.status}
          className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-xl border border-violet-300 bg-violet-50 px-4 py-3 dark:border-violet-800 dark:bg-violet-950/40"
        >
          <span aria-hidden className="text-lg text-violet-600 dark:text-violet-400">
            ⇄
          </span>
          <p className="min-w-0 flex-1 text-sm">
            <span className="font-semibold">{h.from}</span> handed this session to <span className="font-semibold">{h.to}</span>
            {' · '}
            <span className={h.status === 'changes-requested' ? 'font-semibold text-amber-800 dark:text-amber-300' : ''}>
              {handoffStatusLook[h.status].label.toLowerCase()}
            </span>
            <span className="text-slate-600 dark:text-slate-400">
              {' · '}sent{' '}
              <time dateTime={h.createdAt} title={absolute(h.createdAt)}>
                {ago(h.createdAt, now)}
              </time>
              , expires in {timeLeft(h.expiresAt, now)}
            </span>
          </p>
          {h.status === 'changes-requested' && h.reason && (
            <p
              data-testid="board-handoff-reason"
              className="basis-full border-l-2 border-amber-400 pl-2 text-sm text-slate-700 dark:border-amber-600 dark:text-slate-300"
            >
              Changes asked for: <span className="italic">“{h.reason}”</span>
            </p>
          )}
          <Link
            href={`/handoffs/${encodeURIComponent(h.id)}`}
            className="rounded-md bg-violet-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-violet-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-500"
          >
            Review handoff
          </Link>
        </div>
      ))}
      {past.length > 0 && (
        <details className="rounded-lg border border-slate-200 px-4 py-2 text-sm dark:border-slate-800" open={open.length === 0}>
          <summary className="cursor-pointer font-medium text-slate-700 dark:text-slate-200">
            Handoffs <span className="text-slate-500 dark:text-slate-400">({past.length})</span>
          </summary>
          <ul className="mt-2 space-y-1.5 pb-1">
            {past.map((h) => (
              <li key={h.id} data-testid="board-handoff" data-status={h.status} className="flex flex-wrap items-center gap-x-2 gap-y-0.5">
                <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ${handoffStatusLook[h.status].chip}`}>
                  {handoffStatusLook[h.status].label}
                </span>
                <Link href={`/handoffs/${encodeURIComponent(h.id)}`} className="font-medium text-accent-600 hover:underline dark:text-accent-500">
                  {h.from} → {h.to}
                </Link>
                <time dateTime={h.createdAt} title={absolute(h.createdAt)} className="text-xs text-slate-500 dark:text-slate-400">
                  {ago(h.createdAt, now)}
                </time>
                {h.continuationId && (
                  <span className="text-xs text-slate-500 dark:text-slate-400">
                    · continued in{' '}
                    <Link href={`/sessions/${encodeURIComponent(h.continuationId)}`} className="font-mono text-accent-600 hover:underline dark:text-accent-500">
                      {h.continuationId}
                    </Link>
                  </span>
                )}
                {h.status === 'declined' && h.reason && (
                  <p
                    data-testid="board-handoff-reason"
                    className="basis-full border-l-2 border-rose-300 pl-2 text-sm text-slate-700 dark:border-rose-700 dark:text-slate-300"
                  >
                    Declined because: <span className="italic">“{h.reason}”</span>
                  </p>
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
