import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { startMeeting, uid } from './meeting-helpers';

// Issue 16, item 10: people read sentences, not the validation library ("Too big: expected string
// to have <=60 characters", "Too small: expected number to be >=0"); inputs with a limit stop at it
// and count down near it; the curl example names this Baton, not localhost:3000; the memory
// explorer says before saving that broken JSON will be stored as text.

const SHOTS = join(process.cwd(), 'test-results', 'form-shots');
const SPRINT = 'sprint-planning-1767225600000';

test.describe('form messages', () => {
  test('a refused number reads as a sentence naming the field (“Points can’t be negative”)', async ({ page, request }) => {
    expect((await request.post('/api/v1/examples')).status()).toBe(201);
    await page.goto(`/sessions/${SPRINT}`);
    const capacity = page.locator('section[data-section="capacity"]');
    await capacity.getByRole('button', { name: 'Edit' }).click();
    await capacity.getByLabel('Story points').fill('-5');
    await capacity.getByRole('button', { name: 'Save' }).click();
    const error = capacity.locator('#capacity-points-error');
    await expect(error).toHaveText("Points can't be negative");
    await expect(capacity).not.toContainText('Too small');
    await expect(capacity).not.toContainText('expected');
  });

  test('REST answers name the field with a phrase, not zod’s wording', async ({ request }) => {
    const id = uid('messages');
    await startMeeting(request, id);
    const long = await request.post(`/api/v1/sessions/${id}/items`, { data: { kind: 'action', data: { title: 'x'.repeat(501) } } });
    expect(long.status()).toBe(422);
    expect((await long.json()).error).toMatchObject({ field: 'data.title', message: 'data.title: can be at most 500 characters' });
    const handoff = await request.post(`/api/v1/sessions/${id}/handoffs`, { data: { to: { kind: 'team' }, handoffType: 'y'.repeat(61) } });
    expect(handoff.status()).toBe(422);
    expect((await handoff.json()).error.message).toBe('handoffType: can be at most 60 characters');
  });

  test('an input with a limit stops there and counts down near it', async ({ page, request }) => {
    const id = uid('limits');
    await startMeeting(request, id);
    await page.goto(`/sessions/${id}`);
    const title = page.locator('#action-title');
    await expect(title).toHaveAttribute('maxlength', '500');
    await title.fill('a'.repeat(350));
    await expect(page.locator('#action-title-count')).toHaveCount(0);
    await title.fill('a'.repeat(450));
    await expect(page.locator('#action-title-count')).toContainText('450 / 500');
    // Typing past the limit is not possible: the input keeps 500.
    await title.fill('a'.repeat(520));
    await expect(title).toHaveValue('a'.repeat(500));
    await expect(page.locator('#action-title-count')).toContainText('500 / 500');
    mkdirSync(SHOTS, { recursive: true });
    await page
      .locator('section[data-section="actions"], section:has(#action-title)')
      .first()
      .screenshot({ path: join(SHOTS, 'limit-counter-1440.png') });
  });

  test('the development board’s goal, blocker and decision inputs stop at their limit and count down near it', async ({ page, request }) => {
    const id = uid('limits');
    const init = await request.put('/api/v1/memory/entry', {
      data: { namespace: 'session-management', key: `session/${id}/init`, value: JSON.stringify({ session_id: id, goals: ['g'] }) },
    });
    expect(init.ok(), await init.text()).toBe(true);
    await page.goto(`/sessions/${encodeURIComponent(id)}`);
    const goal = page.locator('#new-goal');
    await expect(goal).toHaveAttribute('maxlength', '500');
    await goal.fill('g'.repeat(450));
    await expect(page.getByTestId('limit-counter')).toHaveText(/^450 \/ 500/);
    await goal.fill('');
    await page.getByRole('button', { name: '+ Add blocker' }).click();
    const what = page.getByLabel('What is blocking?');
    await expect(what).toHaveAttribute('maxlength', '2000');
    await what.fill('b'.repeat(2000));
    await expect(page.getByTestId('limit-counter')).toHaveText(/^2000 \/ 2000/);
  });

  test('the dashboard’s curl example uses this page’s origin, not localhost:3000', async ({ page, baseURL }) => {
    // The example shows while nothing has been written yet: this Baton's latest writes, emptied.
    await page.route('**/api/v1/changes/recent*', async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, json: { ...((await res.json()) as object), items: [] } });
    });
    await page.goto('/');
    const curl = page.getByTestId('curl-example').first();
    await expect(curl).toContainText(`curl -X PUT ${baseURL}/api/v1/memory/entry`);
    await expect(curl).not.toContainText('localhost:3000');
  });

  test('the memory explorer says broken JSON will be stored as text, before saving', async ({ page }) => {
    await page.goto('/memory');
    await page.getByRole('button', { name: /New/ }).first().click();
    const form = page.getByRole('form', { name: 'New entry' });
    await form.locator('textarea[name="value"]').fill('{"progress": 65,');
    await expect(form.getByTestId('json-hint')).toContainText('Will be stored as text (not valid JSON:');
    await form.locator('textarea[name="value"]').fill('{"progress": 65}');
    await expect(form.getByTestId('json-hint')).toHaveCount(0);
    // Plain text is text, nothing to warn about.
    await form.locator('textarea[name="value"]').fill('remember the milk');
    await expect(form.getByTestId('json-hint')).toHaveCount(0);
  });
});
