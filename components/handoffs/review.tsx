'use client';

import { TimeAgo } from '../ui/time-ago';
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { HANDOFFS_ROOM, type Change } from '../../lib/events';
import type { Handoff, HandoffEvent, HandoffListItem } from '../../lib/handoff-types';
import { apiError } from '../auth/api';
import { useMe } from '../auth/me';
import { DiffView } from '../boards/checkpoints';
import { absolute, ago, statusLook } from '../boards/look';
import { btnCls, Card, Empty, ErrorNote, inputCls, primaryCls, ProgressBar } from '../boards/ui';
import { useAction } from '../boards/use-action';
import { useFeed } from '../realtime/connection';
import { useSnapshot } from '../realtime/use-snapshot';
import { useNow } from '../ui/use-now';
import { handoffsApi, type HandoffDetail } from './api';
import { HandoffDialog } from './create-dialog';
import { handoffStatusLook, isOpenHandoff, recipientTag, recipientText, timeLeft } from './look';

const eventLook: Record<HandoffEvent['kind'], { verb: string; icon: string; ring: string }> = {
  created: { verb: 'handed it off', icon: '⇄', ring: 'bg-violet-100 text-violet-800 dark:bg-violet-900 dark:text-violet-100' },
  comment: { verb: 'commented', icon: '“', ring: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200' },
  'changes-requested': { verb: 'asked for changes', icon: '↩', ring: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100' },
  updated: { verb: 'updated and resent it', icon: '✎', ring: 'bg-sky-100 text-sky-800 dark:bg-sky-900 dark:text-sky-100' },
  accepted: { verb: 'accepted', icon: '✓', ring: 'bg-emerald-500 text-white' },
  declined: { verb: 'declined', icon: '✕', ring: 'bg-rose-500 text-white' },
  expired: { verb: 'expired', icon: '◷', ring: 'bg-slate-200 text-slate-700 dark:bg-slate-700 dark:text-slate-200' },
  renewed: { verb: 'renewed it', icon: '↻', ring: 'bg-violet-100 text-violet-800 dark:bg-violet-900 dark:text-violet-100' },
  cancelled: { verb: 'cancelled it', icon: '⊘', ring: 'bg-slate-200 text-slate-700 dark:bg-slate-700 dark:text-slate-200' },
};

function Meta({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-[0.7rem] font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="truncate text-sm font-medium" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

function Time({ iso, now }: { iso: string; now: number }) {
  return (
    <time dateTime={iso} title={absolute(iso)}>
      {ago(iso, now)}
    </time>
  );
}

function Bullets({ items, testId, mono = false }: { items: string[]; testId?: string; mono?: boolean }) {
  return (
    <ul data-testid={testId} className="space-y-1">
      {items.map((x, i) => (
        <li key={i} className="flex gap-2 text-[0.95rem] leading-snug">
          <span aria-hidden className="mt-2 h-1.5 w-1.5 shrink-0 rounded-full bg-slate-400" />
          {mono ? <code className="min-w-0 break-all font-mono text-[0.8rem]">{x}</code> : <span className="min-w-0 break-words">{x}</span>}
        </li>
      ))}
    </ul>
  );
}

function Sub({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <h3 className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">{title}</h3>
      {children}
    </div>
  );
}

const muted = 'text-sm text-slate-500 dark:text-slate-400';

/** What was done and what is open: completed, in progress (with progress), blockers, notes. */
function WorkSummary({ h }: { h: Handoff }) {
  const s = h.summary;
  return (
    <Card id="summary" title="What was done, what is open" testId="handoff-summary">
      <div className="grid gap-5 md:grid-cols-2">
        <Sub title={`Completed (${s.completed.length})`}>
          {s.completed.length ? <Bullets items={s.completed} testId="handoff-completed" /> : <p className={muted}>Nothing listed.</p>}
        </Sub>
        <Sub title={`In progress (${s.inProgress.length})`}>
          {s.inProgress.length === 0 && <p className={muted}>Nothing in progress.</p>}
          <ul data-testid="handoff-in-progress" className="space-y-3">
            {s.inProgress.map((w, i) => (
              <li key={i} className="min-w-0">
                <div className="flex items-baseline justify-between gap-2">
                  <span className="min-w-0 break-words font-medium">{w.task}</span>
                  <span className="shrink-0 text-sm font-semibold tabular-nums">{Math.round(w.progress)}%</span>
                </div>
                <div className="mt-1">
                  <ProgressBar value={w.progress} label={`${w.task}: ${Math.round(w.progress)}% done`} />
                </div>
                {w.nextSteps.length > 0 && (
                  <ul className="mt-1.5 space-y-0.5 text-sm text-slate-600 dark:text-slate-300">
                    {w.nextSteps.map((n, j) => (
                      <li key={j} className="flex gap-1.5">
                        <span aria-hidden className="text-slate-400">
                          →
                        </span>
                        <span className="min-w-0 break-words">{n}</span>
                      </li>
                    ))}
                  </ul>
                )}
                {w.estimatedCompletion && <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">estimated: {w.estimatedCompletion}</p>}
              </li>
            ))}
          </ul>
        </Sub>
        <Sub title={`Blockers (${s.blockers.length})`}>
          {s.blockers.length === 0 ? (
            <p className={muted}>No open blockers.</p>
          ) : (
            <ul data-testid="handoff-blockers" className="space-y-2">
              {s.blockers.map((b, i) => (
                <li key={i} className="rounded-md border-l-4 border-rose-400 bg-rose-50/60 px-3 py-2 dark:border-rose-500 dark:bg-rose-950/30">
                  <p className="break-words font-medium">{b.description}</p>
                  {(b.impact || b.owner || b.expectedResolution) && (
                    <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-300">
                      {[b.impact && `impact: ${b.impact}`, b.owner && `owner: ${b.owner}`, b.expectedResolution && `expected: ${b.expectedResolution}`]
                        .filter(Boolean)
                        .join(' · ')}
                    </p>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Sub>
        {s.notes.length > 0 && (
          <Sub title="Notes">
            <Bullets items={s.notes} />
          </Sub>
        )}
      </div>
    </Card>
  );
}

function ContextCard({ h }: { h: Handoff }) {
  const c = h.context;
  const env = Object.entries(c.environment ?? {});
  return (
    <Card id="context" title="Context for the next session" testId="handoff-context">
      <div className="grid gap-5 md:grid-cols-2">
        <Sub title="Priorities">
          {c.priorities.length ? (
            <ol className="list-inside list-decimal space-y-1 text-[0.95rem] marker:font-semibold marker:text-slate-400">
              {c.priorities.map((p, i) => (
                <li key={i} className="break-words">
                  {p}
                </li>
              ))}
            </ol>
          ) : (
            <p className={muted}>None given.</p>
          )}
        </Sub>
        <Sub title="Decisions needed">{c.decisionsNeeded.length ? <Bullets items={c.decisionsNeeded} /> : <p className={muted}>None.</p>}</Sub>
        <Sub title="Test status">{c.testStatus ? <p className="break-words text-[0.95rem]">{c.testStatus}</p> : <p className={muted}>Not reported.</p>}</Sub>
        <Sub title="Branch">{c.branch ? <code className="break-all font-mono text-sm">{c.branch}</code> : <p className={muted}>—</p>}</Sub>
        {env.length > 0 && (
          <Sub title="Environment">
            <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm">
              {env.map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="font-medium text-slate-600 dark:text-slate-300">{k}</dt>
                  <dd className="break-words font-mono text-[0.8rem]">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
                </div>
              ))}
            </dl>
          </Sub>
        )}
      </div>
    </Card>
  );
}

/** Files to review and files touched by the work in progress; memory entries linked to the handoff. */
function Links({ h }: { h: Handoff }) {
  const review = h.context.filesToReview;
  const touched = [...new Set(h.summary.inProgress.flatMap((w) => w.files))].filter((f) => !review.includes(f));
  return (
    <Card id="links" title="Files and memory" testId="handoff-links">
      <div className="grid gap-5 md:grid-cols-2">
        <Sub title={`Files to review (${review.length})`}>
          {review.length ? <Bullets items={review} mono testId="handoff-files" /> : <p className={muted}>None.</p>}
          {touched.length > 0 && (
            <div className="mt-3">
              <h4 className="mb-1 text-xs font-medium text-slate-500 dark:text-slate-400">Also touched by the open work</h4>
              <Bullets items={touched} mono />
            </div>
          )}
        </Sub>
        <Sub title={`Linked memory (${h.memoryKeys.length})`}>
          {h.memoryKeys.length ? (
            <ul data-testid="handoff-memory" className="space-y-1">
              {h.memoryKeys.map((m) => (
                <li key={`${m.namespace}/${m.key}`} className="min-w-0">
                  <Link
                    href={`/memory?${new URLSearchParams({ ns: m.namespace, key: m.key })}`}
                    className="break-all font-mono text-[0.8rem] text-accent-600 hover:underline dark:text-accent-500"
                  >
                    <span className="text-slate-500 dark:text-slate-400">{m.namespace}/</span>
                    {m.key}
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <p className={muted}>No memory entries linked.</p>
          )}
        </Sub>
      </div>
    </Card>
  );
}

function Checklist({ h, canCheck, onHandoff }: { h: HandoffDetail; canCheck: boolean; onHandoff: (h: Handoff) => void }) {
  const now = useNow(30_000);
  const { pending, error, setError, run } = useAction();
  const done = h.checklist.filter((c) => c.done).length;
  const tick = async (itemId: number, next: boolean) => {
    const r = await run(`check:${itemId}:${next}`, () => handoffsApi.check(h.id, itemId, next));
    if (r) onHandoff(r);
  };
  // While a tick is on its way the box shows where it is going (the answer, or the feed, confirms it).
  const pendingDone = (id: number): boolean | null => (pending.has(`check:${id}:true`) ? true : pending.has(`check:${id}:false`) ? false : null);
  return (
    <Card id="checklist" title="Checklist" count={h.checklist.length ? `${done}/${h.checklist.length}` : undefined} testId="handoff-checklist">
      {h.checklist.length > 0 ? (
        <>
          <div className="mb-3">
            <ProgressBar value={(done / h.checklist.length) * 100} label={`${done} of ${h.checklist.length} checklist items done`} tone="bg-emerald-500" />
          </div>
          <ul className="space-y-1">
            {h.checklist.map((c) => (
              <li key={c.id} data-item={c.id} data-done={c.done ? 'true' : 'false'} className="flex items-start gap-2.5 rounded-md px-1 py-1">
                <input
                  type="checkbox"
                  id={`check-${c.id}`}
                  checked={pendingDone(c.id) ?? c.done}
                  disabled={!canCheck || pendingDone(c.id) !== null}
                  onChange={(e) => void tick(c.id, e.target.checked)}
                  className="mt-1 h-4 w-4 shrink-0 accent-emerald-600 disabled:opacity-60"
                />
                <label htmlFor={`check-${c.id}`} className="min-w-0 flex-1 leading-snug">
                  <span className={`break-words ${c.done ? 'text-slate-500 line-through decoration-slate-400 dark:text-slate-400' : ''}`}>{c.text}</span>
                  {c.done && c.doneBy && (
                    <span className="block text-xs text-slate-500 dark:text-slate-400" data-testid="check-done">
                      ✓ {c.doneBy}
                      {c.doneAt && (
                        <>
                          , <TimeAgo at={c.doneAt} now={now} />
                        </>
                      )}
                    </span>
                  )}
                </label>
              </li>
            ))}
          </ul>
          {!canCheck && <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">Only the recipient ticks the checklist.</p>}
        </>
      ) : (
        <Empty>No checklist for this handoff.</Empty>
      )}
      <ErrorNote message={error} onDismiss={() => setError(null)} />
    </Card>
  );
}

function Timeline({ h, now, canComment, onHandoff }: { h: HandoffDetail; now: number; canComment: boolean; onHandoff: (h: Handoff) => void }) {
  const { pending, error, setError, run } = useAction();
  const [body, setBody] = useState('');
  const send = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!body.trim()) {
      setError('Write a comment first.');
      return;
    }
    const r = await run('comment', () => handoffsApi.comment(h.id, body));
    if (r) {
      onHandoff(r);
      setBody('');
    }
  };
  return (
    <Card id="timeline" title="Timeline and comments" count={h.events.length || undefined} testId="handoff-timeline">
      <ol className="space-y-3" aria-label="Handoff timeline">
        {h.events.map((ev) => {
          const look = eventLook[ev.kind] ?? eventLook.comment;
          return (
            <li key={ev.id} data-event={ev.kind} className="flex gap-3">
              <span aria-hidden className={`flex h-7 w-7 shrink-0 items-center justify-center rounded-full text-xs font-bold ${look.ring}`}>
                {look.icon}
              </span>
              <div className="min-w-0 flex-1">
                <p className="text-sm">
                  <span className="font-semibold">{ev.author}</span> <span className="text-slate-600 dark:text-slate-300">{look.verb}</span>{' '}
                  <span className="text-xs text-slate-500 dark:text-slate-400">
                    · <Time iso={ev.at} now={now} />
                  </span>
                </p>
                {ev.body && (
                  <p
                    className={`mt-1 whitespace-pre-wrap break-words text-[0.95rem] ${ev.kind === 'comment' ? 'rounded-lg bg-slate-100 px-3 py-2 dark:bg-slate-800' : 'italic text-slate-700 dark:text-slate-300'}`}
                  >
                    {ev.body}
                  </p>
                )}
              </div>
            </li>
          );
        })}
      </ol>
      {canComment && (
        <form onSubmit={(e) => void send(e)} className="mt-4 space-y-2" aria-label="Add a comment">
          <label htmlFor="handoff-comment" className="sr-only">
            Comment
          </label>
          <textarea
            id="handoff-comment"
            rows={3}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) void send();
            }}
            placeholder="Ask a question or add context…"
            className={inputCls}
            disabled={pending.has('comment')}
          />
          <div className="flex items-center justify-between gap-2">
            <span className="text-xs text-slate-500 dark:text-slate-400">Ctrl + Enter sends</span>
            <button type="submit" className={btnCls} disabled={pending.has('comment')}>
              {pending.has('comment') ? 'Sending…' : 'Comment'}
            </button>
          </div>
        </form>
      )}
      <ErrorNote message={error} onDismiss={() => setError(null)} />
    </Card>
  );
}

type ReasonMode = 'decline' | 'request-changes' | null;

/** Accept, decline, request changes (recipient); edit and resend, cancel, renew (sender). */
function Actions({ h, onHandoff, onEdit }: { h: HandoffDetail; onHandoff: (h: Handoff) => void; onEdit: () => void }) {
  const { pending, busy, error, setError, run } = useAction();
  const [mode, setMode] = useState<ReasonMode>(null);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const p = h.permissions;
  const openItems = h.checklist.filter((c) => !c.done).length;

  useEffect(() => {
    if (mode) reasonRef.current?.focus();
  }, [mode]);

  const act = async (key: string, fn: () => Promise<Handoff>) => {
    const r = await run(key, fn);
    if (r) {
      onHandoff(r);
      setMode(null);
      setReason('');
      setConfirmCancel(false);
    }
  };
  const submitReason = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setReasonError(mode === 'decline' ? 'Say why you decline, so the sender knows what to do next.' : 'Say what should change.');
      reasonRef.current?.focus();
      return;
    }
    setReasonError(null);
    await act(mode!, () => (mode === 'decline' ? handoffsApi.decline(h.id, reason) : handoffsApi.requestChanges(h.id, reason)));
  };

  const any = p.decide || p.edit || p.cancel || p.renew;
  if (!any && !(h.status === 'accepted' && h.continuationId)) return null;

  return (
    <div data-testid="handoff-actions" className="space-y-3">
      {h.status === 'accepted' && h.continuationId && (
        <Link href={`/sessions/${encodeURIComponent(h.continuationId)}`} data-testid="continuation-link" className={`${primaryCls} px-4 py-2`}>
          Continue in {h.continuationId} →
        </Link>
      )}
      {p.decide && !mode && (
        <div className="flex flex-wrap items-center gap-2">
          <button type="button" className={`${primaryCls} px-4 py-2`} disabled={busy} onClick={() => void act('accept', () => handoffsApi.accept(h.id))}>
            {pending.has('accept') ? 'Accepting…' : 'Accept and take over'}
          </button>
          <button type="button" className={btnCls} disabled={busy} onClick={() => setMode('request-changes')}>
            Request changes
          </button>
          <button type="button" className={`${btnCls} text-rose-700 dark:text-rose-400`} disabled={busy} onClick={() => setMode('decline')}>
            Decline
          </button>
          {openItems > 0 && (
            <span className="text-xs text-amber-700 dark:text-amber-400">
              {openItems} checklist {openItems === 1 ? 'item' : 'items'} still open
            </span>
          )}
        </div>
      )}
      {mode && (
        <form
          onSubmit={(e) => void submitReason(e)}
          noValidate
          aria-label={mode === 'decline' ? 'Decline handoff' : 'Request changes'}
          className="space-y-2 rounded-lg border border-slate-200 p-3 dark:border-slate-700"
        >
          <label htmlFor="handoff-reason" className="block text-sm font-medium">
            {mode === 'decline' ? 'Why do you decline?' : 'What should change?'} <span className="text-rose-600">*</span>
          </label>
          <textarea
            ref={reasonRef}
            id="handoff-reason"
            rows={3}
            required
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={reasonError ? 'handoff-reason-error' : undefined}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setMode(null);
            }}
            className={inputCls}
          />
          {reasonError && (
            <p id="handoff-reason-error" data-field-error="reason" className="text-sm text-rose-700 dark:text-rose-400">
              {reasonError}
            </p>
          )}
          <div className="flex flex-wrap gap-2">
            <button type="submit" className={mode === 'decline' ? `${primaryCls} bg-rose-600 hover:bg-rose-500` : primaryCls} disabled={busy}>
              {busy ? 'Sending…' : mode === 'decline' ? 'Decline handoff' : 'Send back for changes'}
            </button>
            <button type="button" className={btnCls} onClick={() => setMode(null)}>
              Back
            </button>
          </div>
        </form>
      )}
      {(p.edit || p.renew || p.cancel) && (
        <div className="flex flex-wrap items-center gap-2">
          {p.edit && (
            <button type="button" className={h.status === 'changes-requested' ? primaryCls : btnCls} onClick={onEdit}>
              Edit and resend
            </button>
          )}
          {p.renew && (
            <button type="button" className={primaryCls} disabled={busy} onClick={() => void act('renew', () => handoffsApi.renew(h.id))}>
              {pending.has('renew') ? 'Renewing…' : 'Renew for 3 days'}
            </button>
          )}
          {p.cancel &&
            (confirmCancel ? (
              <span className="flex flex-wrap items-center gap-2 text-sm">
                Cancel this handoff?
                <button
                  type="button"
                  className={`${btnCls} text-rose-700 dark:text-rose-400`}
                  disabled={busy}
                  onClick={() => void act('cancel', () => handoffsApi.cancel(h.id))}
                >
                  Yes, cancel it
                </button>
                <button type="button" className={btnCls} onClick={() => setConfirmCancel(false)}>
                  Keep it
                </button>
              </span>
            ) : (
              <button type="button" className={btnCls} disabled={busy} onClick={() => setConfirmCancel(true)}>
                Cancel handoff
              </button>
            ))}
        </div>
      )}
      <ErrorNote message={error} onDismiss={() => setError(null)} />
    </div>
  );
}

function ReviewSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading handoff" className="mx-auto max-w-[90rem] animate-pulse space-y-4 px-4 py-6 sm:px-6">
      <div className="h-3 w-40 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="h-8 w-96 max-w-full rounded bg-slate-200 dark:bg-slate-800" />
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_26rem]">
        <div className="h-72 rounded-xl bg-slate-100 dark:bg-slate-900" />
        <div className="h-72 rounded-xl bg-slate-100 dark:bg-slate-900" />
      </div>
    </div>
  );
}

/**
 * The handoff review page: what was done and what is open, the context, the diff since the
 * previous checkpoint, linked files and memory, the recipient's checklist, the comment thread,
 * and the decision. Live: any change to this handoff (someone else's comment, tick or decision)
 * reloads it.
 */
export function HandoffReview({ id }: { id: string }) {
  const { me } = useMe();
  const now = useNow(30_000);
  const [h, setH] = useState<HandoffDetail | null>(null);
  const [editing, setEditing] = useState(false);
  const rooms = useMemo(() => [HANDOFFS_ROOM], []);
  const version = useRef(0);

  const load = useCallback(async () => {
    const d = await handoffsApi.get(id);
    if (d.version >= version.current) {
      version.current = d.version;
      setH(d);
    }
    return d.seq;
  }, [id]);
  const { seq, failure, setFailure, reload, attempt } = useSnapshot(load);

  // A mutation answers with the handoff; permissions, diff and board come with the next load.
  const onHandoff = useCallback(
    (next: Handoff) => {
      setH((cur) => (cur && next.version >= cur.version ? { ...cur, ...next } : cur));
      version.current = Math.max(version.current, next.version);
      reload().catch(() => {});
    },
    [reload],
  );

  useFeed(
    rooms,
    seq,
    (changes: Change[]) => {
      const mine = changes.filter((c) => c.topic === 'handoff' && c.key === id && c.value);
      const last = mine.at(-1);
      if (!last) return;
      try {
        const item = JSON.parse(last.value!) as HandoffListItem;
        if (item.version <= version.current) return;
      } catch {
        // reload anyway
      }
      reload().catch((e) => setFailure({ status: 0, message: apiError(e).message }));
    },
    reload,
  );

  useEffect(() => {
    if (h) document.title = `Handoff: ${h.sessionTitle} · Baton`;
  }, [h?.sessionTitle]); // eslint-disable-line react-hooks/exhaustive-deps

  if (failure && !h) {
    const missing = failure.status === 404;
    return (
      <div className="mx-auto max-w-2xl px-4 py-16 text-center" data-testid="handoff-error">
        <h1 className="text-2xl font-semibold">{missing ? 'No such handoff' : 'Could not load this handoff'}</h1>
        <p role="alert" className="mt-2 text-slate-600 dark:text-slate-400">
          {missing ? 'It may have been mistyped, or you may not be allowed to see it.' : failure.message}
        </p>
        <div className="mt-6 flex justify-center gap-3">
          {!missing && (
            <button type="button" onClick={attempt} className={primaryCls}>
              Try again
            </button>
          )}
          <Link href="/handoffs" className={btnCls}>
            All handoffs
          </Link>
        </div>
      </div>
    );
  }
  if (!h) return <ReviewSkeleton />;

  const look = handoffStatusLook[h.status];
  const open = isOpenHandoff(h.status);
  const fromMe = !!me && h.from.userId === me.id;
  const toMe = !!me && h.to.kind === 'user' && h.to.userId === me.id;
  const session = h.session ?? null;

  return (
    <div data-testid="handoff-review" data-handoff={h.id} data-status={h.status} data-version={h.version}>
      <header className="border-b border-slate-200 bg-slate-50/70 dark:border-slate-800 dark:bg-slate-900/30">
        <div className="mx-auto max-w-[90rem] space-y-4 px-4 py-5 sm:px-6">
          <nav aria-label="Breadcrumb" className="flex min-w-0 items-center gap-1.5 text-xs text-slate-500 dark:text-slate-400">
            <Link href="/handoffs" className="hover:text-slate-900 hover:underline dark:hover:text-white">
              Handoffs
            </Link>
            <span aria-hidden>/</span>
            <span className="truncate font-mono">{h.id}</span>
          </nav>
          <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
            <h1 data-testid="handoff-title" className="min-w-0 break-words text-2xl font-semibold tracking-tight sm:text-3xl">
              {h.sessionTitle}
            </h1>
            <span
              data-testid="handoff-status"
              data-status={h.status}
              className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 ${look.chip}`}
            >
              {look.label}
            </span>
            {h.handoffType && (
              <span className="rounded-md bg-white px-2 py-0.5 text-xs font-medium text-slate-600 ring-1 ring-slate-300 dark:bg-slate-900 dark:text-slate-300 dark:ring-slate-700">
                {h.handoffType}
              </span>
            )}
          </div>

          <p data-testid="handoff-parties" className="flex flex-wrap items-center gap-x-2 gap-y-1 text-base sm:text-lg">
            <span className="font-semibold">{fromMe ? 'You' : h.from.label}</span>
            <span aria-label="handed to" className="text-violet-500">
              ⇄
            </span>
            <span className="font-semibold">{toMe ? 'you' : recipientText(h.to)}</span>
            {recipientTag[h.to.kind] && (
              <span className="rounded bg-sky-100 px-1.5 text-xs font-semibold text-sky-800 dark:bg-sky-950 dark:text-sky-300">{recipientTag[h.to.kind]}</span>
            )}
          </p>

          <dl className="grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-4">
            <Meta label="Session">
              <Link
                href={`/sessions/${encodeURIComponent(h.sessionId)}`}
                data-testid="handoff-session-link"
                className="text-accent-600 hover:underline dark:text-accent-500"
              >
                {session?.title ?? h.sessionId}
              </Link>
              {session && (
                <span className="ml-1 text-xs font-normal text-slate-500 dark:text-slate-400">
                  ({statusLook[session.status]?.label ?? session.status}
                  {session.owner ? `, ${session.owner}` : ''})
                </span>
              )}
            </Meta>
            <Meta label="Sent">
              <Time iso={h.createdAt} now={now} />
            </Meta>
            <Meta label={open ? 'Expires' : h.decidedAt ? look.label : 'Expiry'} testId="handoff-expiry">
              {open ? (
                <time
                  dateTime={h.expiresAt}
                  title={absolute(h.expiresAt)}
                  className={Date.parse(h.expiresAt) - now < 6 * 3600_000 ? 'text-amber-700 dark:text-amber-400' : ''}
                >
                  in {timeLeft(h.expiresAt, now)}
                </time>
              ) : h.decidedAt ? (
                <>
                  <Time iso={h.decidedAt} now={now} />
                  {h.decidedBy && <span className="font-normal text-slate-500 dark:text-slate-400"> by {h.decidedBy}</span>}
                </>
              ) : (
                <Time iso={h.expiresAt} now={now} />
              )}
            </Meta>
            <Meta label="Source">
              {h.source}
              {h.renewedFrom && <span className="font-normal text-slate-500 dark:text-slate-400"> · renewed</span>}
            </Meta>
          </dl>

          {h.reason && (h.status === 'declined' || h.status === 'changes-requested') && (
            <p
              data-testid="handoff-reason"
              className={`rounded-md border-l-4 px-3 py-2 text-sm ${h.status === 'declined' ? 'border-rose-500 bg-rose-50 dark:bg-rose-950/40' : 'border-amber-500 bg-amber-50 dark:bg-amber-950/40'}`}
            >
              <span className="font-semibold">
                {h.status === 'declined' ? 'Declined' : 'Changes requested'}
                {h.decidedBy ? ` by ${h.decidedBy}` : ''}:
              </span>{' '}
              {h.reason}
            </p>
          )}

          <Actions h={h} onHandoff={onHandoff} onEdit={() => setEditing(true)} />
        </div>
      </header>

      {failure && (
        <p role="alert" className="mx-auto mt-3 max-w-[90rem] px-4 text-sm text-rose-700 sm:px-6 dark:text-rose-300">
          Could not refresh: {failure.message}
        </p>
      )}

      <div className="mx-auto grid max-w-[90rem] items-start gap-4 px-4 py-5 sm:px-6 lg:grid-cols-[minmax(0,1fr)_26rem]">
        <div className="flex min-w-0 flex-col gap-4">
          <WorkSummary h={h} />
          <ContextCard h={h} />
          <Card id="diff" title="Changed since the previous checkpoint" testId="handoff-diff">
            {h.diff ? (
              <DiffView diff={h.diff} empty="Nothing changed since the previous checkpoint." />
            ) : (
              <p className={muted}>
                {h.checkpointId
                  ? 'This is the session’s first checkpoint: there is nothing earlier to compare with.'
                  : 'No checkpoint was taken with this handoff.'}
              </p>
            )}
          </Card>
          <Links h={h} />
        </div>
        <div className="flex min-w-0 flex-col gap-4">
          <Checklist h={h} canCheck={h.permissions.check} onHandoff={onHandoff} />
          <Timeline h={h} now={now} canComment={h.permissions.comment} onHandoff={onHandoff} />
        </div>
      </div>

      {h.permissions.edit && <HandoffDialog open={editing} onClose={() => setEditing(false)} onSaved={onHandoff} handoff={h} />}
    </div>
  );
}
