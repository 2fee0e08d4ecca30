import { z } from 'zod';
import { BLOCKER_SEVERITIES, BOARD_TEXT_LIMITS as MAX, SESSION_STATUSES, SESSION_TYPES } from '../../lib/session-types.ts';

// The inputs of session edits and lists, validated once at the service.

export const blockerInputSchema = z.object({
  description: z.string().trim().min(1, 'must not be empty').max(MAX.blockerDescription),
  severity: z.enum(BLOCKER_SEVERITIES).default('medium'),
  owner: z.string().trim().max(MAX.blockerOwner).nullish(),
  kind: z.string().trim().max(60).nullish(),
});
export const decisionInputSchema = z.object({
  topic: z.string().trim().min(1, 'must not be empty').max(MAX.decisionTopic),
  decision: z.string().trim().min(1, 'must not be empty').max(MAX.decision),
  rationale: z.string().trim().max(MAX.rationale).nullish(),
  alternatives: z.array(z.string().trim().min(1).max(300)).max(20).default([]),
});
export const goalInputSchema = z.object({ text: z.string().trim().min(1, 'must not be empty').max(MAX.goal) });
export const checkpointInputSchema = z.object({ label: z.string().trim().max(200).nullish() });
export const recoverInputSchema = z.object({
  /** What the agent or CLI found when checking the workspace (files present, branch, commit…). */
  validation: z.record(z.string(), z.unknown()).default({}),
});
export const sessionListSchema = z.object({
  type: z.enum(SESSION_TYPES).optional(),
  status: z.enum(SESSION_STATUSES).optional(),
  project: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
  /** The page after this one: `nextCursor` of the previous answer (opaque; most recent activity first). */
  cursor: z
    .string()
    .max(300)
    .regex(/^\d{1,15}:.+$/s, 'must be a nextCursor of a previous answer')
    .optional(),
  /** Archived sessions (SESSION_ARCHIVE_DAYS) are left out unless `true` (all) or `only`. */
  archived: z.enum(['true', 'false', 'only']).default('false'),
  /** Only sessions started by this principal (`user:<id>`, `token:<id>`, `local:<name>`); set by the server from the caller, never by the client. */
  createdBy: z.string().max(200).optional(),
});
