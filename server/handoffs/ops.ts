import { can, principalLabel, type Principal } from '../../lib/access.ts';
import { BatonError } from '../../lib/errors.ts';
import type { Handoff, HandoffPermissions } from '../../lib/handoff-types.ts';
import { authorize, authorizeSessionWrite } from '../auth/authorize.ts';
import type { GateOp } from '../gate.ts';
import type { SessionService } from '../sessions/service.ts';
import type { HandoffActor, HandoffService } from './service.ts';

// Handoff steps as the write gate takes them, shared by REST and the MCP/CLI session tools.

/** The caller as handoffs see it; `canWrite` is for the given session (writing its namespace). */
export function handoffActor(p: Principal, sessions: Pick<SessionService, 'sourceNamespaceOf'>, sessionId: string): HandoffActor {
  const namespace = sessions.sourceNamespaceOf(sessionId) ?? '*';
  return {
    label: principalLabel(p),
    userId: p.kind === 'user' ? p.id : p.kind === 'token' ? p.ownerId : null,
    // A local file's process is trusted like the file: it may act as any sender.
    admin: can(p, { action: 'admin' }),
    canWrite: can(p, { action: 'memory:write', namespace }),
    agentName: p.kind === 'token' ? p.name : null,
  };
}

/** Reading a handoff = viewing its session; share links (one board, read-only) never see handoffs. */
export function authorizeHandoffRead(p: Principal, sessionId: string) {
  if (p.kind === 'share') throw new BatonError('forbidden', `${principalLabel(p)} may not read handoffs`);
  authorize(p, { action: 'session:view', sessionId });
}

/** Making a handoff from a session, as a gate operation (REST and MCP): writing the session's namespace. */
export function handoffCreateOp(
  handoffs: HandoffService,
  sessions: SessionService,
  sessionId: string,
  input: Record<string, unknown>,
  source: 'api' | 'cli' | 'board' | 'mcp',
): GateOp<Handoff> {
  return {
    action: 'handoff.create',
    target: sessionId,
    authorize: (p) => authorizeSessionWrite(p, sessions, sessionId),
    auditDenial: () => sessions.sourceNamespaceOf(sessionId) !== null,
    input,
    run: ({ principal, audit }) => {
      const handoff = handoffs.create(sessionId, input, handoffActor(principal, sessions, sessionId), source);
      audit({ detail: { session: sessionId, to: handoff.to.label, source }, target: handoff.id });
      return handoff;
    },
  };
}

/** A step on a handoff (accept, decline, comment…): the caller must see it, then the step's own rule decides. */
/** The permission each step's audit action needs (lib/handoff-types.ts HandoffPermissions). */
const STEP_PERMISSION: Record<string, keyof HandoffPermissions> = {
  'handoff.accept': 'decide',
  'handoff.decline': 'decide',
  'handoff.request_changes': 'decide',
  'handoff.update': 'edit',
  'handoff.comment': 'comment',
  'handoff.check': 'check',
  'handoff.renew': 'renew',
  'handoff.cancel': 'cancel',
};

export function handoffStepOp(
  handoffs: HandoffService,
  sessions: SessionService,
  id: string,
  action: string,
  input: unknown,
  run: (actor: HandoffActor) => Handoff,
): GateOp<Handoff> {
  const sessionId = handoffs.sessionOf(id);
  const permission = STEP_PERMISSION[action];
  if (!permission) throw new Error(`no handoff step ${action}`);
  return {
    action,
    target: id,
    // The caller must see the handoff, then the step's own rule (only the recipient accepts…), before any input is read.
    authorize: (p) => {
      authorizeHandoffRead(p, sessionId);
      handoffs.permit(id, handoffActor(p, sessions, sessionId), permission);
    },
    input,
    run: ({ principal }) => run(handoffActor(principal, sessions, sessionId)),
    detail: (h) => ({ session: sessionId, status: h.status, ...(h.continuationId ? { continuation: h.continuationId } : {}) }),
  };
}
