'use client';

import { useConnection, type ConnectionStatus } from './connection';

const look: Record<ConnectionStatus, { label: string; dot: string }> = {
  live: { label: 'Live', dot: 'bg-emerald-500' },
  'catching-up': { label: 'Catching up…', dot: 'bg-sky-500 animate-pulse' },
  connecting: { label: 'Connecting…', dot: 'bg-slate-400 animate-pulse' },
  reconnecting: { label: 'Reconnecting…', dot: 'bg-amber-500 animate-pulse' },
  offline: { label: 'Offline', dot: 'bg-rose-500' },
  closed: { label: 'Disconnected', dot: 'bg-slate-400' },
};

/** Tells whether what the page shows is current: live, catching up after a gap, or reconnecting. */
export function ConnectionIndicator() {
  const { status } = useConnection();
  const { label, dot } = look[status];
  return (
    <span
      role="status"
      aria-live="polite"
      data-testid="connection-status"
      data-status={status}
      title={label}
      className="inline-flex items-center gap-2 rounded-full border border-slate-200 px-2 py-1 text-xs font-medium text-slate-600 sm:px-3 dark:border-slate-700 dark:text-slate-300"
    >
      <span aria-hidden className={`h-2 w-2 rounded-full ${dot}`} />
      {/* On a phone the dot says it (the header has no room for the word); screen readers still hear it. */}
      <span className="sr-only sm:not-sr-only">{label}</span>
    </span>
  );
}
