'use client';

import Link from 'next/link';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { BoardItem } from '../../lib/board-items';
import { sessionRoom, type PresenceViewer } from '../../lib/events';
import { readMeeting, timerElapsed, type MeetingAction, type MeetingSection } from '../../lib/meeting';
import type { SessionBoard } from '../../lib/session-types';
import { apiError } from '../auth/api';
import { useMe } from '../auth/me';
import { agentDot, initials } from '../boards/look';
import { usePaletteCommands, type PaletteCommand } from '../palette/registry';
import { ConnectionIndicator } from '../realtime/connection-indicator';
import { usePresence } from '../realtime/use-presence';
import { ThemeToggle } from '../ui/theme-toggle';
import { ShareEnded, shareEndOf, useShareRevoked } from '../boards/share';
import { useLiveBoard } from '../boards/use-live-board';
import { meetingApi, useServerOffset } from './api';
import { Countdown } from './countdown';
import { ActionItemDialog, DecisionDialog, HelpDialog } from './dialogs';

type Agenda = BoardItem<'agenda'>;
type ActionItem = BoardItem<'action'>;
type DialogName = 'decision' | 'action' | 'help' | null;
type Restore = Extract<MeetingAction, { action: 'restore' }>;
type Notice = { kind: 'info' | 'error'; text: string; undo?: Restore };

const isTyping = (t: EventTarget | null) => {
  const el = t as HTMLElement | null;
  if (!el?.closest) return false;
  // Inside a dialog every key belongs to the dialog, whatever has the focus.
  if (el.closest('dialog, [role="dialog"], [role="alertdialog"]')) return true;
  return (
    !!el.closest('textarea, select, [contenteditable="true"]') ||
    (el instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(el.type))
  );
};
/** A dialog (ours, or the command palette) is open: page shortcuts wait. */
const dialogOpen = () => !!document.querySelector('dialog[open], [role="dialog"][data-state="open"]');

const btn =
  'inline-flex items-center justify-center gap-2 rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-accent-500 disabled:cursor-not-allowed disabled:opacity-50 2xl:px-4 2xl:text-lg dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800';
const primary =
  'inline-flex items-center justify-center gap-2 rounded-lg bg-accent-600 px-3 py-2 text-sm font-semibold text-white hover:bg-accent-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-500 disabled:opacity-50 2xl:px-4 2xl:text-lg';
const bigBtn =
  'inline-flex items-center justify-center gap-2 rounded-xl border border-slate-300 bg-white px-4 py-3 text-base font-semibold hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-accent-500 disabled:cursor-not-allowed disabled:opacity-40 2xl:px-6 2xl:text-2xl dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800';
const bigPrimary =
  'inline-flex items-center justify-center gap-2 rounded-xl bg-accent-600 px-4 py-3 text-base font-semibold text-white hover:bg-accent-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-500 disabled:cursor-not-allowed disabled:opacity-40 2xl:px-6 2xl:text-2xl';
/** The meeting screen is the whole page: the app's header (and its second connection badge) step aside. */
const HIDE_APP_HEADER = 'header:has(> nav[aria-label="Main"]) { display: none; }';
const Kbd = ({ children }: { children: ReactNode }) => (
  <kbd className="rounded border border-current/30 px-1.5 font-mono text-[0.7em] font-normal opacity-70">{children}</kbd>
);

/** A section of the meeting screen; the presenter can put it in the spotlight for everyone. */
function Panel({
  id,
  title,
  count,
  focus,
  canFocus,
  onFocus,
  children,
  className = '',
}: {
  id: MeetingSection;
  title: string;
  count?: number;
  focus: MeetingSection | null;
  canFocus: boolean;
  onFocus: (s: MeetingSection | null) => void;
  children: ReactNode;
  className?: string;
}) {
  const spot = focus === id;
  return (
    <section
      aria-labelledby={`m-${id}`}
      data-meeting-section={id}
      data-spotlight={spot}
      className={`min-w-0 rounded-2xl border bg-white p-4 transition-shadow sm:p-5 2xl:p-6 dark:bg-slate-900/60 ${spot ? 'border-accent-500 shadow-[0_0_0_4px] shadow-accent-500/40' : 'border-slate-200 dark:border-slate-800'} ${className}`}
    >
      <header className="mb-3 flex items-center gap-3 2xl:mb-4">
        <h2 id={`m-${id}`} className="text-sm font-bold uppercase tracking-wider text-slate-500 2xl:text-xl dark:text-slate-400">
          {title}
        </h2>
        {count !== undefined && (
          <span className="rounded-full bg-slate-100 px-2.5 py-0.5 text-sm font-bold tabular-nums text-slate-600 2xl:text-lg dark:bg-slate-800 dark:text-slate-300">
            {count}
          </span>
        )}
        {spot && <span className="rounded-full bg-accent-600 px-2.5 py-0.5 text-xs font-bold uppercase tracking-wide text-white 2xl:text-base">Spotlight</span>}
        {canFocus && (
          <button
            type="button"
            onClick={() => onFocus(spot ? null : id)}
            aria-pressed={spot}
            className="ml-auto rounded-md px-2 py-1 text-xs font-semibold text-slate-500 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-accent-500 2xl:text-base dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-white"
            title={spot ? 'Take the spotlight off' : 'Point everyone at this section'}
          >
            {spot ? 'Clear spotlight' : 'Spotlight'}
          </button>
        )}
      </header>
      {children}
    </section>
  );
}

const statusIcon: Record<Agenda['data']['status'], { icon: string; label: string; cls: string }> = {
  done: { icon: '✓', label: 'done', cls: 'bg-emerald-600 text-white' },
  active: { icon: '▶', label: 'in progress', cls: 'bg-accent-600 text-white' },
  pending: { icon: '', label: 'to do', cls: 'border-2 border-slate-300 text-slate-400 dark:border-slate-600' },
};

/**
 * The shared screen of a meeting (/present/<id>): the current agenda item, its synced countdown,
 * the agenda, decisions, action items and who is here. The presenter drives; everyone else
 * follows within a second (the state is part of the board the feed carries), may browse on their
 * own and rejoin, and is pulled back by "Bring everyone to me". A share link follows read-only.
 */
export function PresentView({ id, share }: { id: string; share: string | null }) {
  const { me, role, state: meState } = useMe();
  const calls = useMemo(() => meetingApi(id, share), [id, share]);
  const canWrite = !share && (role === 'admin' || role === 'member');
  const myId = share ? null : me ? `user:${me.id}` : null;

  const { board, apply, failure, attempt } = useLiveBoard(id, calls.board);
  const revoked = useShareRevoked(share, calls.board);
  const [viewers, setViewers] = useState<PresenceViewer[]>([]);
  /** Browsing on our own: the agenda item we look at, and the summon we had seen when we left. */
  const [local, setLocal] = useState<{ itemId: number | null; summonSeen: string | null } | null>(null);
  const [dialog, setDialog] = useState<DialogName>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  const [fullscreen, setFullscreen] = useState(false);
  const [themeReady, setThemeReady] = useState(false);
  const room = sessionRoom(id);
  const offset = useServerOffset(calls.state);

  const setPresenceFocus = usePresence(room, (s) => {
    if (s.room === room) setViewers(s.viewers);
  });

  // A projector is dark unless someone chose otherwise (the theme toggle still works, and is kept).
  useEffect(() => {
    const root = document.documentElement;
    const was = root.classList.contains('dark');
    if (!localStorage.getItem('baton-theme')) root.classList.add('dark');
    setThemeReady(true);
    return () => {
      if (!localStorage.getItem('baton-theme')) root.classList.toggle('dark', was);
    };
  }, []);

  useEffect(() => {
    const on = () => setFullscreen(!!document.fullscreenElement);
    document.addEventListener('fullscreenchange', on);
    return () => document.removeEventListener('fullscreenchange', on);
  }, []);

  useEffect(() => {
    if (!notice) return;
    // A notice with Undo stays long enough to read and reach the button.
    const t = setTimeout(() => setNotice(null), notice.undo ? 10_000 : notice.kind === 'error' ? 6000 : 3500);
    return () => clearTimeout(t);
  }, [notice]);

  const meeting = useMemo(() => readMeeting(board?.details?.meeting), [board]);
  const agenda = useMemo(
    () => (board?.items ?? []).filter((i): i is Agenda => i.kind === 'agenda').sort((a, b) => a.position - b.position || a.id - b.id),
    [board],
  );
  const actions = useMemo(() => (board?.items ?? []).filter((i): i is ActionItem => i.kind === 'action'), [board]);
  const iPresent = !!myId && meeting.presenter?.id === myId;
  const canDrive = canWrite && (!meeting.presenter || iPresent);
  const following = local === null;
  const shownId = following ? meeting.agendaItemId : local.itemId;
  const shownIndex = agenda.findIndex((a) => a.id === shownId);
  const shown = shownIndex >= 0 ? agenda[shownIndex]! : null;
  const liveItem = agenda.find((a) => a.id === meeting.agendaItemId) ?? null;
  const complete = agenda.length > 0 && meeting.agendaItemId === null && agenda.every((a) => a.data.status === 'done');

  // "Bring everyone to me": a summon newer than the one we had seen ends browsing on our own.
  useEffect(() => {
    if (local && meeting.summonedAt && meeting.summonedAt !== local.summonSeen) {
      setLocal(null);
      setNotice({ kind: 'info', text: `${meeting.presenter?.label ?? 'The presenter'} brought everyone back` });
    }
  }, [meeting.summonedAt, meeting.presenter?.label, local]);

  // Becoming the driver (taking control) ends browsing on our own.
  useEffect(() => {
    if (canDrive && local) setLocal(null);
  }, [canDrive, local]);

  // Others see whether we follow or browse.
  useEffect(() => {
    setPresenceFocus(following ? 'meeting' : 'meeting (browsing)');
  }, [following, setPresenceFocus]);

  // Followers' screens scroll to the section the presenter put in the spotlight.
  useEffect(() => {
    if (!following || !meeting.focus || iPresent) return;
    document.querySelector(`[data-meeting-section="${meeting.focus}"]`)?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [meeting.focus, following, iPresent]);

  useEffect(() => {
    if (board) document.title = `Meeting · ${board.title} · Baton`;
  }, [board?.title]); // eslint-disable-line react-hooks/exhaustive-deps

  const act = useCallback(
    async (action: MeetingAction): Promise<SessionBoard | null> => {
      setBusy(true);
      try {
        const b = await calls.act(action);
        apply(b);
        return b;
      } catch (e) {
        setNotice({ kind: 'error', text: apiError(e).message });
        return null;
      } finally {
        setBusy(false);
      }
    },
    [apply, calls],
  );

  /** Where the meeting is now, so next / previous / reset can be undone for everyone. */
  const snapshot = (): Restore => ({
    action: 'restore',
    agendaItemId: meeting.agendaItemId,
    elapsedMs: Math.round(timerElapsed(meeting.timer, Date.now() + offset)),
    running: !!meeting.timer.startedAt,
    statuses: agenda.map((a) => ({ itemId: a.id, status: a.data.status })),
  });
  /** A shared step everyone sees: run it, then say what happened, with Undo. */
  const sharedStep = async (action: MeetingAction, describe: (b: SessionBoard) => string) => {
    const undo = snapshot();
    const b = await act(action);
    if (b) setNotice({ kind: 'info', text: describe(b), undo });
  };
  const whereNow = (b: SessionBoard) => {
    const m = readMeeting(b.details?.meeting);
    const list = b.items.filter((i): i is Agenda => i.kind === 'agenda').sort((x, y) => x.position - y.position || x.id - y.id);
    const i = list.findIndex((a) => a.id === m.agendaItemId);
    return i === -1 ? null : { n: i + 1, of: list.length, title: list[i]!.data.title };
  };
  const undo = async (r: Restore) => {
    setNotice(null);
    if (await act(r)) setNotice({ kind: 'info', text: 'Undone: everyone is back where they were' });
  };

  const browse = (itemId: number | null) => setLocal((cur) => ({ itemId, summonSeen: cur?.summonSeen ?? meeting.summonedAt }));
  const step = (delta: 1 | -1) => {
    if (canDrive)
      return void sharedStep({ action: delta === 1 ? 'next' : 'prev' }, (b) => {
        const w = whereNow(b);
        if (!w) return 'Agenda finished for everyone';
        return `${delta === 1 ? 'Moved everyone on' : 'Moved everyone back'} to item ${w.n} of ${w.of}: “${w.title}”`;
      });
    if (agenda.length === 0) return;
    const from = shownIndex === -1 ? (delta === 1 ? -1 : agenda.length) : shownIndex;
    const to = Math.max(0, Math.min(agenda.length - 1, from + delta));
    browse(agenda[to]!.id);
  };
  const pick = (itemId: number) => {
    if (canDrive) return void act({ action: 'goto', itemId });
    if (itemId === meeting.agendaItemId && !following) return setLocal(null);
    browse(itemId);
  };
  const toggleTimer = () => {
    if (!canDrive)
      return setNotice({ kind: 'info', text: meeting.presenter ? `${meeting.presenter.label} controls the timer` : 'Only members can run the timer' });
    void act({ action: meeting.timer.startedAt ? 'timer-pause' : 'timer-start' });
  };
  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
    else void document.documentElement.requestFullscreen?.().catch(() => setNotice({ kind: 'error', text: 'This browser refused full screen' }));
  };
  const openDialog = (d: Exclude<DialogName, null>) => {
    if ((d === 'decision' || d === 'action') && !canWrite) return setNotice({ kind: 'info', text: 'Capturing needs a member account' });
    setDialog(d);
  };

  // Shortcuts: → n next, ← p previous, space timer, d decision, a action item, f full screen, ? help.
  const keys = useRef<(e: KeyboardEvent) => void>(() => {});
  keys.current = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || isTyping(e.target) || dialogOpen() || !board) return;
    const onControl = (e.target as HTMLElement | null)?.closest?.('button, a, summary');
    switch (e.key) {
      case 'ArrowRight':
      case 'n':
        e.preventDefault();
        return step(1);
      case 'ArrowLeft':
      case 'p':
        e.preventDefault();
        return step(-1);
      case ' ':
        if (onControl) return; // space on a focused button presses that button
        e.preventDefault();
        return toggleTimer();
      case 'd':
        e.preventDefault();
        return openDialog('decision');
      case 'a':
        e.preventDefault();
        return openDialog('action');
      case 'f':
        e.preventDefault();
        return toggleFullscreen();
      case '?':
        e.preventDefault();
        return setDialog('help');
    }
  };
  useEffect(() => {
    const on = (e: KeyboardEvent) => keys.current(e);
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, []);

  const commands: PaletteCommand[] = [];
  if (board) {
    const g = 'Meeting';
    if (canDrive) {
      commands.push({ id: 'm-next', group: g, label: 'Next agenda item', shortcut: '→', keywords: ['advance', 'forward'], run: () => step(1) });
      commands.push({ id: 'm-prev', group: g, label: 'Previous agenda item', shortcut: '←', keywords: ['back'], run: () => step(-1) });
      commands.push({
        id: 'm-timer',
        group: g,
        label: meeting.timer.startedAt ? 'Pause the timer' : 'Start the timer',
        shortcut: 'Space',
        keywords: ['timer', 'clock', 'start', 'pause'],
        run: toggleTimer,
      });
      if (iPresent)
        commands.push({ id: 'm-summon', group: g, label: 'Bring everyone to me', keywords: ['summon', 'sync'], run: () => void act({ action: 'summon' }) });
    }
    if (canWrite) {
      commands.push({ id: 'm-decision', group: g, label: 'Capture a decision', shortcut: 'd', keywords: ['decide'], run: () => openDialog('decision') });
      commands.push({ id: 'm-action', group: g, label: 'Add an action item', shortcut: 'a', keywords: ['todo', 'task'], run: () => openDialog('action') });
      if (!meeting.presenter)
        commands.push({ id: 'm-take', group: g, label: 'Take control (present)', keywords: ['presenter', 'drive'], run: () => void act({ action: 'take' }) });
    }
    if (!following) commands.push({ id: 'm-rejoin', group: g, label: 'Rejoin the presenter', keywords: ['follow'], run: () => setLocal(null) });
    commands.push({ id: 'm-fullscreen', group: g, label: fullscreen ? 'Leave full screen' : 'Full screen', shortcut: 'f', run: toggleFullscreen });
  }
  usePaletteCommands('present', commands);

  const ended = revoked ? 'revoked' : board ? null : shareEndOf(share, failure);
  if (ended) {
    return (
      <>
        <style>{HIDE_APP_HEADER}</style>
        <ShareEnded kind={ended} sessionId={id} fullScreen />
      </>
    );
  }
  if (failure && !board) {
    const gone = failure.status === 404;
    const refused = failure.status === 401 || failure.status === 403;
    return (
      <div className="flex min-h-screen items-center justify-center bg-white p-6 text-center dark:bg-slate-950" data-testid="present-error">
        <style>{HIDE_APP_HEADER}</style>
        <div className="max-w-xl">
          <h1 className="text-3xl font-semibold">
            {gone ? 'No such session' : refused ? 'This screen cannot open the meeting' : 'Could not load the meeting'}
          </h1>
          <p role="alert" className="mt-3 text-lg text-slate-600 dark:text-slate-300">
            {gone
              ? `There is no session “${id}”.`
              : refused
                ? share
                  ? 'The share link has expired or was revoked. Ask for a new one.'
                  : failure.message
                : failure.message}
          </p>
          <div className="mt-6 flex justify-center gap-3">
            {!gone && !refused && (
              <button type="button" className={primary} onClick={attempt}>
                Try again
              </button>
            )}
            {!share && (
              <Link href="/sessions" className={btn}>
                All sessions
              </Link>
            )}
          </div>
        </div>
      </div>
    );
  }
  if (!board) {
    return (
      <div
        className="flex min-h-screen items-center justify-center bg-white text-2xl text-slate-500 dark:bg-slate-950 dark:text-slate-400"
        aria-busy="true"
        data-testid="present-loading"
      >
        <style>{HIDE_APP_HEADER}</style>
        Loading the meeting…
      </div>
    );
  }

  const presenterHere = meeting.presenter ? viewers.some((v) => v.id === meeting.presenter!.id) : false;
  const admin = role === 'admin';
  const decisions = [...board.decisions].sort((a, b) => b.decidedAt.localeCompare(a.decidedAt));
  const openActions = [...actions].sort((a, b) => Number(a.data.status === 'done') - Number(b.data.status === 'done') || b.id - a.id);
  // The session's owner (a meeting's coordinator, say team-lead-001) is one of the people too.
  const participants =
    board.owner && !board.agents.some((a) => a.name === board.owner)
      ? [
          {
            name: board.owner,
            role: board.type === 'coordination' ? 'coordinator' : 'owner',
            status: 'active',
            currentTask: null,
            lastActivityAt: board.lastActivityAt,
          },
          ...board.agents,
        ]
      : board.agents;
  const owners = [...new Set([...participants.map((p) => p.name), ...viewers.filter((v) => v.kind === 'user').map((v) => v.name)])];
  const spentOnShown = shown ? (meeting.spentMs[String(shown.id)] ?? 0) : 0;
  const timerLive = !!shown && meeting.timer.itemId === shown.id;
  const focus = following ? meeting.focus : null;
  const panelProps = { focus, canFocus: canDrive, onFocus: (s: MeetingSection | null) => void act({ action: 'focus', section: s }) };

  return (
    <div
      className="min-h-screen bg-slate-100 text-slate-900 dark:bg-slate-950 dark:text-slate-100"
      data-testid="present"
      data-session={board.id}
      data-version={board.version}
      data-item={shownId ?? ''}
      data-live-item={meeting.agendaItemId ?? ''}
      data-following={following}
      data-presenter={meeting.presenter?.label ?? ''}
      data-driving={canDrive}
    >
      <style>{HIDE_APP_HEADER}</style>
      {/* ---- top bar ---- */}
      <header className="sticky top-0 z-10 border-b border-slate-200 bg-white/95 backdrop-blur dark:border-slate-800 dark:bg-slate-950/95">
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 2xl:px-8 2xl:py-4">
          <div className="min-w-0 basis-full lg:basis-0 lg:flex-1">
            <p className="text-xs font-bold uppercase tracking-widest text-accent-600 2xl:text-base dark:text-accent-500">Meeting mode</p>
            <h1 className="truncate text-xl font-bold tracking-tight sm:text-2xl 2xl:text-4xl" data-testid="present-title">
              {board.title}
            </h1>
          </div>
          <div
            data-testid="presenter"
            className="flex items-center gap-2 rounded-full bg-slate-100 px-3 py-1.5 text-sm font-semibold 2xl:text-xl dark:bg-slate-800"
          >
            {meeting.presenter ? (
              <>
                <span aria-hidden className={`h-2.5 w-2.5 rounded-full ${presenterHere ? 'animate-pulse bg-rose-500' : 'bg-slate-400'}`} />
                <span>{iPresent ? 'You are presenting' : `${meeting.presenter.label} is presenting`}</span>
                {!presenterHere && !iPresent && <span className="font-normal text-slate-500 dark:text-slate-400">(away)</span>}
              </>
            ) : (
              <span className="font-normal text-slate-600 dark:text-slate-300">No presenter</span>
            )}
          </div>
          <div className="flex flex-wrap items-center gap-2">
            {canWrite && !meeting.presenter && (
              <button type="button" className={primary} disabled={busy} onClick={() => void act({ action: 'take' })} data-testid="take-control">
                Take control
              </button>
            )}
            {canWrite && meeting.presenter && !iPresent && admin && (
              <button type="button" className={btn} disabled={busy} onClick={() => void act({ action: 'take' })} data-testid="take-over">
                Take over
              </button>
            )}
            {iPresent && (
              <>
                <button
                  type="button"
                  className={primary}
                  disabled={busy}
                  onClick={() => void act({ action: 'summon' })}
                  data-testid="summon"
                  title="Everyone browsing on their own comes back to your view"
                >
                  Bring everyone to me
                </button>
                <button type="button" className={btn} disabled={busy} onClick={() => void act({ action: 'release' })} data-testid="release">
                  Stop presenting
                </button>
              </>
            )}
            <ConnectionIndicator />
            <button
              type="button"
              className={btn}
              onClick={toggleFullscreen}
              aria-label={fullscreen ? 'Leave full screen (f)' : 'Full screen (f)'}
              title="Full screen (f)"
            >
              <span aria-hidden>{fullscreen ? '⤡' : '⤢'}</span>
            </button>
            <button
              type="button"
              className={btn}
              onClick={() => setDialog('help')}
              aria-label="Keyboard shortcuts (?)"
              title="Keyboard shortcuts (?)"
              data-testid="help"
            >
              <span aria-hidden>?</span>
            </button>
            {themeReady && <ThemeToggle />}
            {!share && (
              <Link href={`/sessions/${encodeURIComponent(board.id)}`} className={btn} data-testid="exit-present">
                Board
              </Link>
            )}
          </div>
        </div>
        {!following && (
          <div
            role="status"
            data-testid="breakaway-banner"
            className="flex flex-wrap items-center justify-center gap-3 bg-amber-100 px-4 py-2 text-base font-semibold text-amber-950 2xl:text-2xl dark:bg-amber-900/60 dark:text-amber-100"
          >
            You’re browsing on your own{liveItem ? ` — the meeting is on “${liveItem.data.title}”` : ''}.
            <button
              type="button"
              onClick={() => setLocal(null)}
              className="rounded-lg bg-amber-950 px-4 py-1.5 text-white hover:bg-amber-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-950 dark:bg-amber-100 dark:text-amber-950 dark:hover:bg-white"
              data-testid="rejoin"
            >
              Rejoin
            </button>
          </div>
        )}
      </header>

      {notice && (
        <p
          role={notice.kind === 'error' ? 'alert' : 'status'}
          data-testid="present-notice"
          className={`fixed bottom-5 left-1/2 z-20 w-max max-w-[90vw] -translate-x-1/2 rounded-xl px-5 py-3 text-base font-semibold shadow-xl 2xl:text-2xl ${notice.kind === 'error' ? 'bg-rose-700 text-white' : 'bg-slate-900 text-white dark:bg-white dark:text-slate-900'}`}
        >
          {notice.text}
          {notice.undo && (
            <button
              type="button"
              onClick={() => void undo(notice.undo!)}
              disabled={busy}
              data-testid="present-undo"
              className="ml-4 rounded-lg bg-white/15 px-3 py-1 font-bold underline-offset-2 hover:bg-white/25 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-current dark:bg-slate-900/10 dark:hover:bg-slate-900/20"
            >
              Undo
            </button>
          )}
        </p>
      )}

      {/* ---- body ---- */}
      <div className="grid gap-4 p-4 lg:grid-cols-12 2xl:gap-6 2xl:p-8">
        <div className="flex min-w-0 flex-col gap-4 lg:col-span-8 2xl:gap-6">
          <Panel id="timer" title={shown ? `Item ${shownIndex + 1} of ${agenda.length}` : 'Now'} {...panelProps}>
            {shown ? (
              <div data-testid="current-item" data-item={shown.id}>
                <div className="flex flex-wrap items-start gap-3">
                  <h2
                    data-testid="current-item-title"
                    className="min-w-[min(100%,16rem)] flex-1 break-words text-3xl font-bold leading-tight tracking-tight sm:text-4xl 2xl:text-6xl"
                  >
                    {shown.data.title}
                  </h2>
                  {!following && shown.id !== meeting.agendaItemId && (
                    <span className="rounded-full bg-amber-100 px-3 py-1 text-sm font-bold text-amber-900 2xl:text-xl dark:bg-amber-900/60 dark:text-amber-100">
                      Not the current item
                    </span>
                  )}
                </div>
                {shown.data.notes && <p className="mt-2 text-lg text-slate-600 2xl:text-[28px] 2xl:leading-snug dark:text-slate-300">{shown.data.notes}</p>}
                <div className="mt-5 2xl:mt-8">
                  <Countdown timer={meeting.timer} timeboxMinutes={shown.data.timeboxMinutes} offset={offset} live={timerLive} spentMs={spentOnShown} />
                </div>
              </div>
            ) : (
              <div data-testid="current-item" data-item="">
                <h2 className="text-3xl font-bold tracking-tight 2xl:text-6xl" data-testid="current-item-title">
                  {agenda.length === 0 ? 'No agenda yet' : complete ? 'Agenda complete' : 'Not started'}
                </h2>
                <p className="mt-3 text-lg text-slate-600 2xl:text-[28px] dark:text-slate-300">
                  {agenda.length === 0
                    ? 'This session has no agenda items. Add them on the board, then present again.'
                    : complete
                      ? 'Every item is done. Capture the last decisions and action items, then wrap up.'
                      : canDrive
                        ? 'Press → to start with the first item.'
                        : 'Waiting for the presenter to start.'}
                </p>
              </div>
            )}
            {canDrive && (
              <div className="mt-5 flex flex-wrap gap-2 2xl:mt-8 2xl:gap-3" data-testid="driver-controls">
                <button type="button" className={bigBtn} disabled={busy || agenda.length === 0 || shownIndex === 0} onClick={() => step(-1)}>
                  ← Previous <Kbd>p</Kbd>
                </button>
                <button type="button" className={`${bigBtn} min-w-40`} disabled={busy} onClick={toggleTimer} data-testid="timer-toggle">
                  {meeting.timer.startedAt ? 'Pause' : 'Start'} timer <Kbd>Space</Kbd>
                </button>
                <button
                  type="button"
                  className={bigBtn}
                  disabled={busy || (meeting.timer.elapsedMs === 0 && !meeting.timer.startedAt)}
                  onClick={() => void sharedStep({ action: 'timer-reset' }, () => `Timer reset${liveItem ? ` for “${liveItem.data.title}”` : ''}`)}
                  data-testid="timer-reset"
                >
                  Reset
                </button>
                <button type="button" className={bigPrimary} disabled={busy || agenda.length === 0 || complete} onClick={() => step(1)} data-testid="next-item">
                  {shown && shownIndex === agenda.length - 1 ? 'Finish agenda' : 'Next item'} → <Kbd>n</Kbd>
                </button>
              </div>
            )}
          </Panel>

          <div className="grid gap-4 md:grid-cols-2 2xl:gap-6">
            <Panel id="decisions" title="Decisions" count={decisions.length} {...panelProps}>
              <div data-testid="meeting-decisions">
                {decisions.length === 0 ? (
                  <p className="text-lg text-slate-500 2xl:text-[28px] dark:text-slate-400">
                    None yet
                    {canWrite ? (
                      <>
                        {' '}
                        — press <Kbd>d</Kbd> to capture one
                      </>
                    ) : (
                      ''
                    )}
                    .
                  </p>
                ) : (
                  <ul className="space-y-3 2xl:space-y-4">
                    {decisions.slice(0, 3).map((d) => (
                      <li key={d.id} className="border-l-4 border-emerald-500 pl-3">
                        <p className="text-sm font-semibold uppercase tracking-wide text-slate-500 2xl:text-lg dark:text-slate-400">{d.topic}</p>
                        <p className="text-lg font-medium leading-snug 2xl:text-[28px]">{d.decision}</p>
                      </li>
                    ))}
                    {decisions.length > 3 && <li className="text-base text-slate-500 2xl:text-xl dark:text-slate-400">+{decisions.length - 3} earlier</li>}
                  </ul>
                )}
                {canWrite && (
                  <button type="button" className={`${btn} mt-4`} onClick={() => openDialog('decision')} data-testid="capture-decision">
                    Capture decision <Kbd>d</Kbd>
                  </button>
                )}
              </div>
            </Panel>
            <Panel id="actions" title="Action items" count={actions.length} {...panelProps}>
              <div data-testid="meeting-actions">
                {openActions.length === 0 ? (
                  <p className="text-lg text-slate-500 2xl:text-[28px] dark:text-slate-400">
                    None yet
                    {canWrite ? (
                      <>
                        {' '}
                        — press <Kbd>a</Kbd> to add one
                      </>
                    ) : (
                      ''
                    )}
                    .
                  </p>
                ) : (
                  <ul className="space-y-2.5 2xl:space-y-3">
                    {openActions.slice(0, 4).map((a) => (
                      <li key={a.id} className="flex items-start gap-3">
                        <span
                          aria-hidden
                          className={`mt-2 h-3 w-3 shrink-0 rounded-sm 2xl:mt-3 ${a.data.status === 'done' ? 'bg-emerald-500' : a.data.status === 'in-progress' ? 'bg-amber-500' : 'border-2 border-slate-400'}`}
                        />
                        <div className="min-w-0">
                          <p className={`text-lg font-medium leading-snug 2xl:text-[28px] ${a.data.status === 'done' ? 'text-slate-400 line-through' : ''}`}>
                            {a.data.title}
                          </p>
                          <p className="text-sm text-slate-500 2xl:text-lg dark:text-slate-400">
                            {a.data.owner ?? 'No owner'}
                            {a.data.due && ` · due ${a.data.due.slice(0, 10)}`}
                            <span className="sr-only"> · {a.data.status}</span>
                          </p>
                        </div>
                      </li>
                    ))}
                    {openActions.length > 4 && <li className="text-base text-slate-500 2xl:text-xl dark:text-slate-400">+{openActions.length - 4} more</li>}
                  </ul>
                )}
                {canWrite && (
                  <button type="button" className={`${btn} mt-4`} onClick={() => openDialog('action')} data-testid="add-action">
                    Add action item <Kbd>a</Kbd>
                  </button>
                )}
              </div>
            </Panel>
          </div>
        </div>

        <div className="flex min-w-0 flex-col gap-4 lg:col-span-4 2xl:gap-6">
          <Panel id="agenda" title="Agenda" count={agenda.length} {...panelProps}>
            {agenda.length === 0 ? (
              <p className="text-lg text-slate-500 2xl:text-[28px] dark:text-slate-400">No agenda items.</p>
            ) : (
              <ol className="space-y-1" data-testid="agenda-rail">
                {agenda.map((a, i) => {
                  const look = statusIcon[a.data.status];
                  const isShown = a.id === shownId;
                  const isLive = a.id === meeting.agendaItemId;
                  return (
                    <li key={a.id}>
                      <button
                        type="button"
                        onClick={() => pick(a.id)}
                        aria-current={isShown ? 'step' : undefined}
                        data-status={a.data.status}
                        data-item={a.id}
                        title={canDrive ? 'Move the meeting to this item' : 'Look at this item on your own'}
                        className={`flex w-full items-center gap-3 rounded-xl px-3 py-2 text-left focus-visible:outline-2 focus-visible:outline-accent-500 2xl:py-3 ${isShown ? 'bg-accent-600/10 ring-2 ring-accent-500 dark:bg-accent-500/15' : 'hover:bg-slate-100 dark:hover:bg-slate-800'}`}
                      >
                        <span
                          aria-hidden
                          className={`flex h-7 w-7 shrink-0 items-center justify-center rounded-full text-sm font-bold 2xl:h-9 2xl:w-9 2xl:text-lg ${look.cls}`}
                        >
                          {look.icon || i + 1}
                        </span>
                        <span
                          className={`min-w-0 flex-1 text-lg font-medium leading-snug 2xl:text-[28px] ${a.data.status === 'done' ? 'text-slate-500 dark:text-slate-400' : ''}`}
                        >
                          {a.data.title}
                          <span className="sr-only">, {look.label}</span>
                        </span>
                        {isLive && !following && (
                          <span className="shrink-0 rounded-full bg-rose-600 px-2 py-0.5 text-xs font-bold text-white 2xl:text-base">NOW</span>
                        )}
                        <span className="shrink-0 text-sm tabular-nums text-slate-500 2xl:text-xl dark:text-slate-400">{a.data.timeboxMinutes}′</span>
                      </button>
                    </li>
                  );
                })}
              </ol>
            )}
          </Panel>

          <Panel id="participants" title="People" count={viewers.length} {...panelProps}>
            <div className="space-y-4">
              <div>
                <h3 className="mb-2 text-xs font-bold uppercase tracking-wide text-slate-500 2xl:text-base dark:text-slate-400">Watching now</h3>
                <ul className="flex flex-wrap gap-2" data-testid="watching" data-count={viewers.length}>
                  {viewers.length === 0 && <li className="text-base text-slate-500">Nobody yet</li>}
                  {viewers.map((v) => (
                    <li
                      key={v.id}
                      data-kind={v.kind}
                      className="flex items-center gap-2 rounded-full bg-slate-100 py-1 pl-1 pr-3 text-sm font-medium 2xl:text-xl dark:bg-slate-800"
                      title={v.focus ?? undefined}
                    >
                      <span
                        aria-hidden
                        className={`flex h-7 w-7 items-center justify-center text-xs font-bold text-white 2xl:h-9 2xl:w-9 2xl:text-sm ${v.kind === 'share' ? 'rounded-md bg-slate-500' : v.kind === 'token' ? 'rounded-md bg-sky-600' : 'rounded-full bg-accent-600'}`}
                      >
                        {v.kind === 'share' ? '▣' : initials(v.name)}
                      </span>
                      {v.name}
                      {v.id === myId && <span className="text-slate-500"> (you)</span>}
                      {meeting.presenter?.id === v.id && <span className="text-rose-600 dark:text-rose-400"> · presenting</span>}
                      {v.focus === 'meeting (browsing)' && <span className="text-amber-700 dark:text-amber-400"> · browsing</span>}
                    </li>
                  ))}
                </ul>
              </div>
              {participants.length > 0 && (
                <div>
                  <h3 className="mb-2 text-xs font-bold uppercase tracking-wide text-slate-500 2xl:text-base dark:text-slate-400">Participants</h3>
                  <ul className="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-2 lg:grid-cols-1 xl:grid-cols-2" data-testid="participants">
                    {participants.map((p) => (
                      <li key={p.name} className="flex min-w-0 items-center gap-2 text-base 2xl:text-xl">
                        <span aria-hidden className={`h-2.5 w-2.5 shrink-0 rounded-full ${agentDot(p.status)}`} />
                        <span className="truncate">{p.name}</span>
                        {p.role && p.role !== 'participant' && <span className="truncate text-slate-500 dark:text-slate-400">· {p.role}</span>}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
            </div>
          </Panel>
          <p className="hidden text-center text-sm text-slate-500 lg:block 2xl:text-lg dark:text-slate-400">
            Press <Kbd>?</Kbd> for shortcuts
            {meState.status === 'signed-in' ? (
              <>
                {' '}
                · <Kbd>Ctrl K</Kbd> for commands
              </>
            ) : null}
          </p>
        </div>
      </div>

      <DecisionDialog
        open={dialog === 'decision'}
        onClose={() => setDialog(null)}
        topic={(shown ?? liveItem)?.data.title ?? board.title}
        save={(input) => calls.addDecision(input)}
        onSaved={(b) => {
          apply(b);
          setNotice({ kind: 'info', text: 'Decision captured' });
        }}
      />
      <ActionItemDialog
        open={dialog === 'action'}
        onClose={() => setDialog(null)}
        owners={owners}
        save={(input) => calls.addActionItem(input)}
        onSaved={(b) => {
          apply(b);
          setNotice({ kind: 'info', text: 'Action item added' });
        }}
      />
      <HelpDialog open={dialog === 'help'} onClose={() => setDialog(null)} driving={canDrive} />
    </div>
  );
}
