// Who may do what. One pure rule set, used by every transport (REST, socket events and rooms,
// MCP, pages) through server/auth/authorize.ts, and by the browser only to hide controls.

import { wildcardMatch } from './glob.ts';

export type Role = 'admin' | 'member' | 'viewer';
export type TokenAccess = 'read' | 'write' | 'admin';
export interface TokenScope {
  access: TokenAccess;
  /** A namespace name or a pattern with `*`, e.g. `session-management`, `team-*`, `*`. */
  namespaces: string;
}

export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'user'; id: string; name: string; email: string; role: Role }
  | { kind: 'token'; id: string; name: string; ownerId: string; scopes: TokenScope[] }
  | { kind: 'share'; id: string; sessionId: string };

export type Permission =
  /** `namespace: '*'` means every namespace at once: namespace lists, unscoped search, the all-memory room. */
  | { action: 'memory:read'; namespace: string }
  | { action: 'memory:write'; namespace: string }
  | { action: 'session:view'; sessionId: string }
  /** A user's own handoff inbox (room `user:<id>`): that user, or a token they own that reads everything. */
  | { action: 'inbox:follow'; userId: string }
  | { action: 'tokens:own' }
  | { action: 'share:create' }
  | { action: 'admin' };

/** `team-*` matches `team-a`; a name without `*` matches only itself. Linear-time (lib/glob.ts), no RegExp. */
export function namespacePatternMatches(pattern: string, namespace: string): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*')) return pattern === namespace;
  return namespace !== '*' && wildcardMatch(pattern, namespace, false);
}

const roleAllows: Record<Role, Set<Permission['action']>> = {
  viewer: new Set(['memory:read', 'session:view']),
  member: new Set(['memory:read', 'memory:write', 'session:view', 'tokens:own', 'share:create']),
  admin: new Set(['memory:read', 'memory:write', 'session:view', 'tokens:own', 'share:create', 'admin']),
};

function tokenAllows(scopes: TokenScope[], permission: Permission): boolean {
  const has = (accepted: TokenAccess[], namespace: string) =>
    scopes.some((s) => accepted.includes(s.access) && namespacePatternMatches(s.namespaces, namespace));
  switch (permission.action) {
    case 'memory:read':
      return has(['read', 'write', 'admin'], permission.namespace);
    case 'memory:write':
      return permission.namespace !== '*' && has(['write', 'admin'], permission.namespace);
    case 'session:view':
      return has(['read', 'write', 'admin'], '*');
    case 'inbox:follow':
      return false; // checked against the owner in can()
    case 'tokens:own':
    case 'share:create':
    case 'admin':
      return scopes.some((s) => s.access === 'admin');
  }
}

/** Default deny: only what a role, a token scope or a share link grants is allowed. */
export function can(principal: Principal, permission: Permission): boolean {
  switch (principal.kind) {
    case 'anonymous':
      return false;
    case 'user':
      if (permission.action === 'inbox:follow') return permission.userId === principal.id;
      return roleAllows[principal.role].has(permission.action);
    case 'token':
      if (permission.action === 'inbox:follow') return permission.userId === principal.ownerId && tokenAllows(principal.scopes, { action: 'session:view', sessionId: '*' });
      return tokenAllows(principal.scopes, permission);
    case 'share':
      return permission.action === 'session:view' && permission.sessionId === principal.sessionId;
  }
}

/** The namespace patterns a principal may read, for filtering cross-namespace results. */
export function readableNamespacePatterns(principal: Principal): string[] {
  if (principal.kind === 'user') return ['*'];
  if (principal.kind === 'token') return principal.scopes.map((s) => s.namespaces);
  return [];
}

export function principalLabel(principal: Principal): string {
  switch (principal.kind) {
    case 'anonymous':
      return 'anonymous';
    case 'user':
      return principal.name || principal.email;
    case 'token':
      return `token:${principal.name}`;
    case 'share':
      return `share:${principal.id}`;
  }
}
