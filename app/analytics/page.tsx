import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AnalyticsView } from '../../components/analytics/analytics-page';

export const metadata: Metadata = { title: 'Analytics' };

export default function AnalyticsPage() {
  return (
    <Suspense fallback={<p className="p-6 text-slate-500">Loading…</p>}>
      <AnalyticsView />
    </Suspense>
  );
}
