import type { Metadata } from 'next';
import { Suspense } from 'react';
import { MemoryExplorer } from '../../components/memory/explorer';

export const metadata: Metadata = { title: 'Memory' };

export default function MemoryPage() {
  return (
    <Suspense fallback={<p className="p-6 text-slate-500">Loading…</p>}>
      <MemoryExplorer />
    </Suspense>
  );
}
