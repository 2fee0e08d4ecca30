'use client';

import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { ApiError } from '../../lib/errors';
import { NOTIFY_EVENTS, type Webhook, type WebhookDelivery } from '../../lib/notify';
import { BLOCKER_SEVERITIES } from '../../lib/session-types';
import { api, apiError } from '../auth/api';
import {
  Badge,
  CopyBox,
  dangerButton,
  FormError,
  inputClass,
  primaryButton,
  rowClass,
  secondaryButton,
  Section,
  tableClass,
  tdClass,
  thClass,
  When,
} from '../auth/ui';
import { useNotifyPrefs, type NotifyPrefsPatch } from '../notify/prefs';
import { useConfirm } from '../ui/confirm';
import { useNow } from '../ui/use-now';

type Permission = NotificationPermission | 'unsupported';
const permissionNow = (): Permission => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);

function Check({
  label,
  hint,
  checked,
  onChange,
  testId,
  disabled,
}: {
  label: string;
  hint?: ReactNode;
  checked: boolean;
  onChange: (v: boolean) => void;
  testId: string;
  disabled?: boolean;
}) {
  return (
    <label className={`flex items-start gap-2 text-sm ${disabled ? 'opacity-60' : ''}`}>
      <input type="checkbox" className="mt-0.5" data-testid={testId} checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />
      <span>
        {label}
        {hint && <span className="block text-xs text-slate-500 dark:text-slate-400">{hint}</span>}
      </span>
    </label>
  );
}

const fieldsetClass = 'space-y-3 rounded-lg border border-slate-200 p-4 dark:border-slate-800';
const legendClass = 'px-1 text-sm font-semibold';

/** Settings → Notifications: pop-ups in Baton, browser notifications (opt-in), quiet mode. Stored on the server, for every browser. */
export function NotificationsSection() {
  const [prefs, update, ready] = useNotifyPrefs();
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  // Read after mount (the server render has no Notification API), and again after asking.
  const [permission, setPermission] = useState<Permission>('default');
  useEffect(() => setPermission(permissionNow()), []);
  const set = (patch: NotifyPrefsPatch) =>
    update(patch)
      .then(() => {
        setError(null);
        setSaved(true);
      })
      .catch((err: unknown) => setError(apiError(err).message));
  useEffect(() => {
    if (!saved) return;
    const t = setTimeout(() => setSaved(false), 2500);
    return () => clearTimeout(t);
  }, [saved]);
  const enableBrowser = async () => {
    // Asked only now, after this click.
    const answer = permissionNow() === 'unsupported' ? 'denied' : await Notification.requestPermission();
    setPermission(permissionNow());
    if (answer === 'granted') await set({ browser: { enabled: true } });
    else setError('The browser did not allow notifications: allow them for this site in its settings, then try again.');
  };
  const browserOn = prefs.browser.enabled && permission === 'granted';
  const quiet = prefs.quiet;
  return (
    <Section
      id="notifications"
      title="Notifications"
      description="What Baton tells you, and how; saved for you on every browser. You are never told about your own actions (agents on your tokens are not you)."
    >
      <div aria-busy={!ready} data-ready={ready} data-testid="notify-prefs" className="grid gap-4 lg:grid-cols-3">
        <fieldset className={fieldsetClass}>
          <legend className={legendClass}>Pop-ups in Baton</legend>
          <Check
            label="Board changes by others"
            hint="Goals done, blockers, decisions on the board you have open. A board can override this in this browser (its “Others’ changes” menu)."
            checked={prefs.popups.boardChanges}
            onChange={(v) => void set({ popups: { boardChanges: v } })}
            testId="pref-board-changes"
          />
          <Check
            label="Handoffs to me, and answers to mine"
            checked={prefs.popups.handoffs}
            onChange={(v) => void set({ popups: { handoffs: v } })}
            testId="pref-popup-handoffs"
          />
          <Check
            label="Agents waiting for me"
            checked={prefs.popups.agentsWaiting}
            onChange={(v) => void set({ popups: { agentsWaiting: v } })}
            testId="pref-popup-agents"
          />
        </fieldset>
        <fieldset className={fieldsetClass} data-testid="browser-notifications" data-state={browserOn ? 'on' : permission === 'denied' ? 'blocked' : 'off'}>
          <legend className={legendClass}>Browser notifications</legend>
          {browserOn ? (
            <>
              <p className="text-sm text-slate-600 dark:text-slate-400">
                <Badge tone="green">On</Badge> Shown by your system even when Baton is in another tab.
              </p>
              <Check
                label="Handoffs to me"
                checked={prefs.browser.handoffs}
                onChange={(v) => void set({ browser: { handoffs: v } })}
                testId="pref-browser-handoffs"
              />
              <Check
                label="Agents waiting on my sessions"
                checked={prefs.browser.agentsWaiting}
                onChange={(v) => void set({ browser: { agentsWaiting: v } })}
                testId="pref-browser-agents"
              />
              <label className="block text-sm">
                Blockers on my sessions, from severity
                <select
                  data-testid="pref-browser-severity"
                  className={inputClass}
                  value={prefs.browser.blockerSeverity ?? ''}
                  onChange={(e) => {
                    const v = BLOCKER_SEVERITIES.find((s) => s === e.target.value) ?? null;
                    void set({ browser: { blockerSeverity: v } });
                  }}
                >
                  <option value="">none</option>
                  {BLOCKER_SEVERITIES.map((s) => (
                    <option key={s} value={s}>
                      {s === 'critical' ? 'critical only' : `${s} and above`}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                className={secondaryButton}
                onClick={() => void set({ browser: { enabled: false } })}
                data-testid="disable-browser-notifications"
              >
                Turn off browser notifications
              </button>
            </>
          ) : (
            <>
              <p className="text-sm text-slate-600 dark:text-slate-400">
                {permission === 'unsupported'
                  ? 'This browser cannot show notifications.'
                  : permission === 'denied'
                    ? 'The browser blocks notifications for this site: allow them in its site settings, then turn them on here.'
                    : 'Off. For handoffs to you, agents waiting on your sessions and blockers you choose, even when Baton is in another tab. The browser asks you first.'}
              </p>
              <button
                type="button"
                data-testid="enable-browser-notifications"
                className={primaryButton}
                disabled={permission === 'unsupported'}
                onClick={() => void enableBrowser()}
              >
                Turn on browser notifications
              </button>
            </>
          )}
        </fieldset>
        <fieldset className={fieldsetClass}>
          <legend className={legendClass}>Quiet mode</legend>
          <Check
            label="Quiet: no pop-ups and no browser notifications"
            hint="Counts in the header and each board’s Activity list still update, so nothing is lost."
            checked={quiet}
            onChange={(v) => void set({ quiet: v })}
            testId="pref-quiet"
          />
          {quiet && (
            <p data-testid="quiet-on" className="rounded-md bg-amber-50 p-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
              Quiet mode is on: nothing pops up.
            </p>
          )}
        </fieldset>
      </div>
      <p role="status" className="h-5 text-sm text-emerald-700 dark:text-emerald-400" data-testid="prefs-saved">
        {saved ? 'Saved.' : ''}
      </p>
      {error && (
        <p role="alert" className="text-sm text-rose-600 dark:text-rose-400">
          {error}
        </p>
      )}
    </Section>
  );
}

const stateTone: Record<WebhookDelivery['state'], 'green' | 'amber' | 'rose'> = { delivered: 'green', pending: 'amber', failed: 'rose' };

function DeliveryLog({ hook, version }: { hook: Webhook; version: number }) {
  const [items, setItems] = useState<WebhookDelivery[] | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const now = useNow(30_000);
  const load = useCallback(
    () => api<{ items: WebhookDelivery[] }>(`/api/v1/webhooks/${encodeURIComponent(hook.id)}/deliveries?limit=20`).then((r) => setItems(r.items)),
    [hook.id],
  );
  useEffect(() => void load().catch(() => setItems([])), [load, version]);
  // While a delivery is pending (a retry, a redelivery), look again every 2 s.
  const pending = items?.some((d) => d.state === 'pending') ?? false;
  useEffect(() => {
    if (!pending) return;
    const t = setInterval(() => void load().catch(() => {}), 2000);
    return () => clearInterval(t);
  }, [pending, load]);
  const redeliver = async (id: string) => {
    try {
      await api(`/api/v1/webhooks/${encodeURIComponent(hook.id)}/deliveries/${encodeURIComponent(id)}/redeliver`, { method: 'POST' });
      setNote(`Delivery ${id} queued again.`);
      await load();
    } catch (err) {
      setNote(apiError(err).message);
    }
  };
  if (!items) return <p className="text-sm text-slate-500">Loading…</p>;
  return (
    <div className="space-y-2">
      <div className="flex items-center gap-3">
        <button type="button" className={secondaryButton} onClick={() => void load()}>
          Refresh
        </button>
        <p role="status" className="text-sm text-slate-600 dark:text-slate-400">
          {note}
        </p>
      </div>
      {items.length === 0 ? (
        <p className="text-sm text-slate-500">No deliveries yet: one appears here as soon as a subscribed event happens.</p>
      ) : (
        <table className={tableClass} data-testid="delivery-log">
          <thead>
            <tr>
              <th className={thClass}>Event</th>
              <th className={thClass}>State</th>
              <th className={thClass}>HTTP</th>
              <th className={thClass}>Duration</th>
              <th className={thClass}>Attempts</th>
              <th className={thClass}>Last try</th>
              <th className={thClass}>Response (first 1 KB)</th>
              <th className={thClass}>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => {
              const last = d.log[0];
              return (
                <tr key={d.id} className={rowClass} data-testid="delivery-row" data-state={d.state} data-event={d.eventType}>
                  <td className={tdClass}>
                    <code className="text-xs">{d.eventType}</code>
                    <div className="font-mono text-[11px] text-slate-500">{d.id}</div>
                  </td>
                  <td className={tdClass}>
                    <Badge tone={stateTone[d.state]}>{d.state}</Badge>
                  </td>
                  <td className={`${tdClass} tabular-nums`} data-testid="delivery-status">
                    {d.lastStatus ?? '—'}
                    {d.lastError && <div className="text-xs text-rose-600 dark:text-rose-400">{d.lastError}</div>}
                  </td>
                  <td className={`${tdClass} whitespace-nowrap tabular-nums`} data-testid="delivery-duration">
                    {last ? `${last.durationMs} ms` : '—'}
                  </td>
                  <td className={`${tdClass} tabular-nums`}>{d.attempts}</td>
                  <td className={tdClass}>
                    <When at={d.lastAttemptAt ? new Date(d.lastAttemptAt) : null} now={now} />
                  </td>
                  <td className={tdClass}>
                    {last?.response ? (
                      <pre className="max-h-20 max-w-xs overflow-auto whitespace-pre-wrap break-all text-xs text-slate-600 dark:text-slate-400">
                        {last.response}
                      </pre>
                    ) : (
                      <span className="text-slate-400">—</span>
                    )}
                  </td>
                  <td className={tdClass}>
                    <button type="button" className={secondaryButton} onClick={() => void redeliver(d.id)} aria-label={`Redeliver ${d.eventType} ${d.id}`}>
                      Redeliver
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Settings → Webhooks (admins): add, disable or enable, remove; the delivery log with Redeliver; why one was disabled. */
export function WebhooksSection() {
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [created, setCreated] = useState<Webhook | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [confirm, confirmDialog] = useConfirm();
  const load = useCallback(
    () =>
      api<{ items: Webhook[] }>('/api/v1/webhooks').then((r) => {
        setHooks(r.items);
        setVersion((v) => v + 1);
      }),
    [],
  );
  useEffect(() => void load().catch(() => setHooks([])), [load]);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const events = f.getAll('events').map(String);
    try {
      const w = await api<Webhook>('/api/v1/webhooks', {
        method: 'POST',
        body: {
          url: f.get('url'),
          format: f.get('format'),
          events: events.length ? events : '*',
          minSeverity: f.get('minSeverity') || null,
          description: f.get('description') || null,
        },
      });
      setCreated(w);
      setError(null);
      form.reset();
      await load();
    } catch (err) {
      setError(apiError(err));
    }
  };
  const patch = async (w: Webhook, body: object) => {
    setRowError(null);
    try {
      await api(`/api/v1/webhooks/${encodeURIComponent(w.id)}`, { method: 'PATCH', body });
      await load();
    } catch (err) {
      setRowError({ id: w.id, message: apiError(err).message });
    }
  };
  const remove = async (w: Webhook) => {
    const ok = await confirm({
      title: 'Remove this webhook?',
      body: (
        <>
          <code className="break-all">{w.url}</code> gets no more events, and its delivery log is deleted.
        </>
      ),
      confirm: 'Remove webhook',
      danger: true,
    });
    if (!ok) return;
    setRowError(null);
    try {
      await api(`/api/v1/webhooks/${encodeURIComponent(w.id)}`, { method: 'DELETE' });
      if (created?.id === w.id) setCreated(null);
      await load();
    } catch (err) {
      setRowError({ id: w.id, message: apiError(err).message });
    }
  };
  return (
    <Section
      id="webhooks"
      title="Webhooks"
      description={
        <>
          Baton POSTs signed events to these URLs, as JSON or as a Slack message. The payload, the <code>Baton-Signature</code> check and a Slack setup are in
          docs/notifications.md.
        </>
      }
    >
      {confirmDialog}
      {created?.secret && (
        <div className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-3 dark:border-amber-800 dark:bg-amber-950/40" data-testid="webhook-created">
          <p className="text-sm font-medium">Webhook added. Its signing secret is shown only now: keep it where your receiver checks signatures.</p>
          <CopyBox value={created.secret} label="Signing secret" testId="webhook-secret" />
          <button type="button" className={secondaryButton} onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </div>
      )}
      {hooks && hooks.length === 0 && <p className="text-sm text-slate-500">No webhooks yet.</p>}
      <ul className="space-y-3" data-testid="webhooks">
        {(hooks ?? []).map((w) => (
          <li
            key={w.id}
            className="rounded-lg border border-slate-200 p-3 dark:border-slate-800"
            data-testid="webhook-row"
            data-enabled={w.enabled}
            data-url={w.url}
          >
            {!w.enabled && w.disabledReason && (
              <div
                role="alert"
                data-testid="webhook-disabled"
                className="mb-3 rounded-md border border-rose-300 bg-rose-50 p-3 text-sm text-rose-800 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200"
              >
                <p className="font-semibold">Disabled by Baton</p>
                <p>{w.disabledReason}</p>
                <p className="mt-1">Fix the receiver, then Enable: the failure count starts again from zero.</p>
              </div>
            )}
            <div className="flex flex-wrap items-start gap-2">
              <div className="min-w-0 flex-1 space-y-1">
                <div className="flex flex-wrap items-center gap-2">
                  <Badge tone={w.enabled ? 'green' : 'slate'} testId="webhook-state">
                    {w.enabled ? 'Enabled' : 'Disabled'}
                  </Badge>
                  <code className="break-all text-sm">{w.url}</code>
                </div>
                <p className="text-xs text-slate-500 dark:text-slate-400">
                  {w.format === 'slack' ? 'Slack' : 'JSON'} · {w.events.includes('*') ? 'all events' : w.events.join(', ')}
                  {w.minSeverity ? ` · blockers from ${w.minSeverity}` : ''}
                  {w.description ? ` · ${w.description}` : ''}
                  {w.enabled && w.consecutiveFailures > 0 ? ` · ${w.consecutiveFailures} failed in a row` : ''}
                </p>
              </div>
              <span className="flex flex-wrap gap-2">
                <button type="button" className={secondaryButton} aria-expanded={open === w.id} onClick={() => setOpen(open === w.id ? null : w.id)}>
                  {open === w.id ? 'Hide log' : 'Delivery log'}
                </button>
                <button type="button" className={secondaryButton} onClick={() => void patch(w, { enabled: !w.enabled })}>
                  {w.enabled ? 'Disable' : 'Enable'}
                </button>
                <button type="button" className={dangerButton} onClick={() => void remove(w)}>
                  Remove
                </button>
              </span>
            </div>
            {rowError?.id === w.id && (
              <p role="alert" className="mt-2 text-sm text-rose-600 dark:text-rose-400">
                {rowError.message}
              </p>
            )}
            {open === w.id && (
              <div className="mt-3 overflow-x-auto">
                <DeliveryLog hook={w} version={version} />
              </div>
            )}
          </li>
        ))}
      </ul>
      <form onSubmit={(e) => void submit(e)} className={`${fieldsetClass} grid gap-3 sm:grid-cols-2`} aria-label="Add a webhook">
        <h3 className="text-sm font-semibold sm:col-span-2">Add a webhook</h3>
        <label className="text-sm sm:col-span-2">
          URL
          <input
            name="url"
            required
            placeholder="https://hooks.slack.com/services/…"
            className={inputClass}
            aria-invalid={error?.field === 'url' || undefined}
          />
          {error?.field === 'url' && <span className="text-xs text-rose-600 dark:text-rose-400">{error.message}</span>}
        </label>
        <label className="text-sm">
          Format
          <select name="format" className={inputClass} defaultValue="json">
            <option value="json">JSON (signed)</option>
            <option value="slack">Slack incoming webhook</option>
          </select>
        </label>
        <label className="text-sm">
          Blockers from severity
          <select name="minSeverity" className={inputClass} defaultValue="">
            <option value="">any</option>
            {BLOCKER_SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="text-sm sm:col-span-2">
          <legend>Events (none ticked: all of them)</legend>
          <div className="mt-1 grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-3 lg:grid-cols-5">
            {NOTIFY_EVENTS.map((e) => (
              <label key={e} className="flex items-center gap-1.5">
                <input type="checkbox" name="events" value={e} /> <code className="text-xs">{e}</code>
              </label>
            ))}
          </div>
        </fieldset>
        <label className="text-sm sm:col-span-2">
          Description
          <input name="description" className={inputClass} placeholder="#team-alerts" />
        </label>
        {error && error.field !== 'url' && (
          <div className="sm:col-span-2">
            <FormError error={error} fields={['url']} />
          </div>
        )}
        <div>
          <button type="submit" className={primaryButton}>
            Add webhook
          </button>
        </div>
      </form>
    </Section>
  );
}
