'use client';

import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { ApiError } from '../../lib/errors';
import type { SessionSummary } from '../../lib/session-types';
import { sessionsApi } from '../boards/api';
import { typeLabel } from '../boards/look';
import { api, apiError, toDate } from '../auth/api';
import { useApiList } from './use-api-list';
import { useFocusInvalid } from '../auth/account-fields';
import type { Me } from '../auth/me';
import {
  Badge,
  CopyBox,
  dangerButton,
  FieldError,
  FormError,
  inputClass,
  invalid,
  isFormLevel,
  primaryButton,
  rowClass,
  secondaryButton,
  Section,
  Spinner,
  tableClass,
  tdClass,
  thClass,
  When,
  type Tone,
} from '../auth/ui';
import { useConfirm } from '../ui/confirm';
import { useNow } from '../ui/use-now';

interface ShareRow {
  id: string;
  sessionId: string;
  createdBy: string;
  createdAt: number | string;
  expiresAt: number | string;
  revokedAt: number | string | null;
}

interface CreatedShare {
  id: string;
  token: string;
  sessionId: string;
  path: string;
  expiresAt: string;
}

type ShareStatus = 'active' | 'revoked' | 'expired';
const statusTone: Record<ShareStatus, Tone> = { active: 'green', revoked: 'rose', expired: 'slate' };

function shareStatus(s: ShareRow, now: number): ShareStatus {
  if (s.revokedAt) return 'revoked';
  if ((toDate(s.expiresAt)?.getTime() ?? 0) <= now) return 'expired';
  return 'active';
}

/** The meeting-mode variant of a board's share link: coordination sessions have an agenda to follow. */
const meetingPath = (boardPath: string) => boardPath.replace(/^\/sessions\//, '/present/');

/** "Sprint planning · Coordination · coord-1": what a person recognises a session by. */
const sessionLabel = (s: SessionSummary) =>
  s.title === s.id ? `${s.id} · ${typeLabel[s.type] ?? s.type}` : `${s.title} · ${typeLabel[s.type] ?? s.type} · ${s.id}`;

/** The sessions one can share, newest activity first; null while loading. */
function useSessions(): { sessions: SessionSummary[] | null; error: string | null } {
  const [sessions, setSessions] = useState<SessionSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    sessionsApi
      .list({ limit: 500 })
      .then((r) => live && setSessions([...r.items].sort((a, b) => Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt))))
      .catch((e) => live && setError(apiError(e).message));
    return () => {
      live = false;
    };
  }, []);
  return { sessions, error };
}

/** Share links (members and admins): a read-only view of one session's board, for a meeting-room screen. */
export function ShareLinksSection({ me, userNames }: { me: Me; userNames: Map<string, string> }) {
  const [sessionId, setSessionId] = useState('');
  const [hours, setHours] = useState('24');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedShare | null>(null);
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);
  const form = useRef<HTMLFormElement>(null);
  useFocusInvalid(form, error);
  const now = useNow(30_000);
  const [confirm, confirmDialog] = useConfirm();

  const { items: items, loadError: loadError, reload: load } = useApiList<ShareRow>('/api/v1/share-links');
  const { sessions, error: sessionsError } = useSessions();
  const sessionById = useMemo(() => new Map((sessions ?? []).map((s) => [s.id, s])), [sessions]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!sessionId) return setError({ code: 'invalid_input', field: 'sessionId', message: 'sessionId: choose the session to share' });
    const n = Number(hours);
    if (!Number.isInteger(n) || n < 1 || n > 2160) {
      return setError({ code: 'invalid_input', field: 'expiresInHours', message: 'expiresInHours: a whole number of hours from 1 to 2160 (90 days)' });
    }
    setBusy(true);
    setError(null);
    try {
      const r = await api<CreatedShare>('/api/v1/share-links', { method: 'POST', body: { sessionId, expiresInHours: n } });
      setCreated(r);
      setSessionId('');
      await load();
    } catch (err) {
      setError(apiError(err));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (s: ShareRow) => {
    const ok = await confirm({
      title: 'Revoke this share link?',
      body: (
        <>
          Screens showing <span className="font-mono font-medium">{s.sessionId}</span> through this link lose access at once. This can’t be undone; you can make
          a new link later.
        </>
      ),
      confirm: 'Revoke link',
      danger: true,
    });
    if (!ok) return;
    setRowError(null);
    try {
      await api(`/api/v1/share-links/${encodeURIComponent(s.id)}`, { method: 'DELETE' });
      if (created?.id === s.id) setCreated(null);
      await load();
    } catch (err) {
      setRowError({ id: s.id, message: apiError(err).message });
    }
  };

  const url = created ? `${window.location.origin}${created.path}` : '';
  const createdSession = created ? sessionById.get(created.sessionId) : undefined;

  return (
    <Section
      id="share-links"
      title="Share links"
      description="A read-only link to one session’s board, for a meeting-room screen or someone without an account. Anyone with the link can watch until it expires or you revoke it."
    >
      <form
        ref={form}
        onSubmit={(e) => void submit(e)}
        aria-label="Create share link"
        noValidate
        data-testid="share-create-form"
        className="grid gap-4 rounded-lg border border-slate-200 bg-slate-50/60 p-4 sm:grid-cols-[minmax(0,1fr)_9rem_auto] sm:items-start dark:border-slate-800 dark:bg-slate-900/40"
      >
        <label className="block min-w-0 text-sm font-medium">
          Session
          <select
            name="sessionId"
            value={sessionId}
            onChange={(e) => setSessionId(e.target.value)}
            disabled={!sessions}
            className={`${inputClass} truncate`}
            aria-invalid={invalid(error, 'sessionId')}
            aria-describedby="share-session-error"
            data-testid="share-session"
          >
            <option value="">{sessions ? (sessions.length ? 'Choose a session…' : 'No sessions yet') : 'Loading sessions…'}</option>
            {sessions?.map((s) => (
              <option key={s.id} value={s.id}>
                {sessionLabel(s)}
              </option>
            ))}
          </select>
          <FieldError error={error} field="sessionId" id="share-session-error" />
          {sessionsError && <span className="mt-1 block text-xs text-rose-600 dark:text-rose-400">Could not load sessions: {sessionsError}</span>}
        </label>
        <label className="block text-sm font-medium">
          Valid for <span className="font-normal text-slate-500">(hours)</span>
          <input
            name="expiresInHours"
            type="number"
            min={1}
            max={2160}
            step={1}
            inputMode="numeric"
            value={hours}
            onChange={(e) => setHours(e.target.value)}
            className={inputClass}
            aria-invalid={invalid(error, 'expiresInHours')}
            aria-describedby="share-hours-error"
          />
          <FieldError error={error} field="expiresInHours" id="share-hours-error" />
        </label>
        <div className="sm:pt-6">
          <button type="submit" disabled={busy} className={`${primaryButton} w-full whitespace-nowrap`}>
            {busy ? 'Creating…' : 'Create link'}
          </button>
        </div>
        {isFormLevel(error, ['sessionId', 'expiresInHours']) && (
          <div className="sm:col-span-3">
            <FormError error={error} fields={['sessionId', 'expiresInHours']} />
          </div>
        )}
      </form>

      {created && (
        <div
          role="region"
          aria-label="New share link"
          data-testid="new-share"
          className="space-y-2 rounded-lg border border-emerald-400 bg-emerald-50 p-4 dark:border-emerald-700 dark:bg-emerald-950/40"
        >
          <p className="text-sm">
            Read-only link to{' '}
            {createdSession && createdSession.title !== created.sessionId ? (
              <>
                <span className="font-medium">{createdSession.title}</span> <span className="break-all font-mono">({created.sessionId})</span>
              </>
            ) : (
              <span className="break-all font-mono">{created.sessionId}</span>
            )}
            , valid until <time dateTime={created.expiresAt}>{new Date(created.expiresAt).toLocaleString()}</time>. It is shown only now.
          </p>
          <p className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">Board, read-only</p>
          <CopyBox value={url} label="Share link" testId="new-share-link" />
          {createdSession?.type === 'coordination' && (
            <>
              <p className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">Meeting screen (follows the presenter)</p>
              <CopyBox value={`${window.location.origin}${meetingPath(created.path)}`} label="Meeting screen link" testId="new-share-meeting-link" />
            </>
          )}
          <button type="button" onClick={() => setCreated(null)} className={secondaryButton}>
            Done
          </button>
        </div>
      )}

      {confirmDialog}
      {loadError && (
        <p role="alert" className="text-sm text-rose-600 dark:text-rose-400">
          Could not load share links: {loadError}
        </p>
      )}
      {!items && !loadError && <Spinner label="Loading share links…" />}
      {items && items.length === 0 && <p className="text-sm text-slate-500">No share links yet.</p>}
      {items && items.length > 0 && (
        <div className="relative overflow-x-auto">
          <table className={tableClass} data-testid="share-links">
            <thead>
              <tr>
                <th scope="col" className={thClass}>
                  Session
                </th>
                <th scope="col" className={thClass}>
                  Created by
                </th>
                <th scope="col" className={thClass}>
                  Created
                </th>
                <th scope="col" className={thClass}>
                  Expires
                </th>
                <th scope="col" className={thClass}>
                  Status
                </th>
                <th scope="col" className={thClass}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => {
                const status = shareStatus(s, now);
                return (
                  <tr key={s.id} className={rowClass} data-testid="share-row" data-status={status}>
                    <td className={tdClass}>
                      {sessionById.get(s.sessionId)?.title !== undefined && sessionById.get(s.sessionId)!.title !== s.sessionId && (
                        <span className="block font-medium">{sessionById.get(s.sessionId)!.title}</span>
                      )}
                      <span className="break-all font-mono text-xs text-slate-500 dark:text-slate-400">{s.sessionId}</span>
                    </td>
                    <td className={tdClass}>{s.createdBy === me.id ? 'you' : (userNames.get(s.createdBy) ?? 'someone else')}</td>
                    <td className={tdClass}>
                      <When at={toDate(s.createdAt)} now={now} />
                    </td>
                    <td className={tdClass}>
                      <When at={toDate(s.expiresAt)} now={now} />
                    </td>
                    <td className={tdClass}>
                      <Badge tone={statusTone[status]}>{status}</Badge>
                    </td>
                    <td className={`${tdClass} text-right`}>
                      {status === 'active' && (
                        <button
                          type="button"
                          onClick={() => void revoke(s)}
                          className={`${dangerButton} py-1 text-xs`}
                          aria-label={`Revoke share link for ${s.sessionId}`}
                        >
                          Revoke
                        </button>
                      )}
                      {rowError?.id === s.id && (
                        <p role="alert" className="mt-1 text-xs text-rose-600 dark:text-rose-400">
                          {rowError.message}
                        </p>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
