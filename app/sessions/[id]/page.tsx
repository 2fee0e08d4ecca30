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

export default async function SessionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const sessionId = decode(id);
  // Keyed by id: following a continuation link starts a fresh board (snapshot, feed, presence).
  return <SessionBoard key={sessionId} id={sessionId} />;
}
