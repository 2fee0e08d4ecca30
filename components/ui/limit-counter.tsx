/** How near a text is to its limit: the counter shows from this share of the limit on. */
const NEAR = 0.8;

/**
 * "57 / 60" under an input once its text nears the limit (the input's `maxlength` stops it there),
 * so the limit is never a surprise and never a refusal after the fact.
 */
export function LimitCounter({ value, max, id }: { value: string; max: number | undefined; id?: string }) {
  if (!max || value.length < Math.floor(max * NEAR)) return null;
  const full = value.length >= max;
  return (
    <span
      id={id}
      data-testid="limit-counter"
      aria-live="polite"
      className={`mt-0.5 block text-right text-xs tabular-nums ${full ? 'font-semibold text-rose-600 dark:text-rose-400' : 'text-slate-500 dark:text-slate-400'}`}
    >
      {value.length} / {max}
      <span className="sr-only"> characters{full ? ', the most this field takes' : ''}</span>
    </span>
  );
}
