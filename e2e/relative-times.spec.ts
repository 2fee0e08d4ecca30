import { expect, putEntry, test } from './fixtures';

test('a browser whose clock runs behind the server says "just now", never "in 5 minutes", with the exact time on hover', async ({ page, request }) => {
  // This browser's clock is five minutes behind the server's.
  await page.clock.install({ time: Date.now() - 5 * 60_000 });
  await page.goto('/');
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
  const ns = `clock-${Date.now().toString(36)}`;
  await putEntry(request, { namespace: ns, key: 'fresh', value: { ok: true } });
  const row = page.getByTestId('activity').locator('li', { hasText: `${ns}/fresh` });
  await expect(row).toBeVisible();
  const time = row.locator('time');
  await expect(time).toHaveText('just now');
  await expect(time).toHaveAttribute('title', /\d/);
  await expect(page.getByTestId('activity')).not.toContainText(/\bin \d+ (second|minute)/);
});

test('a checklist tick says when relative to now like everything else, with the exact time on hover', async ({ browser, page, request, baseURL }) => {
  const { newUser } = await import('./fixtures');
  const id = `e2e-ticks-${Date.now().toString(36)}`;
  await putEntry(request, {
    namespace: 'session-management',
    key: `session/${id}/init`,
    value: JSON.stringify({ session_id: id, project_name: 'shop', goals: ['Login'] }),
  });
  const bo = await newUser(browser, 'Bo');
  try {
    const boId = ((await (await bo.page.request.get(`${baseURL}/api/v1/me`)).json()) as { principal: { id: string } }).principal.id;
    const made = await request.post(`/api/v1/sessions/${id}/handoffs`, {
      data: { to: { kind: 'user', userId: boId }, handoffType: 'end-of-shift', checklist: ['Read the summary'] },
    });
    expect(made.status(), await made.text()).toBe(201);
    const h = (await made.json()) as { id: string; checklist: { id: number }[] };
    const ticked = await bo.page.request.patch(`${baseURL}/api/v1/handoffs/${h.id}/checklist/${h.checklist[0]!.id}`, {
      data: { done: true },
      headers: { origin: baseURL! },
    });
    expect(ticked.ok(), await ticked.text()).toBe(true);
    await page.goto(`/handoffs/${h.id}`);
    const done = page.getByTestId('check-done');
    await expect(done).toContainText(/Bo, (just now|\d+ seconds? ago)/);
    await expect(done.locator('time')).toHaveAttribute('title', /\d/);
  } finally {
    await bo.context.close();
  }
});
