import { formatDistanceStrict } from 'date-fns';

/**
 * "3 s ago" for something that happened: relative to a ticking `now`. Never "in 1 second": the
 * ticking `now` lags a change that arrived since, and the server's clock may run ahead of ours,
 * so a time after now reads "just now".
 */
export function relative(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (t > now || now - t < 1000) return 'just now';
  const d = formatDistanceStrict(t, now, { roundingMethod: 'floor' });
  return t < now ? `${d} ago` : `in ${d}`;
}

/** TTL left as h:mm:ss (or m:ss), never negative. */
export function countdown(expiresAt: string, now: number): string {
  const s = Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

/** The exact time, for a tooltip. */
export const exactTime = (iso: string) => new Date(iso).toLocaleString();
