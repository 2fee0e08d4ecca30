'use client';

import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiRequestError } from '../auth/api';
import { useConnection } from '../realtime/connection';
import type { SnapshotFailure } from '../realtime/use-snapshot';

/**
 * The read-only share link a page was opened with (`?share=…`), or null when it was opened by a
 * signed-in person. A share viewer has no account: its reads carry the link's secret.
 */
const ShareContext = createContext<string | null>(null);

export function ShareProvider({ share, children }: { share: string | null; children: ReactNode }) {
  return <ShareContext.Provider value={share}>{children}</ShareContext.Provider>;
}

export function useShare(): string | null {
  return useContext(ShareContext);
}

/** `path` with the share link's secret added, when there is one. */
export function withShare(path: string, share: string | null): string {
  if (!share) return path;
  return `${path}${path.includes('?') ? '&' : '?'}share=${encodeURIComponent(share)}`;
}

/** The ways a share link stops opening its board. */
export type ShareEnd = 'revoked' | 'invalid' | 'other-session';

/** Why a share link's first load was refused: 403 is a live link for another session, 401 one that no longer opens. */
export function shareEndOf(share: string | null, failure: SnapshotFailure | null): ShareEnd | null {
  if (!share || !failure) return null;
  if (failure.status === 403) return 'other-session';
  if (failure.status === 401) return 'invalid';
  return null;
}

/**
 * A share screen learns that its link was revoked at once: the server closes the link's socket,
 * then `check` (a read with the link) tells a revoked link (401) from a dropped connection, which
 * connects again. Without this the screen kept its old content and said "Reconnecting…" forever.
 */
export function useShareRevoked(share: string | null, check: () => Promise<unknown>): boolean {
  const { closedByServer, reconnect } = useConnection();
  const [revoked, setRevoked] = useState(false);
  useEffect(() => {
    if (!share || !closedByServer) return;
    let live = true;
    check().then(
      () => live && reconnect(),
      (e: unknown) => {
        if (!live) return;
        if (e instanceof ApiRequestError && (e.status === 401 || e.status === 403)) setRevoked(true);
        else reconnect();
      },
    );
    return () => {
      live = false;
    };
  }, [share, closedByServer, check, reconnect]);
  return revoked;
}

const copy: Record<ShareEnd, { title: string; body: string }> = {
  revoked: {
    title: 'This link was revoked',
    body: 'The person who shared this board stopped sharing it, so this screen no longer shows it. Ask them for a new link if you still need it.',
  },
  invalid: {
    title: 'This link no longer opens the board',
    body: 'The share link has expired or was revoked. Ask the person who shared it for a new one.',
  },
  'other-session': {
    title: 'This link belongs to another session',
    body: 'A share link opens only the session it was made for, and this page is a different one. Open the link exactly as it was shared, or ask for a link to this session.',
  },
};

/** The page a share viewer sees once its link cannot show this board. */
export function ShareEnded({ kind, sessionId, fullScreen = false }: { kind: ShareEnd; sessionId: string; fullScreen?: boolean }) {
  const { title, body } = copy[kind];
  return (
    <div
      data-testid="share-ended"
      data-kind={kind}
      className={`flex items-center justify-center px-4 text-center ${fullScreen ? 'min-h-screen bg-white dark:bg-slate-950' : 'py-16'}`}
    >
      <div className="max-w-xl">
        <p aria-hidden className="mx-auto mb-4 flex h-12 w-12 items-center justify-center rounded-full bg-slate-100 text-2xl dark:bg-slate-800">
          {kind === 'other-session' ? '↗' : '⊘'}
        </p>
        <h1 className="text-2xl font-semibold sm:text-3xl">{title}</h1>
        <p role="alert" className="mt-3 text-base text-slate-600 dark:text-slate-300">
          {body}
        </p>
        <p className="mt-4 break-all text-sm text-slate-500 dark:text-slate-400">
          Session <code className="font-mono">{sessionId}</code>
        </p>
      </div>
    </div>
  );
}
