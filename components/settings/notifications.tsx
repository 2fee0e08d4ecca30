'use client';

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ApiError } from '../../lib/errors';
import { NOTIFY_EVENTS, type Webhook, type WebhookDelivery } from '../../lib/notify';
import { BLOCKER_SEVERITIES } from '../../lib/session-types';
import { api, apiError } from '../auth/api';
import { CopyBox, dangerButton, FormError, inputClass, primaryButton, secondaryButton, Section, tableClass, tdClass, thClass, rowClass } from '../auth/ui';
import { useNotifyPrefs } from '../notify/prefs';

/** Settings → Notifications: browser notifications (opt-in), what pops up, quiet mode. */
export function NotificationsSection() {
  const [prefs, update] = useNotifyPrefs();
  const [error, setError] = useState<string | null>(null);
  const set = (patch: Parameters<typeof update>[0]) => update(patch).catch((err: unknown) => setError(apiError(err).message));
  const permission = typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
  const enableBrowser = async () => {
    // Asked only now, after this click.
    const answer = typeof Notification === 'undefined' ? 'denied' : await Notification.requestPermission();
    if (answer === 'granted') await set({ browser: { enabled: true } });
    else setError('The browser did not allow notifications: allow them for this site in its settings, then try again.');
  };
  const check = (label: string, checked: boolean, onChange: (v: boolean) => void, testId: string) => (
    <label className="flex items-center gap-2 text-sm">
      <input type="checkbox" data-testid={testId} checked={checked} onChange={(e) => void onChange(e.target.checked)} />
      {label}
    </label>
  );
  return (
    <Section id="notifications" title="Notifications" description="What Baton tells you, and how. You are never told about your own actions.">
      <div className="grid gap-6 sm:grid-cols-3">
        <fieldset className="space-y-2">
          <legend className="text-sm font-semibold">On boards</legend>
          {check('Board changes by others', prefs.popups.boardChanges, (v) => void set({ popups: { boardChanges: v } }), 'pref-board-changes')}
          {check('Handoffs to me', prefs.popups.handoffs, (v) => void set({ popups: { handoffs: v } }), 'pref-popup-handoffs')}
          {check('Agents waiting for me', prefs.popups.agentsWaiting, (v) => void set({ popups: { agentsWaiting: v } }), 'pref-popup-agents')}
        </fieldset>
        <fieldset className="space-y-2">
          <legend className="text-sm font-semibold">Browser notifications</legend>
          {prefs.browser.enabled && permission === 'granted' ? (
            <>
              {check('Handoffs to me', prefs.browser.handoffs, (v) => void set({ browser: { handoffs: v } }), 'pref-browser-handoffs')}
              {check('Agents waiting on my sessions', prefs.browser.agentsWaiting, (v) => void set({ browser: { agentsWaiting: v } }), 'pref-browser-agents')}
              <label className="block text-sm">
                Blockers on my sessions from
                <select
                  className={inputClass}
                  value={prefs.browser.blockerSeverity ?? ''}
                  onChange={(e) => void set({ browser: { blockerSeverity: (e.target.value || null) as never } })}
                >
                  <option value="">none</option>
                  {BLOCKER_SEVERITIES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              </label>
              <button type="button" className={secondaryButton} onClick={() => void set({ browser: { enabled: false } })}>
                Turn off
              </button>
            </>
          ) : (
            <button
              type="button"
              data-testid="enable-browser-notifications"
              className={secondaryButton}
              disabled={permission === 'unsupported'}
              onClick={() => void enableBrowser()}
            >
              Turn on browser notifications
            </button>
          )}
        </fieldset>
        <fieldset className="space-y-2">
          <legend className="text-sm font-semibold">Quiet mode</legend>
          {check('Quiet: no pop-ups or notifications (counts still update)', prefs.quiet, (v) => void set({ quiet: v }), 'pref-quiet')}
        </fieldset>
      </div>
      {error && (
        <p role="alert" className="text-sm text-rose-600">
          {error}
        </p>
      )}
    </Section>
  );
}

function DeliveryLog({ hook }: { hook: Webhook }) {
  const [items, setItems] = useState<WebhookDelivery[] | null>(null);
  const load = useCallback(
    () => api<{ items: WebhookDelivery[] }>(`/api/v1/webhooks/${hook.id}/deliveries?limit=20`).then((r) => setItems(r.items)),
    [hook.id],
  );
  useEffect(() => void load().catch(() => setItems([])), [load]);
  const redeliver = async (id: string) => {
    await api(`/api/v1/webhooks/${hook.id}/deliveries/${id}/redeliver`, { method: 'POST' });
    setTimeout(() => void load(), 1000);
  };
  if (!items) return <p className="text-sm text-slate-500">Loading…</p>;
  if (items.length === 0) return <p className="text-sm text-slate-500">No deliveries yet.</p>;
  return (
    <table className={tableClass} data-testid="delivery-log">
      <thead>
        <tr>
          <th className={thClass}>Event</th>
          <th className={thClass}>State</th>
          <th className={thClass}>Attempts</th>
          <th className={thClass}>Last answer</th>
          <th className={thClass} />
        </tr>
      </thead>
      <tbody>
        {items.map((d) => (
          <tr key={d.id} className={rowClass}>
            <td className={tdClass}>
              <code className="text-xs">{d.eventType}</code>
              <div className="text-xs text-slate-500">{d.id}</div>
            </td>
            <td className={tdClass}>{d.state}</td>
            <td className={tdClass}>
              {d.attempts}
              {d.log[0] && <div className="text-xs text-slate-500">{d.log[0].durationMs} ms</div>}
            </td>
            <td className={tdClass}>
              {d.lastStatus ?? '—'} {d.lastError && <span className="text-xs text-rose-600">{d.lastError}</span>}
              {d.log[0]?.response && <pre className="mt-1 max-h-20 max-w-md overflow-auto whitespace-pre-wrap text-xs text-slate-500">{d.log[0].response}</pre>}
            </td>
            <td className={tdClass}>
              <button type="button" className={secondaryButton} onClick={() => void redeliver(d.id)}>
                Redeliver
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Settings → Webhooks (admins): add, pause, remove; the delivery log with Redeliver. */
export function WebhooksSection() {
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [created, setCreated] = useState<Webhook | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const load = useCallback(() => api<{ items: Webhook[] }>('/api/v1/webhooks').then((r) => setHooks(r.items)), []);
  useEffect(() => void load().catch(() => setHooks([])), [load]);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
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
      await load();
    } catch (err) {
      setError(apiError(err));
    }
  };
  const patch = async (id: string, body: object) => {
    await api(`/api/v1/webhooks/${id}`, { method: 'PATCH', body });
    await load();
  };
  const remove = async (id: string) => {
    await api(`/api/v1/webhooks/${id}`, { method: 'DELETE' });
    await load();
  };
  return (
    <Section
      id="webhooks"
      title="Webhooks"
      description="Baton POSTs signed events to these URLs (JSON or Slack). See docs/notifications.md for the payload and the signature check."
    >
      {created?.secret && <CopyBox value={created.secret} label="Signing secret (shown once: copy it now)" testId="webhook-secret" />}
      <ul className="space-y-3" data-testid="webhooks">
        {(hooks ?? []).map((w) => (
          <li key={w.id} className="rounded-lg border border-slate-200 p-3 dark:border-slate-800">
            {!w.enabled && w.disabledReason && (
              <p
                role="alert"
                data-testid="webhook-disabled"
                className="mb-2 rounded-md bg-rose-50 p-2 text-sm text-rose-800 dark:bg-rose-950 dark:text-rose-200"
              >
                {w.disabledReason}
              </p>
            )}
            <div className="flex flex-wrap items-center gap-2">
              <code className="break-all text-sm">{w.url}</code>
              <span className="text-xs text-slate-500">
                {w.format} · {w.events.join(', ')}
                {w.minSeverity ? ` · blockers ≥ ${w.minSeverity}` : ''}
              </span>
              <span className="ml-auto flex gap-2">
                <button type="button" className={secondaryButton} onClick={() => setOpen(open === w.id ? null : w.id)}>
                  {open === w.id ? 'Hide log' : 'Delivery log'}
                </button>
                <button type="button" className={secondaryButton} onClick={() => void patch(w.id, { enabled: !w.enabled })}>
                  {w.enabled ? 'Pause' : 'Enable'}
                </button>
                <button type="button" className={dangerButton} onClick={() => void remove(w.id)}>
                  Remove
                </button>
              </span>
            </div>
            {open === w.id && (
              <div className="mt-3 overflow-x-auto">
                <DeliveryLog hook={w} />
              </div>
            )}
          </li>
        ))}
      </ul>
      <form onSubmit={(e) => void submit(e)} className="grid gap-3 sm:grid-cols-2" aria-label="Add a webhook">
        <label className="text-sm sm:col-span-2">
          URL
          <input name="url" required placeholder="https://hooks.slack.com/services/…" className={inputClass} />
        </label>
        <label className="text-sm">
          Format
          <select name="format" className={inputClass} defaultValue="json">
            <option value="json">JSON</option>
            <option value="slack">Slack</option>
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
          <legend>Events (none ticked: all)</legend>
          <div className="mt-1 flex flex-wrap gap-3">
            {NOTIFY_EVENTS.map((e) => (
              <label key={e} className="flex items-center gap-1">
                <input type="checkbox" name="events" value={e} /> <code className="text-xs">{e}</code>
              </label>
            ))}
          </div>
        </fieldset>
        <label className="text-sm sm:col-span-2">
          Description
          <input name="description" className={inputClass} />
        </label>
        <FormError error={error} fields={[]} />
        <div>
          <button type="submit" className={primaryButton}>
            Add webhook
          </button>
        </div>
      </form>
    </Section>
  );
}
