'use client';

import { SESSION_TYPES, type SessionType } from '../../lib/session-types';
import type { Analytics } from '../../lib/analytics-types';
import { statusLook, typeLabel } from '../boards/look';
import { CategoryBars, ChartCard, DailyBars, DataTable, type ColorName, type Series } from './charts';
import { dayLabel, n, plural } from './format';

const statusColor: Record<keyof Analytics['sessions']['byStatus'], ColorName> = {
  active: 'emerald',
  paused: 'sky',
  interrupted: 'amber',
  'handed-off': 'violet',
  completed: 'slate',
};
const typeColor: Record<SessionType, ColorName> = { development: 'indigo', coordination: 'sky', review: 'violet', planning: 'teal' };

const WRITE_SERIES: Series[] = [
  { key: 'agentWrites', label: 'Agents', color: 'sky' },
  { key: 'peopleWrites', label: 'People', color: 'indigo' },
  { key: 'otherWrites', label: 'CLI & Baton', color: 'slate' },
];
const WORK_SERIES: Series[] = [
  { key: 'checkpoints', label: 'Checkpoints', color: 'violet' },
  { key: 'goalsDone', label: 'Goals done', color: 'emerald' },
  { key: 'blockersRaised', label: 'Blockers raised', color: 'rose' },
];

/** The page's charts (recharts), in a chunk of their own so the figures above them show first. */
export default function Charts({ a }: { a: Analytics }) {
  const short = a.daily.length <= 7;
  const daily = a.daily.map((d) => ({ ...d, label: dayLabel(d.date, short), otherWrites: Math.max(0, d.writes - d.agentWrites - d.peopleWrites) }));
  const sum = (k: keyof (typeof daily)[number]) => daily.reduce((t, d) => t + Number(d[k]), 0);
  const busiest = daily.reduce<(typeof daily)[number] | null>((b, d) => (d.writes > (b?.writes ?? 0) ? d : b), null);
  const writeSeries = WRITE_SERIES.filter((s) => s.key !== 'otherWrites' || sum('otherWrites') > 0);

  const byStatus = (Object.keys(statusLook) as (keyof typeof statusLook)[]).map((s) => ({
    label: statusLook[s].label,
    value: a.sessions.byStatus[s] ?? 0,
    color: statusColor[s],
  }));
  const byType = SESSION_TYPES.map((t) => ({ label: typeLabel[t], value: a.sessions.byType[t] ?? 0, color: typeColor[t] }));
  const h = a.handoffs;
  const outcomes: { label: string; value: number; color: ColorName }[] = [
    { label: 'Accepted', value: h.accepted, color: 'emerald' },
    { label: 'Declined', value: h.declined, color: 'rose' },
    { label: 'Expired', value: h.expired, color: 'amber' },
    { label: 'Cancelled', value: h.cancelled, color: 'slate' },
    { label: 'Open', value: h.open, color: 'sky' },
  ];
  const listed = (rows: { label: string; value: number }[]) =>
    rows
      .filter((r) => r.value > 0)
      .map((r) => `${n(r.value)} ${r.label.toLowerCase()}`)
      .join(', ') || 'none';

  return (
    <div className="space-y-4">
      <div className="grid gap-4 xl:grid-cols-2">
        <ChartCard
          testId="chart-writes"
          title="Memory writes per day"
          summary={
            <>
              {plural(sum('writes'), 'write')}: {n(sum('agentWrites'))} by agents, {n(sum('peopleWrites'))} by people
              {busiest && (
                <>
                  ; busiest {dayLabel(busiest.date, true)} with {n(busiest.writes)}
                </>
              )}
              .
            </>
          }
          table={
            <DataTable
              caption="Memory writes per day"
              head={['Day', 'Agents', 'People', 'CLI & Baton', 'Total']}
              rows={daily.map((d) => [d.date, d.agentWrites, d.peopleWrites, d.otherWrites, d.writes])}
            />
          }
        >
          <DailyBars data={daily} series={writeSeries} stacked empty="No memory writes in this window" />
        </ChartCard>
        <ChartCard
          testId="chart-work"
          title="Checkpoints, goals done and blockers per day"
          summary={
            <>
              {plural(sum('checkpoints'), 'checkpoint')}, {plural(sum('goalsDone'), 'goal')} done, {plural(sum('blockersRaised'), 'blocker')} raised,{' '}
              {plural(sum('sessionsStarted'), 'session')} started.
            </>
          }
          table={
            <DataTable
              caption="Checkpoints, goals done and blockers raised per day"
              head={['Day', 'Checkpoints', 'Goals done', 'Blockers raised', 'Sessions started', 'Handoffs']}
              rows={daily.map((d) => [d.date, d.checkpoints, d.goalsDone, d.blockersRaised, d.sessionsStarted, d.handoffs])}
            />
          }
        >
          <DailyBars data={daily} series={WORK_SERIES} stacked={false} empty="No checkpoints, goals or blockers in this window" />
        </ChartCard>
      </div>
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        <ChartCard
          testId="chart-status"
          title="Sessions by status"
          summary={
            <>
              {plural(a.sessions.total, 'session')}: {listed(byStatus)}.
            </>
          }
          table={<DataTable caption="Sessions by status" head={['Status', 'Sessions']} rows={byStatus.map((r) => [r.label, r.value])} />}
        >
          <CategoryBars data={byStatus} empty="No sessions" />
        </ChartCard>
        <ChartCard
          testId="chart-type"
          title="Sessions by type"
          summary={<>{listed(byType)}.</>}
          table={<DataTable caption="Sessions by type" head={['Type', 'Sessions']} rows={byType.map((r) => [r.label, r.value])} />}
        >
          <CategoryBars data={byType} height={Math.max(140, 5 * 38 + 16)} empty="No sessions" />
        </ChartCard>
        <ChartCard
          testId="chart-handoffs"
          title="Handoff outcomes"
          className="md:col-span-2 xl:col-span-1"
          summary={
            <>
              {plural(h.createdInWindow, 'handoff')} created in window: {listed(outcomes)}.
            </>
          }
          table={
            <DataTable
              caption="Handoff outcomes, handoffs created in the window"
              head={['Outcome', 'Handoffs']}
              rows={outcomes.map((r) => [r.label, r.value])}
            />
          }
        >
          <CategoryBars data={outcomes} empty="No handoffs in this window" />
        </ChartCard>
      </div>
    </div>
  );
}
