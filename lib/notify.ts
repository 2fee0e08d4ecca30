import { z } from 'zod';
import { BLOCKER_SEVERITIES } from './session-types.ts';

/**
 * Notifications (issue 18): the events Baton raises, webhooks that receive them, and each person's
 * preferences. Shared by the server (notifier, delivery, REST) and the pages (Settings, the header).
 */
export const NOTIFY_EVENTS = [
  'handoff.created',
  'handoff.accepted',
  'handoff.declined',
  'handoff.changes_requested',
  'handoff.expiring',
  'handoff.expired',
  'blocker.raised',
  'blocker.resolved',
  'session.interrupted',
  'session.recovered',
  'goal.done',
  'milestone',
  'agent.waiting',
  'agent.resumed',
  'meeting.started',
] as const;
export type NotifyEventType = (typeof NOTIFY_EVENTS)[number];

export type Severity = (typeof BLOCKER_SEVERITIES)[number];
export const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** What every event carries in `data`, beside its own fields. */
export interface NotifyEventData {
  session?: { id: string; title: string; owner: string | null; url: string };
  handoff?: { id: string; status: string; from: string; to: string; url: string; expiresAt?: string; reason?: string | null };
  blocker?: { id: number; description: string; severity: Severity; owner: string | null };
  goal?: { id: number; text: string };
  workstream?: { id: number; name: string };
  agent?: { name: string; status: string; message: string | null };
  /** Who made the change (the feed's actor); people are never told about their own actions. */
  actor: string;
  [k: string]: unknown;
}

/** The JSON body of a delivery (format `json`). */
export interface NotifyEvent {
  id: string;
  type: NotifyEventType;
  createdAt: string;
  data: NotifyEventData;
}

export const WEBHOOK_FORMATS = ['json', 'slack'] as const;

const eventsSchema = z
  .union([
    z.literal('*'),
    z
      .array(z.union([z.enum(NOTIFY_EVENTS, { error: `must be one of ${NOTIFY_EVENTS.join(', ')}` }), z.literal('*')]))
      .min(1)
      .max(NOTIFY_EVENTS.length + 1),
  ])
  .transform((v) => (v === '*' || v.includes('*') ? ['*'] : [...new Set(v)]));

export const webhookCreateSchema = z.object({
  url: z
    .string()
    .trim()
    .max(2000)
    .url('must be a URL')
    .refine((u) => /^https?:\/\//i.test(u), 'must be an http or https URL'),
  events: eventsSchema.default(['*']),
  minSeverity: z.enum(BLOCKER_SEVERITIES).nullish(),
  format: z.enum(WEBHOOK_FORMATS).default('json'),
  description: z.string().trim().max(200).nullish(),
});
export const webhookPatchSchema = z
  .object({
    url: webhookCreateSchema.shape.url.optional(),
    events: eventsSchema.optional(),
    minSeverity: z.enum(BLOCKER_SEVERITIES).nullish(),
    format: z.enum(WEBHOOK_FORMATS).optional(),
    description: z.string().trim().max(200).nullish(),
    /** true enables again (and clears the failure count and banner); false pauses it. */
    enabled: z.boolean().optional(),
    /** A new signing secret, shown once in the answer. */
    rotateSecret: z.literal(true).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'give at least one field');

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  minSeverity: Severity | null;
  format: 'json' | 'slack';
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  consecutiveFailures: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Only in the answer to create (and to a secret rotation): never shown again. */
  secret?: string;
}

export interface WebhookAttempt {
  at: string;
  status: number | null;
  durationMs: number;
  response: string | null;
  error: string | null;
}
export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  createdAt: string;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  log: WebhookAttempt[];
}

/** One person's notification settings. */
export const notifyPrefsSchema = z.object({
  /** Notices shown on boards (in the page). */
  popups: z
    .object({
      boardChanges: z.boolean().default(true),
      handoffs: z.boolean().default(true),
      agentsWaiting: z.boolean().default(true),
    })
    .default({ boardChanges: true, handoffs: true, agentsWaiting: true }),
  /** Browser (system) notifications: off until the person turns them on (and the browser allows). */
  browser: z
    .object({
      enabled: z.boolean().default(false),
      handoffs: z.boolean().default(true),
      agentsWaiting: z.boolean().default(true),
      /** Blockers at or above this severity on my sessions; null: none. */
      blockerSeverity: z.enum(BLOCKER_SEVERITIES).nullable().default('critical'),
    })
    .default({ enabled: false, handoffs: true, agentsWaiting: true, blockerSeverity: 'critical' }),
  /** Quiet mode: no pop-ups and no browser notifications (counts still update). */
  quiet: z.boolean().default(false),
});
export type NotifyPrefs = z.output<typeof notifyPrefsSchema>;
export const DEFAULT_NOTIFY_PREFS: NotifyPrefs = notifyPrefsSchema.parse({});

/** What needs me now (`GET /api/v1/needs-you`): the header's count and the dashboard's filter. */
export interface NeedsYou {
  count: number;
  agents: { sessionId: string; sessionTitle: string; name: string; message: string | null; since: string | null }[];
  handoffs: { id: string; sessionId: string; sessionTitle: string; from: string; expiresAt: string }[];
  blockers: { sessionId: string; sessionTitle: string; id: number; description: string; severity: Severity }[];
  /** Open blockers on my sessions at or above my browser-notification threshold (Settings → Notifications), for those notifications. */
  blockerAlerts: { sessionId: string; sessionTitle: string; id: number; description: string; severity: Severity }[];
  /** Session ids with anything above (the dashboard's "Needs you" filter). */
  sessionIds: string[];
  seq: number;
}
