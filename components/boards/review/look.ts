/** Severities of findings and defects (the blocker scale plus `info`), most severe first. */
export const ITEM_SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type ItemSeverity = (typeof ITEM_SEVERITIES)[number];

export const itemSeverityLook: Record<ItemSeverity, { rank: number; chip: string; bar: string }> = {
  critical: { rank: 0, chip: 'bg-rose-600 text-white dark:bg-rose-500', bar: 'border-l-rose-600 dark:border-l-rose-400' },
  high: { rank: 1, chip: 'bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-300', bar: 'border-l-rose-400 dark:border-l-rose-500' },
  medium: { rank: 2, chip: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300', bar: 'border-l-amber-500 dark:border-l-amber-400' },
  low: { rank: 3, chip: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300', bar: 'border-l-slate-400 dark:border-l-slate-500' },
  info: { rank: 4, chip: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300', bar: 'border-l-sky-400 dark:border-l-sky-500' },
};

/** "1 critical · 2 high · 3 medium" for the items given. */
export function severityCounts<T extends { severity: ItemSeverity }>(items: T[]): { severity: ItemSeverity; count: number }[] {
  return ITEM_SEVERITIES.map((severity) => ({ severity, count: items.filter((i) => i.severity === severity).length })).filter((c) => c.count > 0);
}
