import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { startReceiver } from '../test/webhook-receiver';
import { ADMIN_STATE } from './auth-files';
import { startDevSession } from './board-helpers';
import { expect, newUser, test } from './fixtures';
import { uid } from './meeting-helpers';

// Settings → Webhooks (issue 18, items 3 and 4), against a real receiver on this machine (the e2e
// server runs with WEBHOOK_ALLOW_PRIVATE=true): an admin adds a webhook and sees its secret once,
// a real event arrives signed with it, the delivery log shows status and duration, Redeliver sends
// the same delivery again, Disable / Enable / Remove work; a webhook Baton disabled after 20
// failures says why; a member sees no Webhooks section and the API refuses them.

const SHOTS = join(process.cwd(), 'test-results', 'notify-shots');

const blocker = (request: APIRequestContext, id: string, description: string) =>
  request.post(`/api/v1/sessions/${id}/blockers`, { data: { description, severity: 'high' } }).then((r) => expect(r.ok()).toBe(true));

async function addWebhook(page: Page, url: string, event: string) {
  const form = page.getByRole('form', { name: 'Add a webhook' });
  await form.getByLabel('URL').fill(url);
  await form.locator(`input[name="events"][value="${event}"]`).check();
  await form.getByRole('button', { name: 'Add webhook' }).click();
}

test('an admin adds a webhook, sees its secret once, and follows deliveries: redeliver, disable, enable, remove', async ({ page, request }) => {
  test.setTimeout(120_000);
  const receiver = await startReceiver();
  try {
    const url = `${receiver.url}/ok-${uid('hook')}`;
    await page.goto('/settings');
    const section = page.getByTestId('section-webhooks');
    await expect(section).toBeVisible({ timeout: 20_000 });
    await addWebhook(page, url, 'blocker.raised');

    // The secret, once.
    const secret = await section.getByTestId('webhook-secret').inputValue();
    expect(secret.length).toBeGreaterThan(20);
    const row = section.getByTestId('webhook-row').filter({ hasText: url });
    await expect(row).toHaveAttribute('data-enabled', 'true');
    await expect(row).toContainText('blocker.raised');
    await section.getByRole('button', { name: 'I have copied it' }).click();
    await expect(section.getByTestId('webhook-secret')).toHaveCount(0);
    await page.reload();
    await expect(row).toBeVisible();
    expect(await page.content()).not.toContain(secret);

    // A real event: the receiver gets it, signed with that secret.
    const id = uid('hooked');
    await startDevSession(request, id);
    await blocker(request, id, 'Webhook e2e blocker');
    await expect.poll(() => receiver.received.filter((r) => r.body?.data?.blocker?.description === 'Webhook e2e blocker').length).toBe(1);
    const got = receiver.received.find((r) => r.body?.data?.blocker?.description === 'Webhook e2e blocker')!;
    expect(got.headers['baton-event']).toBe('blocker.raised');
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(got.headers['baton-signature']))!;
    expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${got.raw}`).digest('hex'));
    const deliveryId = String(got.headers['baton-delivery']);

    // The delivery log: state, HTTP status, duration; Redeliver sends the same delivery again.
    await row.getByRole('button', { name: 'Delivery log' }).click();
    const entry = row.getByTestId('delivery-row').filter({ hasText: deliveryId });
    await expect(entry).toHaveAttribute('data-state', 'delivered');
    await expect(entry.getByTestId('delivery-status')).toHaveText('200');
    await expect(entry.getByTestId('delivery-duration')).toHaveText(/^\d+ ms$/);
    await entry.getByRole('button', { name: /^Redeliver/ }).click();
    await expect.poll(() => receiver.received.filter((r) => r.headers['baton-delivery'] === deliveryId).length).toBe(2);
    await expect(row.getByRole('status')).toContainText('queued again');
    await row.getByRole('button', { name: 'Refresh' }).click();
    await expect(entry).toContainText('2'); // two attempts
    mkdirSync(SHOTS, { recursive: true });
    await row.screenshot({ path: join(SHOTS, 'webhook-log-1440.png'), animations: 'disabled' });

    // Disable: no delivery while off; Enable: deliveries again.
    await row.getByRole('button', { name: 'Disable' }).click();
    await expect(row).toHaveAttribute('data-enabled', 'false');
    await expect(row.getByTestId('webhook-state')).toHaveText('Disabled');
    await blocker(request, id, 'While disabled');
    await row.getByRole('button', { name: 'Enable' }).click();
    await expect(row).toHaveAttribute('data-enabled', 'true');
    await blocker(request, id, 'After enabling');
    await expect.poll(() => receiver.received.some((r) => r.body?.data?.blocker?.description === 'After enabling')).toBe(true);
    expect(receiver.received.some((r) => r.body?.data?.blocker?.description === 'While disabled')).toBe(false);

    // Remove, behind the app's own confirmation (Escape cancels, the button asks again).
    await row.getByRole('button', { name: 'Remove' }).click();
    const confirm = page.getByTestId('confirm-dialog');
    await expect(confirm).toContainText(url);
    await page.keyboard.press('Escape');
    await expect(row).toBeVisible();
    await row.getByRole('button', { name: 'Remove' }).click();
    await expect(confirm.getByRole('button', { name: 'Remove webhook' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(row).toHaveCount(0);
    expect(((await (await request.get('/api/v1/webhooks')).json()) as { items: { url: string }[] }).items.some((w) => w.url === url)).toBe(false);
  } finally {
    await receiver.close();
  }
});

test('a webhook Baton disabled after 20 failures says why, and Enable starts again', async ({ page, request }) => {
  test.setTimeout(120_000);
  const receiver = await startReceiver(() => 410);
  const url = `${receiver.url}/gone-${uid('gone')}`;
  try {
    const made = await request.post('/api/v1/webhooks', { data: { url, events: ['goal.done'] } });
    expect(made.ok(), await made.text()).toBe(true);
    const hook = (await made.json()) as { id: string };
    const id = uid('failing');
    await startDevSession(request, id, { goals: Array.from({ length: 22 }, (_, i) => `goal ${i}`) });
    const board = (await (await request.get(`/api/v1/sessions/${id}`)).json()) as { goals: { id: number }[] };
    for (const g of board.goals) expect((await request.patch(`/api/v1/sessions/${id}/goals/${g.id}`, { data: { done: true } })).ok()).toBe(true);
    await expect
      .poll(
        async () =>
          ((await (await request.get('/api/v1/webhooks')).json()) as { items: { id: string; enabled: boolean }[] }).items.find((w) => w.id === hook.id)
            ?.enabled,
        {
          timeout: 20_000,
        },
      )
      .toBe(false);

    await page.goto('/settings');
    const row = page.getByTestId('section-webhooks').getByTestId('webhook-row').filter({ hasText: url });
    const banner = row.getByTestId('webhook-disabled');
    await expect(banner).toBeVisible();
    await expect(banner).toContainText(/after 2\d consecutive failed deliveries \(last: HTTP 410\)/);
    mkdirSync(SHOTS, { recursive: true });
    await row.screenshot({ path: join(SHOTS, 'webhook-disabled-1440.png'), animations: 'disabled' });
    await row.getByRole('button', { name: 'Enable' }).click();
    await expect(row).toHaveAttribute('data-enabled', 'true');
    await expect(banner).toHaveCount(0);
    await request.delete(`/api/v1/webhooks/${hook.id}`);
  } finally {
    await receiver.close();
  }
});

test('a member sees no Webhooks section and the API refuses them', async ({ browser, baseURL }) => {
  const mo = await newUser(browser, `Mo${Date.now().toString(36)}`);
  try {
    await mo.page.goto('/settings');
    await expect(mo.page.getByTestId('section-notifications')).toBeVisible();
    await expect(mo.page.getByTestId('section-webhooks')).toHaveCount(0);
    expect((await mo.page.request.get('/api/v1/webhooks')).status()).toBe(403);
    const post = await mo.page.request.post('/api/v1/webhooks', { headers: { origin: baseURL! }, data: { url: 'https://example.com/hook' } });
    expect(post.status()).toBe(403);
  } finally {
    await mo.context.close();
  }
});

test('Settings → Notifications: changes persist across a reload; screenshots of both pages, light and dark', async ({ browser, request }) => {
  test.setTimeout(180_000);
  mkdirSync(SHOTS, { recursive: true });
  // A webhook to show in the screenshots (the URL is never called: no event is subscribed that happens here).
  const made = await request.post('/api/v1/webhooks', {
    data: { url: 'https://hooks.slack.com/services/T000/B000/XXXX', format: 'slack', events: ['meeting.started'], description: '#team-alerts' },
  });
  expect(made.ok(), await made.text()).toBe(true);
  const hook = (await made.json()) as { id: string };
  const lia = await newUser(browser, `Lia${Date.now().toString(36)}`, { permissions: ['notifications'] });
  try {
    const page = lia.page;
    await page.goto('/settings');
    const section = page.getByTestId('section-notifications');
    await expect(page.getByTestId('notify-prefs')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
    await section.getByTestId('pref-popup-agents').uncheck();
    await expect(section.getByTestId('prefs-saved')).toHaveText('Saved.');
    await section.getByTestId('pref-quiet').check();
    await expect(section.getByTestId('quiet-on')).toBeVisible();
    await section.getByTestId('enable-browser-notifications').click();
    await section.getByTestId('pref-browser-severity').selectOption('medium');
    await expect(section.getByTestId('prefs-saved')).toHaveText('Saved.');
    await page.reload();
    await expect(page.getByTestId('notify-prefs')).toHaveAttribute('data-ready', 'true');
    await expect(section.getByTestId('pref-popup-agents')).not.toBeChecked();
    await expect(section.getByTestId('pref-board-changes')).toBeChecked();
    await expect(section.getByTestId('pref-quiet')).toBeChecked();
    await expect(section.getByTestId('pref-browser-severity')).toHaveValue('medium');
    // Quiet off again.
    await section.getByTestId('pref-quiet').uncheck();
    await expect(section.getByTestId('quiet-on')).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId('notify-prefs')).toHaveAttribute('data-ready', 'true');
    await expect(section.getByTestId('pref-quiet')).not.toBeChecked();

    for (const scheme of ['light', 'dark'] as const) {
      for (const width of [1280, 390]) {
        const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, storageState: ADMIN_STATE });
        try {
          const p = await context.newPage();
          await p.goto('/settings');
          await expect(p.getByTestId('notify-prefs')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
          const hooks = p.getByTestId('section-webhooks');
          await expect(hooks.getByTestId('webhook-row').first()).toBeVisible();
          expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
          await p.getByTestId('section-notifications').screenshot({ path: join(SHOTS, `notifications-${scheme}-${width}.png`), animations: 'disabled' });
          await hooks.screenshot({ path: join(SHOTS, `webhooks-${scheme}-${width}.png`), animations: 'disabled' });
        } finally {
          await context.close();
        }
      }
    }
  } finally {
    await lia.context.close();
    await request.delete(`/api/v1/webhooks/${hook.id}`);
  }
});
