import { describe, expect, it } from 'vitest';
import { draftFromBoard, draftFromHandoff, inputFromDraft, suggestChecklist, validateDraft } from '../components/handoffs/draft';
import { inView, isToMe, timeLeft, toastFor } from '../components/handoffs/look';
import { handoffCreateSchema, type Handoff, type HandoffListItem } from '../lib/handoff-types';
import type { SessionBoard } from '../lib/session-types';

/** The pure rules behind the handoff pages: the create dialog's draft, the inbox filter, the toasts. */

const board = {
  id: 'dev-1',
  title: 'Auth API',
  branch: 'feature/auth',
  nextSteps: ['Rate-limit sign-in'],
  goals: [
    { id: 1, text: 'Register', done: true, doneAt: null },
    { id: 2, text: 'Login', done: false, doneAt: null },
  ],
  workstreams: [
    { id: 1, name: 'login', status: 'in-progress', progress: 60, nextSteps: ['JWT refresh'], files: ['src/login.ts'] },
    { id: 2, name: 'register', status: 'done', progress: 100, nextSteps: [], files: [] },
  ],
  blockers: [
    {
      id: 1,
      description: 'DB migration needs approval',
      kind: null,
      severity: 'high',
      owner: 'dba',
      impact: 'no prod-like data',
      expectedResolution: null,
      createdAt: '',
      resolvedAt: null,
      resolvedBy: null,
    },
    {
      id: 2,
      description: 'Old',
      kind: null,
      severity: 'low',
      owner: null,
      impact: null,
      expectedResolution: null,
      createdAt: '',
      resolvedAt: '2026-01-01T00:00:00Z',
      resolvedBy: 'x',
    },
  ],
  files: [
    { path: 'src/login.ts', kind: 'active', touchedAt: '', touchedBy: null },
    { path: 'test/login.test.ts', kind: 'test', touchedAt: '', touchedBy: null },
  ],
} as unknown as SessionBoard;

describe('the create dialog draft', () => {
  it('starts from the board: goals done, open workstreams, open blockers, next steps then open goals, files, branch', () => {
    const d = draftFromBoard(board);
    expect(d.completed).toBe('Register');
    expect(d.inProgress).toEqual([{ task: 'login', progress: 60, nextSteps: 'JWT refresh', files: 'src/login.ts', estimatedCompletion: '' }]);
    expect(d.blockers.map((b) => b.description)).toEqual(['DB migration needs approval']);
    expect(d.priorities.split('\n')).toEqual(['Rate-limit sign-in', 'Login']);
    expect(d.filesToReview).toBe('src/login.ts');
    expect(d.branch).toBe('feature/auth');
    expect(d.ttl).toBe(259_200);
    expect(d.checklist).toEqual(['Check out feature/auth', 'Review src/login.ts', 'Read the open blockers', 'Run the tests']);
  });

  it('suggests deciding what the context asks to decide', () => {
    const d = { ...draftFromBoard(board), decisionsNeeded: 'Redis or the database?\n\n', testStatus: 'unit green' };
    expect(suggestChecklist(d)).toContain('Decide: Redis or the database?');
    expect(suggestChecklist(d).at(-1)).toBe('Run the tests and confirm the status');
  });

  it('sends lists split by line, blank rows and lines dropped, everything the form shows (not the board again)', () => {
    const d = {
      ...draftFromBoard(board),
      userId: 'u1',
      notes: '  keys in the vault \n\n',
      inProgress: [...draftFromBoard(board).inProgress, { task: '', progress: 0, nextSteps: '', files: '', estimatedCompletion: '' }],
      checklist: ['Read it', '  '],
    };
    const input = inputFromDraft(d);
    expect(input.to).toEqual({ kind: 'user', userId: 'u1' });
    expect(input.fromBoard).toBe(false);
    expect(input.summary?.notes).toEqual(['keys in the vault']);
    expect(input.summary?.inProgress).toHaveLength(1);
    expect(input.checklist).toEqual(['Read it']);
    expect(handoffCreateSchema.safeParse(input).success).toBe(true);
    expect(validateDraft(d)).toEqual({});
  });

  it('names the field of every problem, with the server schema', () => {
    const d = draftFromBoard(board);
    expect(validateDraft(d)).toHaveProperty(['to.userId']);
    expect(validateDraft({ ...d, toKind: 'agent', agentName: '  ' })).toHaveProperty(['to.name']);
    const bad = validateDraft({
      ...d,
      toKind: 'team',
      inProgress: [{ task: 'x', progress: 150, nextSteps: '', files: '', estimatedCompletion: '' }],
      checklist: ['y'.repeat(301)],
    });
    expect(Object.keys(bad).sort()).toEqual(['checklist.0', 'summary.inProgress.0.progress']);
    expect(
      validateDraft({ ...d, toKind: 'team', inProgress: [{ task: '', progress: 10, nextSteps: 'step', files: '', estimatedCompletion: '' }] }),
    ).toHaveProperty(['summary.inProgress.0.task']);
  });

  it('editing starts from the handoff and sends back the same content', () => {
    const h = {
      id: 'ho_1',
      to: { kind: 'agent', name: 'claude-2', label: 'claude-2' },
      handoffType: 'end-of-shift',
      summary: {
        completed: ['a'],
        inProgress: [{ task: 't', progress: 40, nextSteps: ['n'], files: ['f'], estimatedCompletion: '2 h' }],
        blockers: [{ description: 'b', impact: null, owner: 'o', expectedResolution: null }],
        notes: ['x'],
      },
      context: { priorities: ['p'], filesToReview: ['f'], decisionsNeeded: ['d'], testStatus: 'green', branch: 'main', environment: {} },
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-02T00:00:00.000Z',
      checklist: [{ id: 1, text: 'c', done: false, doneBy: null, doneAt: null }],
    } as unknown as Handoff;
    const d = draftFromHandoff(h);
    expect(d.ttl).toBe(86_400);
    const input = inputFromDraft(d);
    expect(input.to).toEqual({ kind: 'agent', name: 'claude-2' });
    expect(input.summary).toEqual(h.summary);
    expect(input.context).toEqual({ priorities: ['p'], filesToReview: ['f'], decisionsNeeded: ['d'], testStatus: 'green', branch: 'main' });
    expect(input.checklist).toEqual(['c']);
  });
});

const item = (over: Partial<HandoffListItem>): HandoffListItem =>
  ({
    id: 'ho_1',
    sessionTitle: 'Auth API',
    status: 'pending',
    from: { label: 'Ana', userId: 'ana' },
    to: { kind: 'user', userId: 'bo', label: 'Bo' },
    decidedBy: null,
    reason: null,
    version: 1,
    ...over,
  }) as HandoffListItem;

describe('inbox and notifications', () => {
  it('lists what the server lists: to me and the team in "To me" (agents\' under All); mine in "From me"; by status', () => {
    const toBo = item({});
    const toTeam = item({ to: { kind: 'team', label: 'anyone on the team' } });
    const toAgent = item({ to: { kind: 'agent', name: 'claude', label: 'claude' } });
    const toCy = item({ to: { kind: 'user', userId: 'cy', label: 'Cy' } });
    expect([toBo, toTeam, toAgent, toCy].map((h) => inView(h, 'inbox', null, 'bo'))).toEqual([true, true, false, false]);
    expect([toBo, toTeam, toAgent, toCy].map((h) => inView(h, 'all', null, 'bo'))).toEqual([true, true, true, true]);
    expect([toBo, toTeam, toAgent, toCy].map((h) => isToMe(h, 'bo'))).toEqual([true, true, false, false]);
    expect(inView(toBo, 'sent', null, 'ana')).toBe(true);
    expect(inView(toBo, 'sent', null, 'bo')).toBe(false);
    expect(inView(toBo, 'all', 'declined', 'bo')).toBe(false);
    expect(inView(item({ status: 'declined' }), 'all', 'declined', 'zed')).toBe(true);
  });

  it('toasts the recipient when a handoff arrives or comes back, and only then', () => {
    expect(toastFor(undefined, item({}), 'bo')?.text).toBe('Ana handed you ‘Auth API’');
    expect(toastFor(undefined, item({ to: { kind: 'team', label: 'anyone on the team' } }), 'bo')?.text).toBe('Ana handed the team ‘Auth API’');
    expect(toastFor(item({ status: 'changes-requested' }), item({ version: 3 }), 'bo')?.text).toBe('Ana updated ‘Auth API’ as you asked');
    // A comment or a tick on a pending handoff, someone else's handoff, or my own: no toast.
    expect(toastFor(item({}), item({ version: 2 }), 'bo')).toBeNull();
    expect(toastFor(undefined, item({}), 'cy')).toBeNull();
    expect(toastFor(undefined, item({ to: { kind: 'team', label: 'team' } }), 'ana')).toBeNull();
  });

  it('toasts the sender when the recipient decides or it expires', () => {
    expect(toastFor(item({}), item({ status: 'declined', decidedBy: 'Bo', reason: 'on call' }), 'ana')).toMatchObject({
      text: 'Bo declined ‘Auth API’: “on call”',
      action: 'Open',
      tone: 'bad',
    });
    expect(toastFor(item({}), item({ status: 'accepted', decidedBy: 'Bo' }), 'ana')?.text).toBe('Bo accepted ‘Auth API’');
    expect(toastFor(item({}), item({ status: 'changes-requested', decidedBy: null, reason: 'tests?' }), 'ana')?.text).toBe(
      'Bo asked for changes to ‘Auth API’: “tests?”',
    );
    expect(toastFor(item({}), item({ status: 'expired' }), 'ana')).toMatchObject({ action: 'Renew' });
    expect(toastFor(undefined, item({ status: 'declined' }), 'ana')).toBeNull();
    expect(toastFor(item({}), item({ status: 'declined' }), 'bo')).toBeNull();
  });

  it('says how long is left', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(timeLeft('2026-01-03T23:00:00Z', now)).toBe('2 d 23 h');
    expect(timeLeft('2026-01-01T03:12:00Z', now)).toBe('3 h 12 min');
    expect(timeLeft('2026-01-01T00:00:30Z', now)).toBe('< 1 min');
    expect(timeLeft('2025-12-31T00:00:00Z', now)).toBe('expired');
  });
});
