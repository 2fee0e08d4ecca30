'use client';

import type { SessionBoard } from '../../../lib/session-types';
import { agentDot, humanize, initials } from '../look';
import { Card, Empty } from '../ui';

/** `participant` → Participant, `tech_lead` → Tech lead; a role already written for people ("QA lead") stays. */
const roleLabel = (role: string) => (/^[a-z0-9_-]+$/.test(role) ? humanize(role) : role);

export interface Person {
  name: string;
  role: string | null;
  status: string | null;
  task?: string | null;
  /** The status dot's colour, when the status is not an agent's (reviewing, approved…). */
  dot?: string;
}

/** The session's owner under their role (coordinator, facilitator, architect…), then its agents and participants. */
export function peopleOf(board: SessionBoard, leadRole: string | null): Person[] {
  const people: Person[] = [];
  if (board.owner && leadRole) people.push({ name: board.owner, role: leadRole, status: board.status === 'active' ? 'active' : board.status });
  for (const a of board.agents) {
    if (people.some((p) => p.name === a.name)) continue;
    people.push({ name: a.name, role: a.role, status: a.status, task: a.currentTask });
  }
  return people;
}

/** Who is in the meeting (or on the team): name, role and status. */
export function Participants({
  board,
  title = 'Participants',
  leadRole = 'Coordinator',
  people,
}: {
  board: SessionBoard;
  title?: string;
  leadRole?: string | null;
  people?: Person[];
}) {
  const list = people ?? peopleOf(board, leadRole);
  return (
    <Card id="participants" title={title} count={list.length || undefined}>
      <ul data-testid="participants" className="grid gap-x-4 gap-y-1 sm:grid-cols-2 lg:grid-cols-1 2xl:grid-cols-2">
        {list.map((p) => (
          <li key={p.name} data-participant={p.name} data-role={p.role ?? ''} className="flex min-w-0 items-center gap-3 py-1.5">
            <span
              aria-hidden
              className="relative flex h-9 w-9 shrink-0 items-center justify-center rounded-full bg-slate-100 text-sm font-bold text-slate-700 dark:bg-slate-800 dark:text-slate-200"
            >
              {initials(p.name)}
              {p.status && (
                <span className={`absolute -right-0.5 -bottom-0.5 h-3 w-3 rounded-full ring-2 ring-white dark:ring-slate-900 ${p.dot ?? agentDot(p.status)}`} />
              )}
            </span>
            <div className="min-w-0 flex-1">
              <p className="truncate text-base font-semibold" title={p.name}>
                {p.name}
              </p>
              <p className="truncate text-sm text-slate-600 dark:text-slate-300">
                {p.role ? roleLabel(p.role) : 'No role'}
                {p.status && <span className="text-slate-500 dark:text-slate-400"> · {p.status}</span>}
              </p>
            </div>
          </li>
        ))}
      </ul>
      {list.length === 0 && <Empty>Nobody has joined yet. Participants come from the session&apos;s init or agents reporting in.</Empty>}
    </Card>
  );
}
