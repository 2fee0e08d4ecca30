import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { APIRequestContext, Locator, Page } from '@playwright/test';
import type { Analytics } from '../lib/analytics-types';
import { expect, newUser, putEntry, test } from './fixtures';

const SHOTS = join(process.cwd(), 'e2e', 'screenshots');
const uid = (label: string) => `e2e-${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

/** A development session with two goals in `project`, started the way an agent does: a memory write. */
async function startSession(request: APIRequestContext, id: string, project: string, goals = ['Ship the login API', 'Write the catalog endpoints']) {
  const value = { session_id: id, project_name: project, developer_id: 'developer-001', focus_area: 'backend-api', goals };
  await putEntry(request, { namespace: 'session-management', key: `session/${id}/init`, value: JSON.stringify(value) });
}

async function goalIds(request: APIRequestContext, id: string): Promise<number[]> {
  const board = (await (await request.get(`/api/v1/sessions/${id}`)).json()) as { goals: { id: number }[] };
  return board.goals.map((g) => g.id);
}

async function tickGoal(request: APIRequestContext, id: string, goal: number) {
  const res = await request.patch(`/api/v1/sessions/${id}/goals/${goal}`, { data: { done: true } });
  expect(res.ok(), await res.text()).toBe(true);
}

async function raiseBlocker(request: APIRequestContext, id: string, severity: string, description: string) {
  const res = await request.post(`/api/v1/sessions/${id}/blockers`, { data: { description, severity } });
  expect(res.ok(), await res.text()).toBe(true);
}

/** The server's own answer for the same view, to compare the page with. */
async function analytics(request: APIRequestContext, params: Record<string, string | number>): Promise<Analytics> {
  const res = await request.get('/api/v1/analytics', { params: { tz: 'UTC', ...params } });
  expect(res.ok(), await res.text()).toBe(true);
  return res.json();
}

const stat = (page: Page, name: string): Locator => page.getByTestId(`stat-${name}`);
/** Charts render after the figures, at low priority (and recharts is slow on a busy CI machine). */
const CHARTS = { timeout: 20_000 };

/** Figures shown and the socket live. */
async function openAnalytics(page: Page, query = '') {
  await page.goto(`/analytics${query}`);
  await expect(page.getByTestId('stats')).toBeVisible();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
}

test.describe('analytics', () => {
  // Several browsers and a burst of writes per test: more than the default 30 s on a busy 2-core machine.
  test.describe.configure({ timeout: 60_000 });
  test('shows what Baton recorded for a project: sessions, goals, blockers, checkpoints, rows and writers', async ({ page, request }) => {
    const project = uid('proj');
    const id = uid('an');
    await startSession(request, id, project);
    const [first] = await goalIds(request, id);
    await tickGoal(request, id, first!);
    await raiseBlocker(request, id, 'high', 'Staging database is down');
    await raiseBlocker(request, id, 'critical', 'Payments sandbox rejects every call');
    expect((await request.post(`/api/v1/sessions/${id}/checkpoints`, { data: { label: 'before lunch' } })).ok()).toBe(true);
    // What the agent claims about itself, at the seed's metrics key.
    const claim = { session_id: id, completion_rate: 0.9, tasks_completed: 7 };
    await putEntry(request, { namespace: `${project}-metrics`, key: 'session/analytics/productivity', value: JSON.stringify(claim) });

    await openAnalytics(page, `?project=${project}`);
    await expect(page).toHaveTitle(/Analytics/);
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' })).toHaveAttribute('aria-current', 'page');
    await expect(stat(page, 'sessions-value')).toHaveText('1');
    await expect(stat(page, 'sessions-active')).toHaveText('1');
    await expect(stat(page, 'sessions-interrupted')).toHaveText('0');
    await expect(stat(page, 'goals-value')).toHaveText('50%');
    await expect(stat(page, 'goals-done')).toHaveText('1');
    await expect(stat(page, 'goals-total')).toHaveText('2');
    await expect(stat(page, 'blockers-value')).toHaveText('2');
    await expect(stat(page, 'blockers-critical')).toHaveAttribute('data-count', '1');
    await expect(stat(page, 'blockers-high')).toHaveAttribute('data-count', '1');
    await expect(stat(page, 'blockers-medium')).toHaveAttribute('data-count', '0');
    await expect(stat(page, 'checkpoints-value')).toHaveText('1');
    await expect(stat(page, 'checkpoints-kinds')).toHaveText('Manual 1');
    // No handoff in this project: no rate to show.
    await expect(stat(page, 'handoffs-value')).toHaveText('—');

    // The per-day chart says the same in words, and its table has one row per day of the window.
    await expect(page.getByTestId('chart-work-summary')).toHaveText('1 checkpoint, 1 goal done, 2 blockers raised, 1 session started.', CHARTS);
    await expect(page.getByTestId('chart-work').locator('table tbody tr')).toHaveCount(14, CHARTS);
    await expect(page.getByTestId('chart-status-summary')).toHaveText('1 session: 1 active.', CHARTS);
    await expect(page.getByTestId('chart-type-summary')).toHaveText('1 development.', CHARTS);

    const row = page.locator(`[data-testid="session-row"][data-session="${id}"]`);
    await expect(page.getByTestId('session-row')).toHaveCount(1);
    await expect(row.getByTestId('row-goals')).toHaveText('1/2');
    await expect(row.getByTestId('row-blockers')).toHaveText('2');
    await expect(row.getByTestId('row-checkpoints')).toHaveText('1');
    await expect(row.getByRole('link')).toHaveAttribute('href', `/sessions/${id}`);

    // Writers are the whole feed's (not filtered): the e2e token is an agent, and the page shows the server's count.
    const server = await analytics(request, { project });
    const agent = server.writers.find((w) => w.actor === 'token:e2e')!;
    expect(agent.kind).toBe('agent');
    const writer = page.locator('[data-testid="writer"][data-actor="token:e2e"]');
    await expect(writer).toHaveAttribute('data-kind', 'agent');
    await expect(writer.getByTestId('writer-writes')).toHaveText(agent.writes.toLocaleString('en-US'));

    // The claim is shown apart from the measured figures, with Baton's own measure beside it.
    const reported = page.getByTestId('reported-entry').filter({ has: page.getByRole('link', { name: `Session ${id}` }) });
    await expect(reported).toContainText('Completion rate');
    await expect(reported).toContainText('90%');
    await expect(reported).toContainText('measured 50% of its goals done');
    await expect(reported).toContainText('Tasks completed');

    // The row opens the board.
    await row.getByRole('link').click();
    await expect(page).toHaveURL(new RegExp(`/sessions/${id}$`));
  });

  test('updates live, without a reload, when a teammate ticks a goal and agents write', async ({ browser, page, request }) => {
    const project = uid('live');
    const id = uid('live');
    await startSession(request, id, project);
    await openAnalytics(page, `?project=${project}`);
    await expect(stat(page, 'goals-value')).toHaveText('0%');
    const count = async (name: string) => Number((await stat(page, name).textContent())!.replace(/,/g, ''));
    const before = await count('writes-agent');

    // From now on: the page must never fall back to its loading state, and count its requests.
    await page.evaluate(() => {
      const w = window as unknown as { sawLoading: boolean };
      w.sawLoading = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="analytics"] [role="status"][aria-busy="true"]')) w.sawLoading = true;
      }).observe(document.body, { subtree: true, childList: true });
    });
    let requests = 0;
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/analytics')) requests++;
    });

    // A teammate ticks a goal on the board in a browser of their own.
    const bob = await newUser(browser, 'bob');
    try {
      await bob.page.goto(`/sessions/${id}`);
      await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
      await bob.page.getByTestId('goals').locator('li').first().getByRole('checkbox').check();
      await expect(stat(page, 'goals-value')).toHaveText('50%');
      await expect(stat(page, 'goals-done')).toHaveText('1');
      await expect(page.locator(`[data-testid="session-row"][data-session="${id}"]`).getByTestId('row-goals')).toHaveText('1/2');
    } finally {
      await bob.context.close();
    }

    // A burst of ten agent writes: the figure follows, in a few throttled requests rather than ten.
    await expect(page.getByTestId('analytics')).toHaveAttribute('data-busy', 'false');
    const goalWrites = await count('writes-agent');
    requests = 0;
    const ns = uid('ns');
    for (let i = 0; i < 10; i++) await putEntry(request, { namespace: ns, key: `note-${i}`, value: `n${i}` });
    await expect(stat(page, 'writes-agent')).toHaveText((goalWrites + 10).toLocaleString('en-US'));
    expect(goalWrites).toBeGreaterThanOrEqual(before);
    await expect(page.getByTestId('analytics')).toHaveAttribute('data-busy', 'false');
    expect(requests).toBeGreaterThanOrEqual(1);
    expect(requests).toBeLessThan(10);

    // A person's write (the signed-in owner, through the cookie) counts for people.
    const people = await count('writes-person');
    const res = await page.request.put('/api/v1/memory/entry', {
      data: { namespace: ns, key: 'by-hand', value: 'typed' },
      headers: { origin: new URL(page.url()).origin },
    });
    expect(res.ok(), await res.text()).toBe(true);
    await expect(stat(page, 'writes-person')).toHaveText((people + 1).toLocaleString('en-US'));
    await expect(page.locator('[data-testid="writer"][data-actor="Owner"]')).toHaveAttribute('data-kind', 'person');

    expect(await page.evaluate(() => (window as unknown as { sawLoading: boolean }).sawLoading)).toBe(false);
  });

  test('filters live in the URL, change the figures, and work from the keyboard', async ({ page, request }) => {
    const project = uid('filt');
    const id = uid('filt');
    await startSession(request, id, project);
    // The command palette goes there too.
    await page.goto('/');
    await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Owner');
    await page.keyboard.press('Control+k');
    await expect(page.getByRole('dialog', { name: 'Command palette' }).getByRole('combobox')).toBeFocused();
    await page.keyboard.type('Analytics');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/analytics$/);
    await openAnalytics(page, `?project=${project}`);
    await expect(stat(page, 'sessions-value')).toHaveText('1');
    await expect(page.getByTestId('chart-writes').locator('table tbody tr')).toHaveCount(14, CHARTS);

    // The window, with the arrow keys on its radio group.
    await page.getByRole('radio', { name: '14 days' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('radio', { name: '30 days' })).toBeChecked();
    await expect(page).toHaveURL(/[?&]days=30(&|$)/);
    await expect(page.getByTestId('chart-writes').locator('table tbody tr')).toHaveCount(30, CHARTS);
    await expect(page.getByTestId('analytics-window')).toContainText('last 30 days');

    // Tab on to the type select; a review filter leaves this development session out.
    await page.keyboard.press('Tab');
    const type = page.getByLabel('Session type');
    await expect(type).toBeFocused();
    await type.selectOption('review');
    await expect(page).toHaveURL(/[?&]type=review(&|$)/);
    await expect(stat(page, 'sessions-value')).toHaveText('0');
    await expect(page.getByTestId('session-row')).toHaveCount(0);
    await type.selectOption('development');
    await expect(page).toHaveURL(/[?&]type=development(&|$)/);
    await expect(stat(page, 'sessions-value')).toHaveText('1');

    // The link reproduces the view.
    const url = page.url();
    await page.goto(url);
    await expect(page.getByRole('radio', { name: '30 days' })).toBeChecked();
    await expect(page.getByLabel('Session type')).toHaveValue('development');
    await expect(page.getByLabel('Project')).toHaveValue(project);
    await expect(stat(page, 'sessions-value')).toHaveText('1');

    // Clear filters from the keyboard, then type a project and press Enter.
    await page.getByRole('button', { name: 'Clear filters' }).focus();
    await page.keyboard.press('Enter');
    await expect(page).not.toHaveURL(/project=/);
    await expect(page).not.toHaveURL(/type=/);
    const all = await analytics(request, { days: 30 });
    await expect(stat(page, 'sessions-value')).toHaveText(all.sessions.total.toLocaleString('en-US'));
    const input = page.getByLabel('Project');
    await input.focus();
    await page.keyboard.type(project);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`[?&]project=${project}(&|$)`));
    await expect(stat(page, 'sessions-value')).toHaveText('1');
    await expect(page.getByTestId('session-row')).toHaveCount(1);
  });

  test('handoff acceptance rate, and screenshots at 1920 px light and dark and at 390 px', async ({ browser, request }) => {
    test.setTimeout(120_000);
    const project = uid('hand');
    const [a, b] = [uid('ha'), uid('hb')];
    await startSession(request, a, project);
    await startSession(request, b, project);
    const handoff = async (id: string) => {
      const res = await request.post(`/api/v1/sessions/${id}/handoffs`, {
        data: { to: { kind: 'agent', name: 'e2e-bot' }, handoffType: 'end-of-shift', checklist: [] },
      });
      expect(res.ok(), await res.text()).toBe(true);
      return ((await res.json()) as { id: string }).id;
    };
    const accepted = await handoff(a);
    expect((await request.post(`/api/v1/handoffs/${accepted}/accept`, { data: {} })).ok()).toBe(true);
    const declined = await handoff(b);
    expect((await request.post(`/api/v1/handoffs/${declined}/decline`, { data: { reason: 'Not this sprint' } })).ok()).toBe(true);
    // Some people's and agents' writes for the charts.
    for (let i = 0; i < 4; i++) await putEntry(request, { namespace: `${project}-notes`, key: `k${i}`, value: String(i) });

    mkdirSync(SHOTS, { recursive: true });
    for (const scheme of ['light', 'dark'] as const) {
      const ctx = await browser.newContext({
        viewport: { width: 1920, height: 1080 },
        colorScheme: scheme,
        storageState: test.info().project.use.storageState as string,
      });
      const page = await ctx.newPage();
      await openAnalytics(page, `?project=${project}`);
      await expect(stat(page, 'handoffs-value')).toHaveText('50%');
      await expect(stat(page, 'handoffs')).toContainText('1 of 2 decided');
      await expect(page.getByTestId('chart-handoffs-summary')).toHaveText('2 handoffs created in window: 1 accepted, 1 declined.', CHARTS);
      // The projector view: everything, not one project.
      await openAnalytics(page);
      if (scheme === 'dark') await expect(page.locator('html')).toHaveClass(/dark/);
      else await expect(page.locator('html')).not.toHaveClass(/dark/);
      await expect(page.getByTestId('chart-writes').locator('.recharts-bar-rectangle').first()).toBeVisible(CHARTS);
      await page.screenshot({ path: join(SHOTS, `analytics-1920-${scheme}.png`), fullPage: true });
      await ctx.close();
    }

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: test.info().project.use.storageState as string });
    const page = await phone.newPage();
    await openAnalytics(page);
    await expect(page.getByTestId('chart-writes').locator('.recharts-bar-rectangle').first()).toBeVisible(CHARTS);
    const overflow = await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
    // Nor inside: the sessions table fits the phone without its own sideways scroll.
    const table = await page.getByTestId('session-rows').evaluate((t) => t.scrollWidth - t.parentElement!.clientWidth);
    expect(table).toBeLessThanOrEqual(0);
    expect(overflow).toBeLessThanOrEqual(0);
    // Analytics is in the user menu on a phone (the header has no room for it).
    await page.getByTestId('user-menu-button').click();
    await expect(page.getByRole('menuitem', { name: 'Analytics' })).toBeVisible();
    await page.keyboard.press('Escape');
    await page.screenshot({ path: join(SHOTS, 'analytics-390.png'), fullPage: true });
    await phone.close();
  });
});
