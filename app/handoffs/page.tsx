import type { Metadata } from 'next';
import { Suspense } from 'react';
import { HandoffInbox } from '../../components/handoffs/inbox';

export const metadata: Metadata = { title: 'Handoffs' };

export default function HandoffsPage() {
  return (
    <Suspense fallback={<p className="p-6 text-slate-500">Loading…</p>}>
      <HandoffInbox />
    </Suspense>
  );
}
