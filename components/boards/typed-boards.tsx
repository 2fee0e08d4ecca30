'use client';

import type { ComponentType } from 'react';
import type { SessionBoard } from '../../lib/session-types';
import { CrossProjectBoard, TeamCoordinationBoard } from './coordination/boards';
import type { BoardSectionProps } from './items';
import { ArchitecturePlanningBoard } from './planning/architecture';
import { SprintPlanningBoard } from './planning/sprint';
import { CodeReviewBoard } from './review/code-review';
import { QaReviewBoard } from './review/qa-review';

type TypedBoardProps = BoardSectionProps & { now: number; canEdit: boolean };

/** The board of each session type and subtype (lib/board-items BOARD_KINDS); a type without a subtype gets its first. */
const boards: Record<string, ComponentType<TypedBoardProps>> = {
  'coordination/team': TeamCoordinationBoard,
  'coordination/cross-project': CrossProjectBoard,
  'review/code': CodeReviewBoard,
  'review/qa': QaReviewBoard,
  'planning/sprint': SprintPlanningBoard,
  'planning/architecture': ArchitecturePlanningBoard,
};
const defaultSubtype: Record<string, string> = { coordination: 'team', review: 'code', planning: 'sprint' };

/** The typed board for a session, or null for development sessions (they keep the generic grid). */
export function typedBoard(board: Pick<SessionBoard, 'type' | 'subtype'>): ComponentType<TypedBoardProps> | null {
  if (board.type === 'development') return null;
  return boards[`${board.type}/${board.subtype ?? defaultSubtype[board.type]}`] ?? boards[`${board.type}/${defaultSubtype[board.type]}`] ?? null;
}
