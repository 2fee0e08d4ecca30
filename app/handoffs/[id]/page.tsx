import type { Metadata } from 'next';
import { HandoffReview } from '../../../components/handoffs/review';

export const metadata: Metadata = { title: 'Handoff' };

function decode(id: string): string {
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

export default async function HandoffPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const handoffId = decode(id);
  // Keyed by id: moving to another handoff starts fresh (snapshot, feed).
  return <HandoffReview key={handoffId} id={handoffId} />;
}
