import type { NotifyEvent } from '../../lib/notify.ts';

/** Slack's mrkdwn needs &, < and > escaped. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One line saying what happened, for people (Slack's `text`, and browser notifications). */
export function eventText(e: NotifyEvent): string {
  const d = e.data;
  const s = d.session ? `“${d.session.title}”` : 'a session';
  const h = d.handoff;
  switch (e.type) {
    case 'handoff.created':
      return `${h?.from ?? d.actor} handed off ${s} to ${h?.to ?? 'someone'}`;
    case 'handoff.accepted':
      return `${h?.to ?? d.actor} accepted the handoff of ${s}`;
    case 'handoff.declined':
      return `${h?.to ?? d.actor} declined the handoff of ${s}${h?.reason ? `: ${h.reason}` : ''}`;
    case 'handoff.changes_requested':
      return `${h?.to ?? d.actor} asked for changes to the handoff of ${s}${h?.reason ? `: ${h.reason}` : ''}`;
    case 'handoff.expiring':
      return `The handoff of ${s} to ${h?.to ?? 'someone'} expires in less than 24 hours`;
    case 'handoff.expired':
      return `The handoff of ${s} to ${h?.to ?? 'someone'} expired`;
    case 'blocker.raised':
      return `Blocker (${d.blocker?.severity}) on ${s}: ${d.blocker?.description}`;
    case 'blocker.resolved':
      return `Blocker resolved on ${s}: ${d.blocker?.description}`;
    case 'session.interrupted':
      return `${s} was interrupted`;
    case 'session.recovered':
      return `${s} was recovered and is active again`;
    case 'goal.done':
      return `Goal done on ${s}: ${d.goal?.text}`;
    case 'milestone':
      return `Milestone on ${s}: ${typeof d.milestone === 'string' ? d.milestone : ''}`;
    case 'agent.waiting':
      return `${d.agent?.name} is waiting for you on ${s}${d.agent?.message ? `: ${d.agent.message}` : ''}`;
    case 'agent.resumed':
      return `${d.agent?.name} is working again on ${s}`;
    case 'meeting.started':
      return `A meeting started on ${s}${typeof d.presenter === 'string' ? ` (presenting: ${d.presenter})` : ''}`;
  }
}

/** A Slack incoming-webhook body: `text` (notifications, fallbacks) and `blocks` with a link back. */
export function slackBody(e: NotifyEvent, _baseUrl: string): { text: string; blocks: unknown[] } {
  const text = eventText(e);
  const link = e.data.handoff?.url ?? e.data.session?.url;
  const label = e.data.handoff ? 'Open the review page' : 'Open the board';
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: esc(text) } }];
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `${esc(e.type)} · by ${esc(e.data.actor)}${link ? ` · <${link}|${label}>` : ''}` }],
  });
  if (link) blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: label }, url: link }] });
  return { text: link ? `${text} — ${link}` : text, blocks };
}
