import type { Metadata } from 'next';
import { SessionBoard } from '../../../components/boards/session-board';

export const metadata: Metadata = { title: 'Session' };

/** Route params arrive percent-encoded for some characters; a session id is used as typed. */
function decode(id: string): string {
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

/**
 * One session's board. Signed in, or with a read-only share link (`?share=…`, let through by the
 * page guard in server/http/pages.ts) that follows the board without controls.
 */
export default async function SessionPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  const q = await searchParams;
  const share = typeof q.share === 'string' && q.share ? q.share : null;
  const sessionId = decode(id);
  // Keyed by id: following a continuation link starts a fresh board (snapshot, feed, presence).
  return <SessionBoard key={`${sessionId}|${share ?? ''}`} id={sessionId} share={share} />;
}
