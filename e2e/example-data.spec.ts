import type { SessionSummary } from '../lib/session-types';
import { expect, test } from './fixtures';

const EXAMPLES = [
  'dev-session-1767225600000',
  'coord-session-1767225600000',
  'multi-proj-1767225600000',
  'review-session-1767225600000',
  'qa-review-1767225600000',
  'sprint-planning-1767225600000',
  'arch-planning-1767225600000',
  'current-session-id',
  'restored-session-1767225600000',
];

test('example sessions are dated from when they were loaded, with distinct meaningful titles', async ({ page, request }) => {
  const before = Date.now();
  expect((await request.post('/api/v1/examples')).status()).toBe(201);
  const res = await request.get('/api/v1/sessions', { params: { limit: '500' } });
  const all = ((await res.json()) as { items: SessionSummary[] }).items;
  const examples = EXAMPLES.map((id) => all.find((s) => s.id === id)).filter((s): s is SessionSummary => !!s);
  expect(examples.map((s) => s.id)).toEqual(EXAMPLES);

  for (const s of examples) {
    const started = Date.parse(s.startedAt);
    // Started within the last few hours of loading, never in the future.
    expect(started, `${s.id} started ${s.startedAt}`).toBeGreaterThan(before - 6 * 3600_000);
    expect(started, `${s.id} started ${s.startedAt}`).toBeLessThanOrEqual(Date.now());
    // Named for what it is, not its type.
    expect(s.title, s.id).not.toMatch(/^(Development|Development Session|Handed-off session|Continued session)$/i);
  }
  const titles = examples.map((s) => s.title);
  expect(new Set(titles).size, titles.join(' | ')).toBe(titles.length);
  // The continuation says what it continues.
  const restored = examples.find((s) => s.id === 'restored-session-1767225600000')!;
  expect(restored.title).toMatch(/^Continuation of “.+”$/);

  // The board reads as a session in progress: no "339 d", no blocker "open 1056 d", no "2 years ago".
  await page.goto('/sessions/dev-session-1767225600000');
  await expect(page.getByTestId('board-elapsed')).toBeVisible();
  await expect(page.getByTestId('board-elapsed')).not.toContainText(/\d+ d\b|over by/);
  await expect(page.getByTestId('blockers')).not.toContainText(/open \d+ d/);
  await expect(page.getByTestId('decisions')).not.toContainText(/years? ago|months? ago|in \d/);
});
