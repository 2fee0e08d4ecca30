import type { Page } from '@playwright/test';
import { startDevSession } from './board-helpers';
import { expect, newUser, test } from './fixtures';
import { uid } from './meeting-helpers';

// Per-person preferences reach the board (issue 18, items 1 and 5): the server-stored setting is
// the default for every board, a board may override it in this browser (and says so), quiet mode
// silences pop-ups while the Activity list still records. Notices compare account ids, never names:
// another account with my name is still someone else; my own change from another tab is not news.

/** Opens a board and waits until it is live (a loaded machine may take a while to hydrate). */
async function openBoard(page: Page, id: string) {
  await page.goto(`/sessions/${id}`);
  await expect(page.getByTestId('board-title')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live', { timeout: 20_000 });
}

async function setPref(page: Page, testId: string, on: boolean) {
  await page.goto('/settings');
  const box = page.getByTestId('section-notifications').getByTestId(testId);
  await expect(page.getByTestId('notify-prefs')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  if (on) await box.check();
  else await box.uncheck();
  await expect(page.getByTestId('prefs-saved')).toHaveText('Saved.');
}

test('board notices follow my settings, by account id: same name is someone else, my other tab is me', async ({ browser, request, baseURL }) => {
  test.setTimeout(150_000);
  const id = uid('prefs');
  await startDevSession(request, id);
  const name = `Sam${Date.now().toString(36)}`;
  const sam = await newUser(browser, name);
  const twin = await newUser(browser, name); // another account, the same name
  try {
    await openBoard(sam.page, id);
    await openBoard(twin.page, id);
    const samNotices = sam.page.getByTestId('milestones').getByTestId('milestone');
    const twinNotices = twin.page.getByTestId('milestones').getByTestId('milestone');

    // The twin raises a blocker on the board: Sam is told, though the feed names both "Sam".
    await twin.page.getByRole('button', { name: '+ Add blocker' }).click();
    await twin.page.getByLabel('What is blocking?').fill('Twin blocker');
    await twin.page.getByRole('form', { name: 'Add blocker' }).getByRole('button', { name: 'Add blocker' }).click();
    await expect(samNotices.filter({ hasText: 'Twin blocker' })).toHaveCount(1);
    await expect(samNotices.filter({ hasText: 'Twin blocker' })).toContainText(`(${name})`);

    // Sam raises one from another tab (REST with his cookie): the twin is told, Sam's board is not.
    const own = await sam.page.request.post(`/api/v1/sessions/${id}/blockers`, { headers: { origin: baseURL! }, data: { description: 'Sam own blocker' } });
    expect(own.ok(), await own.text()).toBe(true);
    await expect(twinNotices.filter({ hasText: 'Sam own blocker' })).toHaveCount(1);
    await expect(sam.page.getByTestId('blockers')).toContainText('Sam own blocker');
    await sam.page.waitForTimeout(300);
    await expect(samNotices.filter({ hasText: 'Sam own blocker' })).toHaveCount(0);

    // Settings: board changes by others stop popping up, on every board (the Activity list keeps them).
    await setPref(sam.page, 'pref-board-changes', false);
    await openBoard(sam.page, id);
    const mode = sam.page.getByTestId('notice-mode');
    await expect(mode).toHaveValue('default');
    await expect(mode).toHaveAttribute('data-effective', 'list');
    await expect(mode.locator('option[value="default"]')).toHaveText('as in my settings (activity list only)');
    expect((await request.post(`/api/v1/sessions/${id}/decisions`, { data: { topic: 'Cache', decision: 'Use Redis' } })).ok()).toBe(true);
    await expect(sam.page.getByTestId('decisions')).toContainText('Use Redis');
    await sam.page.waitForTimeout(300);
    await expect(samNotices).toHaveCount(0);
    await sam.page.getByTestId('board-activity').locator('summary').click();
    await expect(sam.page.getByTestId('activity-item').filter({ hasText: 'Use Redis' })).toHaveCount(1);

    // This board overrides it, in this browser, and says so.
    await mode.selectOption('popups');
    await expect(mode).toHaveAttribute('data-effective', 'popups');
    await expect(sam.page.getByTestId('notice-mode-note')).toContainText('This board overrides your notification settings');
    expect((await request.post(`/api/v1/sessions/${id}/decisions`, { data: { topic: 'Queue', decision: 'Use NATS' } })).ok()).toBe(true);
    await expect(samNotices.filter({ hasText: 'Use NATS' })).toHaveCount(1);

    // Quiet mode wins over the override: nothing pops up, the Activity list still records.
    await setPref(sam.page, 'pref-quiet', true);
    await openBoard(sam.page, id);
    await expect(mode).toHaveAttribute('data-effective', 'list');
    await expect(sam.page.getByTestId('notice-mode-note')).toContainText('Quiet mode is on');
    expect((await request.post(`/api/v1/sessions/${id}/decisions`, { data: { topic: 'Logs', decision: 'Use Loki' } })).ok()).toBe(true);
    await expect(sam.page.getByTestId('decisions')).toContainText('Use Loki');
    await sam.page.waitForTimeout(300);
    await expect(samNotices).toHaveCount(0);
    await sam.page.getByTestId('board-activity').locator('summary').click();
    await expect(sam.page.getByTestId('activity-item').filter({ hasText: 'Use Loki' })).toHaveCount(1);
    // The twin (default settings) saw every one pop up.
    await expect(twinNotices.filter({ hasText: 'Use Loki' })).toHaveCount(1);
  } finally {
    await sam.context.close();
    await twin.context.close();
  }
});

test('handoff toasts follow "Handoffs to me" and quiet mode', async ({ browser, request }) => {
  test.setTimeout(120_000);
  const ana = await newUser(browser, `Ana${Date.now().toString(36)}`);
  try {
    const me = ((await (await ana.page.request.get('/api/v1/me')).json()) as { principal: { id: string } }).principal;
    const handTo = async () => {
      const id = uid('toast');
      await startDevSession(request, id);
      const r = await request.post(`/api/v1/sessions/${id}/handoffs`, { data: { to: { kind: 'user', userId: me.id } } });
      expect(r.ok(), await r.text()).toBe(true);
    };
    await setPref(ana.page, 'pref-popup-handoffs', false);
    const badge = ana.page.getByTestId('handoffs-link');
    await expect(badge).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
    const before = Number(await badge.getAttribute('data-count'));
    await handTo();
    // Counted, not popped up.
    await expect(badge).toHaveAttribute('data-count', String(before + 1));
    await ana.page.waitForTimeout(300);
    await expect(ana.page.getByTestId('handoff-toast')).toHaveCount(0);
    // Back on, but quiet: still none.
    await setPref(ana.page, 'pref-popup-handoffs', true);
    await setPref(ana.page, 'pref-quiet', true);
    await handTo();
    await expect(badge).toHaveAttribute('data-count', String(before + 2));
    await ana.page.waitForTimeout(300);
    await expect(ana.page.getByTestId('handoff-toast')).toHaveCount(0);
    // Not quiet: the toast.
    await setPref(ana.page, 'pref-quiet', false);
    await handTo();
    await expect(ana.page.getByTestId('handoff-toast')).toContainText('handed you');
  } finally {
    await ana.context.close();
  }
});
