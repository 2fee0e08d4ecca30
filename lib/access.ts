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
  | { kind: 'share'; id: string; sessionId: string }
  /** A process that opened the database file itself (the CLI's --db, stdio MCP without a server): trusted like the file. */
  | { kind: 'local'; id: string; name: string };

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

/** At most this many `*` in a token's namespace pattern. */
export const MAX_PATTERN_STARS = 8;

export const ACCESS_RANK: Record<TokenAccess, number> = { read: 0, write: 1, admin: 2 };

/**
 * Whether every namespace `inner` can match is also matched by `outer`. Deliberately simple and
 * safe (it may say no to a pattern that is in fact narrower): `*` covers all; a pattern covers
 * itself and every plain name it matches; `prefix*` covers any pattern starting with `prefix`.
 */
export function patternCovers(outer: string, inner: string): boolean {
  if (outer === '*' || outer === inner) return true;
  if (!inner.includes('*')) return inner !== '' && namespacePatternMatches(outer, inner);
  const prefix = outer.slice(0, -1);
  return outer.endsWith('*') && !prefix.includes('*') && inner.startsWith(prefix);
}

/** A scope grants no more than another: lower or equal access, on a covered namespace pattern. */
export function scopeCovers(outer: TokenScope, inner: TokenScope): boolean {
  return ACCESS_RANK[inner.access] <= ACCESS_RANK[outer.access] && patternCovers(outer.namespaces, inner.namespaces);
}

/** The index of the first requested scope that none of `held` covers, or -1 when all are covered. */
export function firstUncoveredScope(held: TokenScope[], requested: TokenScope[]): number {
  return requested.findIndex((r) => !held.some((h) => scopeCovers(h, r)));
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
      // Its own tokens and share links: any admin scope (what it mints stays within its scopes).
      return scopes.some((s) => s.access === 'admin');
    case 'admin':
      // Account administration (users, invites, audit, everyone's tokens): admin on every namespace.
      return has(['admin'], '*');
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
      if (permission.action === 'inbox:follow')
        return permission.userId === principal.ownerId && tokenAllows(principal.scopes, { action: 'session:view', sessionId: '*' });
      return tokenAllows(principal.scopes, permission);
    case 'share':
      return permission.action === 'session:view' && permission.sessionId === principal.sessionId;
    case 'local':
      return true;
  }
}

/** The namespace patterns a principal may read, for filtering cross-namespace results. */
export function readableNamespacePatterns(principal: Principal): string[] {
  if (principal.kind === 'user' || principal.kind === 'local') return ['*'];
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
    case 'local':
      return principal.name;
  }
}

/** Who a principal is, as an id (`user:<id>`, `token:<id>`, …): what decides, where a label only shows. */
export function principalKey(principal: Principal): string | null {
  return principal.kind === 'anonymous' ? null : `${principal.kind}:${principal.id}`;
}
