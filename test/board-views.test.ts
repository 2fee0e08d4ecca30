import { describe, expect, it } from 'vitest';
import type { BoardItem } from '../lib/board-items';
import { dueState } from '../components/boards/coordination/action-items';
import { layoutGraph } from '../components/boards/coordination/dependency-graph';
import { parseMinutes } from '../components/boards/items';
import { horizonEnd } from '../components/boards/planning/architecture';
import { sprintLoad } from '../components/boards/planning/sprint';
import { typedBoard } from '../components/boards/typed-boards';

/** The rules the boards show: capacity, due dates, the graph's layers, horizons, which board. */

const item = <K extends BoardItem['kind']>(kind: K, id: number, data: Record<string, unknown>) =>
  ({ id, kind, position: id, data, createdAt: '', updatedAt: '', createdBy: null }) as unknown as BoardItem<K>;
const project = (id: number, name: string, priority = 'medium') =>
  item('project', id, { name, status: 'active', teamSize: null, sprint: null, blockers: 0, priority });
const dep = (id: number, from: string, to: string) => item('dependency', id, { from, to, type: null, description: null });

describe('sprint load', () => {
  const capacity = { points: 45, developerDays: 50, buffer: 0.2 };
  it('effective capacity is points × (1 − buffer)', () => {
    expect(sprintLoad(capacity, 0)).toMatchObject({ effective: 36, state: 'ok', left: 36 });
  });
  it('is near from 85 % of effective, over past it by how much', () => {
    expect(sprintLoad(capacity, 30).state).toBe('ok');
    expect(sprintLoad(capacity, 31)).toMatchObject({ state: 'near', left: 5 });
    expect(sprintLoad(capacity, 36)).toMatchObject({ state: 'near', over: 0, left: 0 });
    expect(sprintLoad(capacity, 39)).toMatchObject({ state: 'over', over: 3 });
    expect(sprintLoad({ points: 45, developerDays: 50, buffer: 0.15 }, 40)).toMatchObject({ effective: 38.3, state: 'over', over: 1.7 });
  });
  it('without a capacity the load is unknown', () => {
    expect(sprintLoad(null, 12).state).toBe('unknown');
  });
});

describe('action item due dates', () => {
  const now = Date.parse('2026-03-10T12:00:00Z');
  it('overdue, today, soon, later; done items are never overdue', () => {
    expect(dueState('2026-03-08', 'open', now)).toEqual({ label: '8 Mar 2026 · overdue 2 days', tone: 'overdue' });
    expect(dueState('2026-03-10', 'in-progress', now).tone).toBe('today');
    expect(dueState('2026-03-12', 'open', now)).toEqual({ label: '12 Mar 2026 · in 2 days', tone: 'soon' });
    expect(dueState('2026-04-30', 'open', now)).toEqual({ label: '30 Apr 2026', tone: 'later' });
    expect(dueState('2026-03-01', 'done', now).tone).toBe('later');
    expect(dueState(null, 'open', now).tone).toBe('none');
  });
});

describe('dependency graph layout', () => {
  it('puts dependents before what they depend on, so arrows point forward', () => {
    const { nodes, layers } = layoutGraph(
      [project(1, 'e-commerce-platform', 'high'), project(2, 'analytics-dashboard'), project(3, 'mobile-app', 'low')],
      [dep(4, 'mobile-app', 'e-commerce-platform')],
    );
    const at = (n: string) => nodes.find((x) => x.name === n)!;
    expect(layers).toBe(2);
    expect(at('e-commerce-platform').layer).toBeGreaterThan(at('mobile-app').layer);
  });
  it('chains get one layer each; an endpoint outside the grid is still a node', () => {
    const { nodes, layers } = layoutGraph([project(1, 'a'), project(2, 'b')], [dep(3, 'a', 'b'), dep(4, 'b', 'shared-auth')]);
    expect(layers).toBe(3);
    expect(nodes.find((n) => n.name === 'shared-auth')).toMatchObject({ project: null, layer: 2 });
  });
  it('survives a cycle', () => {
    const { nodes } = layoutGraph([project(1, 'a'), project(2, 'b')], [dep(3, 'a', 'b'), dep(4, 'b', 'a')]);
    expect(nodes).toHaveLength(2);
  });
});

describe('durations and horizons', () => {
  it('reads meeting lengths', () => {
    expect(parseMinutes('90 minutes')).toBe(90);
    expect(parseMinutes('1.5 hours')).toBe(90);
    expect(parseMinutes('2 h 30 min')).toBe(150);
    expect(parseMinutes('soon')).toBeNull();
  });
  it('ends a horizon in months, quarters, years or weeks', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    expect(horizonEnd('6 months', from)?.toISOString().slice(0, 7)).toBe('2026-07');
    expect(horizonEnd('2 quarters', from)?.toISOString().slice(0, 7)).toBe('2026-07');
    expect(horizonEnd('1 year', from)?.toISOString().slice(0, 7)).toBe('2027-01');
    expect(horizonEnd('10 weeks', from)?.toISOString().slice(0, 10)).toBe('2026-03-12');
    expect(horizonEnd('a while', from)).toBeNull();
  });
});

describe('which board a session gets', () => {
  it('by type and subtype; development keeps the generic board', () => {
    expect(typedBoard({ type: 'development', subtype: null })).toBeNull();
    expect(typedBoard({ type: 'coordination', subtype: 'cross-project' })?.name).toBe('CrossProjectBoard');
    expect(typedBoard({ type: 'coordination', subtype: null })?.name).toBe('TeamCoordinationBoard');
    expect(typedBoard({ type: 'review', subtype: 'qa' })?.name).toBe('QaReviewBoard');
    expect(typedBoard({ type: 'planning', subtype: 'architecture' })?.name).toBe('ArchitecturePlanningBoard');
    expect(typedBoard({ type: 'planning', subtype: 'unknown' })?.name).toBe('SprintPlanningBoard');
  });
});
