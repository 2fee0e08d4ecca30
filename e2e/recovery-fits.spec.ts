import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import { expect, newUser, putEntry, test } from './fixtures';
import { startDevSession } from './board-helpers';
import { uid } from './meeting-helpers';

// Issue 16, item 7 and two of the "Also" items: declining a handoff on an architecture-planning
// board showed a development recovery panel ("Tests pass / Code compiles / Branch matches",
// "Resume as continuation") that read like a crash; non-development boards showed empty Branch,
// Commit and Focus fields; new API tokens never expired unless someone chose otherwise.

const SHOTS = join(process.cwd(), 'test-results', 'recovery-shots');

async function startArchitecture(request: APIRequestContext, id: string) {
  const init = {
    session_id: id,
    session_type: 'architecture-planning',
    project_name: 'atlas',
    architect: 'lead-architect-001',
    objectives: ['Split the monolith'],
  };
  await putEntry(request, { namespace: 'session-management', key: `session/${id}/init`, value: JSON.stringify(init) });
}

async function handOffAndDecline(request: APIRequestContext, id: string, reason: string, decliner: { page: import('@playwright/test').Page }, baseURL: string) {
  const me = (await (await decliner.page.request.get('/api/v1/me')).json()) as { principal: { id: string } };
  const made = await request.post(`/api/v1/sessions/${id}/handoffs`, { data: { to: { kind: 'user', userId: me.principal.id }, handoffType: 'end-of-shift' } });
  expect(made.status(), await made.text()).toBe(201);
  const { id: handoffId } = (await made.json()) as { id: string };
  const declined = await decliner.page.request.post(`${baseURL}/api/v1/handoffs/${handoffId}/decline`, { data: { reason }, headers: { origin: baseURL } });
  expect(declined.ok(), await declined.text()).toBe(true);
}

test('a declined handoff on a planning board reads as declined, with its reason and a recovery that fits the session', async ({
  browser,
  page,
  request,
  baseURL,
}) => {
  test.setTimeout(90_000);
  mkdirSync(SHOTS, { recursive: true });
  const arch = uid('arch-decline');
  await startArchitecture(request, arch);
  const dev = uid('dev-decline');
  await startDevSession(request, dev);
  const bo = await newUser(browser, 'Bo');
  try {
    await handOffAndDecline(request, arch, 'Out until Monday', bo, baseURL!);
    await page.goto(`/sessions/${arch}`);
    const panel = page.getByTestId('recover-panel');
    await expect(panel).toHaveAttribute('data-reason', 'declined');
    await expect(panel.getByRole('heading', { level: 2 })).toHaveText('Bo declined the handoff');
    await expect(panel.getByTestId('recover-declined-reason')).toContainText('“Out until Monday”');
    await expect(panel).not.toContainText('interrupted');
    // Nothing about code on a planning board.
    for (const text of ['Tests pass', 'Code compiles', 'Branch matches', 'Files present', 'Resume as continuation'])
      await expect(panel).not.toContainText(text);
    await expect(panel.getByRole('button', { name: 'Resume the planning session' })).toBeVisible();
    for (const [w, h] of [
      [1440, 900],
      [390, 844],
    ] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width: w, height: h });
        await page.emulateMedia({ colorScheme: scheme });
        await page.reload();
        await expect(page.getByTestId('recover-panel')).toBeVisible();
        await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
        // The panel fits the screen (nothing inside it sticks out sideways).
        const sticksOut = await page.getByTestId('recover-panel').evaluate((panel) => {
          const right = document.documentElement.clientWidth;
          return [panel, ...panel.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > right + 0.5).length;
        });
        expect(sticksOut, `${w} ${scheme}`).toBe(0);
        await page.screenshot({ path: join(SHOTS, `arch-declined-${w}-${scheme}.png`), fullPage: true });
      }
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
    // Resuming sets it active, here: no continuation for a planning session.
    await page.getByTestId('recover-panel').getByRole('button', { name: 'Resume the planning session' }).click();
    await expect(page.getByTestId('board-status')).toHaveAttribute('data-status', 'active');
    await expect(page.getByTestId('recover-panel')).toHaveCount(0);
    await expect(page).toHaveURL(new RegExp(`/sessions/${arch}$`));

    // A development session keeps its workspace checks, and also reads as declined.
    await handOffAndDecline(request, dev, 'Not my area', bo, baseURL!);
    await page.goto(`/sessions/${dev}`);
    const devPanel = page.getByTestId('recover-panel');
    await expect(devPanel.getByRole('heading', { level: 2 })).toHaveText('Bo declined the handoff');
    await expect(devPanel.getByTestId('recover-declined-reason')).toContainText('“Not my area”');
    await expect(devPanel).toContainText('Tests pass');
    await expect(devPanel.getByRole('button', { name: 'Resume as continuation' })).toBeVisible();
  } finally {
    await bo.context.close();
  }
});

test('non-development boards hide empty Branch, Last commit and Focus; development boards keep them', async ({ page, request }) => {
  const arch = uid('arch-fields');
  await startArchitecture(request, arch);
  await page.goto(`/sessions/${arch}`);
  const header = page.locator('header dl').first();
  await expect(header).toContainText('Project');
  for (const label of ['Branch', 'Last commit', 'Focus']) await expect(header.locator('dt', { hasText: new RegExp(`^${label}$`) })).toHaveCount(0);
  await page.screenshot({ path: join(SHOTS, 'arch-header-1440.png') });

  const dev = uid('dev-fields');
  await startDevSession(request, dev, { context: {}, focus_area: undefined });
  await page.goto(`/sessions/${dev}`);
  const devHeader = page.locator('header dl').first();
  for (const label of ['Branch', 'Last commit', 'Focus']) await expect(devHeader.locator('dt', { hasText: new RegExp(`^${label}$`) })).toHaveCount(1);
});

test('a new API token expires in 90 days unless “Never expires” is chosen', async ({ page }) => {
  await page.goto('/settings');
  const form = page.getByTestId('token-form');
  await expect(form.locator('input[name="expiresInDays"]')).toHaveValue('90');
  await form.locator('input[name="name"]').fill(`ninety-${Date.now()}`);
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/tokens') && r.request().method() === 'POST'),
    form.getByRole('button', { name: 'Create token' }).click(),
  ]);
  expect((res.request().postDataJSON() as { expiresInDays: unknown }).expiresInDays).toBe(90);
  const made = (await res.json()) as { expiresAt: string | null };
  const days = (Date.parse(made.expiresAt!) - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(89.9);
  expect(days).toBeLessThan(90.1);
  await page.getByTestId('new-token').getByRole('button', { name: 'I have copied it' }).click();

  // Never is a deliberate choice.
  await form.locator('input[name="name"]').fill(`forever-${Date.now()}`);
  await form.getByLabel('Never expires').check();
  await expect(form.locator('input[name="expiresInDays"]')).toBeDisabled();
  const [never] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/tokens') && r.request().method() === 'POST'),
    form.getByRole('button', { name: 'Create token' }).click(),
  ]);
  expect(((await never.json()) as { expiresAt: string | null }).expiresAt).toBeNull();
});
