'use client';

import { diffLines } from 'diff';
import { parseValue } from '../../lib/memory-schema';

/** Pretty-prints JSON values so a diff shows changed fields, not one changed line. */
export function prettyValue(raw: string | null): string {
  if (raw === null) return '';
  const { value, isJson } = parseValue(raw);
  return isJson ? JSON.stringify(value, null, 2) : raw;
}

export function ValueDiff({ before, after }: { before: string | null; after: string | null }) {
  const parts = diffLines(prettyValue(before), prettyValue(after));
  const changed = parts.some((p) => p.added || p.removed);
  if (!changed) return <p className="text-sm text-slate-500">No difference in value.</p>;
  return (
    <pre
      className="max-h-80 overflow-auto rounded-lg border border-slate-200 font-mono text-xs leading-relaxed dark:border-slate-800"
      data-testid="history-diff"
    >
      {parts.map((part, i) =>
        part.value
          .replace(/\n$/, '')
          .split('\n')
          .map((line, j) => (
            <div
              key={`${i}-${j}`}
              className={
                part.added
                  ? 'bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200'
                  : part.removed
                    ? 'bg-rose-50 text-rose-900 dark:bg-rose-950 dark:text-rose-200'
                    : 'text-slate-600 dark:text-slate-400'
              }
            >
              <span aria-hidden className="inline-block w-5 select-none pl-1 text-slate-400">
                {part.added ? '+' : part.removed ? '−' : ' '}
              </span>
              <span className="sr-only">{part.added ? 'added: ' : part.removed ? 'removed: ' : ''}</span>
              {line}
            </div>
          )),
      )}
    </pre>
  );
}
