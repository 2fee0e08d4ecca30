import type { APIRequestContext, Page } from '@playwright/test';
import { expect } from './fixtures';

export const uid = (label: string) => `e2e-${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

export interface AgendaItem {
  id: number;
  kind: string;
  data: { title: string; status: string; timeboxMinutes: number };
}

export const MEETING_AGENDA: [string, number][] = [
  ['Sprint planning for week 3', 15],
  ['Review blockers and dependencies', 20],
  ['Architecture decisions review', 20],
  ['Resource allocation and priorities', 15],
];

/** A team coordination session of its own, made the way an agent does (a memory write), with its agenda. */
export async function startMeeting(request: APIRequestContext, id: string): Promise<AgendaItem[]> {
  const init = {
    session_id: id,
    session_type: 'team-coordination',
    coordinator: 'team-lead-001',
    participants: ['backend-dev-001', 'frontend-dev-001', 'devops-engineer-001', 'qa-engineer-001'],
    agenda: MEETING_AGENDA.map(([title]) => title),
    meeting_duration: '90 minutes',
  };
  const put = await request.put('/api/v1/memory/entry', {
    data: { namespace: 'coordination-sessions', key: 'session/coordination/init', value: JSON.stringify(init) },
  });
  expect(put.ok(), await put.text()).toBe(true);
  const agendaOf = async () => ((await (await request.get(`/api/v1/sessions/${id}`)).json()).items as AgendaItem[]).filter((i) => i.kind === 'agenda');
  if ((await agendaOf()).length === 0) {
    for (const [title, timeboxMinutes] of MEETING_AGENDA) {
      const r = await request.post(`/api/v1/sessions/${id}/items`, { data: { kind: 'agenda', data: { title, timeboxMinutes } } });
      expect(r.ok(), await r.text()).toBe(true);
    }
  }
  return agendaOf();
}

export async function openMeeting(page: Page, path: string) {
  await page.goto(path);
  await expect(page.getByTestId('present')).toBeVisible();
  await expect(page.getByTestId('present').getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
}
