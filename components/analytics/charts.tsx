'use client';

import { useEffect, useId, useState, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** Whether the page is dark right now (the `dark` class on <html>, which the theme toggle flips). */
export function useIsDark(): boolean {
  const [dark, setDark] = useState(false);
  useEffect(() => {
    const root = document.documentElement;
    const read = () => setDark(root.classList.contains('dark'));
    read();
    const obs = new MutationObserver(read);
    obs.observe(root, { attributes: true, attributeFilter: ['class'] });
    return () => obs.disconnect();
  }, []);
  return dark;
}

/** Chart colours: Tailwind's 500s on white, the lighter 400s on slate-950, so both keep contrast. */
const PALETTE = {
  light: {
    sky: '#0284c7',
    indigo: '#6366f1',
    violet: '#8b5cf6',
    emerald: '#059669',
    amber: '#d97706',
    rose: '#e11d48',
    teal: '#0d9488',
    slate: '#94a3b8',
    grid: '#e2e8f0',
    tick: '#475569',
    tipBg: '#ffffff',
    tipBorder: '#cbd5e1',
    tipText: '#0f172a',
    cursor: '#f1f5f9',
  },
  dark: {
    sky: '#38bdf8',
    indigo: '#818cf8',
    violet: '#a78bfa',
    emerald: '#34d399',
    amber: '#fbbf24',
    rose: '#fb7185',
    teal: '#2dd4bf',
    slate: '#64748b',
    grid: '#1e293b',
    tick: '#94a3b8',
    tipBg: '#0f172a',
    tipBorder: '#334155',
    tipText: '#f1f5f9',
    cursor: '#1e293b',
  },
};
export type ColorName = 'sky' | 'indigo' | 'violet' | 'emerald' | 'amber' | 'rose' | 'teal' | 'slate';
export function usePalette() {
  return PALETTE[useIsDark() ? 'dark' : 'light'];
}

/** A series as the charts and their tables see it. */
export interface Series {
  key: string;
  label: string;
  color: ColorName;
}

/** The frame every chart sits in: a titled figure, a one-line summary, the chart, and a table for screen readers. */
export function ChartCard({
  title,
  summary,
  testId,
  className = '',
  table,
  children,
}: {
  title: string;
  summary: ReactNode;
  testId: string;
  className?: string;
  table: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <figure
      aria-labelledby={`${id}-t`}
      aria-describedby={`${id}-s`}
      data-testid={testId}
      className={`relative min-w-0 rounded-xl border border-slate-200 bg-white p-4 sm:p-5 dark:border-slate-800 dark:bg-slate-950 ${className}`}
    >
      <figcaption>
        <h3 id={`${id}-t`} className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400 2xl:text-base">
          {title}
        </h3>
        <p id={`${id}-s`} className="mt-1 text-sm tabular-nums text-slate-700 dark:text-slate-300 2xl:text-base" data-testid={`${testId}-summary`}>
          {summary}
        </p>
      </figcaption>
      {/* The drawing is decoration for sighted readers; the table below carries the same numbers. */}
      <div aria-hidden="true" className="mt-3">
        {children}
      </div>
      {table}
    </figure>
  );
}

/** A visually hidden table of the chart's data: its text alternative. */
export function DataTable({ caption, head, rows }: { caption: string; head: string[]; rows: (string | number)[][] }) {
  // The wrapper hides it: a table ignores the 1 px width sr-only gives it, and would widen the page.
  return (
    <div className="sr-only">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) =>
                j === 0 ? (
                  <th key={j} scope="row">
                    {c}
                  </th>
                ) : (
                  <td key={j}>{c}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Nothing({ height, children }: { height: number; children: ReactNode }) {
  return (
    <div
      style={{ height }}
      className="flex items-center justify-center rounded-lg border border-dashed border-slate-200 text-sm text-slate-500 dark:border-slate-800 dark:text-slate-400"
    >
      {children}
    </div>
  );
}

/** Bars per day: stacked (one total per day) or side by side. */
export function DailyBars<T extends Record<string, number | string>>({
  data,
  series,
  stacked,
  height = 260,
  empty,
}: {
  data: T[];
  series: Series[];
  stacked: boolean;
  height?: number;
  empty: string;
}) {
  const p = usePalette();
  const any = data.some((d) => series.some((s) => Number(d[s.key]) > 0));
  if (!any) return <Nothing height={height}>{empty}</Nothing>;
  return (
    <ResponsiveContainer width="100%" height={height}>
      <BarChart data={data} accessibilityLayer={false} margin={{ top: 4, right: 4, bottom: 0, left: -16 }} barCategoryGap={data.length > 45 ? 1 : '20%'}>
        <CartesianGrid vertical={false} stroke={p.grid} />
        <XAxis dataKey="label" tick={{ fill: p.tick, fontSize: 12 }} tickLine={false} axisLine={{ stroke: p.grid }} minTickGap={12} />
        <YAxis allowDecimals={false} tick={{ fill: p.tick, fontSize: 12 }} tickLine={false} axisLine={false} width={44} />
        <Tooltip
          cursor={{ fill: p.cursor }}
          contentStyle={{ background: p.tipBg, border: `1px solid ${p.tipBorder}`, borderRadius: 8, color: p.tipText, fontSize: 13 }}
          labelStyle={{ color: p.tipText, fontWeight: 600 }}
          itemStyle={{ color: p.tipText }}
        />
        <Legend wrapperStyle={{ fontSize: 13, color: p.tick }} iconType="circle" iconSize={9} itemSorter={null} />
        {series.map((s, i) => (
          <Bar
            key={s.key}
            dataKey={s.key}
            name={s.label}
            stackId={stacked ? 'day' : undefined}
            fill={p[s.color]}
            isAnimationActive={false}
            radius={stacked ? (i === series.length - 1 ? [3, 3, 0, 0] : 0) : [3, 3, 0, 0]}
            maxBarSize={stacked ? 40 : 18}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

/** One bar per category (statuses, types, outcomes), each in its own colour, laid out horizontally. */
export function CategoryBars({ data, height, empty }: { data: { label: string; value: number; color: ColorName }[]; height?: number; empty: string }) {
  const p = usePalette();
  const h = height ?? Math.max(140, data.length * 38 + 16);
  if (!data.some((d) => d.value > 0)) return <Nothing height={h}>{empty}</Nothing>;
  return (
    <ResponsiveContainer width="100%" height={h}>
      <BarChart data={data} layout="vertical" accessibilityLayer={false} margin={{ top: 0, right: 36, bottom: 0, left: 0 }} barCategoryGap="22%">
        <CartesianGrid horizontal={false} stroke={p.grid} />
        <XAxis type="number" allowDecimals={false} tick={{ fill: p.tick, fontSize: 12 }} tickLine={false} axisLine={false} />
        <YAxis type="category" dataKey="label" tick={{ fill: p.tick, fontSize: 13 }} tickLine={false} axisLine={false} width={96} />
        <Tooltip
          cursor={{ fill: p.cursor }}
          contentStyle={{ background: p.tipBg, border: `1px solid ${p.tipBorder}`, borderRadius: 8, color: p.tipText, fontSize: 13 }}
          itemStyle={{ color: p.tipText }}
          labelStyle={{ color: p.tipText, fontWeight: 600 }}
        />
        <Bar
          dataKey="value"
          name="Count"
          isAnimationActive={false}
          radius={[0, 3, 3, 0]}
          label={{ position: 'right', fill: p.tick, fontSize: 13 }}
          maxBarSize={26}
        >
          {data.map((d) => (
            <Cell key={d.label} fill={p[d.color]} />
          ))}
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
