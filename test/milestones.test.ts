import { describe, expect, it } from 'vitest';
import { milestonesBetween } from '../components/boards/milestones.tsx';
import type { SessionBoard } from '../lib/session-types.ts';

const base = {
  id: 's',
  version: 1,
  goals: [
    { id: 1, text: 'Login', done: false, doneAt: null },
    { id: 2, text: 'Register', done: true, doneAt: '2026-11-25T09:00:00.000Z' },
  ],
  blockers: [
    {
      id: 7,
      description: 'DBA approval',
      kind: null,
      severity: 'high',
      owner: null,
      impact: null,
      expectedResolution: null,
      createdAt: '2026-11-25T09:00:00.000Z',
      resolvedAt: null,
      resolvedBy: null,
    },
  ],
  decisions: [{ id: 3, topic: 'Auth', decision: 'JWT', rationale: null, alternatives: [], decidedAt: '2026-11-25T09:00:00.000Z', decidedBy: null }],
} as unknown as SessionBoard;

describe('milestones on a live board', () => {
  it('finds goals done, blockers raised and resolved, and new decisions — and nothing when nothing changed', () => {
    expect(milestonesBetween(base, { ...base, version: 2 })).toEqual([]);
    const after = {
      ...base,
      version: 2,
      goals: [{ ...base.goals[0]!, done: true }, base.goals[1]!, { id: 9, text: 'New goal', done: true, doneAt: null }],
      blockers: [
        { ...base.blockers[0]!, resolvedAt: '2026-11-25T10:00:00.000Z' },
        { ...base.blockers[0]!, id: 8, description: 'CI is red' },
      ],
      decisions: [...base.decisions, { ...base.decisions[0]!, id: 4, topic: 'DB', decision: 'SQLite' }],
    };
    expect(milestonesBetween(base, after)).toEqual([
      { kind: 'goal', text: 'Login' },
      { kind: 'resolved', text: 'DBA approval' },
      { kind: 'blocker', text: 'CI is red' },
      { kind: 'decision', text: 'DB: SQLite' },
    ]);
  });
});
