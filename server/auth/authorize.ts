import { can, principalLabel, type Permission, type Principal } from '../../lib/access.ts';
import { BatonError } from '../../lib/errors.ts';

function describe(permission: Permission): string {
  switch (permission.action) {
    case 'memory:read':
      return permission.namespace === '*' ? 'read every namespace' : `read namespace "${permission.namespace}"`;
    case 'memory:write':
      return `write namespace "${permission.namespace}"`;
    case 'session:view':
      return `view session "${permission.sessionId}"`;
    case 'inbox:follow':
      return "follow another user's handoff inbox";
    case 'tokens:own':
      return 'manage API tokens';
    case 'share:create':
      return 'create share links';
    case 'admin':
      return 'administer Baton';
  }
}

/**
 * The one gate every transport calls (REST routes, socket events and room joins, MCP tools, page
 * requests). Default deny: anonymous gets 401, anyone else without the permission 403.
 */
export function authorize(principal: Principal, permission: Permission): void {
  if (can(principal, permission)) return;
  if (principal.kind === 'anonymous') throw new BatonError('unauthorized', 'Sign in or send an API token (Authorization: Bearer …)');
  throw new BatonError('forbidden', `${principalLabel(principal)} may not ${describe(permission)}`);
}

/**
 * Editing a session is writing the namespace it is projected from. An unknown session is a 404
 * only for callers who may view sessions (others get 401/403, and learn nothing).
 */
export function authorizeSessionWrite(
  principal: Principal,
  sessions: { sourceNamespaceOf(id: string): string | null; requireSession(id: string): unknown },
  sessionId: string,
): void {
  const namespace = sessions.sourceNamespaceOf(sessionId);
  if (namespace === null) {
    authorize(principal, { action: 'session:view', sessionId });
    sessions.requireSession(sessionId);
  }
  authorize(principal, { action: 'memory:write', namespace: namespace ?? '*' });
}
