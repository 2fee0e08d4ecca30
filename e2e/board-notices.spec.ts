import { expect, newUser, test } from './fixtures';
import { openBoard, overlaps, startDevSession } from './board-helpers';
import { uid } from './meeting-helpers';

test.describe('board notices', () => {
  test('never for your own change, one notice per writer for a burst, and never over a card', async ({ browser, page, request }) => {
    const id = uid('notices');
    await startDevSession(request, id);
    const mia = await newUser(browser, 'Mia');
    try {
      await openBoard(page, id);
      await openBoard(mia.page, id);

      // The owner raises a blocker: Mia is told, the owner is not.
      await page.getByRole('button', { name: '+ Add blocker' }).click();
      await page.getByLabel('What is blocking?').fill('Payment sandbox keys expired');
      await page.getByRole('form', { name: 'Add blocker' }).getByRole('button', { name: 'Add blocker' }).click();
      await expect(page.getByTestId('blockers')).toContainText('Payment sandbox keys expired');
      const miaNotice = mia.page.getByTestId('milestones').getByTestId('milestone');
      await expect(miaNotice).toHaveCount(1);
      await expect(miaNotice).toContainText('Blocker raised: Payment sandbox keys expired (Owner)');
      await page.waitForTimeout(500);
      await expect(page.getByTestId('milestones').getByTestId('milestone')).toHaveCount(0);

      // An agent records five decisions in a row: one notice on each screen, counting them.
      for (let i = 1; i <= 5; i++) {
        const r = await request.post(`/api/v1/sessions/${id}/decisions`, { data: { topic: `Topic ${i}`, decision: `Decision number ${i}` } });
        expect(r.ok(), await r.text()).toBe(true);
      }
      const ownerNotices = page.getByTestId('milestones').getByTestId('milestone');
      await expect(page.getByTestId('decisions')).toContainText('Decision number 5');
      await expect(ownerNotices).toHaveCount(1);
      await expect(ownerNotices).toHaveAttribute('data-count', '5');
      await expect(ownerNotices).toContainText('e2e: 5 updates');
      await expect(ownerNotices).toContainText('Decision number 5');

      // It covers no card of the board, at desktop and phone widths.
      for (const width of [1440, 390]) {
        await page.setViewportSize({ width, height: 900 });
        const notice = await ownerNotices.boundingBox();
        expect(notice).not.toBeNull();
        for (const card of await page.locator('[data-testid="session-board"] section').all()) {
          const box = await card.boundingBox();
          if (box) expect(overlaps(notice!, box), `notice over ${await card.getAttribute('data-section')} at ${width}px`).toBe(false);
        }
      }
    } finally {
      await mia.context.close();
    }
  });

  test('each person chooses per board: pop-ups, or only the activity list', async ({ browser, page, request }) => {
    const id = uid('notice-mode');
    await startDevSession(request, id);
    const mia = await newUser(browser, 'Mia');
    try {
      await openBoard(mia.page, id);
      await mia.page.getByTestId('notice-mode').selectOption('list');
      // An agent records a decision: Mia gets no pop-up, and finds it in the board's activity list.
      expect((await request.post(`/api/v1/sessions/${id}/decisions`, { data: { topic: 'Cache', decision: 'Use Redis' } })).ok()).toBe(true);
      await expect(mia.page.getByTestId('decisions')).toContainText('Use Redis');
      await expect(mia.page.getByTestId('milestones').getByTestId('milestone')).toHaveCount(0);
      await mia.page.getByTestId('board-activity').locator('summary').click();
      await expect(mia.page.getByTestId('activity-item')).toHaveCount(1);
      await expect(mia.page.getByTestId('activity-item')).toContainText('decision Cache: Use Redis');
      // The choice is this board's and survives a reload; another board still pops up.
      await mia.page.reload();
      await expect(mia.page.getByTestId('notice-mode')).toHaveValue('list');
      const other = uid('notice-other');
      await startDevSession(request, other);
      await openBoard(mia.page, other);
      await expect(mia.page.getByTestId('notice-mode')).toHaveValue('default');
      expect((await request.post(`/api/v1/sessions/${other}/decisions`, { data: { topic: 'Queue', decision: 'Use NATS' } })).ok()).toBe(true);
      await expect(mia.page.getByTestId('milestones').getByTestId('milestone')).toHaveCount(1);
      // And the owner's own board still shows their page as before (no pop-up for their own change).
      await openBoard(page, id);
      await expect(page.getByTestId('notice-mode')).toHaveValue('default');
    } finally {
      await mia.context.close();
    }
  });
});
