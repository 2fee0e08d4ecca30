'use client';

import { useEffect, useRef, useState } from 'react';
import Link from 'next/link';
import { addNotices, describeGroup, isOwnChange, liveNotices, NOTICE_MS, type NoticeGroup } from '../../lib/notices';
import type { SessionBoard } from '../../lib/session-types';
import { boardNoticeMode, useNotifyPrefs } from '../notify/prefs';
import type { BoardWriter } from './use-live-board';

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

const LOOK: Record<Milestone['kind'], { icon: string; tone: string }> = {
  goal: { icon: '✓', tone: 'border-emerald-400 bg-emerald-50 text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100' },
  blocker: { icon: '!', tone: 'border-rose-400 bg-rose-50 text-rose-900 dark:border-rose-700 dark:bg-rose-950 dark:text-rose-100' },
  resolved: { icon: '✓', tone: 'border-sky-400 bg-sky-50 text-sky-900 dark:border-sky-700 dark:bg-sky-950 dark:text-sky-100' },
  decision: { icon: '◆', tone: 'border-violet-400 bg-violet-50 text-violet-900 dark:border-violet-700 dark:bg-violet-950 dark:text-violet-100' },
};

/**
 * Milestone notices on a live board: when someone else ticks a goal, raises or resolves a blocker,
 * or records a decision — an agent's hook included — everyone else watching sees it for a few
 * seconds. Never your own changes (by account id: `self` is my account id); one notice per writer
 * while they keep writing ("claude: 12 updates"); shown in the page's flow above the board, so they
 * never cover a card. Whether they pop up follows Settings → Notifications ("Board changes by
 * others", quiet mode); a board may override it in this browser. The activity list always records.
 */
export function Milestones({ board, writerOf, self }: { board: SessionBoard; writerOf?: (version: number) => BoardWriter | null; self?: string | null }) {
  const previous = useRef<SessionBoard | null>(null);
  const next = useRef(1);
  const [groups, setGroups] = useState<NoticeGroup[]>([]);
  const [now, setNow] = useState(() => Date.now());
  // The person's setting (server-stored) is the default; each board may override it in this browser.
  const [prefs, , prefsReady] = useNotifyPrefs();
  const [override, setOverride] = useNoticeOverride(board.id);
  const mode = boardNoticeMode(prefs, override);
  const [activity, setActivity] = useState<{ id: number; at: number; writer: string; kind: Milestone['kind']; text: string }[]>([]);

  useEffect(() => {
    const before = previous.current;
    previous.current = board;
    if (!before || before.id !== board.id || board.version <= before.version) return;
    const by = writerOf?.(board.version) ?? null;
    if (isOwnChange(by?.id ?? null, self ?? null)) return;
    const writer = by?.label ?? null;
    const found = milestonesBetween(before, board);
    if (found.length === 0) return;
    const at = Date.now();
    setNow(at);
    setActivity((cur) => [...found.map((m) => ({ ...m, id: next.current++, at, writer: writer ?? 'someone' })).reverse(), ...cur].slice(0, ACTIVITY_KEEP));
    // Until the person's settings are read, nothing pops up (they may have turned pop-ups off).
    if (modeRef.current === 'popups' && readyRef.current) setGroups((cur) => addNotices(liveNotices(cur, at), writer ?? '', found, at, () => next.current++));
  }, [board]); // eslint-disable-line react-hooks/exhaustive-deps
  const modeRef = useRef(mode);
  modeRef.current = mode;
  const readyRef = useRef(prefsReady);
  readyRef.current = prefsReady;
  useEffect(() => {
    if (mode === 'list') setGroups([]);
  }, [mode]);

  // Expire notices: a busy board must not keep them up forever.
  const shown = liveNotices(groups, now);
  useEffect(() => {
    if (shown.length === 0) return;
    const due = Math.min(...shown.map((g) => g.lastAt + NOTICE_MS)) - Date.now();
    const t = setTimeout(() => setNow(Date.now()), Math.max(50, due));
    return () => clearTimeout(t);
  }, [shown]);

  return (
    <>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-500 dark:text-slate-400" data-testid="notice-settings">
        <label className="inline-flex items-center gap-1">
          Others&apos; changes on this board:
          <select
            value={override ?? 'default'}
            onChange={(e) => setOverride(e.target.value === 'list' || e.target.value === 'popups' ? e.target.value : null)}
            className="rounded border border-slate-300 bg-transparent px-1 py-0.5 dark:border-slate-600"
            data-testid="notice-mode"
            data-effective={mode}
            aria-describedby={`notice-mode-note-${board.id}`}
          >
            <option value="default">as in my settings ({prefs.popups.boardChanges ? 'pop up' : 'activity list only'})</option>
            <option value="popups">pop up on this board</option>
            <option value="list">activity list only on this board</option>
          </select>
        </label>
        <span id={`notice-mode-note-${board.id}`} data-testid="notice-mode-note">
          {prefs.quiet ? (
            <>
              Quiet mode is on: nothing pops up (
              <Link href="/settings#notifications" className="underline">
                Settings → Notifications
              </Link>
              ).
            </>
          ) : override ? (
            <>
              This board overrides your{' '}
              <Link href="/settings#notifications" className="underline">
                notification settings
              </Link>{' '}
              in this browser.
            </>
          ) : null}
        </span>
        <details data-testid="board-activity">
          <summary className="cursor-pointer">Activity ({activity.length})</summary>
          {activity.length === 0 ? (
            <p className="mt-1">Nothing yet from others since you opened this board.</p>
          ) : (
            <ul className="mt-1 space-y-0.5">
              {activity.map((a) => (
                <li key={a.id} data-testid="activity-item" data-milestone={a.kind}>
                  <span className="font-medium">{a.writer}</span>: {LABEL[a.kind]} <span className="break-words">{a.text}</span>
                </li>
              ))}
            </ul>
          )}
        </details>
      </div>
      <div role="status" aria-live="polite" className={shown.length ? 'flex flex-col gap-2 sm:flex-row sm:flex-wrap' : 'contents'} data-testid="milestones">
        {shown.map((g) => {
          const { title, detail } = describeGroup(g);
          const kind = g.events[g.events.length - 1]!.kind;
          return (
            <div
              key={g.id}
              className={`flex min-w-0 items-start gap-2 rounded-lg border px-3 py-2 text-sm shadow-sm sm:max-w-md ${LOOK[kind].tone}`}
              data-milestone={kind}
              data-count={g.events.length}
              data-testid="milestone"
            >
              <span aria-hidden className="font-bold">
                {LOOK[kind].icon}
              </span>
              <p className="min-w-0 flex-1">
                <span className="font-semibold">{title}</span> <span className="break-words">{detail}</span>
              </p>
              <button
                type="button"
                onClick={() => setGroups((cur) => cur.filter((x) => x.id !== g.id))}
                className="ml-auto rounded px-1 text-xs opacity-70 hover:opacity-100"
                aria-label="Dismiss"
              >
                ✕
              </button>
            </div>
          );
        })}
      </div>
    </>
  );
}

const ACTIVITY_KEEP = 50;
const LABEL: Record<Milestone['kind'], string> = { goal: 'goal done', blocker: 'blocker raised', resolved: 'blocker resolved', decision: 'decision' };

type Override = 'popups' | 'list' | null;

/** This browser's override for one board: pop-ups, only the activity list, or none (null: as in my settings). */
function useNoticeOverride(boardId: string): [Override, (mode: Override) => void] {
  const key = `baton:notices:${boardId}`;
  const [mode, setModeState] = useState<Override>(null);
  useEffect(() => {
    try {
      const v = window.localStorage.getItem(key);
      setModeState(v === 'list' || v === 'popups' ? v : null);
    } catch {
      setModeState(null);
    }
  }, [key]);
  const setMode = (m: Override) => {
    setModeState(m);
    try {
      if (m) window.localStorage.setItem(key, m);
      else window.localStorage.removeItem(key);
    } catch {
      // storage refused (private mode): the choice lasts for this page only
    }
  };
  return [mode, setMode];
}
