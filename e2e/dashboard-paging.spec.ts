import { expect, putEntry, test } from './fixtures';

// The dashboard lists the first page of sessions (most recent activity first), says how many there
// are in all, and reaches the rest with "Show more"; a session started meanwhile counts at once.
test('the dashboard shows the first page of many sessions and can reach the rest', async ({ page, request }) => {
  test.setTimeout(180_000);
  const run = `e2e-page-${Date.now().toString(36)}`;
  const ids = Array.from({ length: 105 }, (_, i) => `${run}-${String(i).padStart(3, '0')}`);
  for (const id of ids) {
    await putEntry(request, {
      namespace: 'dashboard-paging',
      key: `session/${id}/init`,
      value: JSON.stringify({ session_id: id, project_name: 'paging', goals: ['List me'] }),
    });
  }

  await page.goto('/');
  const count = page.getByTestId('sessions-count');
  await expect(count).toHaveAttribute('data-loaded', '100');
  const total = Number(await count.getAttribute('data-total'));
  expect(total).toBeGreaterThanOrEqual(105);
  await expect(count).toContainText(`100 of ${total} sessions loaded`);
  // The newest is on the first page; the oldest of this run is not yet.
  await expect(page.locator(`[data-session="${ids.at(-1)}"]`)).toBeVisible();
  await expect(page.locator(`[data-session="${ids[0]}"]`)).toHaveCount(0);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');

  // Keyboard: the button is reachable and works with Enter, until everything is listed.
  for (let i = 0; i < Math.ceil(total / 100) + 1 && (await page.getByTestId('sessions-more').count()) > 0; i++) {
    const before = Number(await count.getAttribute('data-loaded'));
    await page.getByTestId('sessions-more').focus();
    await page.keyboard.press('Enter');
    await expect(count).not.toHaveAttribute('data-loaded', String(before));
  }
  await expect(page.getByTestId('sessions-more')).toHaveCount(0);
  await expect(count).toHaveAttribute('data-loaded', String(total));
  await expect(page.locator(`[data-session="${ids[0]}"]`)).toBeVisible();

  // Live: a new session appears and the count stays true.
  const late = `${run}-late`;
  await putEntry(request, { namespace: 'dashboard-paging', key: `session/${late}/init`, value: JSON.stringify({ session_id: late, project_name: 'paging' }) });
  await expect(page.locator(`[data-session="${late}"]`)).toBeVisible();
  await expect(count).toHaveAttribute('data-total', String(total + 1));
  await expect(count).toHaveAttribute('data-loaded', String(total + 1));
});
