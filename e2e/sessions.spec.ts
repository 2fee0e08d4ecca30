import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, newUser, putEntry, test } from './fixtures';

const SHOTS = join(process.cwd(), 'e2e', 'screenshots');

/** A development session of its own per test, created the way an agent does: a memory write. */
async function startSession(request: APIRequestContext, id: string, extra: Record<string, unknown> = {}) {
  const value = {
    session_id: id,
    project_name: 'e-commerce-platform',
    developer_id: 'developer-001',
    focus_area: 'backend-api',
    expected_duration: '4 hours',
    goals: ['Complete user authentication API', 'Implement product catalog endpoints'],
    context: { current_branch: 'feature/user-auth', last_commit: 'abc123def', active_files: ['/src/controllers/authController.js'] },
    ...extra,
  };
  await putEntry(request, { namespace: 'session-management', key: `session/${id}/init`, value: JSON.stringify(value) });
}

async function saveState(request: APIRequestContext, id: string, state: Record<string, unknown>) {
  await putEntry(request, { namespace: 'session-management', key: `session/${id}/state`, value: JSON.stringify({ session_id: id, ...state }) });
}

async function openBoard(page: Page, id: string) {
  await page.goto(`/sessions/${id}`);
  await expect(page.getByTestId('board-title')).toBeVisible();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
}

const uid = (label: string) => `e2e-${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

test.describe('development board', () => {
  test('updates live when an agent saves state and an API client checkpoints', async ({ page, request }) => {
    const id = uid('live');
    await startSession(request, id);
    await openBoard(page, id);
    await expect(page.getByTestId('board-status')).toHaveAttribute('data-status', 'active');
    await expect(page.getByTestId('goals').locator('li')).toHaveCount(2);
    await expect(page.getByTestId('checkpoints').locator('li')).toHaveCount(0);

    // The agent's periodic save: workstreams, a blocker, a decision, metrics, and a goal done.
    await saveState(request, id, {
      progress: { 'product-catalog': { status: 'in-progress', completion_percentage: 65, next_steps: ['Add product search functionality'] } },
      blockers: [{ type: 'technical', description: 'Database migration needs approval', priority: 'high' }],
      decisions: [{ topic: 'Authentication strategy', decision: 'JWT with refresh tokens', rationale: 'Balances security and user experience' }],
      metrics: { lines_of_code: 1247, tests_written: 23, test_coverage: 0.89 },
      goals_completed: ['Complete user authentication API'],
    });
    await expect(page.getByTestId('workstreams')).toContainText('product-catalog');
    await expect(page.getByTestId('workstreams')).toContainText('65');
    await expect(page.getByTestId('blockers').locator('li[data-resolved="false"]')).toHaveCount(1);
    await expect(page.getByTestId('decisions')).toContainText('JWT with refresh tokens');
    await expect(page.getByTestId('metrics')).toContainText('1,247');
    await expect(page.getByTestId('goals').locator('li[data-done="true"]')).toHaveCount(1);
    await expect(page.getByTestId('checkpoints').locator('li')).toHaveCount(1);

    // An API client records a checkpoint: it appears on the open board without a reload.
    const cp = await request.post(`/api/v1/sessions/${id}/checkpoints`, { data: { label: 'before lunch' } });
    expect(cp.ok()).toBe(true);
    await expect(page.getByTestId('checkpoints').locator('li').first()).toContainText('before lunch');
    await expect(page.getByTestId('checkpoints').locator('li')).toHaveCount(2);
  });

  test('milestones: a goal ticked and a blocker raised by an agent show as notices to everyone watching', async ({ page, request }) => {
    const id = `e2e-milestones-${Date.now()}`;
    await startSession(request, id);
    await openBoard(page, id);
    const board = (await (await request.get(`/api/v1/sessions/${id}`)).json()) as { goals: { id: number; text: string }[] };
    const goal = board.goals.find((g) => g.text === 'Complete user authentication API')!;
    expect((await request.patch(`/api/v1/sessions/${id}/goals/${goal.id}`, { data: { done: true } })).ok()).toBe(true);
    const notices = page.getByTestId('milestones');
    await expect(notices.locator('[data-milestone="goal"]')).toContainText('Goal done: Complete user authentication API');
    expect((await request.post(`/api/v1/sessions/${id}/blockers`, { data: { description: 'Staging database is down', severity: 'high' } })).ok()).toBe(true);
    await expect(notices.locator('[data-milestone="blocker"]')).toContainText('Blocker raised: Staging database is down');
    // A notice is dismissable, and the first load of a board raises none.
    await notices.locator('[data-milestone="blocker"]').getByRole('button', { name: 'Dismiss' }).click();
    await expect(notices.locator('[data-milestone="blocker"]')).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId('session-board')).toBeVisible();
    await expect(notices.locator('[data-milestone]')).toHaveCount(0);
  });

  test('two viewers see each other on the board, and edits from one show in the other', async ({ browser, page, request }) => {
    const id = uid('presence');
    await startSession(request, id);
    await openBoard(page, id);
    const bob = await newUser(browser, 'bob');
    try {
      await openBoard(bob.page, id);
      await expect(page.getByTestId('presence')).toHaveAttribute('data-count', '2');
      await expect(bob.page.getByTestId('presence')).toHaveAttribute('data-count', '2');
      await expect(page.getByTestId('presence')).toContainText('2 viewing');

      // Bob ticks a goal and raises a blocker; the owner's board follows.
      await bob.page.getByTestId('goals').locator('li').first().getByRole('checkbox').check();
      await expect(page.getByTestId('goals').locator('li').first()).toHaveAttribute('data-done', 'true');
      await bob.page.getByRole('button', { name: '+ Add blocker' }).click();
      const form = bob.page.getByRole('form', { name: 'Add blocker' });
      await form.getByRole('textbox').first().fill('Staging is down');
      await form.getByRole('button', { name: /add/i }).last().click();
      await expect(page.getByTestId('blockers')).toContainText('Staging is down');

      // Bob leaves: the owner sees one viewer again.
      await bob.page.goto('/');
      await expect(page.getByTestId('presence')).toHaveAttribute('data-count', '1');
    } finally {
      await bob.context.close();
    }
  });

  test('recovery: an interrupted session shows what changed and resumes as a linked continuation', async ({ page, request }) => {
    const id = uid('recover');
    await startSession(request, id);
    await saveState(request, id, { progress: { api: { completion_percentage: 40, next_steps: ['write tests'] } }, blockers: [{ description: 'flaky test' }] });
    // Work after the last checkpoint, then the agent goes silent and the session is marked interrupted.
    await request.post(`/api/v1/sessions/${id}/decisions`, { data: { topic: 'DB', decision: 'SQLite' } });
    expect((await request.patch(`/api/v1/sessions/${id}`, { data: { status: 'interrupted' } })).ok()).toBe(true);

    await openBoard(page, id);
    const panel = page.getByTestId('recover-panel');
    await expect(panel).toBeVisible();
    await expect(page.getByTestId('recover-last-checkpoint')).toBeVisible();
    await expect(panel).toContainText('flaky test');
    await expect(panel).toContainText('SQLite');
    await panel.getByRole('checkbox', { name: /Tests pass/ }).check();
    await panel.getByRole('checkbox', { name: /Files present/ }).check();
    await panel.getByRole('button', { name: 'Resume as continuation' }).click();

    await expect(page).toHaveURL(new RegExp(`/sessions/${id}-r1$`));
    await expect(page.getByTestId('board-status')).toHaveAttribute('data-status', 'active');
    await expect(page.getByTestId('blockers')).toContainText('flaky test');
    await expect(page.getByTestId('checkpoints').locator('li').first()).toHaveAttribute('data-kind', 'recovery');
    const child = await (await request.get(`/api/v1/sessions/${id}-r1`)).json();
    expect(child.parentId).toBe(id);
    const recovery = await (await request.get(`/api/v1/sessions/${id}-r1/checkpoints/${child.checkpoints[0].id}`)).json();
    expect(recovery.validation).toMatchObject({ existing_tests_pass: true, files_present: true });
    const original = await (await request.get(`/api/v1/sessions/${id}`)).json();
    expect(original.lineage.children.map((c: { id: string }) => c.id)).toEqual([`${id}-r1`]);
  });

  test('autosave: a changed session started over 30 minutes ago gets an autosave checkpoint, live on the board', async ({ page, request }) => {
    const id = uid('autosave');
    // The agent reports when the session started: two hours ago, so the 30-minute autosave is due on
    // the next sweep (every 7.5 s in this test server) without moving any clock.
    await startSession(request, id, { started_at: new Date(Date.now() - 2 * 3600_000).toISOString() });
    await openBoard(page, id);
    await expect(page.getByTestId('checkpoints').locator('li[data-kind="auto"]')).toHaveCount(1, { timeout: 20_000 });
    await expect(page.getByTestId('checkpoints').locator('li').first()).toContainText('Autosave');
    // (Autosave off and "not again while unchanged" are covered with an injected clock in test/sessions.test.ts.)
  });

  test('the dashboard lists sessions live and flags the interrupted ones', async ({ page, request }) => {
    const id = uid('dash');
    await page.goto('/');
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
    await startSession(request, id, { project_name: `proj-${id}` });
    const card = page.locator(`[data-testid="session-card"][data-session="${id}"]`);
    await expect(card).toBeVisible();
    await expect(card).toHaveAttribute('data-status', 'active');
    await request.patch(`/api/v1/sessions/${id}`, { data: { status: 'interrupted' } });
    await expect(page.getByTestId('interrupted').locator(`[data-session="${id}"]`)).toBeVisible();
  });
});

test('screenshots of the board and the dashboard at 1920×1080 and 390 px, light and dark', async ({ browser, request }) => {
  mkdirSync(SHOTS, { recursive: true });
  const id = uid('shots');
  await startSession(request, id);
  await saveState(request, id, {
    progress: {
      'user-authentication': { status: 'completed', completion_percentage: 100, files_modified: ['/src/routes/auth.js'] },
      'product-catalog': {
        status: 'in-progress',
        completion_percentage: 65,
        next_steps: ['Add product search functionality', 'Implement category management'],
      },
    },
    blockers: [{ type: 'technical', description: 'Database migration for product categories needs approval', priority: 'medium' }],
    decisions: [{ topic: 'Authentication strategy', decision: 'JWT with refresh tokens', rationale: 'Balances security and user experience' }],
    metrics: { lines_of_code: 1247, tests_written: 23, test_coverage: 0.89, files_modified: 8, commits_made: 6 },
  });
  await request.post(`/api/v1/sessions/${id}/agents`, { data: { name: 'backend-dev', role: 'Backend Developer', currentTask: 'product search' } });
  for (const scheme of ['light', 'dark'] as const) {
    for (const [w, h, tag] of [
      [1920, 1080, 'wide'],
      [390, 844, 'phone'],
    ] as const) {
      const ctx = await browser.newContext({
        viewport: { width: w, height: h },
        colorScheme: scheme,
        storageState: test.info().project.use.storageState as string,
      });
      const page = await ctx.newPage();
      await openBoard(page, id);
      await page.screenshot({ path: join(SHOTS, `board-${tag}-${scheme}.png`), fullPage: tag === 'wide' });
      await page.goto('/');
      await expect(page.getByTestId('sessions-dashboard')).toBeVisible();
      await page.screenshot({ path: join(SHOTS, `dashboard-${tag}-${scheme}.png`) });
      await ctx.close();
    }
  }
});
