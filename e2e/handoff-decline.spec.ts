import type { Page } from '@playwright/test';
import { expect, newUser, putEntry, test } from './fixtures';
import { uid } from './meeting-helpers';

async function userId(page: Page): Promise<string> {
  const res = await page.request.get('/api/v1/me');
  return ((await res.json()) as { principal: { id: string } }).principal.id;
}

test('a declined handoff: the toast is on screen, and the reason shows on the board and in the handoff list', async ({ browser, page, request, baseURL }) => {
  test.setTimeout(60_000);
  const id = uid('decline');
  await putEntry(request, {
    namespace: 'session-management',
    key: `session/${id}/init`,
    value: JSON.stringify({ session_id: id, project_name: 'shop', developer_id: 'developer-001', goals: ['Login'] }),
  });
  const bo = await newUser(browser, 'Bo');
  try {
    const boId = await userId(bo.page);
    const made = await request.post(`/api/v1/sessions/${id}/handoffs`, { data: { to: { kind: 'user', userId: boId }, handoffType: 'end-of-shift' } });
    expect(made.status(), await made.text()).toBe(201);
    const handoff = (await made.json()) as { id: string };

    await page.goto(`/sessions/${id}`);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
    await expect(page.getByTestId('handoffs-link')).toHaveAttribute('data-ready', 'true');
    const declined = await bo.page.request.post(`${baseURL}/api/v1/handoffs/${handoff.id}/decline`, {
      data: { reason: 'On call this week, cannot take it' },
      headers: { origin: baseURL! },
    });
    expect(declined.ok(), await declined.text()).toBe(true);

    // The toast is wholly inside the window (it sat above the top edge).
    const toast = page.getByTestId('handoff-toast').filter({ hasText: 'Bo declined' });
    await expect(toast).toBeVisible();
    const box = (await toast.boundingBox())!;
    const vp = page.viewportSize()!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(vp.height);
    expect(box.x + box.width).toBeLessThanOrEqual(vp.width);

    // The board says why, not just "Declined".
    const row = page.getByTestId('board-handoff').filter({ has: page.locator('[data-testid="board-handoff-reason"]') });
    await expect(page.getByTestId('board-handoff').first()).toHaveAttribute('data-status', 'declined');
    await expect(row).toContainText('Declined because: “On call this week, cannot take it”');

    // So does the handoff list, and on a phone the toast fits too.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/handoffs?box=sent');
    const listRow = page.locator(`[data-testid="handoff-row"][data-handoff="${handoff.id}"]`);
    await expect(listRow).toHaveAttribute('data-status', 'declined');
    await expect(listRow.getByTestId('handoff-reason')).toContainText('Declined because: “On call this week, cannot take it”');
  } finally {
    await bo.context.close();
  }
});
