import { OPEN_HANDOFF_STATUSES, type HandoffListItem, type HandoffRecipient, type HandoffStatus } from '../../lib/handoff-types';

/** How handoffs show their status, recipient and timeline; shared by the inbox, the review page and the board. */

export const handoffStatusLook: Record<HandoffStatus, { label: string; chip: string }> = {
  pending: { label: 'Pending', chip: 'bg-violet-100 text-violet-800 ring-violet-600/20 dark:bg-violet-950 dark:text-violet-300 dark:ring-violet-400/30' },
  'changes-requested': {
    label: 'Changes requested',
    chip: 'bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-300 dark:ring-amber-400/30',
  },
  accepted: {
    label: 'Accepted',
    chip: 'bg-emerald-100 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-400/30',
  },
  declined: { label: 'Declined', chip: 'bg-rose-100 text-rose-800 ring-rose-600/20 dark:bg-rose-950 dark:text-rose-300 dark:ring-rose-400/30' },
  expired: { label: 'Expired', chip: 'bg-slate-200 text-slate-700 ring-slate-500/20 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-400/20' },
  cancelled: { label: 'Cancelled', chip: 'bg-slate-100 text-slate-600 ring-slate-400/20 dark:bg-slate-900 dark:text-slate-400 dark:ring-slate-500/20' },
};

export const isOpenHandoff = (status: HandoffStatus) => OPEN_HANDOFF_STATUSES.includes(status);

/** "Ana", "agent claude-dev-2", "anyone on the team". */
export function recipientText(to: HandoffRecipient): string {
  if (to.kind === 'team') return to.label || 'Anyone on the team';
  if (to.kind === 'agent') return to.label || to.name;
  return to.label;
}

/** A small tag after the recipient's name saying what kind it is (people need none). */
export const recipientTag: Record<HandoffRecipient['kind'], string | null> = { user: null, agent: 'agent', team: null };

export type InboxBox = 'inbox' | 'sent' | 'all';

/** Addressed to me, or to the whole team (so any of us may take it): what the badge counts. */
export function isToMe(h: Pick<HandoffListItem, 'to'>, myId: string | null): boolean {
  return h.to.kind === 'team' || (h.to.kind === 'user' && !!myId && h.to.userId === myId);
}
/** What "To me" lists (the server's rule for a person): mine and the team's; agents' are under All. */
export function inInbox(h: Pick<HandoffListItem, 'to'>, myId: string | null): boolean {
  return isToMe(h, myId);
}
export const isFromMe = (h: Pick<HandoffListItem, 'from'>, myId: string | null) => !!myId && h.from.userId === myId;

/** Handoff types offered in the picker (any text is allowed; the seed uses end-of-shift). */
export const HANDOFF_TYPES = ['end-of-shift', 'reassignment', 'vacation', 'escalation', 'review', 'pairing'] as const;

/** Expiry choices, in seconds; three days is the default (the seed's TTL). */
export const EXPIRY_CHOICES: { label: string; seconds: number }[] = [
  { label: '4 hours', seconds: 4 * 3600 },
  { label: '1 day', seconds: 86_400 },
  { label: '3 days', seconds: 259_200 },
  { label: '1 week', seconds: 7 * 86_400 },
  { label: '2 weeks', seconds: 14 * 86_400 },
];

/** Time left until `iso`, coarse: "2 d 4 h", "3 h 12 min", "8 min", "expired". */
export function timeLeft(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  if (ms <= 0) return 'expired';
  const min = Math.floor(ms / 60_000);
  if (min < 1) return '< 1 min';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

export interface Toast {
  id: number;
  handoffId: string;
  text: string;
  action: string;
  tone: 'info' | 'good' | 'bad';
}

/** What to tell me about a handoff that changed, given what it was before (or null: none). */
export function toastFor(before: HandoffListItem | undefined, after: HandoffListItem, myId: string): Omit<Toast, 'id'> | null {
  const title = `‘${after.sessionTitle}’`;
  const mine = isFromMe(after, myId);
  if (!mine && isToMe(after, myId) && after.status === 'pending' && before?.status !== 'pending') {
    const who = after.from.label;
    if (before && before.status === 'changes-requested')
      return { handoffId: after.id, text: `${who} updated ${title} as you asked`, action: 'Review', tone: 'info' };
    if (before) return { handoffId: after.id, text: `${who} sent ${title} again`, action: 'Review', tone: 'info' };
    const whom = after.to.kind === 'team' ? ' the team' : ' you';
    return { handoffId: after.id, text: `${who} handed${whom} ${title}`, action: 'Review', tone: 'info' };
  }
  if (mine && before && before.status !== after.status) {
    const by = after.decidedBy ?? recipientText(after.to);
    switch (after.status) {
      case 'accepted':
        return { handoffId: after.id, text: `${by} accepted ${title}`, action: 'Open', tone: 'good' };
      case 'declined':
        return { handoffId: after.id, text: `${by} declined ${title}${after.reason ? `: “${after.reason}”` : ''}`, action: 'Open', tone: 'bad' };
      case 'changes-requested':
        return { handoffId: after.id, text: `${by} asked for changes to ${title}${after.reason ? `: “${after.reason}”` : ''}`, action: 'Edit', tone: 'bad' };
      case 'expired':
        return { handoffId: after.id, text: `Your handoff of ${title} to ${recipientText(after.to)} expired`, action: 'Renew', tone: 'bad' };
      default:
        return null;
    }
  }
  return null;
}

/** Whether a handoff belongs in the list the inbox shows (the same rule the server lists by). */
export function inView(h: HandoffListItem, box: InboxBox, status: HandoffStatus | null, myId: string | null): boolean {
  if (status && h.status !== status) return false;
  if (box === 'inbox') return inInbox(h, myId);
  if (box === 'sent') return isFromMe(h, myId);
  return true;
}
