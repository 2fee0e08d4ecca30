import type { Metadata } from 'next';
import { Suspense } from 'react';
import { SessionsIndex } from '../../components/boards/sessions-index';

export const metadata: Metadata = { title: 'Sessions' };

export default function SessionsPage() {
  return (
    <Suspense fallback={<p className="p-6 text-slate-500">Loading…</p>}>
      <SessionsIndex />
    </Suspense>
  );
}
