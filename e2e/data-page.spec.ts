import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, putEntry, test, uniqueNamespace } from './fixtures';

// Settings → Data (issue 17): download an export, import a file (a dry run first, with progress,
// then apply), list backups and take one now, and read how to restore. Run with BACKUP_DIR set
// for the "Back up now" half (npm run e2e sets none: that half then checks the "not configured" text).

const SHOTS = join(process.cwd(), 'test-results', 'data-shots');

test('Settings → Data: export, import with a dry run then apply, backups, how to restore', async ({ page, request }, testInfo) => {
  const ns = uniqueNamespace(testInfo, 'data');
  await putEntry(request, { namespace: ns, key: 'plan', value: { step: 1 } });
  await putEntry(request, { namespace: ns, key: 'plan', value: { step: 2 } });

  await page.goto('/settings#data');
  const section = page.getByTestId('section-data');
  await expect(section).toBeVisible();

  // Export: the download is the NDJSON export, its header first.
  const [download] = await Promise.all([page.waitForEvent('download'), section.getByTestId('export-download').click()]);
  const exported = readFileSync(await download.path(), 'utf8').split('\n');
  expect(JSON.parse(exported[0]!)).toMatchObject({ format: 'baton-export', version: 1 });
  expect(exported.some((l) => l.includes(`"${ns}"`))).toBe(true);

  // Import: this namespace's export, moved to a new namespace, so every record is new here.
  const small = await (await request.get(`/api/v1/export?namespace=${ns}`)).text();
  const moved = small.split(`"${ns}"`).join(`"${ns}-copy"`);
  const file = { name: 'moved.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(moved) };
  await section.getByTestId('import-file').setInputFiles(file);
  // Slow the server's answer down so the progress indicator can be seen.
  await page.route('**/api/v1/import**', async (route) => {
    await new Promise((r) => setTimeout(r, 700));
    await route.continue();
  });
  await section.getByTestId('import-check').click();
  await expect(section.getByTestId('import-progress')).toBeVisible();
  const preview = section.getByTestId('import-preview');
  await expect(preview).toContainText('Dry run');
  await expect(preview.getByTestId('import-counts')).toContainText('entry');
  await expect(preview.getByTestId('import-counts')).toContainText('1 created');
  // Nothing applied by the dry run.
  expect((await request.get('/api/v1/memory/entry', { params: { namespace: `${ns}-copy`, key: 'plan' } })).status()).toBe(404);
  await page.setViewportSize({ width: 1440, height: 900 });
  await section.screenshot({ path: join(SHOTS, 'data-1440.png') });

  await preview.getByTestId('import-apply').click();
  await expect(section.getByTestId('import-done')).toContainText('Imported');
  const copied = await request.get('/api/v1/memory/entry', { params: { namespace: `${ns}-copy`, key: 'plan' } });
  expect(copied.status()).toBe(200);
  expect(await copied.json()).toMatchObject({ version: 2 });
  const history = await (await request.get('/api/v1/memory/history', { params: { namespace: `${ns}-copy`, key: 'plan' } })).json();
  expect(history.items).toHaveLength(2);

  // A malformed file: nothing applied, the line named.
  await section
    .getByTestId('import-file')
    .setInputFiles({ name: 'bad.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(`${small.split('\n')[0]}\n{"type":"nope"}\n`) });
  await section.getByTestId('import-check').click();
  await expect(section.getByTestId('import-error')).toContainText('line 2');

  // Backups: with BACKUP_DIR, "Back up now" adds a row with its size; without, the page says how to set it up.
  const backups = section.getByTestId('backups');
  const configured = (await (await request.get('/api/v1/backups')).json()).configured as boolean;
  if (configured) {
    await backups.getByTestId('backup-now').click();
    await expect(backups.getByRole('status')).toContainText('written');
    await expect(backups.getByTestId('backup-list').locator('tbody tr').first()).toContainText(/\d+(\.\d)? (KiB|MiB)/);
    await expect(backups).toContainText('Last good backup');
  } else {
    await expect(backups.getByTestId('backups-off')).toContainText('BACKUP_DIR');
  }
  await expect(section.getByTestId('restore-help')).toContainText('baton restore');

  await section.screenshot({ path: join(SHOTS, 'data-1440-after.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await section.scrollIntoViewIfNeeded();
  await section.screenshot({ path: join(SHOTS, 'data-390.png') });
  // Nothing sticks out sideways on a phone.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
