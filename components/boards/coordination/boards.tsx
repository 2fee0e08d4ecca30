'use client';

import type { BoardSectionProps } from '../items';
import { Blockers } from '../sections';
import { ActionItems } from './action-items';
import { Agenda } from './agenda';
import { MeetingDecisions } from './decisions';
import { Dependencies } from './dependency-graph';
import { Participants } from './participants';
import { ProjectsGrid, SharedResources } from './projects';

type Props = BoardSectionProps & { now: number; canEdit: boolean };

/** Team coordination: the agenda and action items in front, who is here and what was decided beside. */
export function TeamCoordinationBoard(props: Props) {
  return (
    <div className="grid items-start gap-4 lg:grid-cols-5" data-testid="board-coordination-team">
      <div className="flex min-w-0 flex-col gap-4 lg:col-span-3">
        <Agenda {...props} />
        <ActionItems {...props} />
      </div>
      <div className="flex min-w-0 flex-col gap-4 lg:col-span-2">
        <Participants board={props.board} />
        <MeetingDecisions {...props} />
        <Blockers {...props} />
      </div>
    </div>
  );
}

/** Cross-project coordination: the projects, how they depend on each other, what they share. */
export function CrossProjectBoard(props: Props) {
  return (
    <div className="grid items-start gap-4 lg:grid-cols-5" data-testid="board-coordination-cross-project">
      <div className="min-w-0 lg:col-span-5">
        <ProjectsGrid {...props} />
      </div>
      <div className="flex min-w-0 flex-col gap-4 lg:col-span-3">
        <Dependencies {...props} />
      </div>
      <div className="flex min-w-0 flex-col gap-4 lg:col-span-2">
        <SharedResources {...props} />
        <ActionItems {...props} />
        <MeetingDecisions {...props} />
        <Blockers {...props} />
      </div>
    </div>
  );
}
