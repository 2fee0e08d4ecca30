import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { ADMIN_STATE, E2E_ADMIN, FIRST_RUN_URL } from './auth-files';
import { expect, test } from './fixtures';
import { getEntry, MemoryPage, newUser, putEntry, submitSignIn, uniqueNamespace } from './fixtures';

const shots = join(import.meta.dirname, 'screenshots');
/** For request contexts: without it they would carry the owner's cookie (the config's default storageState). */
const noCookies = { cookies: [], origins: [] };
const rand = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A browser context with nobody signed in (the config's default is the owner). */
async function anonymous(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, ...options, storageState: undefined });
  return { context, page: await context.newPage() };
}

async function expectSignedInAs(page: Page, name: string, role: 'admin' | 'member' | 'viewer') {
  const menu = page.getByTestId('user-menu');
  await expect(menu.getByTestId('user-name')).toHaveText(name);
  await expect(menu.getByTestId('role-badge')).toHaveAttribute('data-role', role);
}

async function signOut(page: Page) {
  await page.getByTestId('user-menu-button').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in$/);
}

// Filled in by the rate-limit and token tests, read by the audit test (which makes its own when run alone).
let failedEmail: string | null = null;
let tokenName: string | null = null;

test.describe('first run (a second server without any account)', () => {
  test('/ leads to setup; the owner is created, signed in as admin; setup is closed after; sign out and in', async ({ browser }) => {
    const { context, page } = await anonymous(browser, { baseURL: FIRST_RUN_URL });
    try {
      await page.goto('/');
      await expect(page).toHaveURL(`${FIRST_RUN_URL}/setup`);
      const form = page.getByRole('form', { name: 'Set up Baton' });
      await form.locator('input[name="name"]').fill('Fiona First');
      await form.locator('input[name="email"]').fill('fiona@first-run.test');
      await form.locator('input[name="password"]').fill('first-run-password');
      await form.getByRole('button', { name: 'Create owner account' }).click();
      await page.waitForURL(`${FIRST_RUN_URL}/`);
      await expectSignedInAs(page, 'Fiona First', 'admin');

      // Setup is done: the page sends to sign-in, and the API refuses a second owner.
      await page.goto('/setup');
      await expect(page).toHaveURL(/\/sign-in$/);
      const again = await context.request.post('/api/v1/setup', {
        data: { name: 'Mallory', email: 'mallory@first-run.test', password: 'mallory-password' },
        headers: { origin: FIRST_RUN_URL },
      });
      expect(again.status()).toBe(422);
      expect((await again.json()).error).toMatchObject({ field: 'setup' });

      await page.goto('/');
      await expectSignedInAs(page, 'Fiona First', 'admin');
      await signOut(page);
      // Signed out for real: a page sends back to sign-in.
      await page.goto('/memory');
      await expect(page).toHaveURL(/\/sign-in\?next=%2Fmemory$/);

      expect(await submitSignIn(page, 'fiona@first-run.test', 'not-the-password')).toBe(401);
      await expect(page.getByRole('form', { name: 'Sign in' }).getByRole('alert')).toHaveText('Email or password is wrong');
      await expect(page.locator('input[name="password"]')).toHaveAttribute('aria-invalid', 'true');

      expect(await submitSignIn(page, 'fiona@first-run.test', 'first-run-password')).toBe(200);
      await page.waitForURL(`${FIRST_RUN_URL}/memory`);
      await expectSignedInAs(page, 'Fiona First', 'admin');
    } finally {
      await context.close();
    }
  });
});

test.describe('accounts on the main server', () => {
  test('an invitation made in settings creates a member; both see each other’s writes live', async ({ page, browser, request, baseURL }, testInfo) => {
    const ns = uniqueNamespace(testInfo, 'invite');
    await putEntry(request, { namespace: ns, key: 'plan', value: { step: 1 } });

    await page.goto('/settings');
    const create = page.getByRole('form', { name: 'Create invitation' });
    await create.locator('select[name="role"]').selectOption('member');
    await create.getByRole('button', { name: 'Create link' }).click();
    const linkBox = page.getByTestId('new-invite-link');
    await expect(linkBox).toHaveValue(new RegExp(`^${baseURL}/invite/\\S+$`));
    const link = await linkBox.inputValue();
    await expect(page.getByTestId('new-invite').getByTestId('role-badge')).toHaveAttribute('data-role', 'member');

    const email = `iris-${rand()}@e2e.test`;
    const iris = await anonymous(browser);
    try {
      await iris.page.goto(link);
      await expect(iris.page.getByTestId('invite-info').getByTestId('role-badge')).toHaveAttribute('data-role', 'member');
      const form = iris.page.getByRole('form', { name: 'Accept invitation' });
      await form.locator('input[name="name"]').fill('Iris');
      await form.locator('input[name="email"]').fill(email);
      await form.locator('input[name="password"]').fill('iris-password');
      await form.getByRole('button', { name: 'Create account and join' }).click();
      await iris.page.waitForURL(`${baseURL}/`);
      await expectSignedInAs(iris.page, 'Iris', 'member');

      // The link worked once.
      await iris.page.goto(link);
      await expect(iris.page.getByTestId('invite-invalid')).toContainText('already used');

      const owner = new MemoryPage(page);
      const member = new MemoryPage(iris.page);
      await owner.open(ns, 'plan');
      await member.open(ns, 'plan');

      // An agent's REST write reaches the new member's page without a reload.
      await putEntry(request, { namespace: ns, key: 'notes/agent', value: 'from the agent' });
      await expect(member.row('notes/agent')).toBeVisible();
      await expect(member.count(ns)).toHaveText('2');

      // The member's edit reaches the owner's page.
      const edit = await member.startEdit();
      await edit.locator('textarea[name="value"]').fill('{"step": 2, "by": "iris"}');
      await edit.getByRole('button', { name: 'Save' }).click();
      await expect(member.version).toHaveText('v2');
      await expect(owner.value).toContainText('"by": "iris"');
      await expect(owner.version).toHaveText('v2');
      await expect(owner.row('notes/agent')).toBeVisible();
      expect((await getEntry(request, ns, 'plan')).body).toMatchObject({ version: 2, updatedBy: 'Iris' });
    } finally {
      await iris.context.close();
    }
  });

  test('a viewer sees memory read-only, and a forged write is refused', async ({ browser, request }, testInfo) => {
    const ns = uniqueNamespace(testInfo, 'viewer');
    const key = 'config/limits';
    await putEntry(request, { namespace: ns, key, value: { max: 3 } });
    const vic = await newUser(browser, 'vic', {}, 'viewer');
    try {
      const m = new MemoryPage(vic.page);
      await m.open(ns, key);
      await expect(m.value).toContainText('"max": 3');
      await expect(vic.page.getByTestId('read-only-badge')).toHaveText('Read-only');
      await expect(vic.page.getByRole('button', { name: '+ New' })).toHaveCount(0);
      await expect(m.panel.getByRole('button', { name: /^Edit/ })).toHaveCount(0);
      await expect(m.panel.getByRole('button', { name: 'Delete' })).toHaveCount(0);
      await expectSignedInAs(vic.page, 'vic', 'viewer');

      // The page hides the buttons; the server is what refuses. Same origin, the viewer's own cookie.
      const forged = await vic.page.evaluate(
        async ({ namespace, key }) => {
          const res = await fetch('/api/v1/memory/entry', {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ namespace, key, value: 'forged' }),
          });
          return { status: res.status, body: await res.json() };
        },
        { namespace: ns, key },
      );
      expect(forged.status).toBe(403);
      expect(forged.body.error).toMatchObject({ code: 'forbidden' });
      const deleted = await vic.page.evaluate(
        async ({ namespace, key }) => (await fetch(`/api/v1/memory/entry?${new URLSearchParams({ namespace, key })}`, { method: 'DELETE' })).status,
        { namespace: ns, key },
      );
      expect(deleted).toBe(403);
      expect((await getEntry(request, ns, key)).body).toMatchObject({ version: 1, value: { max: 3 } });
    } finally {
      await vic.context.close();
    }
  });

  test('the sixth bad sign-in for one email in a minute is rate-limited, with the wait shown', async ({ browser }) => {
    const email = `nobody-${rand()}@e2e.test`;
    const { context, page } = await anonymous(browser);
    try {
      await page.goto('/sign-in');
      const form = page.getByRole('form', { name: 'Sign in' });
      for (let i = 1; i <= 5; i++) {
        expect(await submitSignIn(page, email, `wrong-${i}`), `attempt ${i}`).toBe(401);
        await expect(form.getByRole('alert')).toHaveText('Email or password is wrong');
      }
      failedEmail = email;
      expect(await submitSignIn(page, email, 'wrong-6')).toBe(429);
      await expect(form.getByRole('alert')).toContainText('Too many sign-in attempts for this account.');
      const retry = page.getByTestId('retry-after');
      await expect(retry).toHaveText(/^You can try again in \d+ seconds?\.$/);
      const first = Number((await retry.textContent())!.match(/\d+/)![0]);
      expect(first).toBeGreaterThan(1);
      expect(first).toBeLessThanOrEqual(60);
      const submit = form.locator('button[type="submit"]');
      await expect(submit).toBeDisabled();
      await expect(submit).toHaveText(/^Wait \d+ s$/);
      // The wait counts down.
      await expect(retry).not.toHaveText(`You can try again in ${first} seconds.`, { timeout: 3_000 });
      expect(Number((await retry.textContent())!.match(/\d+/)![0])).toBeLessThan(first);
    } finally {
      await context.close();
    }
  });

  test('an API token made in settings is shown once, works for its namespace only, and stops at revoke', async ({ page, playwright, baseURL }, testInfo) => {
    const ns = uniqueNamespace(testInfo, 'token');
    const other = uniqueNamespace(testInfo, 'token-other');
    const name = `ui-token-${rand()}`;
    await page.goto('/settings');
    const form = page.getByRole('form', { name: 'Create API token' });
    await form.locator('input[name="name"]').fill(name);
    await form.getByLabel('Access for scope 1').selectOption('write');
    await form.getByLabel('Namespace pattern for scope 1').fill(ns);
    await form.getByRole('button', { name: 'Create token' }).click();

    const shown = page.getByTestId('new-token');
    await expect(shown).toContainText(`Token “${name}” created`);
    await expect(shown).toContainText('you will not see this token again');
    const token = await page.getByTestId('new-token-value').inputValue();
    expect(token.length).toBeGreaterThan(20);
    await expect(page.getByTestId('new-token-mcp')).toContainText(`Bearer ${token}`);
    tokenName = name;

    const row = page.getByTestId('token-row').filter({ hasText: name });
    await expect(row).toHaveAttribute('data-status', 'active');
    await expect(row).toContainText(`write${ns}`);
    await expect(row).not.toContainText(token);

    // Shown once: gone after "I have copied it", and not on the page after a reload either.
    await shown.getByRole('button', { name: 'I have copied it' }).click();
    await expect(shown).toHaveCount(0);
    await page.reload();
    await expect(row).toBeVisible();
    expect(await page.content()).not.toContain(token);

    const agent = await playwright.request.newContext({ baseURL, storageState: noCookies, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    try {
      const put = (namespace: string) => agent.put('/api/v1/memory/entry', { data: { namespace, key: 'k', value: 'v' } });
      expect((await put(ns)).status()).toBe(201);
      const refused = await put(other);
      expect(refused.status()).toBe(403);

      // The app's own confirmation (no browser dialog): Escape cancels and gives focus back; Enter confirms.
      const revokeButton = row.getByRole('button', { name: `Revoke token ${name}` });
      await revokeButton.click();
      const confirm = page.getByTestId('confirm-dialog');
      await expect(confirm).toContainText(name);
      await page.keyboard.press('Escape');
      await expect(confirm).toBeHidden();
      await expect(revokeButton).toBeFocused();
      await expect(row).not.toHaveAttribute('data-status', 'revoked');
      await revokeButton.click();
      await expect(confirm.getByRole('button', { name: 'Revoke token' })).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(row).toHaveAttribute('data-status', 'revoked');
      await expect(row.getByRole('button', { name: /^Revoke/ })).toHaveCount(0);
      const after = await put(ns);
      expect(after.status()).toBe(401);
    } finally {
      await agent.dispose();
    }
  });

  test('the audit log shows failed sign-ins and token creation to the owner, "Admins only" to a member', async ({ page, browser, baseURL, playwright }) => {
    // Run alone, make the events the tests above would have made.
    if (!failedEmail) {
      failedEmail = `nobody-${rand()}@e2e.test`;
      const anon = await playwright.request.newContext({ baseURL, storageState: noCookies });
      for (let i = 0; i < 5; i++) await anon.post('/api/auth/sign-in/email', { data: { email: failedEmail, password: 'wrong' } });
      await anon.dispose();
    }
    if (!tokenName) {
      tokenName = `ui-token-${rand()}`;
      const res = await page.request.post('/api/v1/tokens', {
        data: { name: tokenName, scopes: [{ access: 'read', namespaces: '*' }] },
        headers: { origin: baseURL! },
      });
      expect(res.ok()).toBe(true);
    }

    await page.goto('/admin/audit');
    await expect(page.getByTestId('audit-table')).toBeVisible();
    const action = page.getByLabel('Action starts with');
    const rows = page.getByTestId('audit-row');

    await action.fill('auth.sign-in.failed');
    const failures = rows.filter({ hasText: failedEmail });
    // Five refusals for a wrong password; the sixth was rate-limited before it was checked.
    await expect(failures).toHaveCount(5);
    await expect(rows.filter({ hasNotText: 'auth.sign-in.failed' })).toHaveCount(0);
    await expect(failures.first().getByTestId('audit-outcome')).toHaveText('failed');
    await expect(failures.first()).toContainText('anonymous');

    await action.fill('token.create');
    await expect(rows.filter({ hasNotText: 'token.create' })).toHaveCount(0);
    const created = rows.filter({ hasText: tokenName });
    await expect(created).toHaveCount(1);
    await expect(created).toContainText(E2E_ADMIN.name);
    await expect(created.getByTestId('audit-outcome')).toHaveText('ok');

    const mia = await newUser(browser, 'mia');
    try {
      await mia.page.goto('/admin/audit');
      await expect(mia.page.getByTestId('admins-only')).toContainText('Admins only');
      await expect(mia.page.getByTestId('audit-table')).toHaveCount(0);
      // The user menu offers no audit link to a member, and the API refuses too.
      await mia.page.getByTestId('user-menu-button').click();
      await expect(mia.page.getByRole('menuitem', { name: 'Settings' })).toBeVisible();
      await expect(mia.page.getByRole('menuitem', { name: 'Audit log' })).toHaveCount(0);
      expect(await mia.page.evaluate(async () => (await fetch('/api/v1/audit')).status)).toBe(403);
    } finally {
      await mia.context.close();
    }
  });

  test('an anonymous visit to /memory goes to sign-in and, once signed in, back to /memory', async ({ browser, baseURL }) => {
    const { context, page } = await anonymous(browser);
    try {
      await page.goto('/memory');
      await expect(page).toHaveURL(`${baseURL}/sign-in?next=%2Fmemory`);
      await expect(page.getByRole('heading', { name: 'Sign in to Baton' })).toBeVisible();
      // Not a signed-in header: no user menu or page links on the sign-in page.
      await expect(page.getByTestId('user-menu')).toHaveCount(0);
      expect(await submitSignIn(page, E2E_ADMIN.email, E2E_ADMIN.password)).toBe(200);
      await page.waitForURL(`${baseURL}/memory`);
      await new MemoryPage(page).waitLoaded();
      await expectSignedInAs(page, E2E_ADMIN.name, 'admin');
    } finally {
      await context.close();
    }
  });
});

test('screenshots of /sign-in, /settings and /admin/audit in light and dark mode', async ({ browser }, testInfo) => {
  mkdirSync(shots, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    const anon = await anonymous(browser, { colorScheme: scheme });
    const owner = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: scheme, storageState: ADMIN_STATE });
    try {
      const { page } = anon;
      await page.goto('/sign-in');
      await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
      if (scheme === 'dark') await expect(page.locator('html')).toHaveClass(/\bdark\b/);
      else await expect(page.locator('html')).not.toHaveClass(/\bdark\b/);
      await page.screenshot({ path: join(shots, `sign-in-${scheme}.png`), animations: 'disabled' });

      const p = await owner.newPage();
      await p.goto('/settings');
      await expect(p.getByTestId('tokens')).toBeVisible();
      await expect(p.getByTestId('members')).toBeVisible();
      await expect(p.getByTestId('invites').or(p.getByText('No invitations yet.'))).toBeVisible();
      await expect(p.locator('[aria-busy="true"]')).toHaveCount(0);
      await p.screenshot({ path: join(shots, `settings-${scheme}.png`), animations: 'disabled' });

      await p.goto('/admin/audit');
      await expect(p.getByTestId('audit-table')).toBeVisible();
      await p.screenshot({ path: join(shots, `audit-${scheme}.png`), animations: 'disabled' });
    } finally {
      await anon.context.close();
      await owner.close();
    }
  }
  testInfo.annotations.push({ type: 'screenshots', description: shots });
});
