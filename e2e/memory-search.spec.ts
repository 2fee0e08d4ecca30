import { ADMIN_STATE } from './auth-files';
import { expect, MemoryPage, putEntry, test, uniqueNamespace } from './fixtures';

// Ranked search in the memory explorer (issue 20): the best match first, matches marked in the key
// and in a snippet of the value, markup in a value shown as text, readable in light and dark.
test('text search shows the best matches first with highlighted snippets', async ({ browser, request }, testInfo) => {
  const ns = uniqueNamespace(testInfo, 'search');
  const word = `zq${Date.now().toString(36)}`; // a word no other test stores
  await putEntry(request, { namespace: ns, key: `notes/other`, value: `${'Filler text before the word. '.repeat(12)}Then ${word} once.` });
  await putEntry(request, { namespace: ns, key: `runbook/${word}`, value: 'Steps: build, migrate, switch traffic.' });
  await putEntry(request, { namespace: ns, key: 'notes/markup', value: `<b>${word}</b> <img src=x onerror="window.__xss=1">` });

  for (const scheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ colorScheme: scheme, storageState: ADMIN_STATE, viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const m = new MemoryPage(page);
      await m.open(ns);
      await page.locator('#search-text').fill(word);
      const results = page.getByTestId('search-results').locator('li');
      await expect(results).toHaveCount(3);
      // The key match first.
      await expect(results.first()).toContainText(`runbook/${word}`);
      await expect(results.first().locator('mark')).toHaveText(word);
      // A long value is cut around its match, with the match marked.
      const other = results.filter({ hasText: 'notes/other' });
      await expect(other.locator('mark')).toHaveText(word);
      await expect(other).toContainText('…');
      // ... and near its start, so the two lines the list shows include it.
      const shown = await other.locator('mark').evaluate((el) => {
        const box = el.parentElement!.getBoundingClientRect();
        const r = el.getBoundingClientRect();
        return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
      });
      expect(shown).toBe(true);
      // Markup in a value is text, never HTML.
      const markup = results.filter({ hasText: 'notes/markup' });
      await expect(markup).toContainText(`<b>${word}</b>`);
      await expect(markup.locator('img')).toHaveCount(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      // The mark's text differs from its background (readable), in both schemes.
      const colors = await results
        .first()
        .locator('mark')
        .evaluate((el) => {
          const s = getComputedStyle(el);
          return { color: s.color, background: s.backgroundColor };
        });
      expect(colors.color).not.toBe(colors.background);
      await page.screenshot({ path: testInfo.outputPath(`memory-search-${scheme}.png`) });
      // Choosing a result opens the entry.
      await results.first().getByRole('button').click();
      await expect(m.panel).toContainText(`runbook/${word}`);
    } finally {
      await context.close();
    }
  }
});
