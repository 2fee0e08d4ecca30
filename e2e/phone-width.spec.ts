import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, putEntry, test } from './fixtures';
import { startDevSession } from './board-helpers';
import { startMeeting, uid } from './meeting-helpers';

const SHOTS = join(process.cwd(), 'test-results', 'phone-shots');

/** How far the page scrolls sideways, and the innermost elements that stick out. */
async function sideways(page: Page) {
  return page.evaluate(() => {
    const max = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')].filter(
      (el) => el.getBoundingClientRect().right > max + 0.5 && ![...el.children].some((c) => c.getBoundingClientRect().right > max + 0.5),
    );
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''} "${(el.textContent ?? '').trim().slice(0, 30)}"`;
    return { overflow: document.documentElement.scrollWidth - max, culprits: wide.slice(0, 5).map(name) };
  });
}

test('no page scrolls sideways on a 390 px phone, in light and dark', async ({ browser, request }) => {
  test.setTimeout(150_000);
  mkdirSync(SHOTS, { recursive: true });
  // The example sessions, as a new team sees them first.
  expect((await request.post('/api/v1/examples')).status()).toBe(201);
  const dev = uid('phone');
  await startDevSession(request, dev, {
    context: {
      current_branch: 'feature/a-really-long-branch-name-for-the-phone-layout',
      last_commit: 'abc123def456',
      active_files: ['/src/services/payments/providers/stripe/webhooks/handleInvoicePaymentSucceeded.ts'],
    },
  });
  const meeting = uid('phone-meet');
  await startMeeting(request, meeting);
  const ns = `phone-${Date.now().toString(36)}`;
  await putEntry(request, {
    namespace: ns,
    key: 'session/dev-1/a-rather-long-key-name/with/several/segments/state',
    value: { task: 'Check the phone layout', status: 'in progress' },
  });
  const pages = [
    '/',
    '/memory',
    `/memory?ns=${ns}`,
    '/memory?ns=session-management',
    '/sessions/coord-session-1767225600000',
    '/sessions/arch-planning-1767225600000',
    '/present/coord-session-1767225600000',
    '/sessions',
    `/sessions/${dev}`,
    `/sessions/${meeting}`,
    `/present/${meeting}`,
    '/handoffs',
    '/analytics',
    '/settings',
  ];
  const storageState = test.info().project.use.storageState as string;
  const problems: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: scheme, storageState });
    const page = await ctx.newPage();
    try {
      for (const path of pages) {
        await page.goto(path);
        await expect(page.getByTestId('connection-status').first()).toHaveAttribute('data-status', 'live');
        await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
        await page.evaluate(() => document.fonts.ready);
        const { overflow, culprits } = await sideways(page);
        if (overflow > 0) problems.push(`${path} (${scheme}) is ${overflow}px too wide: ${culprits.join(', ')}`);
        await page.screenshot({ path: join(SHOTS, `${path.replace(/[/?=]+/g, '_') || 'home'}-${scheme}.png`), fullPage: true });
      }
    } finally {
      await ctx.close();
    }
  }
  expect(problems).toEqual([]);

  // A long file path keeps its file name on a phone: the folders are cut, in the middle.
  {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState });
    const page = await ctx.newPage();
    await page.goto(`/sessions/${dev}`);
    const file = page.getByTestId('files').locator('[data-path]').first();
    await expect(file).toHaveAttribute('title', /handleInvoicePaymentSucceeded\.ts$/);
    const name = await file.evaluate((el) => {
      const last = el.lastElementChild as HTMLElement;
      return {
        text: last.textContent,
        cut: last.scrollWidth > last.clientWidth + 1,
        dirCut: (el.firstElementChild as HTMLElement).scrollWidth > (el.firstElementChild as HTMLElement).clientWidth + 1,
      };
    });
    expect(name).toEqual({ text: 'handleInvoicePaymentSucceeded.ts', cut: false, dirCut: true });
    await ctx.close();
  }

  // A follower who browsed away on a phone: the item's title keeps whole words (it broke one
  // fragment per line beside the "Not the current item" badge).
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState });
  const page = await ctx.newPage();
  try {
    const agenda = await startMeeting(request, meeting);
    expect((await request.post(`/api/v1/sessions/${meeting}/meeting`, { data: { action: 'take' } })).ok()).toBe(true);
    await page.goto(`/present/${meeting}`);
    await expect(page.getByTestId('present')).toHaveAttribute('data-item', String(agenda[0]!.id));
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('present')).toHaveAttribute('data-following', 'false');
    const title = page.getByTestId('current-item-title');
    await expect(title).toHaveText(agenda[2]!.data.title);
    // Each word on one line: no line is narrower than the longest word would need.
    const broken = await title.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      return lines.size > el.textContent.trim().split(/\s+/).length;
    });
    expect(broken).toBe(false);
    expect((await title.boundingBox())!.width).toBeGreaterThan(200);
    const { overflow } = await sideways(page);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, 'present-browsing.png'), fullPage: true });
  } finally {
    await ctx.close();
  }
});
