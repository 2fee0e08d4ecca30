import { expect, test } from './fixtures';
import { getEntry, MemoryPage, namespaceCounts, newUser, putEntry, uniqueNamespace } from './fixtures';

test.describe('memory explorer, live', () => {
  test('an edit in one browser shows in another without reload, and flashes there', async ({ browser, request }, testInfo) => {
    const ns = uniqueNamespace(testInfo, 'two-users');
    const key = 'task/alpha';
    await putEntry(request, { namespace: ns, key, value: { step: 1 } });

    const alice = await newUser(browser, 'alice');
    const bob = await newUser(browser, 'bob');
    try {
      const a = new MemoryPage(alice.page);
      const b = new MemoryPage(bob.page);
      await a.open(ns, key);
      await b.open(ns, key);
      await expect(b.version).toHaveText('v1');
      await expect(b.value).toContainText('"step": 1');

      const form = await a.startEdit();
      await form.locator('textarea[name="value"]').fill('{"step": 2, "note": "from alice"}');
      await form.getByRole('button', { name: 'Save' }).click();
      await expect(a.editForm).toHaveCount(0);
      await expect(a.version).toHaveText('v2');

      // Bob's page follows without a reload: value, version, tree row, and a flash on the row.
      await expect(b.value).toContainText('"note": "from alice"');
      await expect(b.version).toHaveText('v2');
      await expect(b.row(key)).toContainText('v2');
      await expect(b.row(key)).toHaveClass(/\bflash\b/, { timeout: 1_500 });
      await expect(b.panel).toContainText('alice');
      // Alice's own write does not flash on her page (the flash lasts 1.6 s, so it would still be on).
      await expect(a.row(key)).not.toHaveClass(/\bflash\b/);
      // And the flash ends by itself.
      await expect(b.row(key)).not.toHaveClass(/\bflash\b/, { timeout: 4_000 });

      expect((await getEntry(request, ns, key)).body).toMatchObject({ version: 2, value: { step: 2, note: 'from alice' }, updatedBy: 'alice' });
    } finally {
      await alice.context.close();
      await bob.context.close();
    }
  });

  test('a REST write shows live in the explorer and on the home page', async ({ page, context, request }, testInfo) => {
    const ns = uniqueNamespace(testInfo, 'rest-live');
    await putEntry(request, { namespace: ns, key: 'notes/first', value: 'first note' });

    const m = new MemoryPage(page);
    await m.open(ns);
    await expect(m.count(ns)).toHaveText('1');
    await expect(m.tree.getByTestId('key-row')).toHaveCount(1);

    const home = await context.newPage();
    await home.goto('/');
    const total = home.getByTestId('total-entries');
    await expect(total).toBeVisible();
    await expect(home.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
    const before = Number(await total.textContent());

    // An agent writes over REST while both pages are open.
    await putEntry(request, { namespace: ns, key: 'notes/today', value: { todo: ['review PR'] } });

    await expect(m.row('notes/today')).toBeVisible();
    await expect(m.row('notes/today')).toContainText('v1');
    await expect(m.row('notes/today')).toHaveClass(/\bflash\b/, { timeout: 1_500 });
    await expect(m.count(ns)).toHaveText('2');

    await expect(total).toHaveText(String(before + 1));
    const latest = home.getByTestId('activity').locator('li').first();
    await expect(latest).toContainText(`${ns}/notes/today`);
    await expect(latest).toContainText('stored by token:e2e');

    // A new version of an existing key changes the activity, not the counts.
    await putEntry(request, { namespace: ns, key: 'notes/first', value: 'edited' });
    await expect(home.getByTestId('activity').locator('li').first()).toContainText(`${ns}/notes/first`);
    await expect(m.row('notes/first')).toContainText('v2');
    await expect(total).toHaveText(String(before + 1));
    await expect(m.count(ns)).toHaveText('2');
  });

  test('an entry with a short TTL counts down and disappears by itself', async ({ page, request }, testInfo) => {
    const ns = uniqueNamespace(testInfo, 'ttl');
    await putEntry(request, { namespace: ns, key: 'keep', value: 'stays' });
    const m = new MemoryPage(page);
    await m.open(ns);
    await expect(m.count(ns)).toHaveText('1');

    // Written once the page is open, so a slow page load cannot eat the 3 s.
    await putEntry(request, { namespace: ns, key: 'lease/worker-1', value: { holder: 'worker-1' }, ttl: 3 });
    await m.row('lease/worker-1').click();
    await expect(m.count(ns)).toHaveText('2');
    await expect(page.getByTestId('ttl-countdown')).toHaveText(/^in 0:0[0-3]$/);
    await expect(m.row('lease/worker-1')).toContainText(/TTL 0:0[0-3]/);
    await expect(m.row('keep')).not.toContainText('TTL');

    // No reload: the row goes when the TTL passes, the sweeper's expire change lowers the count.
    await expect(m.row('lease/worker-1')).toHaveCount(0, { timeout: 8_000 });
    await expect(m.count(ns)).toHaveText('1', { timeout: 5_000 });
    await expect(m.panel).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: 'lease/worker-1' })).toContainText('expired');
    await expect(m.row('keep')).toBeVisible();
    expect((await getEntry(request, ns, 'lease/worker-1')).status).toBe(404);
  });

  test('the new-entry form rejects an empty key and a bad namespace, storing nothing', async ({ page, request }, testInfo) => {
    const ns = uniqueNamespace(testInfo, 'validation');
    const m = new MemoryPage(page);
    await m.open(ns);

    await page.getByRole('button', { name: '+ New' }).click();
    const form = m.newForm;
    await expect(form).toBeVisible();
    await expect(form.locator('input[name="namespace"]')).toHaveValue(ns);

    await form.locator('textarea[name="value"]').fill('some value');
    await form.getByRole('button', { name: 'Save' }).click();
    // A sentence naming the field (lib/validation-messages.ts), not the validation library's words.
    await expect(form.getByRole('alert')).toHaveText('Key must not be empty');
    await expect(form.locator('input[name="key"]')).toHaveAttribute('aria-invalid', 'true');

    await form.locator('input[name="key"]').fill('valid/key');
    await form.locator('input[name="namespace"]').fill('bad ns');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByRole('alert')).toHaveText(/^Namespace /);
    await expect(form.getByRole('alert')).toContainText('may contain only');
    await expect(form.locator('input[name="namespace"]')).toHaveAttribute('aria-invalid', 'true');
    await expect(form.locator('input[name="key"]')).toHaveAttribute('aria-invalid', 'false');

    // Nothing reached the store.
    const counts = await namespaceCounts(request);
    expect(counts.has('bad ns')).toBe(false);
    expect(counts.has(ns)).toBe(false);
    const search = await request.get('/api/v1/memory/search', { params: { pattern: 'valid/key', q: 'some value' } });
    expect((await search.json()).items).toEqual([]);
    // The server refuses the same input on its own, naming the field.
    const direct = await request.put('/api/v1/memory/entry', { data: { namespace: 'bad ns', key: 'valid/key', value: 'x' } });
    expect(direct.status()).toBe(422);
    expect((await direct.json()).error).toMatchObject({ field: 'namespace' });

    // Fixing the namespace saves (so the form is not simply broken).
    await form.locator('input[name="namespace"]').fill(ns);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(m.newForm).toHaveCount(0);
    await expect(m.row('valid/key')).toBeVisible();
    await expect(m.value).toHaveText('some value');
    await expect(m.count(ns)).toHaveText('1');
    await expect(page).toHaveURL(new RegExp(`[?&]key=valid%2Fkey`));
  });

  test('two people editing the same entry: the second save gets a conflict and loses nothing', async ({ browser, request }, testInfo) => {
    const ns = uniqueNamespace(testInfo, 'conflict');
    const key = 'plan/owner';
    await putEntry(request, { namespace: ns, key, value: { owner: 'nobody' } });

    const alice = await newUser(browser, 'alice');
    const bob = await newUser(browser, 'bob');
    try {
      const a = new MemoryPage(alice.page);
      const b = new MemoryPage(bob.page);
      await a.open(ns, key);
      await b.open(ns, key);

      const formA = await a.startEdit();
      const formB = await b.startEdit();
      await expect(formB).toContainText('saving over version 1');
      await formA.locator('textarea[name="value"]').fill('{"owner": "alice"}');
      await formB.locator('textarea[name="value"]').fill('{"owner": "bob"}');

      await formA.getByRole('button', { name: 'Save' }).click();
      await expect(a.version).toHaveText('v2');
      // Bob's page has seen Alice's version arrive, while his form is still open with his text.
      await expect(b.row(key)).toContainText('v2');
      await expect(formB.locator('textarea[name="value"]')).toHaveValue('{"owner": "bob"}');

      await formB.getByRole('button', { name: 'Save' }).click();
      const conflict = formB.getByRole('alert');
      await expect(conflict).toContainText('Someone else saved version 2 while you were editing.');
      // Nothing lost: Alice's save stands, Bob's text is still in his form.
      expect((await getEntry(request, ns, key)).body).toMatchObject({ version: 2, value: { owner: 'alice' } });
      await expect(formB.locator('textarea[name="value"]')).toHaveValue('{"owner": "bob"}');

      // Bob chooses to overwrite: version 3 is his, and history keeps Alice's version 2.
      await conflict.getByRole('button', { name: 'Overwrite theirs' }).click();
      await expect(b.editForm).toHaveCount(0);
      await expect(b.version).toHaveText('v3');
      await expect(b.value).toContainText('"owner": "bob"');
      await expect(a.version).toHaveText('v3');
      const history = await (await request.get('/api/v1/memory/history', { params: { namespace: ns, key } })).json();
      expect(history.items.map((h: { version: number; actor: string }) => [h.version, h.actor])).toEqual([
        [3, 'bob'],
        [2, 'alice'],
        [1, 'token:e2e'],
      ]);
    } finally {
      await alice.context.close();
      await bob.context.close();
    }
  });

  test('history lists every version and diffs the last two, live', async ({ page, request }, testInfo) => {
    const ns = uniqueNamespace(testInfo, 'history');
    const key = 'session/dev-1/state';
    await putEntry(request, { namespace: ns, key, value: { status: 'draft', steps: 1 } });
    await putEntry(request, { namespace: ns, key, value: { status: 'review', steps: 1 } });

    const m = new MemoryPage(page);
    await m.open(ns, key);
    const history = page.getByTestId('history');
    await expect(history.locator('li')).toHaveCount(2);
    await expect(history.locator('li').nth(0)).toContainText('v2');
    await expect(history.locator('li').nth(0)).toContainText('token:e2e');
    await expect(history.locator('li').nth(1)).toContainText('v1');
    await expect(history.locator('li').nth(1)).toContainText('token:e2e');

    const diff = page.getByTestId('history-diff');
    await expect(page.getByText('Changes from v1 (store) to v2 (store)')).toBeVisible();
    await expect(diff.locator('div', { hasText: '"status": "draft"' })).toContainText('removed:');
    await expect(diff.locator('div', { hasText: '"status": "review"' })).toContainText('added:');
    const unchanged = diff.locator('div', { hasText: '"steps": 1' });
    await expect(unchanged).toHaveCount(1);
    await expect(unchanged).not.toContainText(/added:|removed:/);

    // A third write arrives live: history grows and the diff moves to v2 → v3.
    await putEntry(request, { namespace: ns, key, value: { status: 'done', steps: 2 } });
    await expect(history.locator('li')).toHaveCount(3);
    await expect(page.getByText('Changes from v2 (store) to v3 (store)')).toBeVisible();
    await expect(diff.locator('div', { hasText: '"status": "done"' })).toContainText('added:');
    await expect(diff.locator('div', { hasText: '"status": "draft"' })).toHaveCount(0);

    // Picking another pair compares those versions.
    await page.getByLabel('Compare from v1').check();
    await expect(page.getByText('Changes from v1 (store) to v3 (store)')).toBeVisible();
    await expect(diff.locator('div', { hasText: '"status": "draft"' })).toContainText('removed:');
  });

  test('a page that loses its connection says so and catches up when back', async ({ browser, request }, testInfo) => {
    const ns = uniqueNamespace(testInfo, 'reconnect');
    await putEntry(request, { namespace: ns, key: 'before', value: 1 });
    const user = await newUser(browser, 'carol');
    try {
      const m = new MemoryPage(user.page);
      await m.open(ns, 'before');
      await expect(m.count(ns)).toHaveText('1');

      // Chromium's offline emulation drops the open WebSocket and refuses new ones.
      await user.context.setOffline(true);
      await expect(m.status).toHaveAttribute('data-status', 'reconnecting');
      await expect(m.status).toHaveText('Reconnecting…');

      await putEntry(request, { namespace: ns, key: 'while-away', value: 'missed' });
      await putEntry(request, { namespace: ns, key: 'before', value: 2 });
      // Still offline: the writes have been broadcast (the PUTs returned), but not to this page.
      await expect(m.status).toHaveAttribute('data-status', 'reconnecting');
      await expect(m.row('while-away')).toHaveCount(0);

      await user.context.setOffline(false);
      // Socket.IO backs off up to 5 s between attempts.
      await expect(m.status).toHaveAttribute('data-status', 'live', { timeout: 10_000 });
      await expect(m.row('while-away')).toBeVisible();
      await expect(m.row('while-away')).toHaveClass(/\bflash\b/, { timeout: 1_500 });
      await expect(m.count(ns)).toHaveText('2');
      await expect(m.version).toHaveText('v2');
      await expect(m.value).toHaveText('2');
    } finally {
      await user.context.close();
    }
  });
});
