import type { APIRequestContext, Page } from '@playwright/test';
import { expect, putEntry } from './fixtures';

/** A development session of its own, created the way an agent does: a memory write. */
export async function startDevSession(request: APIRequestContext, id: string, extra: Record<string, unknown> = {}) {
  const value = {
    session_id: id,
    project_name: 'e-commerce-platform',
    developer_id: 'developer-001',
    focus_area: 'backend-api',
    expected_duration: '4 hours',
    goals: ['Complete user authentication API', 'Implement product catalog endpoints'],
    context: { current_branch: 'feature/user-auth', last_commit: 'abc123def', active_files: ['/src/controllers/authController.js'] },
    ...extra,
  };
  await putEntry(request, { namespace: 'session-management', key: `session/${id}/init`, value: JSON.stringify(value) });
}

export async function openBoard(page: Page, id: string) {
  await page.goto(`/sessions/${id}`);
  await expect(page.getByTestId('board-title')).toBeVisible();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'live');
}

type Box = { x: number; y: number; width: number; height: number };
export const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
