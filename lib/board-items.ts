import { z } from 'zod';

/**
 * The typed items of coordination, review and planning boards (one table, `session_items`, one
 * zod schema per kind). Goals, blockers, decisions, agents and checkpoints keep their own tables;
 * these are the rest: agenda, action items, projects, findings, backlog, risks, ADRs…
 */
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const optText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => v || null);
const isoDate = z
  .string()
  .trim()
  .max(40)
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be a date (YYYY-MM-DD or ISO 8601)')
  .nullish()
  .transform((v) => v || null);
const severity = z.enum(['critical', 'high', 'medium', 'low', 'info']);

export const boardItemSchemas = {
  /** Team coordination: an agenda item with its timebox. */
  agenda: z.object({
    title: text(300),
    timeboxMinutes: z.number().int().min(1).max(600).default(15),
    status: z.enum(['pending', 'active', 'done']).default('pending'),
    notes: optText(2000),
  }),
  /** Team coordination: an action item. */
  action: z.object({ title: text(500), owner: optText(120), due: isoDate, status: z.enum(['open', 'in-progress', 'done']).default('open') }),
  /** Cross-project: one project of the grid. */
  project: z.object({
    name: text(120),
    status: text(60).default('active'),
    teamSize: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .nullish()
      .transform((v) => v ?? null),
    sprint: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .nullish()
      .transform((v) => v ?? null),
    blockers: z.number().int().min(0).max(10_000).default(0),
    priority: z.enum(['critical', 'high', 'medium', 'low']).default('medium'),
  }),
  /** Cross-project: a shared resource (a team, a person, an environment). */
  resource: z.object({ name: text(200), allocation: optText(200) }),
  /** Cross-project: `from` depends on `to`. */
  dependency: z.object({ from: text(120), to: text(120), type: optText(60), description: optText(1000) }),
  /** Code review: a criterion of a checklist (category: security, performance, quality…). */
  criterion: z.object({ category: text(60).default('quality'), text: text(300), checked: z.boolean().default(false) }),
  /** Code review: a finding at file:line. */
  finding: z.object({
    severity: severity.default('medium'),
    title: text(500),
    file: optText(1000),
    line: z
      .number()
      .int()
      .min(0)
      .nullish()
      .transform((v) => v ?? null),
    status: z.enum(['open', 'resolved', 'wont-fix']).default('open'),
  }),
  /** QA: an environment under test. */
  environment: z.object({ name: text(120), status: z.enum(['ready', 'degraded', 'down']).default('ready') }),
  /** QA: a test area's result. */
  result: z.object({
    area: text(200),
    environment: optText(120),
    outcome: z.enum(['pass', 'fail', 'skip', 'pending']).default('pending'),
    notes: optText(1000),
  }),
  /** QA: a defect. */
  defect: z.object({ title: text(500), severity: severity.default('medium'), status: z.enum(['open', 'fixed', 'verified', 'wont-fix']).default('open') }),
  /** Sprint planning: a backlog item; `inSprint` moves it into the sprint. */
  backlog: z.object({ title: text(500), points: z.number().min(0).max(1000).default(0), inSprint: z.boolean().default(false), owner: optText(120) }),
  /** Sprint and architecture planning: a risk and its mitigation. */
  risk: z.object({
    title: text(500),
    likelihood: z.enum(['low', 'medium', 'high']).default('medium'),
    impact: z.enum(['low', 'medium', 'high']).default('medium'),
    mitigation: optText(2000),
  }),
  /** Architecture planning: a phase on the timeline (start/end dates, or month offsets from the start). */
  phase: z.object({ name: text(200), start: isoDate, end: isoDate, status: z.enum(['planned', 'in-progress', 'done']).default('planned') }),
  /** Architecture planning: an architecture decision record. */
  adr: z.object({
    number: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .nullish()
      .transform((v) => v ?? null),
    title: text(300),
    status: z.enum(['proposed', 'accepted', 'superseded', 'rejected']).default('proposed'),
    context: optText(4000),
    decision: optText(4000),
    supersededBy: z
      .number()
      .int()
      .min(1)
      .nullish()
      .transform((v) => v ?? null),
  }),
} as const;

export type BoardItemKind = keyof typeof boardItemSchemas;
export const BOARD_ITEM_KINDS = Object.keys(boardItemSchemas) as BoardItemKind[];
export type BoardItemData<K extends BoardItemKind = BoardItemKind> = z.output<(typeof boardItemSchemas)[K]>;

export interface BoardItem<K extends BoardItemKind = BoardItemKind> {
  id: number;
  kind: K;
  position: number;
  data: BoardItemData<K>;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
}

/** Which kinds each board shows (by session type and subtype). */
export const BOARD_KINDS: Record<string, BoardItemKind[]> = {
  'coordination/team': ['agenda', 'action'],
  'coordination/cross-project': ['project', 'resource', 'dependency', 'action'],
  'review/code': ['criterion', 'finding'],
  'review/qa': ['environment', 'result', 'defect'],
  'planning/sprint': ['backlog', 'risk'],
  'planning/architecture': ['phase', 'risk', 'adr'],
};

export const itemCreateSchema = z.object({ kind: z.enum(BOARD_ITEM_KINDS as [BoardItemKind, ...BoardItemKind[]]), data: z.record(z.string(), z.unknown()) });
/** A patch merges into the item's data and is validated against its kind's schema; `position` reorders. */
export const itemPatchSchema = z.object({ data: z.record(z.string(), z.unknown()).optional(), position: z.number().int().min(0).max(100_000).optional() });

/**
 * Single-valued board fields, kept in the session's `details` JSON (`PATCH /api/v1/sessions/:id/fields`).
 * The meeting state (presenter, current agenda item, timer, focus) lives in `details.meeting`.
 */
export const boardFieldsSchema = z
  .object({
    sprintGoal: z.string().trim().max(1000).nullable(),
    capacity: z.object({ points: z.number().min(0).max(10_000), developerDays: z.number().min(0).max(10_000), buffer: z.number().min(0).max(0.9) }),
    verdict: z.object({ outcome: z.enum(['approved', 'changes-requested', 'rejected', 'pending']), note: optText(2000) }),
    signOff: z.object({ outcome: z.enum(['signed-off', 'blocked', 'pending']), note: optText(2000) }),
    horizon: z.string().trim().max(100).nullable(),
  })
  .partial()
  .strict();
export type BoardFields = z.output<typeof boardFieldsSchema>;
