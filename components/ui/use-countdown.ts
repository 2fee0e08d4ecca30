'use client';

import { useEffect, useState } from 'react';

/**
 * Whole seconds left until `until` (epoch ms), re-rendered every second until then; 0 when `until`
 * is null or past. For "try again in N seconds" after a 429.
 */
export function useCountdown(until: number | null): number {
  const [, tick] = useState(0);
  useEffect(() => {
    if (!until) return;
    const t = setInterval(() => {
      tick((n) => n + 1);
      if (Date.now() >= until) clearInterval(t);
    }, 1000);
    return () => clearInterval(t);
  }, [until]);
  return until ? Math.max(0, Math.ceil((until - Date.now()) / 1000)) : 0;
}
