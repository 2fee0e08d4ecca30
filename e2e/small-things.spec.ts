import { expect, test } from './fixtures';
import { openBoard, startDevSession } from './board-helpers';
import { openMeeting, startMeeting, uid } from './meeting-helpers';

test('Escape closes the inline Add blocker and Add decision forms; Sessions is in the top navigation', async ({ page, request }) => {
  const id = uid('esc');
  await startDevSession(request, id);
  await openBoard(page, id);
  await page.getByRole('button', { name: '+ Add blocker' }).click();
  const blocker = page.getByRole('form', { name: 'Add blocker' });
  await expect(blocker).toBeVisible();
  await page.getByLabel('What is blocking?').press('Escape');
  await expect(blocker).toBeHidden();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Sessions' }).click();
  await expect(page).toHaveURL(/\/sessions$/);
  await expect(nav.getByRole('link', { name: 'Sessions' })).toHaveAttribute('aria-current', 'page');
});

test('the meeting People list includes the coordinator', async ({ page, request }) => {
  const id = uid('people');
  await startMeeting(request, id);
  await openMeeting(page, `/present/${id}`);
  await expect(page.getByTestId('participants')).toContainText('team-lead-001');
  await expect(page.getByTestId('participants')).toContainText('qa-engineer-001');
});
