import { describe, expect, it } from 'vitest';
import seed from '../server/seed/seed-calls.json' with { type: 'json' };
import { parseSessionKey, projectWrite, type SessionPatch } from '../server/sessions/projection.ts';

// server/sessions/projection.ts on its own: each of the seed guide's memory_usage stores becomes the
// board patch it describes, and values that do not fit become a warning or nothing, never an error.

const stores = seed.memoryCalls.filter((c) => c.action === 'store');
const valueOf = (key: string) => stores.find((c) => c.key === key)!;

function patchOf(key: string): SessionPatch {
  const call = valueOf(key);
  const r = projectWrite(call.namespace, call.key, call.value!, 7);
  if (r.kind !== 'patch') throw new Error(`${key}: expected a patch, got ${r.kind}`);
  return r.patch;
}

describe('projectWrite: the seed keys', () => {
  it('session/development/init creates the development session with owner, project, branch, commit, goals and files', () => {
    const p = patchOf('session/development/init');
    expect(p.target).toEqual({ by: 'id', id: 'dev-session-1767225600000', create: true });
    expect(p.create).toMatchObject({ type: 'development', subtype: null });
    expect(p.core).toMatchObject({
      project: 'e-commerce-platform',
      owner: 'developer-001',
      startedAt: Date.parse('2026-01-01T00:00:00.000Z'),
      expectedDuration: '4 hours',
      focusArea: 'backend-api',
      branch: 'feature/user-auth',
      lastCommit: 'abc123def',
      status: 'active',
    });
    expect(p.goals).toEqual(['Complete user authentication API', 'Implement product catalog endpoints', 'Write integration tests', 'Update API documentation']);
    expect(p.files?.map((f) => f.path)).toEqual(['/src/controllers/authController.js', '/src/models/User.js', '/tests/auth.test.js']);
    expect(p.files?.every((f) => f.kind === 'active')).toBe(true);
  });

  it('session/development/state gives workstreams with progress, files, a blocker, a decision, metrics and an agent checkpoint', () => {
    const p = patchOf('session/development/state');
    expect(p.target).toMatchObject({ by: 'id', id: 'dev-session-1767225600000' });
    expect(p.workstreams?.map((w) => [w.name, w.progress])).toEqual([
      ['user-authentication', 100],
      ['product-catalog', 65],
    ]);
    expect(p.files?.length).toBe(7);
    expect(p.blockers).toHaveLength(1);
    expect(p.decisions).toHaveLength(1);
    expect(Object.keys(p.metrics ?? {})).toEqual(expect.arrayContaining(['lines_of_code', 'tests_written', 'test_coverage']));
    expect(p.checkpoint?.kind).toBe('agent');
  });

  it('session/development/recovery resumes the latest development session of its namespace with a recovery checkpoint', () => {
    const p = patchOf('session/development/recovery');
    expect(p.target).toMatchObject({ by: 'latest', type: 'development', namespace: 'session-management', create: false });
    expect(p.resumed).toBe(true);
    expect(p.core?.status).toBe('active');
    expect(p.checkpoint?.kind).toBe('recovery');
  });

  it('coordination inits: a team session with its agenda and participants; a cross-project one with projects, resources and dependencies', () => {
    const team = patchOf('session/coordination/init');
    expect(team.create).toMatchObject({ type: 'coordination', subtype: 'team' });
    expect(team.core?.owner).toBe('team-lead-001');
    expect(team.items?.filter((i) => i.kind === 'agenda')).toHaveLength(5);
    // 90 minutes over 5 agenda items: 18 each.
    expect(team.items?.every((i) => i.data.timeboxMinutes === 18)).toBe(true);
    expect(team.agents).toHaveLength(4);
    const cross = patchOf('session/multi-project/coordination');
    expect(cross.create).toMatchObject({ type: 'coordination', subtype: 'cross-project' });
    expect(cross.items?.map((i) => i.kind).sort()).toEqual(['dependency', 'project', 'project', 'project', 'resource', 'resource', 'resource']);
  });

  it('review inits: code review criteria; QA results pending in their environment', () => {
    const code = patchOf('session/review/init');
    expect(code.create).toMatchObject({ type: 'review', subtype: 'code' });
    expect(code.items?.filter((i) => i.kind === 'criterion')).toHaveLength(5);
    const qa = patchOf('session/qa-review/init');
    expect(qa.create).toMatchObject({ type: 'review', subtype: 'qa' });
    const results = qa.items?.filter((i) => i.kind === 'result') ?? [];
    expect(results).toHaveLength(5);
    expect(results.every((r) => r.data.outcome === 'pending')).toBe(true);
    expect(qa.items?.filter((i) => i.kind === 'environment')).toHaveLength(1);
  });

  it('planning inits: sprint capacity; architecture horizon and objectives as goals', () => {
    const sprint = patchOf('session/sprint-planning/init');
    expect(sprint.create).toMatchObject({ type: 'planning', subtype: 'sprint' });
    expect(sprint.fields?.capacity).toEqual({ points: 45, developerDays: 50, buffer: 0.2 });
    const arch = patchOf('session/architecture-planning/init');
    expect(arch.create).toMatchObject({ type: 'planning', subtype: 'architecture' });
    expect(arch.fields?.horizon).toBe('6 months');
    expect(arch.goals).toHaveLength(4);
  });

  it('session/handoff/preparation hands the session off: summary, next steps, blocker, handoff checkpoint and the handoff record', () => {
    const p = patchOf('session/handoff/preparation');
    expect(p.core).toMatchObject({ owner: 'developer-001', status: 'handed-off' });
    expect(p.core?.nextSteps).toHaveLength(3);
    expect(p.blockers).toHaveLength(1);
    expect(p.checkpoint?.kind).toBe('handoff');
    expect(p.handoff).toMatchObject({ from: 'developer-001', to: 'developer-002', type: 'end-of-shift' });
  });

  it('session/current/ownership creates a continuation owned by the next person', () => {
    const p = patchOf('session/current/ownership');
    expect(p.target).toMatchObject({ by: 'id', id: 'restored-session-1767225600000', create: true });
    expect(p.core).toMatchObject({ owner: 'developer-002', status: 'active' });
    expect(p.continuation).toEqual({ previousOwner: 'developer-001', handoffId: null });
  });

  it('session/analytics/productivity puts metrics on the session it names, never creating one', () => {
    const p = patchOf('session/analytics/productivity');
    expect(p.target).toEqual({ by: 'id', id: 'current-session-id', create: false });
    expect(Object.keys(p.metrics ?? {})).toEqual(expect.arrayContaining(['completion_rate', 'productivity_score']));
  });

  it('session/team-coordination/metrics is team analytics: plain memory, no patch', () => {
    const call = valueOf('session/team-coordination/metrics');
    expect(projectWrite(call.namespace, call.key, call.value!, 1)).toEqual({ kind: 'none' });
  });
});

describe('projectWrite: values that do not fit', () => {
  it('a session key whose value is not a JSON object is a warning naming the key', () => {
    for (const value of ['not json', '[1,2]', '42', 'null']) {
      const r = projectWrite('ns', 'session/development/state', value, 1);
      expect(r.kind, value).toBe('warning');
      if (r.kind === 'warning') expect(r.message).toMatch(/session\/development\/state/);
    }
  });

  it('keys outside the session shapes are just memory', () => {
    for (const key of ['notes/x', 'session', 'sessions/development/init', 'agent/1/state']) expect(projectWrite('ns', key, '{}', 1)).toEqual({ kind: 'none' });
  });

  it('a field of the wrong type is left out, never failing the write', () => {
    const r = projectWrite(
      'ns',
      'session/development/init',
      JSON.stringify({ session_id: 'x-1', goals: 'not a list', context: { active_files: [1, null, '/ok.ts'] } }),
      1,
    );
    expect(r.kind).toBe('patch');
    if (r.kind === 'patch') {
      expect(r.patch.goals ?? []).toEqual([]);
      expect(r.patch.files?.map((f) => f.path) ?? []).not.toContain(1);
    }
  });

  it('a huge or oddly nested value still projects or warns, never throws', () => {
    const deep = JSON.stringify({ session_id: 'deep-1', goals: [JSON.parse('['.repeat(50) + ']'.repeat(50))] });
    expect(() => projectWrite('ns', 'session/development/init', deep, 1)).not.toThrow();
    const many = JSON.stringify({ session_id: 'many-1', goals: Array.from({ length: 5000 }, (_, i) => `goal ${i}`) });
    expect(() => projectWrite('ns', 'session/development/init', many, 1)).not.toThrow();
  });

  it('parseSessionKey reads the section and kind, and an id from session/<id>/<kind>', () => {
    expect(parseSessionKey('session/development/init')).toMatchObject({ section: 'development', kind: 'init', idFromKey: null });
    expect(parseSessionKey('session/my-run-7/state')).toMatchObject({ kind: 'state', idFromKey: 'my-run-7' });
    expect(parseSessionKey('notes/x')).toBeNull();
  });
});
