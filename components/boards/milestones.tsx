'use client';

import { useEffect, useRef, useState } from 'react';
import type { SessionBoard } from '../../lib/session-types';

interface Milestone {
  id: number;
  kind: 'goal' | 'blocker' | 'resolved' | 'decision';
  text: string;
}

/** What changed between two versions of a board that deserves a notice: goals done, blockers raised or resolved, decisions. */
export function milestonesBetween(before: SessionBoard, after: SessionBoard): Omit<Milestone, 'id'>[] {
  const out: Omit<Milestone, 'id'>[] = [];
  const wasDone = new Map(before.goals.map((g) => [g.id, g.done]));
  for (const g of after.goals) if (g.done && wasDone.get(g.id) === false) out.push({ kind: 'goal', text: g.text });
  const blockers = new Map(before.blockers.map((b) => [b.id, b]));
  for (const b of after.blockers) {
    const was = blockers.get(b.id);
    if (!was && !b.resolvedAt) out.push({ kind: 'blocker', text: b.description });
    else if (was && !was.resolvedAt && b.resolvedAt) out.push({ kind: 'resolved', text: b.description });
  }
  const decisions = new Set(before.decisions.map((d) => d.id));
  for (const d of after.decisions) if (!decisions.has(d.id)) out.push({ kind: 'decision', text: `${d.topic}: ${d.decision}` });
  return out;
}

const LOOK: Record<Milestone['kind'], { icon: string; label: string; tone: string }> = {
  goal: { icon: '✓', label: 'Goal done', tone: 'border-emerald-400 bg-emerald-50 text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100' },
  blocker: { icon: '!', label: 'Blocker raised', tone: 'border-rose-400 bg-rose-50 text-rose-900 dark:border-rose-700 dark:bg-rose-950 dark:text-rose-100' },
  resolved: { icon: '✓', label: 'Blocker resolved', tone: 'border-sky-400 bg-sky-50 text-sky-900 dark:border-sky-700 dark:bg-sky-950 dark:text-sky-100' },
  decision: { icon: '◆', label: 'Decision', tone: 'border-violet-400 bg-violet-50 text-violet-900 dark:border-violet-700 dark:bg-violet-950 dark:text-violet-100' },
};

/**
 * Milestone notices on a live board: when a goal is ticked, a blocker raised or resolved, or a
 * decision recorded — by anyone, an agent's hook included — everyone watching sees it for a few seconds.
 */
export function Milestones({ board }: { board: SessionBoard }) {
  const previous = useRef<SessionBoard | null>(null);
  const next = useRef(1);
  const [items, setItems] = useState<Milestone[]>([]);

  useEffect(() => {
    const before = previous.current;
    previous.current = board;
    if (!before || before.id !== board.id || board.version <= before.version) return;
    const found = milestonesBetween(before, board).map((m) => ({ ...m, id: next.current++ }));
    if (found.length === 0) return;
    setItems((cur) => [...cur, ...found].slice(-4));
    const ids = new Set(found.map((m) => m.id));
    // Not cleared on the next board: a busy board must not keep notices up forever.
    setTimeout(() => setItems((cur) => cur.filter((m) => !ids.has(m.id))), 8000);
  }, [board]);

  return (
    <div role="status" aria-live="polite" className="pointer-events-none fixed bottom-4 left-4 z-40 flex max-w-sm flex-col gap-2" data-testid="milestones">
      {items.map((m) => (
        <div key={m.id} className={`pointer-events-auto flex items-start gap-2 rounded-lg border px-3 py-2 text-sm shadow-lg ${LOOK[m.kind].tone}`} data-milestone={m.kind}>
          <span aria-hidden className="font-bold">
            {LOOK[m.kind].icon}
          </span>
          <p className="min-w-0">
            <span className="font-semibold">{LOOK[m.kind].label}:</span> <span className="break-words">{m.text}</span>
          </p>
          <button type="button" onClick={() => setItems((cur) => cur.filter((x) => x.id !== m.id))} className="ml-auto rounded px-1 text-xs opacity-70 hover:opacity-100" aria-label="Dismiss">
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
