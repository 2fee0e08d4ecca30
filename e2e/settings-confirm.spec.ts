import { expect, MemoryPage, putEntry, test, uniqueNamespace } from './fixtures';

// The app's own confirmation instead of the browser's confirm() (issue 18, item 6): revoking an
// invitation and deleting a memory entry ask in an accessible dialog; Escape cancels and gives the
// focus back to the button that asked; Enter confirms. No browser dialog ever opens.

test('revoking an invitation and deleting a memory entry ask in the app’s dialog, by keyboard', async ({ page, request }, testInfo) => {
  test.setTimeout(90_000);
  const browserDialogs: string[] = [];
  page.on('dialog', (d) => {
    browserDialogs.push(d.message());
    void d.dismiss();
  });

  // An invitation, revoked from Settings.
  const email = `confirm-${Date.now().toString(36)}@e2e.test`;
  const made = await request.post('/api/v1/invites', { data: { role: 'member', email } });
  expect(made.ok(), await made.text()).toBe(true);
  await page.goto('/settings');
  const row = page.getByTestId('invite-row').filter({ hasText: email });
  await expect(row).toHaveAttribute('data-status', 'open', { timeout: 20_000 });
  const revoke = row.getByRole('button', { name: `Revoke member invitation for ${email}` });
  await revoke.click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText(email);
  await expect(dialog.getByRole('button', { name: 'Revoke invitation' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(revoke).toBeFocused();
  await expect(row).toHaveAttribute('data-status', 'open');
  await page.keyboard.press('Enter'); // on the focused Revoke button: asks again
  await expect(dialog.getByRole('button', { name: 'Revoke invitation' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(row).toHaveAttribute('data-status', 'revoked');

  // A memory entry, deleted from the explorer.
  const ns = uniqueNamespace(testInfo, 'confirm');
  await putEntry(request, { namespace: ns, key: 'to-delete', value: 'bye' });
  const m = new MemoryPage(page);
  await m.open(ns, 'to-delete');
  const del = m.panel.getByRole('button', { name: 'Delete' });
  await del.click();
  await expect(dialog).toContainText('to-delete');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(del).toBeFocused();
  await expect(m.row('to-delete')).toHaveCount(1);
  await del.click();
  await page.keyboard.press('Enter');
  await expect(m.row('to-delete')).toHaveCount(0);
  expect(browserDialogs).toEqual([]);
});
