import { DEFAULT_HANDOFF_TTL_SECONDS, handoffCreateSchema, type Handoff, type HandoffCreateInput } from '../../lib/handoff-types';
import type { SessionBoard } from '../../lib/session-types';
import { sentence } from '../../lib/validation-messages';

/**
 * The create / edit dialog's rules, kept apart from the component: the draft a board or a handoff
 * starts from, checklist suggestions, the request body, and validation with the server's schema.
 */

export interface WorkRow {
  task: string;
  progress: number;
  nextSteps: string;
  files: string;
  estimatedCompletion: string;
}
export interface BlockerRow {
  description: string;
  impact: string;
  owner: string;
  expectedResolution: string;
}

/** The form's state: lists are edited one item per line, then split. */
export interface HandoffDraft {
  toKind: 'user' | 'agent' | 'team';
  userId: string;
  agentName: string;
  handoffType: string;
  completed: string;
  inProgress: WorkRow[];
  blockers: BlockerRow[];
  notes: string;
  priorities: string;
  filesToReview: string;
  decisionsNeeded: string;
  testStatus: string;
  branch: string;
  ttl: number;
  checklist: string[];
}

const joinLines = (xs: readonly string[] | undefined) => (xs ?? []).join('\n');
const splitLines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** Checklist suggestions for the recipient, from what the handoff asks them to look at. */
export function suggestChecklist(d: Pick<HandoffDraft, 'filesToReview' | 'decisionsNeeded' | 'blockers' | 'testStatus' | 'branch'>): string[] {
  const out: string[] = [];
  if (d.branch.trim()) out.push(`Check out ${d.branch.trim()}`);
  for (const f of splitLines(d.filesToReview).slice(0, 3)) out.push(`Review ${f}`);
  for (const q of splitLines(d.decisionsNeeded).slice(0, 2)) out.push(`Decide: ${q}`);
  if (d.blockers.some((b) => b.description.trim())) out.push('Read the open blockers');
  out.push(d.testStatus.trim() ? 'Run the tests and confirm the status' : 'Run the tests');
  return out.map((s) => (s.length > 300 ? `${s.slice(0, 299)}…` : s));
}

/** What a new handoff starts with: the board's done goals, open workstreams, blockers, next steps and files. */
export function draftFromBoard(board: SessionBoard): HandoffDraft {
  const base: HandoffDraft = {
    toKind: 'user',
    userId: '',
    agentName: '',
    handoffType: 'end-of-shift',
    completed: joinLines(board.goals.filter((g) => g.done).map((g) => g.text)),
    inProgress: board.workstreams
      .filter((w) => w.progress < 100 && !/^(done|complete|completed)$/i.test(w.status))
      .map((w) => ({ task: w.name, progress: w.progress, nextSteps: joinLines(w.nextSteps), files: joinLines(w.files), estimatedCompletion: '' })),
    blockers: board.blockers
      .filter((b) => !b.resolvedAt)
      .map((b) => ({ description: b.description, impact: b.impact ?? '', owner: b.owner ?? '', expectedResolution: b.expectedResolution ?? '' })),
    notes: '',
    // What the server pre-fills too: the next steps, then the goals still open.
    priorities: joinLines([...board.nextSteps, ...board.goals.filter((g) => !g.done).map((g) => g.text)].slice(0, 20)),
    filesToReview: joinLines(
      board.files
        .filter((f) => f.kind !== 'test')
        .map((f) => f.path)
        .slice(0, 20),
    ),
    decisionsNeeded: '',
    testStatus: '',
    branch: board.branch ?? '',
    ttl: DEFAULT_HANDOFF_TTL_SECONDS,
    checklist: [],
  };
  return { ...base, checklist: suggestChecklist(base) };
}

/** The sender editing a handoff sent back for changes: the handoff's own fields. */
export function draftFromHandoff(h: Handoff): HandoffDraft {
  return {
    toKind: h.to.kind,
    userId: h.to.kind === 'user' ? h.to.userId : '',
    agentName: h.to.kind === 'agent' ? h.to.name : '',
    handoffType: h.handoffType ?? '',
    completed: joinLines(h.summary.completed),
    inProgress: h.summary.inProgress.map((w) => ({
      task: w.task,
      progress: w.progress,
      nextSteps: joinLines(w.nextSteps),
      files: joinLines(w.files),
      estimatedCompletion: w.estimatedCompletion ?? '',
    })),
    blockers: h.summary.blockers.map((b) => ({
      description: b.description,
      impact: b.impact ?? '',
      owner: b.owner ?? '',
      expectedResolution: b.expectedResolution ?? '',
    })),
    notes: joinLines(h.summary.notes),
    priorities: joinLines(h.context.priorities),
    filesToReview: joinLines(h.context.filesToReview),
    decisionsNeeded: joinLines(h.context.decisionsNeeded),
    testStatus: h.context.testStatus ?? '',
    branch: h.context.branch ?? '',
    ttl: Math.max(60, Math.round((Date.parse(h.expiresAt) - Date.parse(h.createdAt)) / 1000)) || DEFAULT_HANDOFF_TTL_SECONDS,
    checklist: h.checklist.map((c) => c.text),
  };
}

const orNull = (s: string) => (s.trim() ? s.trim() : null);

/** The request body for a draft (lists split by line, empty rows dropped). */
export function inputFromDraft(d: HandoffDraft): HandoffCreateInput {
  const to: HandoffCreateInput['to'] =
    d.toKind === 'user' ? { kind: 'user', userId: d.userId } : d.toKind === 'agent' ? { kind: 'agent', name: d.agentName.trim() } : { kind: 'team' };
  return {
    to,
    handoffType: orNull(d.handoffType),
    summary: {
      completed: splitLines(d.completed),
      inProgress: d.inProgress
        .filter((w) => w.task.trim() || w.nextSteps.trim() || w.files.trim())
        .map((w) => ({
          task: w.task.trim(),
          progress: Number.isFinite(w.progress) ? w.progress : 0,
          nextSteps: splitLines(w.nextSteps),
          files: splitLines(w.files),
          estimatedCompletion: orNull(w.estimatedCompletion),
        })),
      blockers: d.blockers
        .filter((b) => b.description.trim() || b.impact.trim())
        .map((b) => ({
          description: b.description.trim(),
          impact: orNull(b.impact),
          owner: orNull(b.owner),
          expectedResolution: orNull(b.expectedResolution),
        })),
      notes: splitLines(d.notes),
    },
    context: {
      priorities: splitLines(d.priorities),
      filesToReview: splitLines(d.filesToReview),
      decisionsNeeded: splitLines(d.decisionsNeeded),
      testStatus: orNull(d.testStatus),
      branch: orNull(d.branch),
    },
    checklist: d.checklist.map((c) => c.trim()).filter(Boolean),
    ttl: d.ttl,
    // Everything the board would pre-fill is in the form already (and may have been edited).
    fromBoard: false,
  };
}

export type FieldErrors = Record<string, string>;

/** Client-side check with the same schema the server uses; errors keyed by field path (`summary.inProgress.0.task`). */
export function validateDraft(d: HandoffDraft): FieldErrors {
  const errors: FieldErrors = {};
  if (d.toKind === 'user' && !d.userId) errors['to.userId'] = 'Choose who receives it';
  if (d.toKind === 'agent' && !d.agentName.trim()) errors['to.name'] = 'Name the agent';
  const parsed = handoffCreateSchema.safeParse(inputFromDraft(d));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.join('.');
      if (!errors[path]) errors[path] = sentence(issue.message, path);
    }
  }
  return errors;
}
