'use client';

import type { SessionBoard } from '../../lib/session-types';
import { sessionsApi } from './api';
import { useAction } from './use-action';

/**
 * An archived session (SESSION_ARCHIVE_DAYS without activity): it is off the dashboard list, and
 * one click brings it back (POST /api/v1/sessions/:id/unarchive).
 */
export function ArchivedBanner({ board, canEdit, onBoard }: { board: SessionBoard; canEdit: boolean; onBoard: (b: SessionBoard) => void }) {
  const { pending, error, run } = useAction();
  const archivedAt = typeof board.details.archivedAt === 'string' ? board.details.archivedAt : null;
  if (!archivedAt) return null;
  const restore = async () => {
    const next = await run('unarchive', () => sessionsApi.unarchive(board.id));
    if (next) onBoard(next);
  };
  return (
    <section
      role="status"
      data-testid="archived-banner"
      className="flex flex-wrap items-center gap-3 rounded-md border border-slate-300 bg-slate-50 px-3 py-2 text-sm text-slate-700 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200"
    >
      <span className="min-w-0 flex-1">
        Archived on {new Date(archivedAt).toLocaleDateString()} after a long time without activity: it is left off the sessions list, but everything is kept.
      </span>
      {canEdit && (
        <button
          type="button"
          onClick={() => void restore()}
          disabled={pending.has('unarchive')}
          className="rounded-md border border-slate-300 bg-white px-3 py-1 font-medium hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:bg-slate-800 dark:hover:bg-slate-700"
        >
          {pending.has('unarchive') ? 'Restoring…' : 'Restore to the list'}
        </button>
      )}
      {error && (
        <p role="alert" className="w-full text-rose-700 dark:text-rose-300">
          {error}
        </p>
      )}
    </section>
  );
}
