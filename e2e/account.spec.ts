import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { ADMIN_STATE, E2E_ADMIN } from './auth-files';
import { expect, newUser, submitSignIn, test } from './fixtures';

/**
 * Account self-service: a person changes their password in Settings (other browsers are signed
 * out), and an admin disables and enables an account in Members.
 *
 * Sign-in allows 5 attempts per email per minute, and a password change counts as one: the
 * password test makes 5 for its member, so the disable test uses a member of its own.
 */

const shots = join(import.meta.dirname, 'screenshots');
/** The password newUser() gives every account it makes. */
const USER_PASSWORD = 'e2e-user-password';
const NEW_PASSWORD = 'a-brand-new-passphrase';

async function anonymous(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, storageState: undefined });
  return { context, page: await context.newPage() };
}

/** The email newUser() made up for its account (it does not return it). */
async function emailOf(page: Page): Promise<string> {
  const res = await page.request.get('/api/v1/me');
  expect(res.ok(), `GET /api/v1/me: ${res.status()}`).toBe(true);
  return (await res.json()).principal.email;
}

/** Status of /api/v1/me as the page's own cookie sees it (the page's next API call). */
const meStatus = (page: Page) => page.evaluate(async () => (await fetch('/api/v1/me', { cache: 'no-store' })).status);

async function expectSignedInAs(page: Page, name: string) {
  await expect(page.getByTestId('user-menu').getByTestId('user-name')).toHaveText(name);
}

const isPasswordCall = (url: string) => new URL(url).pathname === '/api/v1/me/password';
const isUserPatch = (url: string, method: string) => method === 'PATCH' && /\/api\/v1\/users\/[^/]+$/.test(new URL(url).pathname);

test('a member changes their password: field errors, then success; their other browser is signed out; only the new password signs in', async ({ browser }) => {
  const pat = await newUser(browser, 'pat');
  const other = await anonymous(browser);
  try {
    const email = await emailOf(pat.page);

    // A second browser signed in as the same person.
    await other.page.goto('/sign-in?next=%2Fsettings');
    expect(await submitSignIn(other.page, email, USER_PASSWORD)).toBe(200);
    await other.page.waitForURL(/\/settings$/);
    await expectSignedInAs(other.page, 'pat');

    const { page } = pat;
    await page.goto('/settings');
    const form = page.getByRole('form', { name: 'Change password' });
    const current = form.locator('input[name="currentPassword"]');
    const next = form.locator('input[name="newPassword"]');
    const confirm = form.locator('input[name="confirmPassword"]');
    const submit = form.getByRole('button', { name: 'Change password' });
    await expect(current).toHaveAttribute('autocomplete', 'current-password');
    await expect(next).toHaveAttribute('autocomplete', 'new-password');
    await expect(confirm).toHaveAttribute('autocomplete', 'new-password');
    await expect(page.getByTestId('section-password')).toBeVisible();

    const calls: string[] = [];
    page.on('request', (r) => {
      if (isPasswordCall(r.url())) calls.push(r.method());
    });

    // 1. Wrong current password: the server's error under that field, which gets focus.
    await current.fill('not-my-password');
    await next.fill(NEW_PASSWORD);
    await confirm.fill(NEW_PASSWORD);
    const [wrong] = await Promise.all([page.waitForResponse((r) => isPasswordCall(r.url())), submit.click()]);
    // invalid_input answers 422 everywhere in Baton.
    expect(wrong.status()).toBe(422);
    expect((await wrong.json()).error).toMatchObject({ code: 'invalid_input', field: 'currentPassword' });
    await expect(current).toHaveAttribute('aria-invalid', 'true');
    await expect(current).toHaveAttribute('aria-describedby', 'password-currentPassword-error');
    await expect(form.locator('#password-currentPassword-error')).toHaveText('Current password is wrong');
    await expect(current).toBeFocused();
    await expect(next).toHaveAttribute('aria-invalid', 'false');
    await expect(page.getByTestId('password-status')).toHaveText('');

    // 2. Confirmation differs: caught in the page, nothing sent.
    await current.fill(USER_PASSWORD);
    await expect(current).toHaveAttribute('aria-invalid', 'false');
    await confirm.fill(`${NEW_PASSWORD}-typo`);
    await submit.click();
    await expect(confirm).toHaveAttribute('aria-invalid', 'true');
    await expect(confirm).toHaveAttribute('aria-describedby', 'password-confirmPassword-error');
    await expect(form.locator('#password-confirmPassword-error')).toHaveText('Does not match the new password');
    await expect(confirm).toBeFocused();
    expect(calls).toEqual(['POST']);

    // 3. Keyboard only: retype the confirmation and press Enter. The button shows it is working
    // while the request is held back (it then goes to the real server unchanged).
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/api/v1/me/password', async (route) => {
      await held;
      await route.continue();
    });
    await confirm.press('ControlOrMeta+a');
    await page.keyboard.type(NEW_PASSWORD);
    const answer = page.waitForResponse((r) => isPasswordCall(r.url()));
    await page.keyboard.press('Enter');
    const pending = form.getByRole('button', { name: 'Changing password…' });
    await expect(pending).toBeDisabled();
    release();
    const ok = await answer;
    expect(ok.status()).toBe(200);
    expect(await ok.json()).toEqual({ changed: true });
    await page.unroute('**/api/v1/me/password');
    await expect(page.getByTestId('password-status')).toHaveText('Password changed. Other browsers signed in as you were signed out.');
    await expect(page.getByTestId('password-status')).toHaveAttribute('aria-live', 'polite');
    for (const input of [current, next, confirm]) await expect(input).toHaveValue('');
    await expect(submit).toBeEnabled();
    expect(calls).toEqual(['POST', 'POST']);

    // This browser got a fresh cookie and stays signed in.
    expect(await meStatus(page)).toBe(200);
    await page.reload();
    await expectSignedInAs(page, 'pat');

    // The other browser is signed out: its next API call is refused, its next page load goes to sign-in.
    await expect.poll(() => meStatus(other.page)).toBe(401);
    await other.page.goto('/memory');
    await expect(other.page).toHaveURL(/\/sign-in\?next=%2Fmemory$/);

    // The old password no longer signs in; the new one does.
    expect(await submitSignIn(other.page, email, USER_PASSWORD)).toBe(401);
    await expect(other.page.getByRole('form', { name: 'Sign in' }).getByRole('alert')).toHaveText('Email or password is wrong');
    expect(await submitSignIn(other.page, email, NEW_PASSWORD)).toBe(200);
    await other.page.waitForURL(/\/memory$/);
    await expectSignedInAs(other.page, 'pat');
  } finally {
    await other.context.close();
    await pat.context.close();
  }
});

test('the owner disables a member in Members: their open page loses access and sign-in says why; enabled again, they sign in', async ({
  page,
  browser,
  request,
}) => {
  const dana = await newUser(browser, 'dana');
  try {
    const email = await emailOf(dana.page);
    await dana.page.goto('/settings');
    await expectSignedInAs(dana.page, 'dana');

    await page.goto('/settings');
    const row = page.getByTestId('member-row').filter({ hasText: email });
    await expect(row).toHaveAttribute('data-disabled', 'false');
    await expect(row.getByTestId('disabled-badge')).toHaveCount(0);
    // Nobody disables themself: the owner's own row has no button for it.
    const own = page.getByTestId('member-row').filter({ hasText: E2E_ADMIN.email });
    await expect(own).toContainText('(you)');
    await expect(own.getByRole('button', { name: /^(Disable|Enable)\b/ })).toHaveCount(0);

    // Disabling asks first; Escape says no, and focus goes back to the button.
    const disable = row.getByRole('button', { name: 'Disable dana' });
    await expect(disable).toHaveAttribute('aria-expanded', 'false');
    await disable.click();
    const ask = page.getByTestId('section-members').getByTestId('disable-confirm');
    await expect(ask).toContainText('Disable dana?');
    await expect(disable).toHaveAttribute('aria-expanded', 'true');
    await expect(ask.getByRole('button', { name: 'Yes, disable' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(ask).toHaveCount(0);
    await expect(disable).toBeFocused();
    await expect(row).toHaveAttribute('data-disabled', 'false');
    expect(await meStatus(dana.page)).toBe(200);

    // From the keyboard: Enter opens the question, Enter on "Yes, disable" disables.
    await page.keyboard.press('Enter');
    await expect(ask.getByRole('button', { name: 'Yes, disable' })).toBeFocused();
    const [patched] = await Promise.all([page.waitForResponse((r) => isUserPatch(r.url(), r.request().method())), page.keyboard.press('Enter')]);
    expect(patched.status()).toBe(200);
    expect(await patched.json()).toMatchObject({ disabled: true, role: 'member' });
    await expect(row).toHaveAttribute('data-disabled', 'true');
    await expect(row.getByTestId('disabled-badge')).toHaveText('disabled');
    const enable = row.getByRole('button', { name: 'Enable dana' });
    await expect(enable).toBeFocused();
    // The server agrees (not just the page).
    const users = (await (await request.get('/api/v1/users')).json()).items as { email: string; disabled: boolean }[];
    expect(users.find((u) => u.email === email)?.disabled).toBe(true);

    // Dana's open page loses access at once: API calls are refused, a reload goes to sign-in.
    await expect.poll(() => meStatus(dana.page)).toBe(401);
    await dana.page.reload();
    await expect(dana.page).toHaveURL(/\/sign-in\?next=%2Fsettings$/);
    expect(await submitSignIn(dana.page, email, USER_PASSWORD)).toBe(403);
    const signInForm = dana.page.getByRole('form', { name: 'Sign in' });
    await expect(signInForm.getByRole('alert')).toHaveText('This account is disabled; ask an admin to enable it');
    await expect(signInForm.locator('input[name="email"]')).toHaveAttribute('aria-invalid', 'true');
    await expect(dana.page).toHaveURL(/\/sign-in/);
    expect(await meStatus(dana.page)).toBe(401);

    // The change survives a reload of the owner's page (it is the server's list).
    await page.reload();
    await expect(row).toHaveAttribute('data-disabled', 'true');

    // Enabled again (no question asked), Dana signs in.
    const [enabled] = await Promise.all([page.waitForResponse((r) => isUserPatch(r.url(), r.request().method())), enable.click()]);
    expect(enabled.status()).toBe(200);
    await expect(row).toHaveAttribute('data-disabled', 'false');
    await expect(row.getByTestId('disabled-badge')).toHaveCount(0);
    await expect(row.getByRole('button', { name: 'Disable dana' })).toBeFocused();
    expect(await submitSignIn(dana.page, email, USER_PASSWORD)).toBe(200);
    await dana.page.waitForURL(/\/settings$/);
    await expectSignedInAs(dana.page, 'dana');
  } finally {
    await dana.context.close();
  }
});

test('screenshots: Settings with the password form, Members with a disabled row (light and dark, 1280 and 390 wide)', async ({
  browser,
  request,
}, testInfo) => {
  // Four browser contexts, each filling a form and taking four screenshots of a Settings page that now also
  // holds notifications and webhooks: over the default 30 s on a loaded 2-core CI machine (33.9 s seen).
  test.setTimeout(90_000);
  mkdirSync(shots, { recursive: true });
  // Someone to show as disabled, and someone active beside them.
  const rowan = await newUser(browser, 'rowan');
  const sam = await newUser(browser, 'sam', {}, 'viewer');
  const rowanEmail = await emailOf(rowan.page);
  await rowan.context.close();
  await sam.context.close();
  const users = (await (await request.get('/api/v1/users')).json()).items as { id: string; email: string }[];
  const rowanId = users.find((u) => u.email === rowanEmail)!.id;
  const res = await request.patch(`/api/v1/users/${rowanId}`, { data: { disabled: true } });
  expect(res.ok(), `disable: ${res.status()} ${await res.text()}`).toBe(true);

  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [1280, 390]) {
      const context = await browser.newContext({ viewport: { width, height: width > 500 ? 900 : 844 }, colorScheme: scheme, storageState: ADMIN_STATE });
      try {
        const page = await context.newPage();
        await page.goto('/settings');
        if (scheme === 'dark') await expect(page.locator('html')).toHaveClass(/\bdark\b/);
        else await expect(page.locator('html')).not.toHaveClass(/\bdark\b/);
        const members = page.getByTestId('section-members');
        await expect(members.getByTestId('member-row').filter({ hasText: rowanEmail })).toHaveAttribute('data-disabled', 'true');
        await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);

        // The password form with a field error showing, so its look is checked too.
        const form = page.getByRole('form', { name: 'Change password' });
        await form.locator('input[name="currentPassword"]').fill('e2e-owner-password');
        await form.locator('input[name="newPassword"]').fill('a-new-owner-password');
        await form.locator('input[name="confirmPassword"]').fill('a-new-owner-passwrd');
        await form.getByRole('button', { name: 'Change password' }).click();
        await expect(form.locator('#password-confirmPassword-error')).toBeVisible();
        // No horizontal scrolling of the page itself on a phone.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

        await page.screenshot({ path: join(shots, `account-settings-${scheme}-${width}.png`), fullPage: true, animations: 'disabled' });
        await page.getByTestId('section-password').screenshot({ path: join(shots, `account-password-${scheme}-${width}.png`), animations: 'disabled' });
        await members.screenshot({ path: join(shots, `account-members-${scheme}-${width}.png`), animations: 'disabled' });

        // The question before disabling someone, as it looks in the row.
        await members.getByRole('button', { name: 'Disable sam' }).click();
        await expect(members.getByTestId('disable-confirm').getByRole('button', { name: 'Yes, disable' })).toBeFocused();
        await members.screenshot({ path: join(shots, `account-members-confirm-${scheme}-${width}.png`), animations: 'disabled' });
        await page.keyboard.press('Escape');
        await expect(members.getByTestId('disable-confirm')).toHaveCount(0);
      } finally {
        await context.close();
      }
    }
  }
  testInfo.annotations.push({ type: 'screenshots', description: shots });
});
