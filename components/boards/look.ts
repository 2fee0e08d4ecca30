import { BLOCKER_SEVERITIES, type Blocker, type CheckpointSummary, type SessionStatus, type SessionType } from '../../lib/session-types';
import { relative } from '../ui/format';

/** How the board shows statuses, severities and kinds; shared by the board and the sessions index. */

export const statusLook: Record<SessionStatus, { label: string; chip: string; dot: string }> = {
  active: {
    label: 'Active',
    chip: 'bg-emerald-100 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-400/30',
    dot: 'bg-emerald-500',
  },
  paused: { label: 'Paused', chip: 'bg-sky-100 text-sky-800 ring-sky-600/20 dark:bg-sky-950 dark:text-sky-300 dark:ring-sky-400/30', dot: 'bg-sky-500' },
  interrupted: {
    label: 'Interrupted',
    chip: 'bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-300 dark:ring-amber-400/30',
    dot: 'bg-amber-500',
  },
  'handed-off': {
    label: 'Handed off',
    chip: 'bg-violet-100 text-violet-800 ring-violet-600/20 dark:bg-violet-950 dark:text-violet-300 dark:ring-violet-400/30',
    dot: 'bg-violet-500',
  },
  completed: {
    label: 'Completed',
    chip: 'bg-slate-200 text-slate-700 ring-slate-500/20 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-400/20',
    dot: 'bg-slate-400',
  },
};

export const typeLabel: Record<SessionType, string> = { development: 'Development', coordination: 'Coordination', review: 'Review', planning: 'Planning' };
export const SESSION_TYPES = Object.keys(typeLabel) as SessionType[];
export const SESSION_STATUSES = Object.keys(statusLook) as SessionStatus[];

export const severityLook: Record<Blocker['severity'], { chip: string; rank: number }> = {
  critical: { chip: 'bg-rose-600 text-white dark:bg-rose-500', rank: 0 },
  high: { chip: 'bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-300', rank: 1 },
  medium: { chip: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300', rank: 2 },
  low: { chip: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300', rank: 3 },
};
export const SEVERITIES = BLOCKER_SEVERITIES;

export const checkpointLook: Record<CheckpointSummary['kind'], { label: string; icon: string; ring: string }> = {
  manual: { label: 'Manual', icon: '●', ring: 'bg-accent-600 text-white' },
  auto: { label: 'Autosave', icon: '⟳', ring: 'bg-slate-200 text-slate-700 dark:bg-slate-700 dark:text-slate-200' },
  agent: { label: 'Agent', icon: '⚙', ring: 'bg-sky-100 text-sky-800 dark:bg-sky-900 dark:text-sky-200' },
  recovery: { label: 'Recovery', icon: '↺', ring: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100' },
  handoff: { label: 'Handoff', icon: '⇄', ring: 'bg-violet-100 text-violet-800 dark:bg-violet-900 dark:text-violet-100' },
};

export const fileKindLook: Record<string, string> = {
  active: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
  modified: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300',
  test: 'bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-300',
};

/** Agent statuses are free text; the usual ones get a colour, anything else a neutral dot. */
export function agentDot(status: string): string {
  const s = status.toLowerCase();
  if (['active', 'working', 'busy', 'running', 'online'].includes(s)) return 'bg-emerald-500';
  if (['idle', 'waiting', 'paused', 'blocked'].includes(s)) return 'bg-amber-500';
  if (['error', 'failed', 'offline'].includes(s)) return 'bg-rose-500';
  return 'bg-slate-400';
}

/** "lines_of_code" → "Lines of code", "filesModified" → "Files modified". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const metricNames: Record<string, string> = {
  lines_of_code: 'Lines of code',
  tests_written: 'Tests written',
  test_coverage: 'Test coverage',
  files_modified: 'Files modified',
  commits_made: 'Commits made',
};
export function metricLabel(key: string): string {
  const parts = key.split('.');
  return parts.map((p) => metricNames[p] ?? humanize(p)).join(' · ');
}

const ratioKey = /coverage|(^|_)rate$|ratio|percent|completeness|compliance|efficiency/i;

/** Numbers grouped, ratios (0–1 coverage, rates…) as percentages, lists as counts. */
export function formatMetric(key: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') {
    if (ratioKey.test(key.split('.').pop() ?? key)) {
      const pct = value <= 1 && value >= 0 ? value * 100 : value;
      return `${Number(pct.toFixed(1))}%`;
    }
    return Number.isInteger(value) ? value.toLocaleString('en-US') : String(Number(value.toFixed(2)));
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `${value.length} ${value.length === 1 ? 'item' : 'items'}`;
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Metrics with nested objects (quality: { test_coverage }) flattened one level: `quality.test_coverage`. */
export function flattenMetrics(metrics: Record<string, unknown>): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(metrics ?? {})) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) out.push([`${k}.${k2}`, v2]);
    } else out.push([k, v]);
  }
  return out;
}

export function metricAt(metrics: Record<string, unknown> | undefined, path: string): unknown {
  let v: unknown = metrics;
  for (const p of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

/** A span of time as "45 min", "3 h 20 min", "12 d 4 h". */
export function duration(ms: number): string {
  const min = Math.max(0, Math.floor(ms / 60_000));
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** How long something has been open: "3 h", "12 min", "5 d". */
export function age(iso: string, now: number): string {
  const ms = Math.max(0, now - Date.parse(iso));
  const min = Math.floor(ms / 60_000);
  if (min < 1) return '< 1 min';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

export function initials(name: string): string {
  const parts = name
    .replace(/^(token|share):/, '')
    .split(/[\s._@-]+/)
    .filter(Boolean);
  if (parts.length === 0) return '?';
  if (parts.length === 1) return parts[0]!.slice(0, 2).toUpperCase();
  return (parts[0]![0]! + parts[1]![0]!).toUpperCase();
}

export const absolute = (iso: string) => new Date(iso).toLocaleString();

/**
 * `relative`, but never "in 3 seconds" for something that just happened: the ticking `now` lags
 * behind a change that arrived since, and the server's clock may run a little ahead of ours.
 */
export function ago(iso: string, now: number): string {
  const current = Math.max(now, Date.now());
  return Date.parse(iso) > current ? 'just now' : relative(iso, current);
}
