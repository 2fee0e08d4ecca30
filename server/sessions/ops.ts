import type { SessionBoard } from '../../lib/session-types.ts';
import { authorizeSessionWrite } from '../auth/authorize.ts';
import type { GateContext, GateOp } from '../gate.ts';
import type { SessionService } from './service.ts';

/**
 * A board edit as a gate operation (REST routes, MCP and CLI session tools): editing a board is
 * writing the namespace it is projected from. Refusals on an existing session are audited; probing
 * ids that do not exist is not a write attempt.
 */
export function sessionEditOp(
  sessions: Pick<SessionService, 'sourceNamespaceOf' | 'requireSession'>,
  sessionId: string,
  action: string,
  input: unknown,
  run: (ctx: GateContext) => { board: SessionBoard; detail?: Record<string, unknown> },
): GateOp<SessionBoard> {
  let detail: Record<string, unknown> | undefined;
  return {
    action,
    target: sessionId,
    authorize: (p) => authorizeSessionWrite(p, sessions, sessionId),
    auditDenial: () => sessions.sourceNamespaceOf(sessionId) !== null,
    input,
    run: (ctx) => {
      const out = run(ctx);
      detail = out.detail;
      return out.board;
    },
    detail: () => detail,
  };
}
