import { expect, newUser, putEntry, test } from './fixtures';
import { uid } from './meeting-helpers';

test.describe('deleting with a way back', () => {
  test('× on a QA result removes it for everyone, and Undo puts it back in its place', async ({ browser, page, request }) => {
    const id = uid('qa');
    await putEntry(request, {
      namespace: 'qa-review-sessions',
      key: `session/${id}/init`,
      value: JSON.stringify({
        session_id: id,
        session_type: 'quality-assurance-review',
        qa_lead: 'qa-lead-001',
        feature: 'checkout',
        testing_scope: ['Functional testing', 'Integration testing', 'Security testing'],
        test_environment: 'staging',
      }),
    });
    const mia = await newUser(browser, 'Mia');
    try {
      for (const p of [page, mia.page]) {
        await p.goto(`/sessions/${id}`);
        await expect(p.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
        await expect(p.getByTestId('results').locator('li')).toHaveCount(3);
      }
      const areas = (p: typeof page) =>
        p
          .getByTestId('results')
          .locator('li')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-area')));
      expect(await areas(page)).toEqual(['Functional testing', 'Integration testing', 'Security testing']);

      await page.getByRole('button', { name: 'Remove Integration testing' }).click();
      await expect(mia.page.getByTestId('results').locator('li')).toHaveCount(2);
      const bar = page.getByTestId('undo-bar');
      await expect(bar).toContainText('Removed “Integration testing”');
      await bar.getByRole('button', { name: 'Undo' }).click();
      await expect(bar).toBeHidden();
      // Back for everyone, in the same place.
      for (const p of [page, mia.page]) await expect.poll(() => areas(p)).toEqual(['Functional testing', 'Integration testing', 'Security testing']);
    } finally {
      await mia.context.close();
    }
  });

  test('revoking a share link asks in the app’s own dialog, not the browser’s', async ({ page, request }) => {
    const id = uid('revoke');
    await putEntry(request, {
      namespace: 'session-management',
      key: `session/${id}/init`,
      value: JSON.stringify({ session_id: id, project_name: 'atlas', focus_area: 'api' }),
    });
    const made = await request.post('/api/v1/share-links', { data: { sessionId: id } });
    expect(made.ok(), await made.text()).toBe(true);
    const browserDialogs: string[] = [];
    page.on('dialog', (d) => {
      browserDialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto('/settings');
    const row = page.getByTestId('share-row').filter({ hasText: id });
    await expect(row).toHaveAttribute('data-status', 'active');
    await row.getByRole('button', { name: /Revoke/ }).click();
    const confirm = page.getByTestId('confirm-dialog');
    await expect(confirm).toBeVisible();
    await expect(confirm).toContainText(id);
    // Focus starts on the confirming button (Enter confirms); Escape cancels and gives focus back.
    await expect(confirm.getByRole('button', { name: 'Revoke link' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(confirm).toBeHidden();
    await expect(row.getByRole('button', { name: /Revoke/ })).toBeFocused();
    await expect(row).toHaveAttribute('data-status', 'active');
    await row.getByRole('button', { name: /Revoke/ }).click();
    await confirm.getByRole('button', { name: 'Revoke link' }).click();
    await expect(row).toHaveAttribute('data-status', 'revoked');
    expect(browserDialogs).toEqual([]);
  });
});
