import type { TextSpan } from '../../lib/search-text';

/**
 * Text with the ranges a search matched wrapped in <mark>: plain React text nodes only (the text is
 * never parsed as HTML), readable in light and dark mode.
 */
export function Highlighted({ span, className }: { span: TextSpan; className?: string }) {
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const [start, end] of span.ranges) {
    if (start < at || end > span.text.length) continue; // overlapping or out of range: never trust blindly
    if (start > at) parts.push(span.text.slice(at, start));
    parts.push(
      <mark key={start} className="rounded-sm bg-amber-200 px-px text-slate-900 dark:bg-amber-400/30 dark:text-amber-100">
        {span.text.slice(start, end)}
      </mark>,
    );
    at = end;
  }
  if (at < span.text.length) parts.push(span.text.slice(at));
  return (
    <span className={className}>
      {span.cutStart && '…'}
      {parts}
      {span.cutEnd && '…'}
    </span>
  );
}
