import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  can,
  firstUncoveredScope,
  namespacePatternMatches,
  patternCovers,
  readableNamespacePatterns,
  scopeCovers,
  type Permission,
  type Principal,
  type Role,
  type TokenScope,
} from '../lib/access.ts';

// One permission of each kind, named so a failing row reads like a sentence.
const P = {
  'read team-a': { action: 'memory:read', namespace: 'team-a' },
  'read *': { action: 'memory:read', namespace: '*' },
  'write team-a': { action: 'memory:write', namespace: 'team-a' },
  'view session s-1': { action: 'session:view', sessionId: 's-1' },
  'tokens:own': { action: 'tokens:own' },
  'share:create': { action: 'share:create' },
  admin: { action: 'admin' },
} satisfies Record<string, Permission>;
type PermName = keyof typeof P;
const ALL_PERMS = Object.keys(P) as PermName[];

/** Builds a row of the table: the permissions that must be allowed; every other one must be denied. */
const allowing = (...allowed: PermName[]) => Object.fromEntries(ALL_PERMS.map((name) => [name, allowed.includes(name)])) as Record<PermName, boolean>;

const user = (role: Role): Principal => ({ kind: 'user', id: `u-${role}`, name: role, email: `${role}@example.test`, role });
const token = (...scopes: TokenScope[]): Principal => ({ kind: 'token', id: 't', name: 't', ownerId: 'u-admin', scopes });

describe('can(): roles × actions', () => {
  const table: Record<Role, Record<PermName, boolean>> = {
    viewer: allowing('read team-a', 'read *', 'view session s-1'),
    member: allowing('read team-a', 'read *', 'write team-a', 'view session s-1', 'tokens:own', 'share:create'),
    admin: allowing(...ALL_PERMS),
  };
  const cases = (Object.keys(table) as Role[]).flatMap((role) => ALL_PERMS.map((perm) => [role, perm, table[role][perm]] as const));

  it.each(cases)('%s may %s: %s', (role, perm, expected) => {
    expect(can(user(role), P[perm])).toBe(expected);
  });

  it('every role × action cell is in the table', () => {
    expect(cases).toHaveLength(3 * ALL_PERMS.length);
  });
});

describe('can(): token scopes', () => {
  const cases: [string, TokenScope[], Record<PermName, boolean>][] = [
    ['read on team-a', [{ access: 'read', namespaces: 'team-a' }], allowing('read team-a')],
    ['write on team-a (write implies read)', [{ access: 'write', namespaces: 'team-a' }], allowing('read team-a', 'write team-a')],
    ['read on team-*', [{ access: 'read', namespaces: 'team-*' }], allowing('read team-a')],
    ['write on team-*', [{ access: 'write', namespaces: 'team-*' }], allowing('read team-a', 'write team-a')],
    ['write on other-*', [{ access: 'write', namespaces: 'other-*' }], allowing()],
    ['read on team-b', [{ access: 'read', namespaces: 'team-b' }], allowing()],
    // Only a `*` pattern reads every namespace at once, and only then can it view sessions.
    ['read on *', [{ access: 'read', namespaces: '*' }], allowing('read team-a', 'read *', 'view session s-1')],
    ['write on *', [{ access: 'write', namespaces: '*' }], allowing('read team-a', 'read *', 'write team-a', 'view session s-1')],
    ['admin on *', [{ access: 'admin', namespaces: '*' }], allowing(...ALL_PERMS)],
    // Issue 14, finding 5: account administration needs admin on `*`; a narrower admin scope manages
    // only its own tokens and share links (and mints nothing wider than itself, see scopeCovers).
    ['admin on team-b', [{ access: 'admin', namespaces: 'team-b' }], allowing('tokens:own', 'share:create')],
    ['admin on team-*', [{ access: 'admin', namespaces: 'team-*' }], allowing('read team-a', 'write team-a', 'tokens:own', 'share:create')],
    [
      'read on * + admin on team-b',
      [
        { access: 'read', namespaces: '*' },
        { access: 'admin', namespaces: 'team-b' },
      ],
      allowing('read team-a', 'read *', 'view session s-1', 'tokens:own', 'share:create'),
    ],
    [
      'read on team-a + write on other-*',
      [
        { access: 'read', namespaces: 'team-a' },
        { access: 'write', namespaces: 'other-*' },
      ],
      allowing('read team-a'),
    ],
    [
      'read on * + write on team-a',
      [
        { access: 'read', namespaces: '*' },
        { access: 'write', namespaces: 'team-a' },
      ],
      allowing('read team-a', 'read *', 'write team-a', 'view session s-1'),
    ],
    ['no scopes', [], allowing()],
  ];
  const rows = cases.flatMap(([label, scopes, expected]) => ALL_PERMS.map((perm) => [label, perm, expected[perm], scopes] as const));

  it.each(rows)('token with %s may %s: %s', (_label, perm, expected, scopes) => {
    expect(can(token(...scopes), P[perm])).toBe(expected);
  });

  it('nobody writes the pseudo-namespace "*" (it means "every namespace", not a place to write)', () => {
    for (const access of ['write', 'admin'] as const) {
      expect(can(token({ access, namespaces: '*' }), { action: 'memory:write', namespace: '*' })).toBe(false);
    }
  });

  it('a token reads across namespaces only within its patterns', () => {
    expect(readableNamespacePatterns(token({ access: 'write', namespaces: 'other-*' }))).toEqual(['other-*']);
    expect(readableNamespacePatterns(user('viewer'))).toEqual(['*']);
    expect(readableNamespacePatterns({ kind: 'share', id: 'sh', sessionId: 's-1' })).toEqual([]);
    expect(readableNamespacePatterns({ kind: 'anonymous' })).toEqual([]);
  });
});

describe('can(): share links and anonymous', () => {
  const share: Principal = { kind: 'share', id: 'sh', sessionId: 's-1' };

  it.each(ALL_PERMS)('a share link for s-1 may %s only if it is viewing s-1', (perm) => {
    expect(can(share, P[perm])).toBe(perm === 'view session s-1');
  });

  it('a share link cannot view another session', () => {
    expect(can(share, { action: 'session:view', sessionId: 's-2' })).toBe(false);
    expect(can(share, { action: 'session:view', sessionId: '' })).toBe(false);
  });

  it.each(ALL_PERMS)('anonymous may not %s', (perm) => {
    expect(can({ kind: 'anonymous' }, P[perm])).toBe(false);
  });
});

describe('patternCovers() and scopeCovers(): a token mints nothing wider than itself', () => {
  const cases: [outer: string, inner: string, expected: boolean][] = [
    ['*', '*', true],
    ['*', 'team-*', true],
    ['*', 'anything', true],
    ['team-a', 'team-a', true],
    ['team-a', 'team-b', false],
    ['team-a', '*', false],
    ['team-a', 'team-*', false],
    ['team-a', 'team-a*', false],
    ['team-*', 'team-a', true],
    ['team-*', 'team-', true],
    ['team-*', 'team-*', true],
    ['team-*', 'team-a*', true],
    ['team-*', 'team-a-*-b', true],
    ['team-*', 'team*', false],
    ['team-*', '*', false],
    ['team-*', '*team-a', false],
    ['team-*', 'x-team-a', false],
    ['*-a', 'team-a', true],
    ['*-a', 'team-*-a', false], // safe rule: a leading-star pattern covers only plain names
    ['*-a', '*-a', true],
    ['a*b', 'a*b*', false],
    ['a*b', 'axxb', true],
  ];
  it.each(cases)('%s covers %s: %s', (outer, inner, expected) => {
    expect(patternCovers(outer, inner)).toBe(expected);
  });

  it('access must not exceed the covering scope', () => {
    expect(scopeCovers({ access: 'write', namespaces: '*' }, { access: 'read', namespaces: 'x' })).toBe(true);
    expect(scopeCovers({ access: 'write', namespaces: '*' }, { access: 'admin', namespaces: 'x' })).toBe(false);
    expect(scopeCovers({ access: 'admin', namespaces: 'x' }, { access: 'admin', namespaces: 'x' })).toBe(true);
    expect(scopeCovers({ access: 'admin', namespaces: 'x' }, { access: 'read', namespaces: 'y' })).toBe(false);
  });

  it('names the first requested scope that no held scope covers', () => {
    const held = [
      { access: 'read', namespaces: '*' },
      { access: 'admin', namespaces: 'ns-a' },
    ] as TokenScope[];
    expect(
      firstUncoveredScope(held, [
        { access: 'read', namespaces: 'ns-b' },
        { access: 'admin', namespaces: 'ns-a' },
      ]),
    ).toBe(-1);
    expect(
      firstUncoveredScope(held, [
        { access: 'read', namespaces: 'ns-b' },
        { access: 'write', namespaces: 'ns-b' },
      ]),
    ).toBe(1);
    expect(firstUncoveredScope(held, [{ access: 'admin', namespaces: '*' }])).toBe(0);
  });
});

describe('namespacePatternMatches()', () => {
  const cases: [pattern: string, namespace: string, expected: boolean][] = [
    ['*', 'team-a', true],
    ['*', '*', true],
    ['team-a', 'team-a', true],
    ['team-a', 'team-ab', false],
    ['team-a', 'Team-a', false],
    ['team-*', 'team-a', true],
    ['team-*', 'team-a/sub', true],
    ['team-*', 'team-', true],
    ['team-*', 'teams', false],
    ['team-*', 'other-team-a', false],
    ['team-*', 'TEAM-A', false],
    ['*-a', 'team-a', true],
    ['*-a', 'team-b', false],
    ['a.b', 'axb', false],
    ['a.*', 'a.b', true],
    ['a.*', 'axb', false],
    // "every namespace at once" is matched only by the pattern `*` itself.
    ['team-*', '*', false],
    ['team-a', '*', false],
    ['*-*', '*', false],
  ];

  it.each(cases)('%s matches %s: %s', (pattern, namespace, expected) => {
    expect(namespacePatternMatches(pattern, namespace)).toBe(expected);
  });

  // Cross-namespace reads filter in SQL with GLOB (server/memory/service.ts namespaceScope); the two
  // must agree on every real namespace, or a token would see in a list what it may not read.
  const db = new Database(':memory:');
  afterAll(() => db.close());
  const glob = db.prepare<[string, string], { m: number }>('SELECT ? GLOB ? AS m');
  it.each(cases.filter(([, namespace]) => namespace !== '*'))('SQL GLOB agrees: %s vs %s', (pattern, namespace, expected) => {
    expect(glob.get(namespace, pattern)!.m === 1).toBe(expected);
  });
});
