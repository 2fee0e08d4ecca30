import type { Analytics, AnalyticsQuery } from '../../lib/analytics-types';
import { api } from '../auth/api';

/** What the page asks for: the window, the browser's zone and the optional filters. */
export type AnalyticsParams = Pick<AnalyticsQuery, 'days' | 'tz'> & { type?: AnalyticsQuery['type']; project?: string };

export function analyticsUrl(p: AnalyticsParams): string {
  const qs = new URLSearchParams({ days: String(p.days), tz: p.tz });
  if (p.type) qs.set('type', p.type);
  if (p.project) qs.set('project', p.project);
  return `/api/v1/analytics?${qs}`;
}

export const analyticsApi = {
  get: (p: AnalyticsParams) => api<Analytics>(analyticsUrl(p)),
  /** Every session's project, for the project filter's suggestions. */
  projects: async (): Promise<string[]> => {
    const res = await api<{ items: { project: string | null }[] }>('/api/v1/sessions?limit=500');
    return [...new Set(res.items.map((s) => s.project).filter((p): p is string => !!p))].sort((a, b) => a.localeCompare(b));
  },
};

/** The browser's own time zone, so days start at the viewer's midnight. */
export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}
