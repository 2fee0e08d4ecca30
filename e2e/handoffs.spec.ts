import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import type { SessionSummary } from '../lib/session-types';
import { expect, newUser, putEntry, test } from './fixtures';

const SHOTS = join(process.cwd(), 'e2e', 'screenshots');
const uid = (label: string) => `e2e-${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

/** A page is ready when the socket is live, nothing is loading, and the header's inbox count is loaded. */
async function ready(page: Page) {
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
  await expect(page.getByTestId('handoffs-link')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
}

async function openBoard(page: Page, id: string) {
  await page.goto(`/sessions/${encodeURIComponent(id)}`);
  await expect(page.getByTestId('board-title')).toBeVisible();
  await ready(page);
}

/** The board header's Owner field. */
const boardOwner = (page: Page) => page.locator('dt', { hasText: /^Owner$/ }).locator('xpath=following-sibling::dd[1]');

async function userId(page: Page): Promise<string> {
  const res = await page.request.get('/api/v1/me');
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { principal: { id: string } }).principal.id;
}

/** The example sessions (the seed replayed), and a development session among them that can be handed off. */
async function exampleDevelopmentSession(request: APIRequestContext): Promise<SessionSummary> {
  const loaded = await request.post('/api/v1/examples');
  expect(loaded.ok(), await loaded.text()).toBe(true);
  const res = await request.get('/api/v1/sessions', { params: { type: 'development' } });
  const { items } = (await res.json()) as { items: SessionSummary[] };
  const open = await request.get('/api/v1/handoffs', { params: { box: 'all', limit: 200 } });
  const busy = new Set(
    ((await open.json()) as { items: { sessionId: string; status: string }[] }).items
      .filter((h) => h.status === 'pending' || h.status === 'changes-requested')
      .map((h) => h.sessionId),
  );
  const free = (s: SessionSummary) => s.status !== 'completed' && s.status !== 'handed-off' && !busy.has(s.id);
  // The seed's development session (the e-commerce platform), unless an earlier run handed it off already.
  const session = items.find((s) => s.id === 'dev-session-1767225600000' && free(s)) ?? items.find(free);
  expect(session, `a development session to hand off among ${items.map((s) => `${s.id}:${s.status}`).join(', ')}`).toBeTruthy();
  return session!;
}

/** A development session of its own, made the way an agent does (a memory write), with open work. */
async function startSession(request: APIRequestContext, id: string) {
  const init = {
    session_id: id,
    project_name: 'shop',
    developer_id: 'developer-001',
    goals: ['Login', 'Register'],
    context: { current_branch: 'feature/auth', active_files: ['/src/auth.ts'] },
  };
  await putEntry(request, { namespace: 'session-management', key: `session/${id}/init`, value: JSON.stringify(init) });
  const state = {
    session_id: id,
    progress: { login: { status: 'in-progress', completion_percentage: 60, next_steps: ['Rate-limit sign-in'] } },
    goals_completed: ['Register'],
  };
  await putEntry(request, { namespace: 'session-management', key: `session/${id}/state`, value: JSON.stringify(state) });
}

test.describe('handoffs', () => {
  test('the owner hands a session to a member from the board; she sees it arrive live, reviews and accepts, and both see her owning the continuation', async ({
    browser,
    page,
    request,
  }) => {
    test.setTimeout(120_000);
    const session = await exampleDevelopmentSession(request);
    const ana = await newUser(browser, 'Ana');
    try {
      const anaId = await userId(ana.page);

      // Ana is already on her inbox, nothing waiting.
      await ana.page.goto('/handoffs');
      await ready(ana.page);
      // (Open handoffs to the whole team, from other tests in the run, count for her too.)
      const before = Number(await ana.page.getByTestId('handoffs-link').getAttribute('data-count'));

      // The owner opens the board and hands it off: the dialog is pre-filled from the board.
      await openBoard(page, session.id);
      // Keyboard: Enter opens the dialog, Esc closes it and gives the focus back to the button.
      const handOff = page.getByTestId('hand-off');
      await handOff.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByTestId('handoff-dialog');
      await expect(dialog).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
      await expect(handOff).toBeFocused();
      await handOff.click();
      await expect(dialog).toBeVisible();
      await expect(dialog.getByTestId('handoff-work-row').first()).toBeVisible();
      expect(await dialog.getByTestId('handoff-checklist-input').count()).toBeGreaterThan(0);

      // Without a recipient, the form says which field is missing and sends nothing.
      await dialog.getByRole('button', { name: 'Send handoff' }).click();
      await expect(dialog.getByLabel('Person', { exact: true })).toHaveAttribute('aria-invalid', 'true');
      await expect(dialog.getByText('Choose who receives it')).toBeVisible();
      // A progress over 100 % is refused by the same schema the server uses, under that field.
      await dialog.getByRole('button', { name: '+ Add task in progress' }).click();
      const newRow = dialog.getByTestId('handoff-work-row').last();
      await newRow.getByLabel('Task', { exact: true }).fill('Polish the sign-in page');
      await newRow.getByLabel('Progress %', { exact: true }).fill('150');
      await dialog.getByRole('button', { name: 'Send handoff' }).click();
      await expect(newRow.getByLabel('Progress %', { exact: true })).toHaveAttribute('aria-invalid', 'true');
      await expect(newRow.locator('[data-field-error]')).toContainText('100');
      await newRow.getByRole('button', { name: 'Remove in-progress task Polish the sign-in page' }).click();

      await dialog.getByLabel('Person', { exact: true }).selectOption(anaId);
      // Fixing a field clears its error at once.
      await expect(dialog.getByText('Choose who receives it')).toHaveCount(0);
      await expect(dialog.getByRole('alert')).toHaveCount(0);
      await page.screenshot({ path: test.info().outputPath('dialog-1440.png') });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: test.info().outputPath('dialog-390.png') });
      await page.setViewportSize({ width: 1440, height: 900 });
      await dialog.getByLabel('Notes', { exact: true }).fill('Payments sandbox keys are in the team vault');
      await dialog.getByLabel('Decisions needed').fill('Keep sessions in Redis or in the database?');
      await dialog.getByRole('button', { name: '+ Add item' }).click();
      await dialog.getByTestId('handoff-checklist-input').last().fill('Say hello on the team channel');
      const checklistSize = await dialog.getByTestId('handoff-checklist-input').count();
      await dialog.getByRole('button', { name: 'Send handoff' }).click();
      await expect(dialog).toBeHidden();

      // The board shows the handoff waiting for review, and the session as handed off.
      const banner = page.getByTestId('board-handoff-banner');
      await expect(banner).toContainText('Ana');
      await expect(page.getByTestId('board-status')).toHaveAttribute('data-status', 'handed-off');
      await page.screenshot({ path: test.info().outputPath('board-banner.png') });

      // Ana's open inbox: the badge, a toast, and the row, all without a reload.
      await expect(ana.page.getByTestId('handoffs-link')).toHaveAttribute('data-count', String(before + 1));
      const toast = ana.page.getByTestId('handoff-toast');
      await expect(toast).toContainText(`Owner handed you ‘${session.title}’`);
      await expect(ana.page.getByTestId('handoff-toasts')).toHaveAttribute('role', 'status');
      const row = ana.page.getByTestId('handoff-row').filter({ hasText: session.title }).first();
      await expect(row).toContainText(session.title);
      await expect(row).toHaveAttribute('data-status', 'pending');
      await expect(row.getByTestId('handoff-expiry')).toContainText(/expires in (2 d 23 h|3 d)/);

      // She opens it from the toast.
      await toast.getByRole('link', { name: 'Review' }).click();
      await expect(ana.page).toHaveURL(/\/handoffs\/ho_/);
      const handoffId = decodeURIComponent(new URL(ana.page.url()).pathname.split('/').pop()!);
      const review = ana.page.getByTestId('handoff-review');
      await expect(review).toHaveAttribute('data-status', 'pending');
      await ready(ana.page);
      await expect(ana.page.getByTestId('handoff-summary')).toContainText('Payments sandbox keys');
      await expect(ana.page.getByTestId('handoff-in-progress').getByRole('progressbar').first()).toBeVisible();
      await expect(ana.page.getByTestId('handoff-context')).toContainText('Keep sessions in Redis');
      await expect(ana.page.getByTestId('handoff-diff')).toBeVisible();
      await expect(ana.page.getByTestId('handoff-timeline').locator('[data-event="created"]')).toHaveCount(1);

      // The owner follows the same page.
      await page.goto(`/handoffs/${handoffId}`);
      await ready(page);
      await expect(page.getByTestId('handoff-checklist').locator('input[type="checkbox"]:enabled')).toHaveCount(0);

      // Ana ticks the whole checklist; the owner sees each tick live.
      const items = ana.page.getByTestId('handoff-checklist').locator('li[data-item]');
      await expect(items).toHaveCount(checklistSize);
      for (let i = 0; i < checklistSize; i++) {
        await items.nth(i).locator('input[type="checkbox"]').check();
        await expect(items.nth(i)).toHaveAttribute('data-done', 'true');
      }
      await expect(page.getByTestId('handoff-checklist').locator('li[data-done="true"]')).toHaveCount(checklistSize);

      // A comment each way, live.
      await ana.page.getByRole('textbox', { name: 'Comment' }).fill('Picking this up after lunch. Redis, I think.');
      await ana.page.getByRole('button', { name: 'Comment', exact: true }).click();
      await expect(page.getByTestId('handoff-timeline')).toContainText('Picking this up after lunch');
      await page.getByRole('textbox', { name: 'Comment' }).fill('Thanks Ana! Ping me about the sandbox.');
      await page.keyboard.press('Control+Enter');
      await expect(ana.page.getByTestId('handoff-timeline')).toContainText('Ping me about the sandbox');

      // The review page, wide and on a phone.
      mkdirSync(SHOTS, { recursive: true });
      await ana.page.setViewportSize({ width: 1920, height: 1080 });
      await ana.page
        .getByTestId('handoff-toast')
        .first()
        .waitFor({ state: 'detached', timeout: 15_000 })
        .catch(() => {});
      await ana.page.screenshot({ path: join(SHOTS, 'handoff-review-1920.png'), fullPage: true });
      await ana.page.setViewportSize({ width: 390, height: 844 });
      const overflow = await ana.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, 'no horizontal scroll at 390 px').toBeLessThanOrEqual(0);
      // The phone shot in dark mode, so both themes are looked at.
      await ana.page.evaluate(() => document.documentElement.classList.add('dark'));
      await ana.page.screenshot({ path: join(SHOTS, 'handoff-review-390.png'), fullPage: true });
      await ana.page.evaluate(() => document.documentElement.classList.remove('dark'));
      await ana.page.setViewportSize({ width: 1440, height: 900 });

      // Ana accepts: she gets a link to the session she continues in; the owner's page and badge follow.
      await ana.page.getByRole('button', { name: 'Accept and take over' }).click();
      await expect(review).toHaveAttribute('data-status', 'accepted');
      const cont = ana.page.getByTestId('continuation-link');
      await expect(cont).toBeVisible();
      await expect(page.getByTestId('handoff-review')).toHaveAttribute('data-status', 'accepted');
      await expect(page.getByTestId('handoff-toast')).toContainText(`Ana accepted ‘${session.title}’`);
      await expect(ana.page.getByTestId('handoffs-link')).toHaveAttribute('data-count', String(before));

      // Both see Ana owning the continuation, linked to the original, which lists the accepted handoff.
      await cont.click();
      await expect(ana.page).toHaveURL(/\/sessions\/.+-h\d/);
      const continuation = decodeURIComponent(new URL(ana.page.url()).pathname.split('/').pop()!);
      // A continuation says what it continues.
      await expect(ana.page.getByTestId('board-title')).toHaveText(`Continuation of “${session.title}”`);
      await expect(boardOwner(ana.page)).toHaveText('Ana');
      await expect(ana.page.getByTestId('lineage')).toContainText(session.title);
      await openBoard(page, continuation);
      await expect(boardOwner(page)).toHaveText('Ana');
      await openBoard(page, session.id);
      await expect(page.getByTestId('lineage')).toContainText(continuation);
      await expect(page.getByTestId('board-handoff').first()).toHaveAttribute('data-status', 'accepted');
      await expect(page.getByTestId('hand-off')).toHaveCount(0);
    } finally {
      await ana.context.close();
    }
  });

  test('changes requested, edited and resent, then declined with a reason; the sender sees each step live and renews', async ({ browser, page, request }) => {
    test.setTimeout(90_000);
    const id = uid('handoff');
    await startSession(request, id);
    const bo = await newUser(browser, 'Bo');
    try {
      const boId = await userId(bo.page);
      // The owner watches what they sent.
      await page.goto('/handoffs?box=sent');
      await ready(page);

      // Made over REST as the owner (the API token is theirs): the board's work comes along.
      const res = await request.post(`/api/v1/sessions/${id}/handoffs`, {
        data: { to: { kind: 'user', userId: boId }, handoffType: 'end-of-shift', checklist: ['Read the summary'] },
      });
      expect(res.status(), await res.text()).toBe(201);
      const handoff = (await res.json()) as { id: string };
      const row = page.locator(`[data-testid="handoff-row"][data-handoff="${handoff.id}"]`);
      await expect(row).toHaveAttribute('data-status', 'pending');

      await bo.page.goto(`/handoffs/${handoff.id}`);
      await ready(bo.page);
      const boOpen = Number(await bo.page.getByTestId('handoffs-link').getAttribute('data-count'));
      expect(boOpen).toBeGreaterThanOrEqual(1);
      await expect(bo.page.getByTestId('handoff-in-progress')).toContainText('login');
      await expect(bo.page.getByTestId('handoff-completed')).toContainText('Register');

      // Request changes: a reason is required.
      await bo.page.getByRole('button', { name: 'Request changes' }).click();
      await bo.page.getByRole('button', { name: 'Send back for changes' }).click();
      await expect(bo.page.getByLabel(/What should change/)).toHaveAttribute('aria-invalid', 'true');
      await bo.page.getByLabel(/What should change/).fill('Which test database? Please add the test status.');
      await bo.page.getByRole('button', { name: 'Send back for changes' }).click();
      await expect(bo.page.getByTestId('handoff-review')).toHaveAttribute('data-status', 'changes-requested');
      await expect(row).toHaveAttribute('data-status', 'changes-requested');
      await expect(page.getByTestId('handoff-toast')).toContainText('asked for changes');

      // The owner edits and resends; Bo's page goes back to pending, with the new test status.
      await row.getByRole('link').click();
      await ready(page);
      await page.getByRole('button', { name: 'Edit and resend' }).click();
      const dialog = page.getByTestId('handoff-dialog');
      await dialog.getByLabel('Test status').fill('unit green; integration needs the shop_test database');
      await dialog.getByRole('button', { name: 'Save and resend' }).click();
      await expect(dialog).toBeHidden();
      await expect(bo.page.getByTestId('handoff-review')).toHaveAttribute('data-status', 'pending');
      await expect(bo.page.getByTestId('handoff-context')).toContainText('shop_test database');
      await expect(bo.page.getByTestId('handoff-timeline').locator('[data-event="updated"]')).toHaveCount(1);

      // Decline: the reason is required, then the owner sees "declined" live with the reason.
      await bo.page.getByRole('button', { name: 'Decline' }).click();
      await bo.page.getByRole('button', { name: 'Decline handoff' }).click();
      await expect(bo.page.getByText('Say why you decline')).toBeVisible();
      await expect(bo.page.getByTestId('handoff-review')).toHaveAttribute('data-status', 'pending');
      await bo.page.getByLabel(/Why do you decline/).fill('On call this week, cannot take it');
      await bo.page.getByRole('button', { name: 'Decline handoff' }).click();
      await expect(bo.page.getByTestId('handoff-review')).toHaveAttribute('data-status', 'declined');
      await expect(page.getByTestId('handoff-review')).toHaveAttribute('data-status', 'declined');
      await expect(page.getByTestId('handoff-reason')).toContainText('On call this week');
      await expect(page.getByTestId('handoff-toast').last()).toContainText('Bo declined');

      // The inbox: every handoff, this one declined.
      await page.goto('/handoffs?box=all');
      await ready(page);
      await expect(row).toHaveAttribute('data-status', 'declined');
      await expect(row).toContainText('On call this week');
      await page
        .getByTestId('handoff-toast')
        .first()
        .waitFor({ state: 'detached', timeout: 15_000 })
        .catch(() => {});
      await page.screenshot({ path: join(SHOTS, 'handoff-inbox.png'), fullPage: true });

      // The sender renews it: pending again, back in Bo's inbox.
      await row.getByRole('link').click();
      await ready(page);
      await page.getByRole('button', { name: /^Renew/ }).click();
      await expect(page.getByTestId('handoff-review')).toHaveAttribute('data-status', 'pending');
      await expect(bo.page.getByTestId('handoff-review')).toHaveAttribute('data-status', 'pending');
      await expect(bo.page.getByTestId('handoffs-link')).toHaveAttribute('data-count', String(boOpen));
    } finally {
      await bo.context.close();
    }
  });

  test('an agent hands a session to the whole team: every member is notified, the first to accept takes it, the others see it go', async ({
    browser,
    request,
  }) => {
    test.setTimeout(90_000);
    const id = uid('team');
    await startSession(request, id);
    const cy = await newUser(browser, 'Cy');
    const dee = await newUser(browser, 'Dee');
    try {
      for (const p of [cy.page, dee.page]) {
        await p.goto('/handoffs');
        await ready(p);
      }
      const count = async (p: Page) => Number(await p.getByTestId('handoffs-link').getAttribute('data-count'));
      const before = [await count(cy.page), await count(dee.page)];

      // The agent (an API token) hands it to anyone on the team, as MCP's session_handoff would.
      const sentAt = Date.now();
      const res = await request.post(`/api/v1/sessions/${id}/handoffs`, {
        data: { to: { kind: 'team' }, handoffType: 'escalation' },
        headers: { 'x-baton-client': 'mcp' },
      });
      expect(res.status(), await res.text()).toBe(201);
      const handoff = (await res.json()) as { id: string };

      // How long from the agent's request to the toast on a member's screen (reported, not asserted).
      await expect(cy.page.locator(`[data-testid="handoff-toast"][data-handoff="${handoff.id}"]`)).toBeVisible();
      test.info().annotations.push({ type: 'toast latency', description: `${Date.now() - sentAt} ms from POST to a visible toast` });
      console.log(`handoff toast latency: ${Date.now() - sentAt} ms`);
      for (const [i, p] of [cy.page, dee.page].entries()) {
        await expect(p.getByTestId('handoffs-link')).toHaveAttribute('data-count', String(before[i]! + 1));
        await expect(p.locator(`[data-testid="handoff-toast"][data-handoff="${handoff.id}"]`)).toContainText('handed the team ‘shop’');
        await expect(p.locator(`[data-testid="handoff-row"][data-handoff="${handoff.id}"]`)).toContainText('anyone on the team');
      }

      // Cy takes it; Dee's badge and row follow without a reload.
      await cy.page.locator(`[data-testid="handoff-row"][data-handoff="${handoff.id}"]`).getByRole('link').click();
      await ready(cy.page);
      await expect(cy.page.getByTestId('handoff-review')).toContainText('mcp');
      await cy.page.getByRole('button', { name: 'Accept and take over' }).click();
      await expect(cy.page.getByTestId('continuation-link')).toBeVisible();
      await expect(dee.page.locator(`[data-testid="handoff-row"][data-handoff="${handoff.id}"]`)).toHaveAttribute('data-status', 'accepted');
      await expect(dee.page.getByTestId('handoffs-link')).toHaveAttribute('data-count', String(before[1]!));
      await cy.page.getByTestId('continuation-link').click();
      await expect(boardOwner(cy.page)).toHaveText('Cy');
    } finally {
      await cy.context.close();
      await dee.context.close();
    }
  });
});
