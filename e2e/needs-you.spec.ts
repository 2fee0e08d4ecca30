import { ADMIN_STATE, E2E_ADMIN } from './auth-files';
import { expect, putEntry, test, uniqueNamespace } from './fixtures';

// "Needs you" (issue 18): an agent on my session says it waits for me; a second browser, already
// open on the dashboard, sees the header count and the card's "Waiting for you" appear, the
// "Needs you" filter keeps that session, and all of it clears when the agent works again.
test('a second browser sees “Needs you” appear and clear, live', async ({ browser, page, request }, testInfo) => {
  const ns = uniqueNamespace(testInfo, 'needs');
  const id = `needs-${Date.now().toString(36)}`;
  await putEntry(request, {
    namespace: ns,
    key: `session/${id}/init`,
    value: { session_id: id, session_type: 'development', developer_id: E2E_ADMIN.name, project_name: 'needs-you-e2e' },
  });

  await page.goto(`/sessions/${id}`);
  await expect(page.getByTestId('agents')).toBeAttached();
  const second = await browser.newContext({ viewport: { width: 1440, height: 900 }, storageState: ADMIN_STATE });
  const other = await second.newPage();
  try {
    await other.goto('/');
    const link = other.getByTestId('needs-you-link');
    await expect(link).toBeVisible();
    const before = Number(await link.getAttribute('data-count'));

    const waiting = await request.post(`/api/v1/sessions/${id}/agents`, {
      data: { name: 'claude', status: 'waiting', currentTask: 'Approve the schema migration?' },
    });
    expect(waiting.ok(), await waiting.text()).toBe(true);

    await expect(link).toHaveAttribute('data-count', String(before + 1));
    await expect(other.locator(`[data-session="${id}"]`).getByTestId('card-waiting')).toHaveText('claude: Waiting for you — Approve the schema migration?');
    await expect(page.getByTestId('agent-waiting')).toHaveText('Waiting for you: Approve the schema migration?');
    await other.getByTestId('needs-you-filter').click();
    await expect(other.locator(`[data-session="${id}"]`)).toBeVisible();

    const working = await request.post(`/api/v1/sessions/${id}/agents`, { data: { name: 'claude', status: 'active' } });
    expect(working.ok()).toBe(true);
    await expect(link).toHaveAttribute('data-count', String(before));
    await expect(other.locator(`[data-session="${id}"]`)).toHaveCount(0); // filtered out: nothing needs me there now
    await expect(page.getByTestId('agent-waiting')).toHaveCount(0);
  } finally {
    await second.close();
  }
});
