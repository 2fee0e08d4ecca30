import { exactTime, relative } from './format';

/** A past time, relative ("3 min ago", "just now"), with the exact time on hover. */
export function TimeAgo({ at, now, className, prefix = '' }: { at: string; now: number; className?: string; prefix?: string }) {
  return (
    <time dateTime={at} title={exactTime(at)} className={className} data-testid="time-ago">
      {prefix}
      {relative(at, Math.max(now, Date.now()))}
    </time>
  );
}
