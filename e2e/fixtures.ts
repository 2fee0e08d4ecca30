import { test as base, expect, type APIRequestContext, type Browser, type BrowserContext, type Locator, type Page, type TestInfo } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { TOKEN_FILE } from './auth-files';

/** The admin API token global-setup created: REST calls in tests act as an agent with it. */
export const apiToken = () => readFileSync(TOKEN_FILE, 'utf8').trim();

/** `request` authenticated with the API token (pages use the owner's cookie instead). */
export const test = base.extend({
  request: async ({ playwright, baseURL }, use) => {
    const ctx = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${apiToken()}` } });
    await use(ctx);
    await ctx.dispose();
  },
});
export { expect };

/** Fills /sign-in and submits; returns the HTTP status of the sign-in call. */
export async function submitSignIn(page: Page, email: string, password: string): Promise<number> {
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.locator('input[name="email"]').fill(email);
  await form.locator('input[name="password"]').fill(password);
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/auth/sign-in/email') && r.request().method() === 'POST'),
    form.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  return res.status();
}

/** A namespace no other test touches: the database is shared by the whole run. */
export function uniqueNamespace(testInfo: TestInfo, label: string): string {
  return `e2e-${label}-${testInfo.workerIndex}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export interface PutInput {
  namespace: string;
  key: string;
  value: unknown;
  ttl?: number;
}

/** Writes through the REST API, as an agent would (with the e2e token); returns the stored version. */
export async function putEntry(request: APIRequestContext, input: PutInput): Promise<{ version: number; seq: number }> {
  const res = await request.put('/api/v1/memory/entry', { data: input });
  expect(res.ok(), `PUT ${input.namespace}/${input.key}: ${res.status()} ${await res.text()}`).toBe(true);
  return res.json();
}

export async function namespaceCounts(request: APIRequestContext): Promise<Map<string, number>> {
  const res = await request.get('/api/v1/memory/namespaces');
  expect(res.ok()).toBe(true);
  const body = (await res.json()) as { items: { namespace: string; count: number }[] };
  return new Map(body.items.map((n) => [n.namespace, n.count]));
}

export async function getEntry(request: APIRequestContext, namespace: string, key: string) {
  const res = await request.get('/api/v1/memory/entry', { params: { namespace, key } });
  return { status: res.status(), body: await res.json() };
}

/**
 * Another signed-in person in a browser context of their own: the owner invites them (role
 * `member` by default) and they accept, which signs them in. Their name is what boards show.
 */
export async function newUser(
  browser: Browser,
  name: string,
  options: Parameters<Browser['newContext']>[0] = {},
  role: 'admin' | 'member' | 'viewer' = 'member',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, ...options, storageState: undefined });
  const baseURL = test.info().project.use.baseURL!;
  const owner = await context.request.post(`${baseURL}/api/v1/invites`, {
    data: { role },
    headers: { authorization: `Bearer ${apiToken()}` },
  });
  expect(owner.ok(), `invite: ${owner.status()} ${await owner.text()}`).toBe(true);
  const { token } = (await owner.json()) as { token: string };
  const email = `${name}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@e2e.test`;
  const accepted = await context.request.post(`${baseURL}/api/v1/invites/${token}/accept`, {
    data: { name, email, password: 'e2e-user-password' },
  });
  expect(accepted.ok(), `accept: ${accepted.status()} ${await accepted.text()}`).toBe(true);
  const page = await context.newPage();
  return { context, page };
}

/** Page object for /memory. */
export class MemoryPage {
  constructor(readonly page: Page) {}

  get status(): Locator {
    return this.page.getByTestId('connection-status');
  }
  get tree(): Locator {
    return this.page.getByTestId('key-tree');
  }
  get panel(): Locator {
    return this.page.getByTestId('entry-panel');
  }
  get value(): Locator {
    return this.page.getByTestId('entry-value');
  }
  get version(): Locator {
    return this.page.getByTestId('entry-version');
  }
  get newForm(): Locator {
    return this.page.getByRole('form', { name: 'New entry' });
  }
  get editForm(): Locator {
    return this.page.getByRole('form', { name: 'Edit entry' });
  }
  row(key: string): Locator {
    return this.tree.locator(`[data-testid="key-row"][data-key="${key}"]`);
  }
  count(ns: string): Locator {
    return this.page.getByTestId(`count-${ns}`);
  }

  async open(ns: string, key?: string): Promise<void> {
    const qs = new URLSearchParams({ ns });
    if (key) qs.set('key', key);
    await this.page.goto(`/memory?${qs}`);
    await this.waitLoaded();
  }

  /** Hydrated, snapshots loaded (nothing aria-busy) and the socket live. */
  async waitLoaded(): Promise<void> {
    await expect(this.page.getByTestId('namespaces')).toBeAttached();
    await expect(this.page.locator('[aria-busy="true"]')).toHaveCount(0);
    await expect(this.status).toHaveAttribute('data-status', 'live');
  }

  async startEdit(): Promise<Locator> {
    await this.panel.getByRole('button', { name: /^Edit/ }).click();
    await expect(this.editForm).toBeVisible();
    return this.editForm;
  }
}
