import type { Metadata } from 'next';
import { PresentView } from '../../../components/present/present-view';

export const metadata: Metadata = { title: 'Meeting', robots: { index: false } };

function decode(id: string): string {
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

/**
 * Meeting mode: the shared screen of a session. Signed in, or with a read-only share link
 * (`?share=…`, let through by the page guard in server/http/pages.ts) that follows without controls.
 */
export default async function PresentPage({
  params,
  searchParams,
}: {
  params: Promise<{ sessionId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { sessionId } = await params;
  const q = await searchParams;
  const share = typeof q.share === 'string' && q.share ? q.share : null;
  const id = decode(sessionId);
  return <PresentView key={`${id}|${share ?? ''}`} id={id} share={share} />;
}
