import { and, asc, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { txRunner, type DbHandle } from '../../db/client.ts';
import { apiTokens, authSession, authUser, invites, shareLinks, ROLES, type Role } from '../../db/schema.ts';
import { ACCESS_RANK, can, firstUncoveredScope, MAX_PATTERN_STARS, type Principal, type TokenAccess, type TokenScope } from '../../lib/access.ts';
import { BatonError, parseInput } from '../../lib/errors.ts';
import type { AuditLog } from './audit.ts';
import type { BetterAuth } from './better-auth.ts';
import { hashSecret, newId, newSecret } from './secrets.ts';

const emailSchema = z.string().trim().toLowerCase().email('must be an email address').max(254);
const passwordSchema = z.string().min(8, 'must be at least 8 characters').max(256, 'must be at most 256 characters');
const nameSchema = z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters');
export const accountInputSchema = z.object({ name: nameSchema, email: emailSchema, password: passwordSchema });
export const roleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });
const namespacePatternSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128)
  .regex(/^[A-Za-z0-9._:/*-]+$/, 'may contain only letters, digits, . _ : / - and *')
  .refine((p) => p.split('*').length - 1 <= MAX_PATTERN_STARS, `may contain at most ${MAX_PATTERN_STARS} *`);
export const tokenInputSchema = z.object({
  name: nameSchema,
  scopes: z
    .array(z.object({ access: z.enum(['read', 'write', 'admin'], { error: 'must be read, write or admin' }), namespaces: namespacePatternSchema }))
    .min(1, 'must grant at least one scope')
    .max(20),
  /** Days until it stops working: 90 unless given; `null` is the deliberate choice of a token that never expires. */
  expiresInDays: z.number().int().min(1).max(3650).nullable().default(90),
});
export const inviteInputSchema = z.object({
  role: roleSchema,
  email: emailSchema.optional(),
  expiresInHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(72),
});
const accountPatchSchema = z
  .object({ role: z.unknown().optional(), disabled: z.boolean({ error: 'must be true or false' }).optional() })
  .refine((b) => b.role !== undefined || b.disabled !== undefined, { message: 'send role, disabled or both', path: ['body'] });
export const passwordChangeSchema = z.object({
  currentPassword: z.string({ error: 'is required' }).min(1, 'is required').max(256, 'must be at most 256 characters'),
  newPassword: passwordSchema,
});
export const shareInputSchema = z.object({
  sessionId: z.string().trim().min(1, 'must not be empty').max(200),
  expiresInHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24),
});

const TOUCH_EVERY_MS = 60_000;
/** How long a verified token is trusted without a lookup (revocations in this process clear it at once). */
const TOKEN_CACHE_MS = 5_000;

/** The account a caller acts for: a person, or the owner of a token; null for share links and anonymous callers. */
const accountIdOf = (p: Principal): string | null => (p.kind === 'user' ? p.id : p.kind === 'token' ? p.ownerId : null);

/** The most a token may do for an owner of each role (a member cannot mint admin tokens either). */
const ROLE_CEILING: Record<Role, TokenAccess> = { viewer: 'read', member: 'write', admin: 'admin' };

/**
 * Writes one audit row for a caller's change to accounts, tokens, invitations or share links: the
 * write gate's (server/gate.ts), which knows who is calling and over what. Identity's own rows are
 * only for the ways in without a caller (setup, accepting an invitation, the bootstrap owner).
 * Null: an internal call (tests, benchmarks setting up) that no caller made.
 */
export type AuditRecorder = (entry: { action: string; target: string; detail?: Record<string, unknown>; outcome?: 'ok' | 'failed' }) => void;

export interface IdentityOptions {
  now?: () => number;
  /** Closes what a principal had open (its sockets) when its access shrinks. */
  onAccessChanged?: (principal: Principal) => void;
}

/**
 * Accounts, roles, invitations, API tokens and share links, and turning a request's credentials
 * into a Principal. Passwords and cookie sessions are better-auth's; everything else is here.
 */
export class Identity {
  private readonly now: () => number;
  private readonly q;
  /** Called when a principal's access shrinks (token or share link revoked, role changed, account disabled). */
  private readonly onAccessChanged: (principal: Principal) => void;
  private generation = 0;
  /** Moves on at every access change in this process: a cached principal from an older generation is stale. */
  get accessGeneration(): number {
    return this.generation;
  }
  private accessChanged(principal: Principal) {
    this.forgetCachedAccess();
    this.onAccessChanged(principal);
  }

  /** Drops every cached principal (another node changed someone's access: it tells this one through the cluster). */
  forgetCachedAccess(): void {
    this.generation++;
    this.tokenCache.clear();
  }

  constructor(
    private readonly h: DbHandle,
    readonly auth: BetterAuth,
    private readonly audit: AuditLog,
    options: IdentityOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.onAccessChanged = options.onAccessChanged ?? (() => {});
    const s = h.sqlite;
    this.q = {
      tokenByHash: s.prepare<
        [string],
        { id: string; name: string; scopes: string; createdBy: string; expiresAt: number | null; revokedAt: number | null; lastUsedAt: number | null }
      >(
        'SELECT id, name, scopes, created_by AS createdBy, expires_at AS expiresAt, revoked_at AS revokedAt, last_used_at AS lastUsedAt FROM api_tokens WHERE token_hash = ?',
      ),
      tokenById: s.prepare<[string], { revokedAt: number | null; expiresAt: number | null; scopes: string; createdBy: string }>(
        'SELECT revoked_at AS revokedAt, expires_at AS expiresAt, scopes, created_by AS createdBy FROM api_tokens WHERE id = ?',
      ),
      touchToken: s.prepare<[number, string]>('UPDATE api_tokens SET last_used_at = ? WHERE id = ?'),
      userById: s.prepare<[string], { id: string; name: string; email: string; role: Role; disabled: number }>(
        'SELECT id, name, email, role, disabled FROM auth_user WHERE id = ?',
      ),
      shareByHash: s.prepare<[string], { id: string; sessionId: string; expiresAt: number; revokedAt: number | null }>(
        'SELECT id, session_id AS sessionId, expires_at AS expiresAt, revoked_at AS revokedAt FROM share_links WHERE token_hash = ?',
      ),
      shareById: s.prepare<[string], { expiresAt: number; revokedAt: number | null }>(
        'SELECT expires_at AS expiresAt, revoked_at AS revokedAt FROM share_links WHERE id = ?',
      ),
      userCount: s.prepare<[], { n: number }>('SELECT count(*) AS n FROM auth_user'),
    };
  }

  // ---- principals --------------------------------------------------------------------------

  /** Bearer token, then share link, then the cookie session; anything invalid is anonymous. */
  async principalFrom(headers: Headers, share?: string | null): Promise<Principal> {
    const authz = headers.get('authorization');
    if (authz?.toLowerCase().startsWith('bearer ')) return this.tokenPrincipal(authz.slice(7).trim()) ?? { kind: 'anonymous' };
    if (share) return this.sharePrincipal(share) ?? { kind: 'anonymous' };
    if (!headers.get('cookie')) return { kind: 'anonymous' };
    const session = await this.auth.api.getSession({ headers }).catch(() => null);
    if (!session) return { kind: 'anonymous' };
    return this.userPrincipal(session.user.id) ?? { kind: 'anonymous' };
  }

  userPrincipal(id: string): Principal | null {
    const u = this.q.userById.get(id);
    if (!u || u.disabled) return null;
    return { kind: 'user', id: u.id, name: u.name, email: u.email, role: u.role };
  }

  tokenPrincipal(secret: string): Principal | null {
    if (!secret.startsWith('btn_') || secret.length > 200) return null;
    const now = this.now();
    // Agents send the same token with every write: a short cache saves a hash, two reads and a parse
    // per request. Any access change in this process (revoke, role change) clears it at once.
    const cached = this.tokenCache.get(secret);
    if (cached && cached.until > now && (!cached.expiresAt || cached.expiresAt > now)) return cached.principal;
    const principal = this.lookupToken(secret, now);
    if (this.tokenCache.size > 1000) this.tokenCache.clear();
    if (principal) this.tokenCache.set(secret, { principal, until: now + TOKEN_CACHE_MS, expiresAt: this.tokenExpiry.get(principal.id) ?? null });
    return principal;
  }

  private readonly tokenCache = new Map<string, { principal: Principal & { kind: 'token' }; until: number; expiresAt: number | null }>();
  private readonly tokenExpiry = new Map<string, number | null>();

  private lookupToken(secret: string, now: number): (Principal & { kind: 'token' }) | null {
    const row = this.q.tokenByHash.get(hashSecret(secret));
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
    const scopes = this.ownerCappedScopes(row.createdBy, row.scopes);
    if (!scopes) return null;
    if (!row.lastUsedAt || now - row.lastUsedAt > TOUCH_EVERY_MS) this.q.touchToken.run(now, row.id);
    this.tokenExpiry.set(row.id, row.expiresAt);
    return { kind: 'token', id: row.id, name: row.name, ownerId: row.createdBy, scopes };
  }

  /**
   * A token acts for its owner and never beyond the owner as they are now: its scopes are capped
   * by the owner's current role, and a disabled or missing owner's tokens stop working. Without
   * this, demoting an admin left their admin-scoped tokens with full admin power (enough to
   * promote the owner back), and a demoted member's tokens could still write.
   */
  private ownerCappedScopes(ownerId: string, storedScopes: string): TokenScope[] | null {
    const owner = this.q.userById.get(ownerId);
    if (!owner || owner.disabled) return null;
    const ceiling = ROLE_CEILING[owner.role];
    return (JSON.parse(storedScopes) as TokenScope[]).map((s) => (ACCESS_RANK[s.access] > ACCESS_RANK[ceiling] ? { ...s, access: ceiling } : s));
  }

  sharePrincipal(secret: string): Principal | null {
    if (!secret.startsWith('bsh_') || secret.length > 200) return null;
    const row = this.q.shareByHash.get(hashSecret(secret));
    if (!row || row.revokedAt || row.expiresAt <= this.now()) return null;
    return { kind: 'share', id: row.id, sessionId: row.sessionId };
  }

  /**
   * Re-reads a principal that was resolved earlier (a socket's, at its handshake): a revoked token,
   * an expired share link, a changed role or a disabled account takes effect on the next event.
   */
  refresh(principal: Principal): Principal {
    switch (principal.kind) {
      case 'anonymous':
      case 'local':
        return principal;
      case 'user':
        return this.userPrincipal(principal.id) ?? { kind: 'anonymous' };
      case 'token': {
        const row = this.q.tokenById.get(principal.id);
        if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= this.now())) return { kind: 'anonymous' };
        const scopes = this.ownerCappedScopes(row.createdBy, row.scopes);
        return scopes ? { ...principal, scopes } : { kind: 'anonymous' };
      }
      case 'share': {
        const row = this.q.shareById.get(principal.id);
        return !row || row.revokedAt || row.expiresAt <= this.now() ? { kind: 'anonymous' } : principal;
      }
    }
  }

  // ---- accounts ----------------------------------------------------------------------------

  hasUsers(): boolean {
    return this.q.userCount.get()!.n > 0;
  }

  /** Creates an account through better-auth (hashing the password) and gives it a role. */
  private async createAccount(input: unknown, role: Role): Promise<{ userId: string; response: Response }> {
    const data = parseInput(accountInputSchema, input);
    const existing = this.h.db.select({ id: authUser.id }).from(authUser).where(eq(authUser.email, data.email)).get();
    if (existing) throw new BatonError('invalid_input', 'email: an account with this email already exists', { field: 'email' });
    const response = await this.auth.api.signUpEmail({ body: data, asResponse: true });
    if (!response.ok) throw new BatonError('invalid_input', 'email: the account could not be created', { field: 'email' });
    const user = this.h.db.select({ id: authUser.id }).from(authUser).where(eq(authUser.email, data.email)).get()!;
    this.h.db.update(authUser).set({ role }).where(eq(authUser.id, user.id)).run();
    return { userId: user.id, response };
  }

  /** First run: the first account is the owner (admin). Refused once any account exists. */
  async setup(input: unknown, ip: string | null): Promise<Response> {
    if (this.hasUsers()) throw new BatonError('invalid_input', 'setup: Baton already has an owner; sign in instead', { field: 'setup' });
    const { userId, response } = await this.createAccount(input, 'admin');
    this.audit.record({ principal: this.userPrincipal(userId)!, action: 'account.setup', target: userId, ip });
    return response;
  }

  /** Headless installs: BATON_ADMIN_EMAIL / BATON_ADMIN_PASSWORD create the owner on first start. */
  async bootstrapAdmin(input: { name?: string; email: string; password: string }): Promise<boolean> {
    if (this.hasUsers()) return false;
    const { userId } = await this.createAccount({ name: input.name ?? 'Admin', email: input.email, password: input.password }, 'admin');
    this.audit.record({ principal: { kind: 'anonymous' }, action: 'account.bootstrap', target: userId });
    return true;
  }

  listUsers() {
    return this.h.db
      .select({ id: authUser.id, name: authUser.name, email: authUser.email, role: authUser.role, disabled: authUser.disabled, createdAt: authUser.createdAt })
      .from(authUser)
      .orderBy(asc(authUser.createdAt))
      .all();
  }

  setRole(by: Principal, userId: string, roleInput: unknown, record: AuditRecorder | null) {
    const role = parseInput(roleSchema, roleInput, 'role');
    const user = this.q.userById.get(userId);
    if (!user) throw new BatonError('not_found', 'userId: no such account', { field: 'userId' });
    if (user.role === 'admin' && role !== 'admin') {
      if (this.enabledAdmins() <= 1) throw new BatonError('invalid_input', 'role: Baton needs at least one admin', { field: 'role' });
    }
    this.h.db
      .update(authUser)
      .set({ role, updatedAt: new Date(this.now()) })
      .where(eq(authUser.id, userId))
      .run();
    record?.({ action: 'account.role', target: userId, detail: { from: user.role, to: role } });
    this.accessChanged({ kind: 'user', id: userId, name: user.name, email: user.email, role });
    return { id: userId, role };
  }

  /**
   * Disables or enables an account. A disabled person's browser sessions are deleted, their tokens
   * and share links stop (every principal re-read checks the owner), and their open connections,
   * and those of their tokens, are closed at once. Nobody disables themself or the last admin.
   */
  setDisabled(by: Principal, userId: string, disabled: boolean, record: AuditRecorder | null) {
    const user = this.q.userById.get(userId);
    if (!user) throw new BatonError('not_found', 'userId: no such account', { field: 'userId' });
    if (disabled && accountIdOf(by) === userId) throw new BatonError('invalid_input', 'disabled: you cannot disable your own account', { field: 'disabled' });
    if (disabled && user.role === 'admin' && !user.disabled && this.enabledAdmins() <= 1) {
      throw new BatonError('invalid_input', 'disabled: Baton needs at least one admin', { field: 'disabled' });
    }
    if (Boolean(user.disabled) !== disabled) {
      this.h.db
        .update(authUser)
        .set({ disabled, updatedAt: new Date(this.now()) })
        .where(eq(authUser.id, userId))
        .run();
      if (disabled) this.endSessions(userId);
      record?.({ action: disabled ? 'account.disable' : 'account.enable', target: userId });
      if (disabled) {
        this.accessChanged({ kind: 'user', id: userId, name: user.name, email: user.email, role: user.role });
        const tokens = this.h.db.select({ id: apiTokens.id, name: apiTokens.name }).from(apiTokens).where(eq(apiTokens.createdBy, userId)).all();
        for (const t of tokens) this.accessChanged({ kind: 'token', id: t.id, name: t.name, ownerId: userId, scopes: [] });
      }
    }
    return { id: userId, role: user.role, disabled };
  }

  private enabledAdmins(): number {
    return this.h.db
      .select({ n: sql<number>`count(*)` })
      .from(authUser)
      .where(and(eq(authUser.role, 'admin'), eq(authUser.disabled, false)))
      .get()!.n;
  }

  /**
   * After a right password: when the account with this email is disabled, ends the sessions the
   * sign-in just made and says so (the route answers 403 instead of signing in).
   */
  refuseDisabledSignIn(email: string): boolean {
    const row = this.h.db.select({ id: authUser.id, disabled: authUser.disabled }).from(authUser).where(eq(authUser.email, email.trim().toLowerCase())).get();
    if (!row?.disabled) return false;
    this.endSessions(row.id);
    return true;
  }

  private endSessions(userId: string): void {
    this.h.db.delete(authSession).where(eq(authSession.userId, userId)).run();
  }

  /**
   * An admin's change to an account (`PATCH /api/v1/users/:id`): role, disabled, or both, in one
   * transaction. Enabling comes before a role change and disabling after it, so each step's
   * admin rule sees the account as the caller means it. Answers the account as it now is.
   */
  updateAccount(by: Principal, userId: string, input: unknown, record: AuditRecorder | null) {
    const change = parseInput(accountPatchSchema, input);
    return txRunner(this.h.sqlite).immediate(() => {
      if (change.disabled === false) this.setDisabled(by, userId, false, record);
      if (change.role !== undefined) this.setRole(by, userId, change.role, record);
      if (change.disabled === true) this.setDisabled(by, userId, true, record);
      const user = this.q.userById.get(userId)!;
      return { id: userId, role: user.role, disabled: !!user.disabled };
    }) as { id: string; role: Role; disabled: boolean };
  }

  /**
   * A signed-in person changes their own password (better-auth checks the current one and hashes
   * the new one). Every other browser signed in as them is signed out and their open connections
   * close; the answer carries this browser's new session cookie.
   */
  async changePassword(by: Principal, headers: Headers, input: unknown, record: AuditRecorder | null): Promise<Response> {
    if (by.kind !== 'user') throw new BatonError('forbidden', 'Only a signed-in person can change their password (not an API token or a share link)');
    const data = parseInput(passwordChangeSchema, input);
    if (data.currentPassword === data.newPassword) {
      throw new BatonError('invalid_input', 'newPassword: must differ from the current password', { field: 'newPassword' });
    }
    const res = await this.auth.api
      .changePassword({ body: { currentPassword: data.currentPassword, newPassword: data.newPassword, revokeOtherSessions: true }, headers, asResponse: true })
      .catch(() => null);
    if (!res?.ok) {
      record?.({ action: 'account.password.failed', target: by.id, outcome: 'failed' });
      throw new BatonError('invalid_input', 'currentPassword: is wrong', { field: 'currentPassword' });
    }
    record?.({ action: 'account.password', target: by.id });
    // Sockets of other browsers still hold the old session's principal: close them all (this
    // browser's reconnect with the new cookie).
    this.accessChanged(by);
    const out = new Headers({ 'content-type': 'application/json' });
    for (const cookie of res.headers.getSetCookie()) out.append('set-cookie', cookie);
    return new Response(JSON.stringify({ changed: true }), { status: 200, headers: out });
  }

  // ---- invitations -------------------------------------------------------------------------

  createInvite(by: Principal & { kind: 'user' | 'token' }, input: unknown, record: AuditRecorder | null) {
    const data = parseInput(inviteInputSchema, input);
    const token = newSecret('binv');
    const id = newId();
    const now = this.now();
    const expiresAt = now + data.expiresInHours * 3600_000;
    this.h.db
      .insert(invites)
      .values({ id, tokenHash: hashSecret(token), role: data.role, email: data.email ?? null, createdBy: by.id, createdAt: now, expiresAt })
      .run();
    record?.({ action: 'invite.create', target: id, detail: { role: data.role } });
    return { id, token, path: `/invite/${token}`, role: data.role, expiresAt: new Date(expiresAt).toISOString() };
  }

  listInvites() {
    return this.h.db
      .select({
        id: invites.id,
        role: invites.role,
        email: invites.email,
        createdAt: invites.createdAt,
        expiresAt: invites.expiresAt,
        acceptedAt: invites.acceptedAt,
        revokedAt: invites.revokedAt,
      })
      .from(invites)
      .orderBy(desc(invites.createdAt))
      .all();
  }

  revokeInvite(id: string, record: AuditRecorder | null) {
    const r = this.h.db
      .update(invites)
      .set({ revokedAt: this.now() })
      .where(and(eq(invites.id, id), isNull(invites.revokedAt), isNull(invites.acceptedAt)))
      .run();
    if (r.changes === 0) throw new BatonError('not_found', 'id: no open invitation with this id', { field: 'id' });
    record?.({ action: 'invite.revoke', target: id });
    return { id, revoked: true };
  }

  /** What the invitation page shows before the invitee picks a password. */
  inviteInfo(token: string) {
    const row = this.h.db
      .select()
      .from(invites)
      .where(eq(invites.tokenHash, hashSecret(token)))
      .get();
    if (!row || row.revokedAt || row.acceptedAt || row.expiresAt <= this.now()) {
      throw new BatonError('not_found', 'token: this invitation is invalid, used or expired', { field: 'token' });
    }
    return { role: row.role, email: row.email, expiresAt: new Date(row.expiresAt).toISOString() };
  }

  async acceptInvite(token: string, input: unknown, ip: string | null): Promise<Response> {
    const info = this.inviteInfo(token);
    const data = parseInput(accountInputSchema, input);
    if (info.email && info.email !== data.email) throw new BatonError('invalid_input', `email: this invitation is for ${info.email}`, { field: 'email' });
    // Claim the invitation before creating the account: creating it awaits password hashing, and
    // without the claim concurrent accepts of one invitation each passed the check and made an account.
    const tokenHash = hashSecret(token);
    const now = this.now();
    const claimed = this.h.db
      .update(invites)
      .set({ acceptedAt: now })
      .where(and(eq(invites.tokenHash, tokenHash), isNull(invites.acceptedAt), isNull(invites.revokedAt), gt(invites.expiresAt, now)))
      .run();
    if (claimed.changes === 0) throw new BatonError('not_found', 'token: this invitation is invalid, used or expired', { field: 'token' });
    let created: { userId: string; response: Response };
    try {
      created = await this.createAccount(data, info.role);
    } catch (err) {
      // The account was not made (e.g. the email is taken): the invitation stays usable.
      this.h.db
        .update(invites)
        .set({ acceptedAt: null })
        .where(and(eq(invites.tokenHash, tokenHash), isNull(invites.acceptedBy)))
        .run();
      throw err;
    }
    const { userId, response } = created;
    this.h.db.update(invites).set({ acceptedBy: userId }).where(eq(invites.tokenHash, tokenHash)).run();
    this.audit.record({ principal: this.userPrincipal(userId)!, action: 'invite.accept', target: userId, ip, detail: { role: info.role } });
    return response;
  }

  // ---- API tokens --------------------------------------------------------------------------

  createToken(by: Principal & { kind: 'user' | 'token' }, input: unknown, record: AuditRecorder | null) {
    const data = parseInput(tokenInputSchema, input);
    if (by.kind === 'user' && by.role !== 'admin') {
      // A member's token can never exceed the member: no admin scope.
      if (data.scopes.some((s) => s.access === 'admin')) throw new BatonError('invalid_input', 'scopes: only admins can grant admin', { field: 'scopes' });
    }
    if (by.kind === 'token') {
      // A token never mints a token that may do more than itself.
      const i = firstUncoveredScope(by.scopes, data.scopes);
      if (i >= 0) throw new BatonError('invalid_input', `scopes.${i}: wider than the scopes of the token making it`, { field: `scopes.${i}` });
    }
    const token = newSecret('btn');
    const id = newId();
    const now = this.now();
    const expiresAt = data.expiresInDays ? now + data.expiresInDays * 86_400_000 : null;
    const ownerId = accountIdOf(by)!;
    this.h.db
      .insert(apiTokens)
      .values({
        id,
        name: data.name,
        tokenHash: hashSecret(token),
        prefix: token.slice(0, 10),
        scopes: JSON.stringify(data.scopes),
        createdBy: ownerId,
        createdAt: now,
        expiresAt,
      })
      .run();
    record?.({ action: 'token.create', target: id, detail: { name: data.name, scopes: data.scopes } });
    return { id, token, name: data.name, prefix: token.slice(0, 10), scopes: data.scopes, expiresAt: expiresAt ? new Date(expiresAt).toISOString() : null };
  }

  /** Admins (and tokens with admin on `*`) manage everyone's tokens and share links; others their own. */
  private manages(by: Principal, createdBy: string): boolean {
    return can(by, { action: 'admin' }) || createdBy === accountIdOf(by);
  }

  /** Admins see every token; others their own. Never the secret. */
  listTokens(by: Principal) {
    const rows = this.h.db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt)).all();
    return rows
      .filter((r) => this.manages(by, r.createdBy))
      .map((r) => ({
        id: r.id,
        name: r.name,
        prefix: r.prefix,
        scopes: JSON.parse(r.scopes) as TokenScope[],
        createdBy: r.createdBy,
        createdAt: new Date(r.createdAt).toISOString(),
        expiresAt: r.expiresAt ? new Date(r.expiresAt).toISOString() : null,
        revokedAt: r.revokedAt ? new Date(r.revokedAt).toISOString() : null,
        lastUsedAt: r.lastUsedAt ? new Date(r.lastUsedAt).toISOString() : null,
      }));
  }

  revokeToken(by: Principal, id: string, record: AuditRecorder | null) {
    const mine = this.listTokens(by).find((t) => t.id === id);
    if (!mine) throw new BatonError('not_found', 'id: no token with this id that you may revoke', { field: 'id' });
    this.h.db
      .update(apiTokens)
      .set({ revokedAt: this.now() })
      .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
      .run();
    record?.({ action: 'token.revoke', target: id });
    this.accessChanged({ kind: 'token', id, name: mine.name, ownerId: mine.createdBy, scopes: mine.scopes });
    return { id, revoked: true };
  }

  // ---- share links -------------------------------------------------------------------------

  createShareLink(by: Principal & { kind: 'user' | 'token' }, input: unknown, record: AuditRecorder | null) {
    const data = parseInput(shareInputSchema, input);
    const token = newSecret('bsh');
    const id = newId();
    const now = this.now();
    const expiresAt = now + data.expiresInHours * 3600_000;
    this.h.db
      .insert(shareLinks)
      .values({ id, tokenHash: hashSecret(token), sessionId: data.sessionId, createdBy: by.kind === 'user' ? by.id : by.ownerId, createdAt: now, expiresAt })
      .run();
    record?.({ action: 'share.create', target: data.sessionId, detail: { id } });
    return {
      id,
      token,
      sessionId: data.sessionId,
      path: `/sessions/${encodeURIComponent(data.sessionId)}?share=${token}`,
      expiresAt: new Date(expiresAt).toISOString(),
    };
  }

  /** Admins see every share link; others their own (like tokens: members manage only what they made). */
  listShareLinks(by: Principal) {
    return this.h.db
      .select({
        id: shareLinks.id,
        sessionId: shareLinks.sessionId,
        createdBy: shareLinks.createdBy,
        createdAt: shareLinks.createdAt,
        expiresAt: shareLinks.expiresAt,
        revokedAt: shareLinks.revokedAt,
      })
      .from(shareLinks)
      .orderBy(desc(shareLinks.createdAt))
      .all()
      .filter((l) => this.manages(by, l.createdBy));
  }

  revokeShareLink(by: Principal, id: string, record: AuditRecorder | null) {
    // Before, any member could revoke anyone's share link (and list them all).
    const link = this.h.db.select({ createdBy: shareLinks.createdBy }).from(shareLinks).where(eq(shareLinks.id, id)).get();
    if (!link || !this.manages(by, link.createdBy)) throw new BatonError('not_found', 'id: no active share link with this id', { field: 'id' });
    const r = this.h.db
      .update(shareLinks)
      .set({ revokedAt: this.now() })
      .where(and(eq(shareLinks.id, id), isNull(shareLinks.revokedAt)))
      .run();
    if (r.changes === 0) throw new BatonError('not_found', 'id: no active share link with this id', { field: 'id' });
    record?.({ action: 'share.revoke', target: id });
    this.accessChanged({ kind: 'share', id, sessionId: '' });
    return { id, revoked: true };
  }
}
