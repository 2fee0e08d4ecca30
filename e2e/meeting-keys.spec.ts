import { expect, newUser, test } from './fixtures';
import { MEETING_AGENDA, openMeeting, startMeeting, uid } from './meeting-helpers';

const screen = (page: import('@playwright/test').Page) => page.getByTestId('present');

test.describe('meeting mode: keys and shared steps', () => {
  test('typing a decision never drives the meeting: the dialog focuses its field and shortcuts wait', async ({ browser, page, request }) => {
    const id = uid('keys');
    const agenda = await startMeeting(request, id);
    const follower = await newUser(browser, 'Fay');
    try {
      await openMeeting(page, `/present/${id}`);
      await openMeeting(follower.page, `/present/${id}`);
      await page.getByTestId('take-control').click();
      await expect(screen(follower.page)).toHaveAttribute('data-item', String(agenda[0]!.id));

      await page.keyboard.press('d');
      const dialog = page.getByTestId('decision-dialog');
      await expect(dialog).toBeVisible();
      // The caret is in the Decision field, not on the ✕ button.
      await expect(dialog.getByLabel('Decision')).toBeFocused();
      await page.keyboard.type('Ship it now, then plan the next steps');
      await expect(dialog).toBeVisible();
      await expect(dialog.getByLabel('Decision')).toHaveValue('Ship it now, then plan the next steps');
      // Keys pressed with focus elsewhere in the dialog (the topic field, then a button) don't reach the page either.
      await dialog.getByLabel('Topic').focus();
      await page.keyboard.press('n');
      await dialog.getByRole('button', { name: 'Cancel' }).focus();
      await page.keyboard.press('ArrowRight');
      await expect(dialog).toBeVisible();
      // Nobody moved: the presenter and the follower are still on the first item, which is not done.
      await expect(screen(page)).toHaveAttribute('data-live-item', String(agenda[0]!.id));
      await expect(screen(follower.page)).toHaveAttribute('data-item', String(agenda[0]!.id));
      await dialog.getByRole('button', { name: 'Save decision' }).click();
      await expect(dialog).toBeHidden();
      await expect(page.getByTestId('meeting-decisions')).toContainText('Ship it now');
      await expect(screen(page)).toHaveAttribute('data-live-item', String(agenda[0]!.id));
      await expect(page.getByTestId('agenda-rail').locator(`[data-item="${agenda[0]!.id}"]`)).toHaveAttribute('data-status', 'active');

      // The action-item dialog focuses its first field too.
      await page.keyboard.press('a');
      await expect(page.getByTestId('action-dialog').getByLabel('Action')).toBeFocused();
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('action-dialog')).toBeHidden();
    } finally {
      await follower.context.close();
    }
  });

  test('next, previous and reset say what happened for everyone and can be undone', async ({ browser, page, request }) => {
    const id = uid('undo');
    const agenda = await startMeeting(request, id);
    const follower = await newUser(browser, 'Uma');
    try {
      await openMeeting(page, `/present/${id}`);
      await openMeeting(follower.page, `/present/${id}`);
      await page.getByTestId('take-control').click();
      await expect(screen(page)).toHaveAttribute('data-live-item', String(agenda[0]!.id));
      const rail = (p: typeof page, i: number) => p.getByTestId('agenda-rail').locator(`[data-item="${agenda[i]!.id}"]`);

      // n: the presenter sees what happened, with Undo.
      await page.locator('body').press('n');
      const notice = page.getByTestId('present-notice');
      await expect(notice).toContainText(`Moved everyone on to item 2 of 4: “${MEETING_AGENDA[1]![0]}”`);
      await expect(screen(follower.page)).toHaveAttribute('data-item', String(agenda[1]!.id));
      await expect(rail(follower.page, 0)).toHaveAttribute('data-status', 'done');
      await notice.getByRole('button', { name: 'Undo' }).click();
      // Undo puts everyone back, and the first item is in progress again, not done.
      await expect(screen(follower.page)).toHaveAttribute('data-item', String(agenda[0]!.id));
      await expect(rail(follower.page, 0)).toHaveAttribute('data-status', 'active');
      await expect(rail(follower.page, 1)).toHaveAttribute('data-status', 'pending');
      await expect(notice).toContainText('Undone');

      // ← after moving on twice, then undo.
      await page.getByTestId('next-item').click();
      await expect(screen(page)).toHaveAttribute('data-live-item', String(agenda[1]!.id));
      await page.locator('body').press('p');
      await expect(notice).toContainText(`Moved everyone back to item 1 of 4`);
      await expect(screen(follower.page)).toHaveAttribute('data-item', String(agenda[0]!.id));
      await notice.getByRole('button', { name: 'Undo' }).click();
      await expect(screen(follower.page)).toHaveAttribute('data-item', String(agenda[1]!.id));
      await expect(rail(follower.page, 0)).toHaveAttribute('data-status', 'done');

      // Reset the timer after it ran: confirmation, then Undo brings the time back. (Moving on
      // started the timer on the new item, and Undo kept it running.)
      await expect(page.getByTestId('timer')).toHaveAttribute('data-running', 'true');
      await page.waitForTimeout(2200);
      await page.getByTestId('timer-toggle').click();
      await expect(page.getByTestId('timer')).toHaveAttribute('data-running', 'false');
      const box = agenda[1]!.data.timeboxMinutes * 60_000;
      const before = Number(await page.getByTestId('timer').getAttribute('data-remaining-ms'));
      await page.getByTestId('timer-reset').click();
      await expect(notice).toContainText(`Timer reset for “${MEETING_AGENDA[1]![0]}”`);
      await expect.poll(async () => Number(await follower.page.getByTestId('timer').getAttribute('data-remaining-ms'))).toBe(box);
      await notice.getByRole('button', { name: 'Undo' }).click();
      await expect.poll(async () => Number(await follower.page.getByTestId('timer').getAttribute('data-remaining-ms'))).toBeLessThan(box - 1500);
      expect(before).toBeLessThan(box - 1500);
    } finally {
      await follower.context.close();
    }
  });
});
