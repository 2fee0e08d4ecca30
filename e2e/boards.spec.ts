import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { apiToken, expect, newUser, test } from './fixtures';

/**
 * The six coordination, review and planning boards, fed by the seed (POST /api/v1/examples):
 * what the seed holds is on each board, edits show live in another browser, the sprint's
 * overcommit warning, a finding at file:line, and screenshots at 1920×1080 and 390 px.
 */

const SHOTS = join(import.meta.dirname, 'screenshots');
// Dark variants, for looking at (not committed).
const DARK_SHOTS = join(tmpdir(), 'baton-board-shots');

const SEED = {
  team: 'coord-session-1767225600000',
  crossProject: 'multi-proj-1767225600000',
  code: 'review-session-1767225600000',
  qa: 'qa-review-1767225600000',
  sprint: 'sprint-planning-1767225600000',
  architecture: 'arch-planning-1767225600000',
} as const;

const BOARDS = [
  { id: SEED.team, type: 'coordination', subtype: 'team' },
  { id: SEED.crossProject, type: 'coordination', subtype: 'cross-project' },
  { id: SEED.code, type: 'review', subtype: 'code' },
  { id: SEED.qa, type: 'review', subtype: 'qa' },
  { id: SEED.sprint, type: 'planning', subtype: 'sprint' },
  { id: SEED.architecture, type: 'planning', subtype: 'architecture' },
] as const;

async function loadSeed(request: APIRequestContext) {
  const res = await request.post('/api/v1/examples');
  expect(res.status(), await res.text()).toBe(201);
}

async function openBoard(page: Page, id: string, type: string, subtype: string) {
  await page.goto(`/sessions/${id}`);
  await expect(page.getByTestId('board-title')).toBeVisible();
  await expect(page.getByTestId(`board-${type}-${subtype}`)).toBeVisible();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
}

interface Item {
  id: number;
  kind: string;
  data: Record<string, unknown>;
}
async function addItem(request: APIRequestContext, session: string, kind: string, data: Record<string, unknown>): Promise<Item> {
  const res = await request.post(`/api/v1/sessions/${session}/items`, { data: { kind, data } });
  expect(res.status(), await res.text()).toBe(201);
  const board = (await res.json()) as { items: Item[] };
  return board.items.filter((i) => i.kind === kind).at(-1)!;
}
async function items(request: APIRequestContext, session: string, kind: string): Promise<Item[]> {
  const res = await request.get(`/api/v1/sessions/${session}`);
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { items: Item[] }).items.filter((i) => i.kind === kind);
}

test.beforeAll(async ({ playwright }) => {
  // The fixture's `request` is per test; loading the seed once needs a context of our own.
  const ctx = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL, extraHTTPHeaders: { authorization: `Bearer ${apiToken()}` } });
  await loadSeed(ctx);
  await ctx.dispose();
});

test.describe('the seed on each board', () => {
  test('team coordination: participants, 5 agenda items with timeboxes over the 90-minute meeting', async ({ page }) => {
    await openBoard(page, SEED.team, 'coordination', 'team');
    const agenda = page.getByTestId('agenda');
    await expect(agenda.locator('li')).toHaveCount(5);
    await expect(agenda.locator('li').first()).toContainText('Sprint planning for week 3');
    await expect(agenda.locator('li').nth(4)).toContainText('Risk assessment and mitigation');
    await expect(agenda.getByTestId('timebox').first()).toHaveText('18 min');
    await expect(page.getByTestId('agenda-total')).toHaveText('90 min of 90 min');
    const people = page.getByTestId('participants');
    await expect(people.locator('li')).toHaveCount(5);
    await expect(people.locator('[data-participant="team-lead-001"]')).toContainText('Coordinator');
    for (const p of ['backend-dev-001', 'frontend-dev-001', 'devops-engineer-001', 'qa-engineer-001'])
      await expect(people.locator(`[data-participant="${p}"]`)).toContainText('Participant');
    await expect(page.getByTestId('actions')).toBeAttached();
    await expect(page.getByTestId('decisions')).toBeAttached();
  });

  test('cross-project: 3 projects sortable by priority, shared resources, mobile-app → e-commerce-platform', async ({ page }) => {
    await openBoard(page, SEED.crossProject, 'coordination', 'cross-project');
    const projects = page.getByTestId('projects').locator(':scope > li');
    await expect(projects).toHaveCount(3);
    // Sorted by priority: high, medium, low.
    await expect(projects.nth(0)).toHaveAttribute('data-project', 'e-commerce-platform');
    await expect(projects.nth(1)).toHaveAttribute('data-project', 'analytics-dashboard');
    await expect(projects.nth(2)).toHaveAttribute('data-project', 'mobile-app');
    await expect(projects.nth(0)).toContainText('Active development');
    await expect(projects.nth(0).getByTestId('project-blockers')).toHaveText('2');
    await page.getByRole('group', { name: 'Sort projects by' }).getByRole('button', { name: 'Name' }).click();
    await expect(projects.nth(0)).toHaveAttribute('data-project', 'analytics-dashboard');
    await expect(projects.nth(2)).toHaveAttribute('data-project', 'mobile-app');

    const resources = page.getByTestId('resources');
    for (const r of ['devops-team', 'qa-team', 'ui-ux-designer']) await expect(resources.locator(`[data-resource="${r}"]`)).toBeVisible();

    const graph = page.getByTestId('dependency-graph');
    for (const n of ['e-commerce-platform', 'analytics-dashboard', 'mobile-app']) await expect(graph.locator(`[data-node="${n}"]`)).toBeVisible();
    await expect(graph.locator('[data-edge="mobile-app->e-commerce-platform"]')).toBeVisible();
    await expect(graph.locator('[data-edge="mobile-app->e-commerce-platform"]')).toContainText('api-dependency');
    await expect(page.getByTestId('dependencies')).toContainText('Mobile app requires stable API from platform');
  });

  test('code review: PR-123 scope, 5 criteria by category, reviewer and author', async ({ page }) => {
    await openBoard(page, SEED.code, 'review', 'code');
    const scope = page.getByTestId('pr-scope');
    await expect(scope.getByTestId('pr')).toHaveText('PR-123');
    await expect(scope).toContainText('12');
    await expect(scope).toContainText('+247');
    await expect(scope).toContainText('−18');
    await expect(scope).toContainText('User authentication');
    const criteria = page.getByTestId('criteria');
    await expect(criteria.locator('li')).toHaveCount(5);
    await expect(criteria).toContainText('Security best practices');
    await expect(criteria.locator('[data-category="security"]')).toContainText('Security best practices');
    expect(await criteria.locator('[data-category]').count()).toBeGreaterThanOrEqual(3);
    const people = page.getByTestId('participants');
    await expect(people.locator('[data-participant="senior-dev-001"]')).toContainText('Reviewer');
    await expect(people.locator('[data-participant="junior-dev-001"]')).toContainText('Author');
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-outcome', 'pending');
  });

  test('QA review: 5 scope areas with results, staging ready', async ({ page }) => {
    await openBoard(page, SEED.qa, 'review', 'qa');
    const scope = page.getByTestId('qa-scope');
    for (const a of ['Functional testing', 'Integration testing', 'Security testing', 'Performance testing', 'Usability testing']) {
      await expect(scope).toContainText(a);
      await expect(page.getByTestId('results').locator(`[data-area="${a}"]`)).toBeVisible();
    }
    await expect(scope).toContainText('staging');
    await expect(page.getByTestId('environments').locator('[data-environment="staging"]')).toHaveAttribute('data-status', 'ready');
    await expect(page.getByTestId('result-counts').locator('[data-outcome="pending"]')).toHaveAttribute('data-count', '5');
    await expect(page.getByTestId('sign-off')).toHaveAttribute('data-outcome', 'pending');
  });

  test('sprint planning: 45 points, 50 developer days, 20% buffer, 36 effective, the team', async ({ page }) => {
    await openBoard(page, SEED.sprint, 'planning', 'sprint');
    const capacity = page.getByTestId('capacity');
    await expect(capacity).toContainText('45');
    await expect(capacity).toContainText('50');
    await expect(capacity).toContainText('20%');
    await expect(capacity).toHaveAttribute('data-effective', '36');
    await expect(page.getByTestId('participants').locator('li')).toHaveCount(8);
    await expect(page.getByTestId('participants')).toContainText('scrum-master-001');
  });

  test('architecture planning: 4 objectives, 6 months horizon, microservices scope', async ({ page }) => {
    await openBoard(page, SEED.architecture, 'planning', 'architecture');
    const objectives = page.getByTestId('objectives');
    await expect(objectives.locator('li')).toHaveCount(4);
    await expect(objectives).toContainText('Migrate monolith to microservices');
    await expect(objectives).toContainText('Reduce technical debt');
    await expect(page.getByTestId('horizon-text')).toHaveText('6 months');
    await expect(page.locator('[data-section="horizon"]')).toContainText('Microservices migration');
    await expect(page.getByTestId('timeline')).toBeVisible();
  });
});

test.describe('editing the boards', () => {
  test('an action item added in one browser appears in another without a reload; overdue stands out', async ({ browser, page }) => {
    await openBoard(page, SEED.team, 'coordination', 'team');
    const bob = await newUser(browser, 'bob-boards');
    try {
      await openBoard(bob.page, SEED.team, 'coordination', 'team');
      const title = `Send the retro notes ${Date.now().toString(36)}`;
      const form = page.getByRole('form', { name: 'Add action item' });
      await form.getByLabel('Action item').fill(title);
      await form.getByLabel('Owner').fill('qa-engineer-001');
      await form.getByLabel('Due date').fill('2025-12-01');
      await form.getByRole('button', { name: 'Add' }).click();
      const mine = page.getByTestId('actions').locator('li', { hasText: title });
      await expect(mine).toHaveAttribute('data-overdue', 'true');
      const theirs = bob.page.getByTestId('actions').locator('li', { hasText: title });
      await expect(theirs).toBeVisible();
      await expect(theirs).toContainText('qa-engineer-001');
      await expect(theirs.getByTestId('due')).toContainText('overdue');

      // Bob marks it done: no longer overdue, on both screens.
      await theirs.getByLabel(`Status of "${title}"`).selectOption('done');
      await expect(mine).toHaveAttribute('data-status', 'done');
      await expect(mine).toHaveAttribute('data-overdue', 'false');

      // An empty title is refused by the API, and the message sits under the field.
      await form.getByRole('button', { name: 'Add' }).click();
      await expect(form.getByTestId('field-error')).toContainText(/must not be empty/i);

      // Starting an agenda item on one screen highlights it on the other.
      const second = page.getByTestId('agenda').locator('li').nth(1);
      await second.getByRole('button', { name: 'Start' }).click();
      await expect(bob.page.getByTestId('agenda').locator('li').nth(1)).toHaveAttribute('data-current', 'true');

      // A longer timebox pushes the agenda past the meeting's 90 minutes, on both screens.
      await page.getByTestId('agenda').locator('li').first().getByTestId('timebox').click();
      const timebox = page.getByLabel('Timebox of "Sprint planning for week 3" in minutes');
      await timebox.fill('25');
      await timebox.press('Enter');
      await expect(bob.page.getByTestId('agenda-total')).toHaveText('97 min of 90 min');
      await expect(bob.page.getByText('Timeboxes run 7 min over the 90-minute meeting')).toBeVisible();

      // A decision captured by Bob shows on the owner's board.
      const capture = bob.page.getByRole('form', { name: 'Capture decision' });
      await capture.getByLabel('Topic').fill('Release train');
      await capture.getByLabel('Decision').fill('Ship every second Tuesday');
      await capture.getByRole('button', { name: 'Capture' }).click();
      await expect(page.getByTestId('decisions')).toContainText('Ship every second Tuesday');
    } finally {
      await bob.context.close();
    }
  });

  test('a viewer sees the boards but no controls', async ({ browser }) => {
    const viewer = await newUser(browser, 'vera-viewer', {}, 'viewer');
    try {
      await openBoard(viewer.page, SEED.sprint, 'planning', 'sprint');
      await expect(viewer.page.getByTestId('capacity')).toHaveAttribute('data-effective', '36');
      await expect(viewer.page.getByRole('form', { name: 'Add backlog item' })).toHaveCount(0);
      await expect(viewer.page.getByRole('button', { name: 'Edit sprint goal' })).toHaveCount(0);
      await openBoard(viewer.page, SEED.team, 'coordination', 'team');
      await expect(viewer.page.getByTestId('agenda').locator('li')).toHaveCount(5);
      await expect(viewer.page.getByRole('button', { name: 'Start' })).toHaveCount(0);
      await expect(viewer.page.getByRole('form', { name: 'Add action item' })).toHaveCount(0);
    } finally {
      await viewer.context.close();
    }
  });

  test('sprint planning warns on overcommit, and the warning goes when an item leaves the sprint', async ({ page, request }) => {
    for (const [title, points] of [
      ['Password reset flow', 13],
      ['OAuth login with GitHub', 13],
      ['Session timeout banner', 8],
      ['Audit log export', 5],
    ] as const) {
      await addItem(request, SEED.sprint, 'backlog', { title, points });
    }
    await openBoard(page, SEED.sprint, 'planning', 'sprint');
    const backlog = page.getByTestId('backlog-items');
    const sprint = page.getByTestId('sprint-items');
    const capacity = page.getByTestId('capacity');
    await expect(capacity).toHaveAttribute('data-state', 'ok');

    for (const title of ['Password reset flow', 'OAuth login with GitHub', 'Session timeout banner']) {
      await backlog.getByRole('button', { name: `Into sprint: ${title}` }).click();
      await expect(sprint).toContainText(title);
    }
    // 34 of 36: near capacity, amber, no warning yet.
    await expect(capacity).toHaveAttribute('data-committed', '34');
    await expect(capacity).toHaveAttribute('data-state', 'near');
    await expect(page.getByTestId('overcommit')).toHaveCount(0);

    await backlog.getByRole('button', { name: 'Into sprint: Audit log export' }).click();
    await expect(capacity).toHaveAttribute('data-committed', '39');
    await expect(capacity).toHaveAttribute('data-state', 'over');
    await expect(page.getByTestId('overcommit')).toHaveText('Overcommitted by 3 points');
    // What the board shows is what the server holds.
    expect((await items(request, SEED.sprint, 'backlog')).filter((i) => i.data.inSprint).map((i) => i.data.points)).toEqual([13, 13, 8, 5]);

    await sprint.getByRole('button', { name: '← Backlog: Session timeout banner' }).click();
    await expect(capacity).toHaveAttribute('data-committed', '31');
    await expect(page.getByTestId('overcommit')).toHaveCount(0);

    // The sprint goal, edited in place.
    await page.getByRole('button', { name: 'Edit sprint goal' }).click();
    await page.getByLabel('Sprint goal', { exact: true }).fill('Users can sign in with GitHub and reset their password');
    await page.getByRole('form', { name: 'Edit sprint goal' }).getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('sprint-goal-text')).toHaveText('Users can sign in with GitHub and reset their password');

    // A bad buffer is refused and the message sits next to it.
    await page.locator('[data-section="capacity"]').getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByLabel('Buffer', { exact: true }).fill('95');
    await page.getByRole('form', { name: 'Edit capacity' }).getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('form', { name: 'Edit capacity' }).getByTestId('field-error')).toBeVisible();
    await page.getByRole('form', { name: 'Edit capacity' }).getByRole('button', { name: 'Cancel' }).click();
  });

  test('a finding added at file:line, resolved; criteria ticked; the verdict needs a note to request changes', async ({ page }) => {
    await openBoard(page, SEED.code, 'review', 'code');
    await page.getByRole('button', { name: '+ Add finding' }).click();
    const form = page.getByRole('form', { name: 'Add finding' });
    await form.getByLabel('Severity').selectOption('high');
    await form.getByLabel('Finding', { exact: true }).fill('Password compared with == instead of a constant-time compare');
    await form.getByLabel('File').fill('src/auth/login.ts');
    await form.getByLabel('Line').fill('abc');
    await form.getByRole('button', { name: 'Add finding' }).click();
    await expect(form.getByTestId('field-error')).toBeVisible();
    await form.getByLabel('Line').fill('42');
    await form.getByRole('button', { name: 'Add finding' }).click();
    const finding = page.getByTestId('findings').locator('li', { hasText: 'constant-time compare' });
    await expect(finding.getByTestId('finding-location')).toHaveText('src/auth/login.ts:42');
    await expect(finding).toHaveAttribute('data-severity', 'high');
    await expect(page.getByTestId('finding-counts')).toContainText('1 high');

    const criterion = page.getByTestId('criteria').locator('li', { hasText: 'Security best practices' });
    await criterion.getByRole('checkbox').check();
    await expect(criterion).toHaveAttribute('data-checked', 'true');

    await page.getByRole('button', { name: 'Request changes' }).click();
    await expect(page.locator('[data-section="verdict"]').getByTestId('field-error')).toContainText('note is required');
    await page.getByLabel('Note', { exact: true }).fill('Use crypto.timingSafeEqual for the password check.');
    await page.getByRole('button', { name: 'Request changes' }).click();
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-outcome', 'changes-requested');
    await expect(page.getByTestId('verdict')).toContainText('timingSafeEqual');

    await finding.getByRole('button', { name: 'Resolve' }).click();
    await expect(page.getByTestId('findings').locator('li', { hasText: 'constant-time compare' })).toHaveAttribute('data-status', 'resolved');
  });

  test('QA results are set per area, an ADR is superseded by another', async ({ page, request }) => {
    await openBoard(page, SEED.qa, 'review', 'qa');
    const functional = page.getByTestId('results').locator('[data-area="Functional testing"]');
    await functional.getByRole('button', { name: 'Pass' }).click();
    await expect(functional).toHaveAttribute('data-outcome', 'pass');
    await expect(page.getByTestId('result-counts').locator('[data-outcome="pass"]')).toHaveAttribute('data-count', '1');

    const first = await addItem(request, SEED.architecture, 'adr', { number: 1, title: 'Strangler-fig migration behind an API gateway', status: 'accepted' });
    await addItem(request, SEED.architecture, 'adr', { number: 2, title: 'Service mesh for east-west traffic', status: 'proposed' });
    await openBoard(page, SEED.architecture, 'planning', 'architecture');
    const adr1 = page.getByTestId('adrs').locator(`[data-item="${first.id}"]`);
    await adr1.getByLabel('Change status of ADR-001').selectOption('superseded');
    await adr1.getByLabel('Superseded by').selectOption('2');
    await adr1.getByRole('button', { name: 'Save' }).click();
    await expect(adr1).toHaveAttribute('data-status', 'superseded');
    await expect(adr1.getByTestId('superseded-by')).toContainText('ADR-002');
  });
});

/** Content beyond the seed, so the screenshots show full boards (each kind once). */
async function dress(request: APIRequestContext) {
  await addItem(request, SEED.team, 'action', {
    title: 'Confirm staging capacity with DevOps',
    owner: 'devops-engineer-001',
    due: '2025-12-15',
    status: 'open',
  });
  await addItem(request, SEED.team, 'action', { title: 'Draft the week 3 sprint goal', owner: 'team-lead-001', due: '2099-01-10', status: 'in-progress' });
  await addItem(request, SEED.crossProject, 'action', { title: 'Freeze the v2 order API for mobile', owner: 'backend-dev-001', due: '2099-02-01' });
  await addItem(request, SEED.code, 'finding', { severity: 'medium', title: 'Token expiry is hard-coded', file: 'src/auth/jwt.ts', line: 17 });
  await addItem(request, SEED.code, 'finding', { severity: 'low', title: 'Missing JSDoc on the public login handler', file: 'src/auth/index.ts', line: 3 });
  await addItem(request, SEED.qa, 'environment', { name: 'performance-lab', status: 'degraded' });
  await addItem(request, SEED.qa, 'defect', { title: 'Login form accepts a 2,000-character email', severity: 'medium' });
  await addItem(request, SEED.qa, 'defect', { title: 'Lockout after 5 attempts never resets', severity: 'critical' });
  await addItem(request, SEED.sprint, 'risk', {
    title: 'GitHub OAuth app approval may take a week',
    likelihood: 'medium',
    impact: 'high',
    mitigation: 'Request approval on day one; password reset ships independently',
  });
  await addItem(request, SEED.architecture, 'phase', { name: 'Extract auth service', start: '2026-01-05', end: '2026-02-27', status: 'in-progress' });
  await addItem(request, SEED.architecture, 'phase', { name: 'Catalog and search', start: '2026-02-16', end: '2026-04-30' });
  await addItem(request, SEED.architecture, 'phase', { name: 'Orders and payments', start: '2026-04-01', end: '2026-06-30' });
  await addItem(request, SEED.sprint, 'backlog', { title: 'Rate-limit sign-in attempts', points: 3, owner: 'backend-dev-002' });
  await addItem(request, SEED.sprint, 'backlog', { title: 'Remember-me checkbox', points: 2 });
  // The sprint over capacity, to show the warning.
  const banner = (await items(request, SEED.sprint, 'backlog')).find((i) => i.data.title === 'Session timeout banner');
  if (banner) expect((await request.patch(`/api/v1/sessions/${SEED.sprint}/items/${banner.id}`, { data: { data: { inSprint: true } } })).ok()).toBe(true);
  await addItem(request, SEED.architecture, 'risk', { title: 'Distributed transactions across orders and payments', likelihood: 'high', impact: 'high' });
}

test('screenshots of every board at 1920×1080 and 390 px', async ({ browser, request }) => {
  test.setTimeout(180_000);
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(DARK_SHOTS, { recursive: true });
  await dress(request);
  const storageState = test.info().project.use.storageState as string;
  for (const [width, height] of [
    [1920, 1080],
    [390, 844],
  ] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      const ctx = await browser.newContext({ viewport: { width, height }, colorScheme: scheme, storageState });
      const page = await ctx.newPage();
      try {
        for (const b of BOARDS) {
          await openBoard(page, b.id, b.type, b.subtype);
          await page.evaluate(() => document.fonts.ready);
          // Nothing runs past the viewport's width (a 390 px phone scrolls down, never sideways).
          const { overflow, culprits } = await page.evaluate(() => {
            const max = document.documentElement.clientWidth;
            const wide = [...document.querySelectorAll('body *')].filter(
              (el) => el.getBoundingClientRect().right > max + 0.5 && ![...el.children].some((c) => c.getBoundingClientRect().right > max + 0.5),
            );
            const name = (el: Element) =>
              `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''} "${(el.textContent ?? '').trim().slice(0, 30)}"`;
            return { overflow: document.documentElement.scrollWidth - max, culprits: wide.slice(0, 5).map(name) };
          });
          expect.soft(overflow, `${b.type}/${b.subtype} at ${width}px overflows by ${overflow}px: ${culprits.join(', ')}`).toBeLessThanOrEqual(0);
          const file =
            scheme === 'light' ? join(SHOTS, `board-${b.type}-${b.subtype}-${width}.png`) : join(DARK_SHOTS, `board-${b.type}-${b.subtype}-${width}-dark.png`);
          await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
        }
      } finally {
        await ctx.close();
      }
    }
  }
});
