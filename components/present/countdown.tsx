'use client';

import { useEffect, useState } from 'react';
import { timerElapsed, type MeetingTimer } from '../../lib/meeting';

/** 754000 → "12:34"; an hour or more → "1:02:03". */
export function clock(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** Re-renders several times a second while `running` (so every screen flips the second together). */
function useTicking(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(t);
  }, [running]);
  return now;
}

/**
 * The agenda item's countdown: the timebox minus the time spent, from the server's `startedAt` and
 * `elapsedMs` and our estimate of the server's clock, so every screen shows the same second.
 * Past the timebox it counts up in red ("+1:20 over").
 */
export function Countdown({
  timer,
  timeboxMinutes,
  offset,
  live,
  spentMs,
}: {
  timer: MeetingTimer;
  timeboxMinutes: number;
  offset: number;
  live: boolean;
  spentMs: number;
}) {
  const running = live && timer.startedAt !== null;
  const now = useTicking(running);
  const elapsed = live ? timerElapsed(timer, now + offset) : spentMs;
  const box = timeboxMinutes * 60_000;
  const remaining = box - elapsed;
  const over = remaining < 0;
  const pct = Math.min(100, (elapsed / box) * 100);
  const state = running ? 'running' : elapsed > 0 ? 'paused' : 'ready';
  return (
    <div
      role="timer"
      aria-label={`${timeboxMinutes} minute timebox, ${over ? `${clock(-remaining)} over` : `${clock(remaining)} left`}, ${state === 'running' ? 'running' : state}`}
      data-testid="timer"
      data-running={running}
      data-remaining-ms={Math.round(remaining)}
      data-elapsed-ms={Math.round(elapsed)}
      data-over={over}
    >
      <div className="flex flex-wrap items-end gap-x-6 gap-y-1">
        <p
          className={`text-7xl font-bold leading-none tabular-nums tracking-tight sm:text-8xl 2xl:text-[10rem] ${over ? 'text-rose-600 dark:text-rose-400' : running ? 'text-slate-900 dark:text-white' : 'text-slate-500 dark:text-slate-400'}`}
          aria-hidden
        >
          {over ? `+${clock(-remaining)}` : clock(remaining)}
        </p>
        <p className="pb-2 text-lg font-medium text-slate-600 2xl:pb-5 2xl:text-[28px] dark:text-slate-300">
          {over ? <span className="font-semibold text-rose-600 dark:text-rose-400">over time</span> : 'left'}
          <span className="text-slate-400 dark:text-slate-500"> · {timeboxMinutes} min timebox · </span>
          <span data-testid="timer-state" className={running ? 'text-emerald-600 dark:text-emerald-400' : ''}>
            {state === 'running' ? '● running' : state === 'paused' ? 'paused' : 'not started'}
          </span>
        </p>
      </div>
      <div
        role="progressbar"
        aria-label="Time spent of the timebox"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(pct)}
        className="mt-4 h-3 overflow-hidden rounded-full bg-slate-200 2xl:h-4 dark:bg-slate-800"
      >
        <div
          className={`h-full rounded-full transition-[width] duration-300 ${over ? 'bg-rose-500' : pct > 80 ? 'bg-amber-500' : 'bg-accent-500'}`}
          style={{ width: `${over ? 100 : pct}%` }}
        />
      </div>
    </div>
  );
}
