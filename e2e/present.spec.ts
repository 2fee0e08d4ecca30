import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, newUser, test } from './fixtures';

const SHOTS = join(process.cwd(), 'e2e', 'screenshots');
const WIDE = { width: 1920, height: 1080 };
const uid = (label: string) => `e2e-${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
const AGENDA: [string, number][] = [
  ['Sprint planning for week 3', 15],
  ['Review blockers and dependencies', 20],
  ['Architecture decisions review', 20],
  ['Resource allocation and priorities', 15],
];

interface AgendaItem {
  id: number;
  kind: string;
  data: { title: string; status: string; timeboxMinutes: number };
}

/** A team coordination session of its own, made the way an agent does (a memory write), with its agenda. */
async function startMeeting(request: APIRequestContext, id: string): Promise<AgendaItem[]> {
  const init = {
    session_id: id,
    session_type: 'team-coordination',
    coordinator: 'team-lead-001',
    participants: ['backend-dev-001', 'frontend-dev-001', 'devops-engineer-001', 'qa-engineer-001'],
    agenda: AGENDA.map(([title]) => title),
    meeting_duration: '90 minutes',
  };
  const put = await request.put('/api/v1/memory/entry', {
    data: { namespace: 'coordination-sessions', key: 'session/coordination/init', value: JSON.stringify(init) },
  });
  expect(put.ok(), await put.text()).toBe(true);
  const agendaOf = async () => ((await (await request.get(`/api/v1/sessions/${id}`)).json()).items as AgendaItem[]).filter((i) => i.kind === 'agenda');
  if ((await agendaOf()).length === 0) {
    for (const [title, timeboxMinutes] of AGENDA) {
      const r = await request.post(`/api/v1/sessions/${id}/items`, { data: { kind: 'agenda', data: { title, timeboxMinutes } } });
      expect(r.ok(), await r.text()).toBe(true);
    }
  }
  const agenda = await agendaOf();
  expect(agenda.map((a) => a.data.title)).toEqual(AGENDA.map(([t]) => t));
  return agenda;
}

async function openMeeting(page: Page, path: string) {
  await page.goto(path);
  await expect(page.getByTestId('present')).toBeVisible();
  await expect(page.getByTestId('present').getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
}

const screen = (page: Page) => page.getByTestId('present');
const remainingMs = async (page: Page) => Number(await page.getByTestId('timer').getAttribute('data-remaining-ms'));

test.describe('meeting mode', () => {
  test('three screens: the presenter drives, a member and a share link follow, break away, rejoin and are summoned; a decision lands on the board', async ({
    browser,
    page,
    request,
  }) => {
    test.setTimeout(90_000);
    mkdirSync(SHOTS, { recursive: true });
    const id = uid('meet');
    const agenda = await startMeeting(request, id);
    const share = await request.post('/api/v1/share-links', { data: { sessionId: id } });
    expect(share.ok(), await share.text()).toBe(true);
    // The link opens the board; its meeting-screen variant is the same link on /present.
    const sharePath = ((await share.json()) as { path: string }).path.replace(/^\/sessions\//, '/present/');

    await page.setViewportSize(WIDE);
    const member = await newUser(browser, 'Mia', { viewport: WIDE });
    // The meeting-room screen: no account, no cookie, only the link.
    const room = await browser.newContext({ viewport: WIDE, storageState: { cookies: [], origins: [] } });
    const wall = await room.newPage();
    try {
      await openMeeting(page, `/present/${id}`);
      await openMeeting(member.page, `/present/${id}`);
      await openMeeting(wall, sharePath);
      // Everyone sees everyone: the owner, Mia and the shared screen.
      for (const p of [page, member.page, wall]) await expect(p.getByTestId('watching')).toHaveAttribute('data-count', '3');
      await expect(page.getByTestId('watching')).toContainText('Shared screen');
      // The share link follows read-only: no controls at all, and no palette.
      await expect(wall.getByTestId('take-control')).toHaveCount(0);
      await expect(wall.getByTestId('driver-controls')).toHaveCount(0);
      await expect(wall.getByTestId('capture-decision')).toHaveCount(0);

      // The owner takes control: the meeting starts on the first item, everyone sees who presents.
      await page.getByTestId('take-control').click();
      await expect(page.getByTestId('presenter')).toContainText('You are presenting');
      for (const p of [member.page, wall]) {
        await expect(p.getByTestId('presenter')).toContainText('Owner is presenting', { timeout: 1000 });
        await expect(screen(p)).toHaveAttribute('data-item', String(agenda[0]!.id), { timeout: 1000 });
      }
      // Mia is a member but not the presenter: she can't drive.
      await expect(member.page.getByTestId('driver-controls')).toHaveCount(0);

      // Space starts the timer, → moves to the next item (marking the first done and restarting the timer).
      await page.locator('body').press('Space');
      await expect(page.getByTestId('timer')).toHaveAttribute('data-running', 'true');
      await page.keyboard.press('ArrowRight');
      await expect(screen(page)).toHaveAttribute('data-item', String(agenda[1]!.id));
      const moved = Date.now();
      for (const p of [member.page, wall]) {
        await expect(screen(p)).toHaveAttribute('data-item', String(agenda[1]!.id), { timeout: 1000 });
        await expect(p.getByTestId('current-item-title')).toHaveText(AGENDA[1]![0]);
        await expect(p.getByTestId('timer')).toHaveAttribute('data-running', 'true', { timeout: 1000 });
        await expect(p.getByTestId('agenda-rail').locator(`[data-item="${agenda[0]!.id}"]`)).toHaveAttribute('data-status', 'done');
      }
      const followLag = Date.now() - moved;
      // The three countdowns agree (the same server startedAt and clock offset): within a second.
      const [a, b, c] = [await remainingMs(page), await remainingMs(member.page), await remainingMs(wall)];
      expect(Math.max(a, b, c) - Math.min(a, b, c)).toBeLessThan(1000);
      // Just restarted: the whole timebox of the item is left, give or take the seconds the checks took.
      const box = agenda[1]!.data.timeboxMinutes * 60_000;
      expect(a).toBeLessThanOrEqual(box);
      expect(a).toBeGreaterThan(box - 30_000);
      console.log(`followers on the new item and running timer within ${followLag} ms; countdowns spread ${Math.max(a, b, c) - Math.min(a, b, c)} ms`);

      // The presenter puts the decisions in the spotlight: followers see it.
      await page.locator('[data-meeting-section="decisions"]').getByRole('button', { name: 'Spotlight' }).click();
      await expect(wall.locator('[data-meeting-section="decisions"]')).toHaveAttribute('data-spotlight', 'true', { timeout: 1000 });

      // Mia breaks away (←): she browses the first item on her own; the others stay with the presenter.
      await member.page.keyboard.press('ArrowLeft');
      await expect(screen(member.page)).toHaveAttribute('data-following', 'false');
      await expect(member.page.getByTestId('breakaway-banner')).toContainText('You’re browsing on your own');
      await expect(screen(member.page)).toHaveAttribute('data-item', String(agenda[0]!.id));
      await expect(screen(wall)).toHaveAttribute('data-item', String(agenda[1]!.id));
      await expect(page.getByTestId('watching')).toContainText('browsing');
      // …and rejoins.
      await member.page.getByTestId('rejoin').click();
      await expect(screen(member.page)).toHaveAttribute('data-following', 'true');
      await expect(screen(member.page)).toHaveAttribute('data-item', String(agenda[1]!.id));

      // She wanders off again (click an item on the rail); the presenter brings everyone back.
      await member.page.getByTestId('agenda-rail').locator(`[data-item="${agenda[3]!.id}"]`).click();
      await expect(screen(member.page)).toHaveAttribute('data-item', String(agenda[3]!.id));
      await page.getByTestId('summon').click();
      await expect(screen(member.page)).toHaveAttribute('data-following', 'true', { timeout: 1000 });
      await expect(screen(member.page)).toHaveAttribute('data-item', String(agenda[1]!.id));
      await expect(member.page.getByTestId('present-notice')).toContainText('brought everyone back');

      // d: a decision captured in the meeting (topic = the current item) reaches every screen…
      await page.keyboard.press('d');
      const dialog = page.getByTestId('decision-dialog');
      await expect(dialog).toBeVisible();
      await expect(dialog.getByLabel('Topic')).toHaveValue(AGENDA[1]![0]);
      await dialog.getByLabel('Decision').fill('Unblock the mobile app with a mocked API until the platform API is stable');
      await dialog.getByRole('button', { name: 'Save decision' }).click();
      await expect(dialog).toBeHidden();
      for (const p of [page, member.page, wall]) await expect(p.getByTestId('meeting-decisions')).toContainText('mocked API', { timeout: 1000 });
      // a: an action item with an owner.
      await page.keyboard.press('a');
      const actionDialog = page.getByTestId('action-dialog');
      await actionDialog.getByLabel('Action').fill('Publish the API contract for the mobile team');
      await actionDialog.getByLabel('Owner').fill('backend-dev-001');
      await actionDialog.getByLabel('Action').press('Enter');
      await expect(actionDialog).toBeHidden();
      await expect(wall.getByTestId('meeting-actions')).toContainText('Publish the API contract', { timeout: 1000 });
      await expect(wall.getByTestId('meeting-actions')).toContainText('backend-dev-001');
      // The share screen cannot capture: d does nothing there.
      await wall.keyboard.press('d');
      await expect(wall.getByTestId('decision-dialog')).toBeHidden();
      await expect(wall.getByTestId('present-notice')).toContainText('member account');

      // ? shows the shortcuts; Esc closes.
      await page.keyboard.press('?');
      await expect(page.getByTestId('help-dialog')).toBeVisible();
      await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toContainText('Start or pause the timer');
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('help-dialog')).toBeHidden();

      // Screenshots: the projector (1920×1080) and a phone (390 px, the share screen).
      await page.getByTestId('help').focus();
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(SHOTS, 'present-1920.png') });
      // Dark by default on the projector, but the theme toggle is respected (and kept).
      await expect(page.locator('html')).toHaveClass(/\bdark\b/);
      await screen(page).getByRole('button', { name: 'Switch to light mode' }).click();
      await expect(page.locator('html')).not.toHaveClass(/\bdark\b/);
      await page.screenshot({ path: test.info().outputPath('present-1920-light.png') });
      await screen(page).getByRole('button', { name: 'Switch to dark mode' }).click();
      await expect(page.locator('html')).toHaveClass(/\bdark\b/);
      await wall.setViewportSize({ width: 390, height: 844 });
      await expect(wall.getByTestId('current-item-title')).toBeVisible();
      const overflow = await wall.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, 'no horizontal scrolling at 390 px').toBeLessThanOrEqual(0);
      await wall.screenshot({ path: join(SHOTS, 'present-390.png'), fullPage: true });
      // No palette for a share screen.
      await wall.keyboard.press('Control+k');
      await expect(wall.getByTestId('command-palette')).toHaveCount(0);

      // The palette on the meeting screen offers the meeting's commands: "Next agenda item" moves everyone.
      await page.keyboard.press('Control+k');
      const palette = page.getByRole('dialog', { name: 'Command palette' });
      await expect(palette).toBeVisible();
      await expect(palette.getByRole('combobox')).toBeFocused();
      await page.keyboard.type('next agenda');
      await expect(palette.getByTestId('cmd-m-next')).toHaveAttribute('aria-selected', 'true');
      await page.keyboard.press('Enter');
      await expect(palette).toBeHidden();
      await expect(screen(member.page)).toHaveAttribute('data-item', String(agenda[2]!.id), { timeout: 1000 });

      // …and the decision is on the board itself.
      await member.page.goto(`/sessions/${id}`);
      await expect(member.page.getByTestId('decisions')).toContainText('Unblock the mobile app with a mocked API');
    } finally {
      await room.close();
      await member.context.close();
    }
  });

  test('the command palette: Ctrl+K anywhere, keyboard only — open a session by title, present it, go to a page', async ({ page, request }) => {
    mkdirSync(SHOTS, { recursive: true });
    const id = uid('pal');
    await startMeeting(request, id);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto('/');
    await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Owner');
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await expect(palette).toBeVisible();
    await expect(palette.getByRole('combobox')).toBeFocused();
    await expect(palette.getByTestId('cmd-session').first()).toBeVisible();
    await expect(palette.getByTestId('cmd-go-dashboard')).toHaveAttribute('aria-selected', 'true');
    await page.screenshot({ path: join(SHOTS, 'palette.png') });
    // Arrows move the selection.
    await page.keyboard.press('ArrowDown');
    await expect(palette.getByTestId('cmd-go-sessions')).toHaveAttribute('aria-selected', 'true');
    // Type part of the session id (its title is the seed's): only that session is left, Enter opens it.
    await page.keyboard.type(id);
    await expect(palette.getByTestId('cmd-session')).toHaveCount(1);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`/sessions/${id}$`));
    await expect(page.getByTestId('board-title')).toBeVisible();

    // On a board: "Add checkpoint" and "Present this session".
    await page.keyboard.press('Control+k');
    await page.keyboard.type('checkpoint');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('palette-toast')).toContainText('Checkpoint saved');
    await expect(page.getByTestId('checkpoints').locator('li')).not.toHaveCount(0);
    await page.keyboard.press('Control+k');
    await page.keyboard.type('present');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`/present/${id}$`));
    await expect(screen(page)).toBeVisible();

    // Esc closes without doing anything; arrows move the selection; Enter goes to Memory.
    await page.keyboard.press('Control+k');
    await expect(palette).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(palette).toBeHidden();
    await expect(page).toHaveURL(new RegExp(`/present/${id}$`));
    await page.keyboard.press('Control+k');
    await page.keyboard.type('memory');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/memory$/);
  });
});
