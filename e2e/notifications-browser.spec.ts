import type { Page } from '@playwright/test';
import { expect, newUser, putEntry, test, uniqueNamespace } from './fixtures';

// Browser notifications and in-page pop-ups (issue 18, items 1, 2 and 5): a person turns browser
// notifications on (the permission is asked only after the click), then a second actor (an agent's
// REST token) hands them a session, makes an agent wait on their session and raises blockers. Each
// is one `new Notification(title, { body })` — recorded by wrapping the real constructor — at or
// above the severity they chose; their own blocker and anything during quiet mode raise none.

/** Wraps the real Notification constructor (still calling it) and records every one. */
function recordNotifications() {
  const w = window as unknown as { __notes: { title: string; body: string }[]; Notification: typeof Notification };
  w.__notes = [];
  const Real = w.Notification;
  if (!Real) return;
  class Recorded extends Real {
    constructor(title: string, options?: NotificationOptions) {
      w.__notes.push({ title, body: options?.body ?? '' });
      super(title, options);
    }
  }
  w.Notification = Recorded;
}

const notes = (page: Page) => page.evaluate(() => (window as unknown as { __notes: { title: string; body: string }[] }).__notes);

test.describe('browser notifications', () => {
  test('handoffs to me, agents waiting on my session, blockers from my severity: never my own, never in quiet mode', async ({
    browser,
    request,
    baseURL,
  }, testInfo) => {
    test.setTimeout(150_000);
    const name = `Nora${Date.now().toString(36)}`;
    const nora = await newUser(browser, name, { permissions: ['notifications'] });
    const { page, context } = nora;
    try {
      await page.addInitScript(recordNotifications);
      const me = ((await (await page.request.get('/api/v1/me')).json()) as { principal: { id: string } }).principal;
      const asNora = { origin: baseURL! };

      // A session of Nora's (she is its owner), written by an agent.
      const id = `browser-notes-${Date.now().toString(36)}`;
      await putEntry(request, {
        namespace: uniqueNamespace(testInfo, 'notes'),
        key: `session/${id}/init`,
        value: { session_id: id, session_type: 'development', developer_id: name, project_name: 'notes-e2e' },
      });

      // Off until she turns it on; the permission is asked only by that click.
      await page.goto('/settings');
      const section = page.getByTestId('section-notifications');
      await expect(page.getByTestId('notify-prefs')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
      await expect(section.getByTestId('browser-notifications')).toHaveAttribute('data-state', 'off');
      await section.getByTestId('enable-browser-notifications').click();
      await expect(section.getByTestId('browser-notifications')).toHaveAttribute('data-state', 'on');
      await section.getByTestId('pref-browser-severity').selectOption('high');
      await expect(section.getByTestId('prefs-saved')).toHaveText('Saved.');
      // Stored for her (a later change keeps the earlier ones).
      const stored = (await (await page.request.get('/api/v1/me/notifications')).json()) as { browser: object };
      expect(stored.browser).toMatchObject({ enabled: true, blockerSeverity: 'high' });
      await expect(section.getByTestId('browser-notifications')).toHaveAttribute('data-state', 'on');

      await page.goto('/');
      const count = page.getByTestId('needs-you-link');
      await expect(count).toBeVisible({ timeout: 20_000 });
      const countNow = async () => Number(await count.getAttribute('data-count'));
      const base = await countNow();

      // 1. An agent waits on her session: a notification, and an in-page pop-up.
      expect(
        (await request.post(`/api/v1/sessions/${id}/agents`, { data: { name: 'claude', status: 'waiting', currentTask: 'Approve the migration?' } })).ok(),
      ).toBe(true);
      await expect.poll(() => notes(page)).toContainEqual({ title: 'claude is waiting for you', body: expect.stringContaining('Approve the migration?') });
      await expect(page.getByTestId('needs-you-toast')).toContainText('claude is waiting for you');

      // 2. A handoff to her: a notification, and the handoff toast.
      const handed = await request.post(`/api/v1/sessions/${id}/handoffs`, { data: { to: { kind: 'user', userId: me.id } } });
      expect(handed.ok(), await handed.text()).toBe(true);
      await expect.poll(async () => (await notes(page)).some((n) => /handed you/.test(n.title))).toBe(true);
      await expect(page.getByTestId('handoff-toast')).toContainText('handed you');

      // 3. Blockers: critical and high (her threshold) notify, medium does not.
      for (const [severity, description] of [
        ['medium', 'Flaky login test'],
        ['high', 'Staging certificate expired'],
        ['critical', 'Payments are failing in production'],
      ] as const) {
        expect((await request.post(`/api/v1/sessions/${id}/blockers`, { data: { description, severity } })).ok()).toBe(true);
      }
      await expect
        .poll(() => notes(page))
        .toContainEqual({ title: expect.stringMatching(/^Blocker \(critical\)/), body: 'Payments are failing in production' });
      await expect.poll(() => notes(page)).toContainEqual({ title: expect.stringMatching(/^Blocker \(high\)/), body: 'Staging certificate expired' });
      expect((await notes(page)).some((n) => n.body === 'Flaky login test')).toBe(false);
      expect(await countNow()).toBe(base + 3); // the waiting agent, the handoff, the critical blocker

      // 4. Her own critical blocker (from another tab of hers): counted, never notified.
      const own = await page.request.post(`/api/v1/sessions/${id}/blockers`, {
        headers: asNora,
        data: { description: 'My own blocker', severity: 'critical' },
      });
      expect(own.ok(), await own.text()).toBe(true);
      await expect(count).toHaveAttribute('data-count', String(base + 4));
      // A later change by someone else still notifies: the silence above was not a missed read.
      expect((await request.post(`/api/v1/sessions/${id}/agents`, { data: { name: 'codex', status: 'waiting', currentTask: 'Which branch?' } })).ok()).toBe(
        true,
      );
      await expect.poll(() => notes(page)).toContainEqual({ title: 'codex is waiting for you', body: expect.stringContaining('Which branch?') });
      expect((await notes(page)).some((n) => n.body === 'My own blocker')).toBe(false);

      // 5. Quiet mode: nothing pops up and nothing notifies; the count still updates.
      await page.goto('/settings');
      await expect(page.getByTestId('notify-prefs')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
      await page.getByTestId('pref-quiet').check();
      await expect(page.getByTestId('quiet-on')).toBeVisible();
      const before = (await notes(page)).length;
      expect((await request.post(`/api/v1/sessions/${id}/agents`, { data: { name: 'gemini', status: 'waiting', currentTask: 'Quiet please' } })).ok()).toBe(
        true,
      );
      expect((await request.post(`/api/v1/sessions/${id}/blockers`, { data: { description: 'Quiet critical', severity: 'critical' } })).ok()).toBe(true);
      await expect(count).toHaveAttribute('data-count', String(base + 7));
      await page.waitForTimeout(500);
      expect((await notes(page)).length).toBe(before);
      await expect(page.getByTestId('needs-you-toast')).toHaveCount(0);
      // Quiet off again: the next one notifies.
      await page.getByTestId('pref-quiet').uncheck();
      await expect(page.getByTestId('quiet-on')).toHaveCount(0);
      expect((await request.post(`/api/v1/sessions/${id}/agents`, { data: { name: 'aider', status: 'waiting', currentTask: 'Loud again' } })).ok()).toBe(true);
      await expect.poll(() => notes(page)).toContainEqual({ title: 'aider is waiting for you', body: expect.stringContaining('Loud again') });
      expect((await notes(page)).some((n) => /gemini|Quiet critical/.test(n.title + n.body))).toBe(false);
    } finally {
      await context.close();
    }
  });
});
