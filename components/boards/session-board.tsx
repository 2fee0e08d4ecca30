'use client';

import Link from 'next/link';
import { useCallback, useEffect, useState, type FocusEvent } from 'react';
import { sessionRoom, type PresenceViewer } from '../../lib/events';
import { useMe } from '../auth/me';
import { Milestones } from './milestones';
import { UndoBar } from './undo';
import { usePresence } from '../realtime/use-presence';
import { useNow } from '../ui/use-now';
import { sessionsApi } from './api';
import { BoardHandoffs } from '../handoffs/board-handoffs';
import { BoardHeader } from './board-header';
import { Checkpoints } from './checkpoints';
import { RecoverPanel } from './recover-panel';
import { ArchivedBanner } from './archived-banner';
import { ShareEnded, shareEndOf, ShareProvider, useShareRevoked } from './share';
import { Agents, Blockers, Decisions, Details, Files, Goals, Metrics, NextSteps, Workstreams } from './sections';
import { typedBoard } from './typed-boards';
import { useLiveBoard } from './use-live-board';

function BoardSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading session" className="animate-pulse">
      <div className="border-b border-slate-200 bg-slate-50/70 dark:border-slate-800 dark:bg-slate-900/30">
        <div className="mx-auto max-w-[100rem] space-y-4 px-4 py-6 sm:px-6">
          <div className="h-3 w-40 rounded bg-slate-200 dark:bg-slate-800" />
          <div className="h-8 w-96 max-w-full rounded bg-slate-200 dark:bg-slate-800" />
          <div className="h-4 w-2/3 rounded bg-slate-200 dark:bg-slate-800" />
        </div>
      </div>
      <div className="mx-auto grid max-w-[100rem] gap-4 p-4 sm:p-6 lg:grid-cols-2 xl:grid-cols-3">
        {[0, 1, 2, 3, 4, 5].map((i) => (
          <div key={i} className="h-48 rounded-xl border border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-900/40" />
        ))}
      </div>
      <p className="sr-only">Loading session…</p>
    </div>
  );
}

/**
 * The live board of one session: a snapshot over REST, then every change to `session:<id>` from
 * the feed (each carries the whole board). Members edit in place; viewers only follow.
 */
export function SessionBoard({ id, share = null }: { id: string; share?: string | null }) {
  const { me, role: signedInRole } = useMe();
  // A share link is read-only whoever opens it: the link, not a sign-in, decides what this screen may do.
  const role = share ? null : signedInRole;
  const canEdit = role === 'admin' || role === 'member';
  const now = useNow(30_000);
  const [viewers, setViewers] = useState<PresenceViewer[]>([]);
  const room = sessionRoom(id);
  const fetchBoard = useCallback(() => sessionsApi.board(id, share), [id, share]);
  const { board, apply, failure, attempt, writerOf } = useLiveBoard(id, fetchBoard);
  const revoked = useShareRevoked(share, fetchBoard);

  // Presence: say we are here (again after every reconnect), listen for who else is, leave on unmount.
  const setFocus = usePresence(room, (state) => {
    if (state.room === room) setViewers(state.viewers);
  });

  // What we are looking at: the section holding the focus (shown to others in the viewers' list).
  const onFocus = (e: FocusEvent<HTMLDivElement>) => {
    setFocus((e.target as HTMLElement).closest('[data-section]')?.getAttribute('data-section') ?? null);
  };

  useEffect(() => {
    if (board) document.title = `${board.title} · Baton`;
  }, [board?.title]); // eslint-disable-line react-hooks/exhaustive-deps

  const ended = revoked ? 'revoked' : board ? null : shareEndOf(share, failure);
  if (ended) return <ShareEnded kind={ended} sessionId={id} />;
  if (failure && !board) {
    const missing = failure.status === 404;
    return (
      <div className="mx-auto max-w-2xl px-4 py-16 text-center" data-testid="board-error">
        <h1 className="text-2xl font-semibold">{missing ? 'No such session' : 'Could not load this session'}</h1>
        <p role="alert" className="mt-2 text-slate-600 dark:text-slate-400">
          {missing ? (
            <>
              There is no session <code className="font-mono text-sm">{id}</code>. It may have been mistyped, or never stored.
            </>
          ) : (
            failure.message
          )}
        </p>
        <div className="mt-6 flex justify-center gap-3">
          {!missing && (
            <button type="button" onClick={attempt} className="rounded-md bg-accent-600 px-4 py-2 text-sm font-semibold text-white hover:bg-accent-500">
              Try again
            </button>
          )}
          {!share && (
            <>
              <Link
                href="/"
                className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900"
              >
                Back home
              </Link>
              <Link
                href="/sessions"
                className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900"
              >
                All sessions
              </Link>
            </>
          )}
        </div>
      </div>
    );
  }
  if (!board) return <BoardSkeleton />;

  const props = { board, now, canEdit, onBoard: apply };
  // Recovery is for the people who can resume the work; a shared screen only watches.
  const needsRecovery = !share && (board.status === 'interrupted' || board.status === 'paused');
  // Coordination, review and planning sessions get their own board; development keeps the grid below.
  const Typed = typedBoard(board);

  return (
    <ShareProvider share={share}>
      <div onFocus={onFocus} data-testid="session-board" data-session={board.id} data-version={board.version} data-shared={!!share}>
        <BoardHeader
          board={board}
          now={now}
          viewers={viewers}
          myId={share ? null : me ? `user:${me.id}` : null}
          canEdit={canEdit}
          readOnly={role === 'viewer'}
          share={share}
          onBoard={apply}
        />
        <div className="mx-auto max-w-[100rem] space-y-4 px-4 py-5 sm:px-6">
          {failure && (
            <p
              role="alert"
              className="rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200"
            >
              Could not refresh the board: {failure.message}
            </p>
          )}
          {/* Handoffs are for accounts (a share link may not read them); their links would ask a shared screen to sign in. */}
          {!share && <BoardHandoffs board={board} now={now} />}
          <Milestones board={board} writerOf={writerOf} self={!share && me ? me.id : null} />
          <UndoBar />
          {!share && <ArchivedBanner board={board} canEdit={canEdit} onBoard={apply} />}
          {needsRecovery && <RecoverPanel board={board} now={now} canEdit={canEdit} onBoard={apply} />}
          {Typed ? (
            <>
              <Typed {...props} />
              <Checkpoints board={board} now={now} />
            </>
          ) : (
            <div className="grid items-start gap-4 lg:grid-cols-2 xl:grid-cols-3">
              <div className="flex min-w-0 flex-col gap-4">
                <Goals {...props} />
                <Workstreams {...props} />
                <NextSteps {...props} />
              </div>
              <div className="flex min-w-0 flex-col gap-4">
                <Blockers {...props} />
                <Decisions {...props} />
                <Agents {...props} />
              </div>
              <div className="grid min-w-0 gap-4 lg:col-span-2 lg:grid-cols-2 xl:col-span-1 xl:grid-cols-1">
                <Metrics {...props} />
                <Files {...props} />
                <Details {...props} />
              </div>
              <Checkpoints board={board} now={now} />
            </div>
          )}
        </div>
      </div>
    </ShareProvider>
  );
}
