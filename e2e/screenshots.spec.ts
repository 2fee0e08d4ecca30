import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { MemoryPage, newUser, putEntry } from './fixtures';

const dir = join(import.meta.dirname, 'screenshots');
/** The README's two pictures, copied from the shots other specs take (sessions.spec.ts, handoffs.spec.ts). */
const DOC_IMAGES = { 'board.png': 'board-wide-light.png', 'handoff-review.png': 'handoff-review-1920.png' };

test('screenshots of /memory and / in light and dark mode', async ({ browser, request }, testInfo) => {
  // Two new accounts, each opening the explorer and the dashboard: over 30 s when the CI machine is busy.
  test.setTimeout(60_000);
  mkdirSync(dir, { recursive: true });
  // Realistic-looking data in a namespace of its own.
  const ns = `atlas-${Date.now().toString(36)}`;
  const key = 'session/dev-1/state';
  await putEntry(request, {
    namespace: ns,
    key,
    value: { task: 'Ship the memory explorer', status: 'in progress', done: ['tree', 'history'], next: ['search'] },
  });
  await putEntry(request, { namespace: ns, key, value: { task: 'Ship the memory explorer', status: 'review', done: ['tree', 'history', 'search'], next: [] } });
  await putEntry(request, { namespace: ns, key: 'session/dev-2/state', value: { task: 'Benchmarks', status: 'blocked' } });
  await putEntry(request, { namespace: ns, key: 'plan/blockers', value: 'Waiting on the CI runner image.' });
  await putEntry(request, { namespace: ns, key: 'lease/deploy', value: { holder: 'dev-1' }, ttl: 3600 });

  for (const scheme of ['light', 'dark'] as const) {
    const user = await newUser(browser, `shots-${scheme}`, { colorScheme: scheme });
    try {
      const { page } = user;
      const m = new MemoryPage(page);
      await m.open(ns, key);
      if (scheme === 'dark') await expect(page.locator('html')).toHaveClass(/\bdark\b/);
      else await expect(page.locator('html')).not.toHaveClass(/\bdark\b/);
      await expect(page.getByTestId('history-diff')).toBeVisible();
      await expect(m.row('lease/deploy')).toContainText('TTL');
      await page.screenshot({ path: join(dir, `memory-${scheme}.png`), animations: 'disabled' });

      await page.goto('/');
      await expect(page.getByTestId('activity')).toContainText(`${ns}/lease/deploy`);
      await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
      await page.screenshot({ path: join(dir, `home-${scheme}.png`), animations: 'disabled' });
    } finally {
      await user.context.close();
    }
  }
  testInfo.annotations.push({ type: 'screenshots', description: dir });
});

test('the theme toggle switches to dark and the choice survives a reload', async ({ page }) => {
  await page.goto('/');
  const html = page.locator('html');
  await expect(html).not.toHaveClass(/\bdark\b/);
  await page.getByRole('button', { name: 'Switch to dark mode' }).click();
  await expect(html).toHaveClass(/\bdark\b/);
  await expect(page.getByRole('button', { name: 'Switch to light mode' })).toBeVisible();
  await page.reload();
  await expect(html).toHaveClass(/\bdark\b/);
  await expect(page.getByRole('button', { name: 'Switch to light mode' })).toBeVisible();
});

test.afterAll(() => {
  const docs = join(import.meta.dirname, '..', 'docs', 'images');
  mkdirSync(docs, { recursive: true });
  for (const [to, from] of Object.entries(DOC_IMAGES)) if (existsSync(join(dir, from))) copyFileSync(join(dir, from), join(docs, to));
});
