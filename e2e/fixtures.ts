import { expect, type APIRequestContext, type Browser, type BrowserContext, type Locator, type Page, type TestInfo } from '@playwright/test';

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

/** Writes through the REST API, as an agent would; returns the stored version. */
export async function putEntry(request: APIRequestContext, input: PutInput, actor = 'e2e-agent'): Promise<{ version: number; seq: number }> {
  const res = await request.put('/api/v1/memory/entry', { data: input, headers: { 'x-baton-actor': actor } });
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

/** A second (or third) browser user; `name` becomes the socket's actor label (web:<name>). */
export async function newUser(browser: Browser, name: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, ...options });
  await context.addInitScript((n) => localStorage.setItem('baton-name', n), name);
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
