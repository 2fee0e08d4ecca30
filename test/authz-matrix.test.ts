// The authorization matrix: every REST route and every client→server socket event, for every kind
// of caller. Routes and events are discovered from the running app and lib/events.ts, so adding one
// without adding its row here fails the coverage test below.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../lib/access.ts';
import { CLIENT_EVENTS, type ClientEventName } from '../lib/events.ts';
import { PUBLIC_ROUTES } from '../server/http/api.ts';
import { handoffActor } from '../server/handoffs/ops.ts';
import { cookieHeaders, emitAck, handshake, invitedUser, rawSocket, signIn, type TestUser } from './auth-helpers.ts';
import { api, startTestServer, TEST_ADMIN, TEST_STORE, type TestServer } from './helpers.ts';

/** The rows: one caller of each kind. */
const PRINCIPALS = ['anonymous', 'viewer', 'member', 'admin', 'otherNs', 'share', 'revoked', 'expiredShare'] as const;
type Who = (typeof PRINCIPALS)[number];
/** Callers whose credentials are missing or dead: denied with 401, as if they sent none. */
const ANONYMOUS_LIKE: ReadonlySet<Who> = new Set(['anonymous', 'revoked', 'expiredShare']);

// Who is allowed, by group. Everyone else is denied: 401 when anonymous-like, 403 otherwise.
const EVERYONE: readonly Who[] = PRINCIPALS;
const SIGNED_IN: readonly Who[] = ['viewer', 'member', 'admin', 'otherNs', 'share'];
const READERS: readonly Who[] = ['viewer', 'member', 'admin'];
const WRITERS: readonly Who[] = ['member', 'admin'];
const ADMINS: readonly Who[] = ['admin'];
/** Cross-namespace lists: a scoped token may call them, and gets only its own namespaces back. */
const LISTERS: readonly Who[] = [...READERS, 'otherNs'];

const NS = 'team-a';
const OTHER_NS = 'other-x';
const SESSION = 's-1';

interface Fixture {
  s: TestServer;
  users: Record<'viewer' | 'member' | 'target', TestUser>;
  adminCookie: string;
  /** A second cookie session per cookie principal, for signing out without losing the first. */
  spareCookie: Partial<Record<Who, string>>;
  credentials: Record<Who, Record<string, string>>;
  otherNsToken: string;
  revokedToken: string;
  shareSecret: string;
  expiredShareSecret: string;
  openInviteToken: string;
  checkpointId: number;
}
let f: Fixture;

/** A webhook for a probe to change or delete (made directly: the matrix server refuses loopback URLs). */
const matrixWebhook = () => f.s.app.notify.webhooks.create({ url: 'http://127.0.0.1:9/hook' }, 'matrix').id;

/** The principal whose user owns what a caller creates (its own tokens and share links). */
function ownerOf(who: Who): Principal & { kind: 'user' } {
  const id = who === 'viewer' || who === 'member' ? f.users[who].id : f.s.admin.id;
  return f.s.app.identity.userPrincipal(id) as Principal & { kind: 'user' };
}

interface Probe {
  path: string;
  json?: unknown;
  headers?: Record<string, string>;
}
interface RouteExpectation {
  allow: readonly Who[];
  /** The request to send, built per caller (fresh ids for the DELETE routes). */
  probe: (who: Who) => Probe;
  /** Status codes an allowed caller may get; by default any 2xx. */
  allowStatus?: number[];
  /** Extra checks on an allowed response, e.g. that a cross-namespace list is filtered. */
  check?: (who: Who, body: any) => void;
}

const entryQuery = (key: string) => `namespace=${NS}&key=${encodeURIComponent(key)}`;
const initializeRequest = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'authz-matrix', version: '0' } },
};

/** Namespaces in a cross-namespace answer: a scoped token sees its own, never team-a. */
function expectFiltered(who: Who, namespaces: string[]) {
  expect(namespaces, `${who} sees ${OTHER_NS}`).toContain(OTHER_NS);
  if (who === 'otherNs') expect(namespaces, `${who} must not see ${NS}`).not.toContain(NS);
  else expect(namespaces, `${who} sees ${NS}`).toContain(NS);
}

let freshCount = 0;
/** A new session in team-a, for probes that need one of their own. */
function freshSession(who: Who): string {
  const id = `ho-${who}-${++freshCount}`;
  f.s.app.memory.store({ namespace: NS, key: `session/${id}/init`, value: JSON.stringify({ session_id: id, goals: ['g'] }) }, 'setup');
  return id;
}
/** A pending handoff to the team on a fresh session; sent by the caller itself when `ownSender`. */
function freshHandoff(who: Who, ownSender = false) {
  const sessionId = freshSession(who);
  const sender: Principal = ownSender && (who === 'viewer' || who === 'member' || who === 'admin') ? ownerOf(who) : ownerOf('admin');
  return f.s.app.handoffs.create(sessionId, { to: { kind: 'team' } }, { ...handoffActor(sender, f.s.app.sessions, sessionId), canWrite: true }, 'api');
}

/** THE table: one row per "METHOD path" the app registers. */
const ROUTES: Record<string, RouteExpectation> = {
  // ---- public: how one gets credentials --------------------------------------------------------
  'GET /api/v1/health': { allow: EVERYONE, probe: () => ({ path: '/api/v1/health' }) },
  // MCP authorization discovery (RFC 9728 metadata; any other /.well-known path is a JSON 404).
  'GET /.well-known/oauth-protected-resource': {
    allow: EVERYONE,
    probe: () => ({ path: '/.well-known/oauth-protected-resource' }),
    check: (_w, b) => expect(b.bearer_methods_supported).toEqual(['header']),
  },
  'GET /.well-known/oauth-protected-resource/mcp': {
    allow: EVERYONE,
    probe: () => ({ path: '/.well-known/oauth-protected-resource/mcp' }),
    check: (_w, b) => expect(b.resource).toMatch(/\/mcp$/),
  },
  'ALL /.well-known/*': {
    allow: EVERYONE,
    allowStatus: [404],
    probe: () => ({ path: '/.well-known/oauth-authorization-server' }),
    check: (_w, b) => expect(b.error.code).toBe('not_found'),
  },
  'GET /api/v1/setup': { allow: EVERYONE, probe: () => ({ path: '/api/v1/setup' }), check: (_w, b) => expect(b.needed).toBe(false) },
  // Already set up: everyone reaches it and is told so (422), nobody becomes an owner.
  'POST /api/v1/setup': {
    allow: EVERYONE,
    allowStatus: [422],
    probe: () => ({ path: '/api/v1/setup', json: { name: 'Intruder', email: 'intruder@example.test', password: 'intruder password' } }),
    check: (_w, b) => expect(b.error.field).toBe('setup'),
  },
  'POST /api/auth/sign-in/email': {
    allow: EVERYONE,
    probe: () => ({ path: '/api/auth/sign-in/email', json: { email: f.users.target.email, password: f.users.target.password } }),
  },
  'POST /api/auth/sign-out': { allow: EVERYONE, probe: (who) => ({ path: '/api/auth/sign-out', json: {}, headers: spareCredentials(who) }) },
  'GET /api/auth/get-session': { allow: EVERYONE, probe: () => ({ path: '/api/auth/get-session' }) },
  'GET /api/v1/invites/:token': { allow: EVERYONE, probe: () => ({ path: `/api/v1/invites/${f.openInviteToken}` }) },
  // A used-up invitation: reachable by everyone, and a 404 rather than a new account.
  'POST /api/v1/invites/:token/accept': {
    allow: EVERYONE,
    allowStatus: [404],
    probe: () => ({ path: '/api/v1/invites/binv_not-a-real-invitation/accept', json: { name: 'X', email: 'x@example.test', password: 'x password 1' } }),
  },

  // ---- any signed-in caller -------------------------------------------------------------------
  'GET /api/v1/me': { allow: SIGNED_IN, probe: () => ({ path: '/api/v1/me' }) },
  // A person's own notification preferences and what needs them (tokens and share links have none).
  'GET /api/v1/me/notifications': { allow: READERS, probe: () => ({ path: '/api/v1/me/notifications' }) },
  'PUT /api/v1/me/notifications': { allow: READERS, probe: () => ({ path: '/api/v1/me/notifications', json: { quiet: false } }) },
  'GET /api/v1/needs-you': { allow: READERS, probe: () => ({ path: '/api/v1/needs-you' }) },
  // People only (tokens and share links are refused). The probe's current password is wrong, so an
  // allowed caller reaches the check and is told so (422), and nobody's password changes here.
  'POST /api/v1/me/password': {
    allow: READERS,
    allowStatus: [422],
    probe: () => ({ path: '/api/v1/me/password', json: { currentPassword: 'not the password', newPassword: 'a new password 1' } }),
    check: (_w, b) => expect(b.error.field).toBe('currentPassword'),
  },
  // Opening an MCP session; what its tools may do is checked per call (see the MCP tests below).
  'ALL /mcp': {
    allow: SIGNED_IN,
    probe: () => ({ path: '/mcp', json: initializeRequest, headers: { accept: 'application/json, text/event-stream' } }),
  },

  // ---- admin ----------------------------------------------------------------------------------
  'GET /api/v1/users': { allow: ADMINS, probe: () => ({ path: '/api/v1/users' }) },
  'PATCH /api/v1/users/:id': { allow: ADMINS, probe: () => ({ path: `/api/v1/users/${f.users.target.id}`, json: { role: 'viewer' } }) },
  'GET /api/v1/invites': { allow: ADMINS, probe: () => ({ path: '/api/v1/invites' }) },
  'POST /api/v1/invites': { allow: ADMINS, probe: () => ({ path: '/api/v1/invites', json: { role: 'viewer' } }) },
  'DELETE /api/v1/invites/:id': {
    allow: ADMINS,
    probe: () => ({ path: `/api/v1/invites/${f.s.app.identity.createInvite(f.s.admin, { role: 'viewer' }, null).id}` }),
  },
  'GET /api/v1/audit': { allow: ADMINS, probe: () => ({ path: '/api/v1/audit?limit=5' }) },
  // Webhooks (issue 18). This server has no WEBHOOK_ALLOW_PRIVATE: an allowed caller's loopback URL is refused (422).
  'GET /api/v1/webhooks': { allow: ADMINS, probe: () => ({ path: '/api/v1/webhooks' }) },
  'POST /api/v1/webhooks': { allow: ADMINS, allowStatus: [422], probe: () => ({ path: '/api/v1/webhooks', json: { url: 'http://127.0.0.1:9/hook' } }) },
  'PATCH /api/v1/webhooks/:id': { allow: ADMINS, probe: () => ({ path: `/api/v1/webhooks/${matrixWebhook()}`, json: { description: 'probed' } }) },
  'DELETE /api/v1/webhooks/:id': { allow: ADMINS, probe: () => ({ path: `/api/v1/webhooks/${matrixWebhook()}` }) },
  'GET /api/v1/webhooks/:id/deliveries': { allow: ADMINS, probe: () => ({ path: `/api/v1/webhooks/${matrixWebhook()}/deliveries` }) },
  'POST /api/v1/webhooks/:id/deliveries/:delivery/redeliver': {
    allow: ADMINS,
    allowStatus: [404],
    probe: () => ({ path: `/api/v1/webhooks/${matrixWebhook()}/deliveries/dlv_none/redeliver` }),
  },
  'GET /api/v1/export': { allow: ADMINS, probe: () => ({ path: '/api/v1/export?namespace=none-such' }) },
  // An empty body is refused as a file without its header, once the caller is let through.
  'POST /api/v1/import': { allow: ADMINS, allowStatus: [422], probe: () => ({ path: '/api/v1/import?dryRun=1' }) },
  'GET /api/v1/backups': { allow: ADMINS, probe: () => ({ path: '/api/v1/backups' }) },
  // No BACKUP_DIR on this server: refused with 422 once the caller is let through. On PostgreSQL both backup
  // routes answer 409 (a backup there is pg_dump).
  'POST /api/v1/backups': { allow: ADMINS, allowStatus: [TEST_STORE === 'postgres' ? 409 : 422], probe: () => ({ path: '/api/v1/backups', json: {} }) },
  'GET /api/v1/backup': { allow: ADMINS, allowStatus: TEST_STORE === 'postgres' ? [409] : undefined, probe: () => ({ path: '/api/v1/backup' }) },

  // ---- own tokens and share links -------------------------------------------------------------
  'GET /api/v1/tokens': { allow: WRITERS, probe: () => ({ path: '/api/v1/tokens' }) },
  'POST /api/v1/tokens': {
    allow: WRITERS,
    probe: () => ({ path: '/api/v1/tokens', json: { name: 'probe', scopes: [{ access: 'read', namespaces: 'team-*' }] } }),
  },
  'DELETE /api/v1/tokens/:id': {
    allow: WRITERS,
    probe: (who) => ({
      path: `/api/v1/tokens/${f.s.app.identity.createToken(ownerOf(who), { name: 'doomed', scopes: [{ access: 'read', namespaces: NS }] }, null).id}`,
    }),
  },
  'GET /api/v1/share-links': { allow: WRITERS, probe: () => ({ path: '/api/v1/share-links' }) },
  'POST /api/v1/share-links': { allow: WRITERS, probe: () => ({ path: '/api/v1/share-links', json: { sessionId: SESSION } }) },
  'DELETE /api/v1/share-links/:id': {
    allow: WRITERS,
    probe: (who) => ({ path: `/api/v1/share-links/${f.s.app.identity.createShareLink(ownerOf(who), { sessionId: 's-doomed' }, null).id}` }),
  },

  // ---- memory in one namespace ----------------------------------------------------------------
  'GET /api/v1/memory': { allow: READERS, probe: () => ({ path: `/api/v1/memory?namespace=${NS}` }) },
  'GET /api/v1/memory/entry': { allow: READERS, probe: () => ({ path: `/api/v1/memory/entry?${entryQuery('seed')}` }) },
  'GET /api/v1/memory/history': { allow: READERS, probe: () => ({ path: `/api/v1/memory/history?${entryQuery('seed')}` }) },
  'PUT /api/v1/memory/entry': { allow: WRITERS, probe: (who) => ({ path: '/api/v1/memory/entry', json: { namespace: NS, key: `rest/${who}`, value: who } }) },
  'POST /api/v1/memory/entry/restore': {
    allow: WRITERS,
    probe: () => ({ path: '/api/v1/memory/entry/restore', json: { namespace: NS, key: 'seed', version: 1 } }),
  },
  'DELETE /api/v1/memory/entry': { allow: WRITERS, probe: (who) => ({ path: `/api/v1/memory/entry?${entryQuery(`rest/${who}`)}` }) },

  // ---- memory across namespaces: allowed to scoped tokens, filtered to what they may read ------
  'GET /api/v1/memory/namespaces': {
    allow: LISTERS,
    probe: () => ({ path: '/api/v1/memory/namespaces' }),
    check: (who, b) =>
      expectFiltered(
        who,
        b.items.map((i: any) => i.namespace),
      ),
  },
  'GET /api/v1/memory/search': {
    allow: LISTERS,
    probe: () => ({ path: '/api/v1/memory/search?pattern=seed' }),
    check: (who, b) =>
      expectFiltered(
        who,
        b.items.map((i: any) => i.namespace),
      ),
  },
  // ---- sessions: viewing needs read access to everything (or the share link of that session);
  // editing a board is writing the namespace it is projected from (team-a here) -------------------
  // Replays the seed into its own namespaces: needs write access to all of them.
  'POST /api/v1/examples': { allow: WRITERS, probe: () => ({ path: '/api/v1/examples', json: {} }) },
  'GET /api/v1/sessions': { allow: READERS, probe: () => ({ path: '/api/v1/sessions' }) },
  // Figures across every session and namespace: only for those who may read all memory (not a one-namespace token).
  'GET /api/v1/analytics': { allow: READERS, probe: () => ({ path: '/api/v1/analytics?days=7' }) },
  'GET /api/v1/sessions/:id': { allow: [...READERS, 'share'], probe: () => ({ path: `/api/v1/sessions/${SESSION}` }) },
  'GET /api/v1/sessions/:id/resume': { allow: [...READERS, 'share'], probe: () => ({ path: `/api/v1/sessions/${SESSION}/resume` }) },
  'GET /api/v1/sessions/:id/checkpoints/:checkpoint': {
    allow: [...READERS, 'share'],
    probe: () => ({ path: `/api/v1/sessions/${SESSION}/checkpoints/${f.checkpointId}` }),
  },
  'POST /api/v1/sessions/:id/checkpoints': {
    allow: WRITERS,
    probe: (who) => ({ path: `/api/v1/sessions/${SESSION}/checkpoints`, json: { label: `by ${who}` } }),
  },
  'PATCH /api/v1/sessions/:id': { allow: WRITERS, probe: () => ({ path: `/api/v1/sessions/${SESSION}`, json: { autosaveMinutes: 30 } }) },
  // Not archived: an allowed caller gets the board back unchanged.
  'POST /api/v1/sessions/:id/unarchive': { allow: WRITERS, probe: () => ({ path: `/api/v1/sessions/${SESSION}/unarchive`, json: {} }) },
  // The session is active, so an allowed caller is told it cannot be recovered (422), not refused.
  'POST /api/v1/sessions/:id/recover': { allow: WRITERS, allowStatus: [422], probe: () => ({ path: `/api/v1/sessions/${SESSION}/recover`, json: {} }) },
  'POST /api/v1/sessions/:id/blockers': {
    allow: WRITERS,
    probe: (who) => ({ path: `/api/v1/sessions/${SESSION}/blockers`, json: { description: `blocked ${who}` } }),
  },
  'POST /api/v1/sessions/:id/blockers/:blocker/resolve': {
    allow: WRITERS,
    probe: (who) => ({
      path: `/api/v1/sessions/${SESSION}/blockers/${f.s.app.sessions.addBlocker(SESSION, { description: `to resolve ${who}` }, 'setup').blockers.at(-1)!.id}/resolve`,
      json: {},
    }),
  },
  'POST /api/v1/sessions/:id/goals': { allow: WRITERS, probe: (who) => ({ path: `/api/v1/sessions/${SESSION}/goals`, json: { text: `goal ${who}` } }) },
  'PATCH /api/v1/sessions/:id/goals/:goal': {
    allow: WRITERS,
    probe: () => ({ path: `/api/v1/sessions/${SESSION}/goals/${f.s.app.sessions.requireBoard(SESSION).goals[0]!.id}`, json: { done: true } }),
  },
  'POST /api/v1/sessions/:id/decisions': {
    allow: WRITERS,
    probe: (who) => ({ path: `/api/v1/sessions/${SESSION}/decisions`, json: { topic: 'probe', decision: `by ${who}` } }),
  },
  'POST /api/v1/sessions/:id/files': { allow: WRITERS, probe: (who) => ({ path: `/api/v1/sessions/${SESSION}/files`, json: { paths: [`src/${who}.ts`] } }) },
  'POST /api/v1/sessions/:id/agents': { allow: WRITERS, probe: (who) => ({ path: `/api/v1/sessions/${SESSION}/agents`, json: { name: `agent-${who}` } }) },
  // ---- board items and fields: editing a board is writing its namespace ------------------------
  'POST /api/v1/sessions/:id/items': {
    allow: WRITERS,
    probe: (who) => ({ path: `/api/v1/sessions/${SESSION}/items`, json: { kind: 'action', data: { title: `by ${who}` } } }),
  },
  'PATCH /api/v1/sessions/:id/items/:item': {
    allow: WRITERS,
    probe: (who) => ({
      path: `/api/v1/sessions/${SESSION}/items/${f.s.app.items.add(SESSION, { kind: 'agenda', data: { title: `agenda ${who}` } }, 'setup').items.at(-1)!.id}`,
      json: { data: { status: 'done' } },
    }),
  },
  'DELETE /api/v1/sessions/:id/items/:item': {
    allow: WRITERS,
    probe: (who) => ({
      path: `/api/v1/sessions/${SESSION}/items/${f.s.app.items.add(SESSION, { kind: 'risk', data: { title: `doomed ${who}` } }, 'setup').items.at(-1)!.id}`,
    }),
  },
  'PATCH /api/v1/sessions/:id/fields': { allow: WRITERS, probe: () => ({ path: `/api/v1/sessions/${SESSION}/fields`, json: { sprintGoal: 'probe' } }) },
  // ---- meeting mode: everyone who may view reads the state; editors drive (nobody presents: the admin releases first)
  'GET /api/v1/sessions/:id/meeting': { allow: [...READERS, 'share'], probe: () => ({ path: `/api/v1/sessions/${SESSION}/meeting` }) },
  'POST /api/v1/sessions/:id/meeting': {
    allow: WRITERS,
    probe: () => {
      f.s.app.meeting.act(SESSION, { action: 'release' }, ownerOf('admin'));
      return { path: `/api/v1/sessions/${SESSION}/meeting`, json: { action: 'take' } };
    },
    check: (who, b) => expect(b.details.meeting.presenter.id, who).toMatch(/^(user|token):/),
  },

  // ---- handoffs: readers see them; writers create; each step has its own rule (recipient, sender) --
  'GET /api/v1/handoffs': { allow: READERS, probe: () => ({ path: '/api/v1/handoffs?box=all' }) },
  'GET /api/v1/handoffs/recipients': {
    allow: READERS,
    probe: () => ({ path: '/api/v1/handoffs/recipients' }),
    check: (_w, b) => expect(b.users.length).toBeGreaterThan(0),
  },
  'GET /api/v1/handoffs/:id': { allow: READERS, probe: (who) => ({ path: `/api/v1/handoffs/${freshHandoff(who).id}` }) },
  'POST /api/v1/sessions/:id/handoffs': {
    allow: WRITERS,
    probe: (who) => ({ path: `/api/v1/sessions/${freshSession(who)}/handoffs`, json: { to: { kind: 'team' } } }),
  },
  // To the team: any writer may decide; not a viewer, a scoped token or a share link.
  'POST /api/v1/handoffs/:id/accept': { allow: WRITERS, probe: (who) => ({ path: `/api/v1/handoffs/${freshHandoff(who).id}/accept`, json: {} }) },
  'POST /api/v1/handoffs/:id/decline': {
    allow: WRITERS,
    probe: (who) => ({ path: `/api/v1/handoffs/${freshHandoff(who).id}/decline`, json: { reason: 'probe' } }),
  },
  'POST /api/v1/handoffs/:id/request-changes': {
    allow: WRITERS,
    probe: (who) => ({ path: `/api/v1/handoffs/${freshHandoff(who).id}/request-changes`, json: { reason: 'probe' } }),
  },
  'PATCH /api/v1/handoffs/:id/checklist/:item': {
    allow: WRITERS,
    probe: (who) => {
      const h = freshHandoff(who);
      return { path: `/api/v1/handoffs/${h.id}/checklist/${h.checklist[0]!.id}`, json: { done: true } };
    },
  },
  'POST /api/v1/handoffs/:id/comments': {
    allow: WRITERS,
    probe: (who) => ({ path: `/api/v1/handoffs/${freshHandoff(who).id}/comments`, json: { body: `from ${who}` } }),
  },
  // Sender-only steps: each caller probes a handoff it sent itself (a viewer's cannot pass as writing).
  'PATCH /api/v1/handoffs/:id': {
    allow: WRITERS,
    probe: (who) => ({ path: `/api/v1/handoffs/${freshHandoff(who, true).id}`, json: { summary: { notes: ['edited'] } } }),
  },
  'POST /api/v1/handoffs/:id/cancel': { allow: WRITERS, probe: (who) => ({ path: `/api/v1/handoffs/${freshHandoff(who, true).id}/cancel`, json: {} }) },
  'POST /api/v1/handoffs/:id/renew': {
    allow: WRITERS,
    probe: (who) => {
      const h = freshHandoff(who, true);
      f.s.app.handoffs.cancel(h.id, handoffActor(ownerOf('admin'), f.s.app.sessions, h.sessionId));
      return { path: `/api/v1/handoffs/${h.id}/renew`, json: {} };
    },
  },

  'GET /api/v1/changes/recent': {
    allow: LISTERS,
    probe: () => ({ path: '/api/v1/changes/recent?limit=100' }),
    check: (who, b) =>
      expectFiltered(
        who,
        b.items.map((i: any) => i.namespace),
      ),
  },
};

/** Credentials for signing out: a spare session, so the caller's main cookie stays valid. */
function spareCredentials(who: Who): Record<string, string> {
  const spare = f.spareCookie[who];
  return spare ? cookieHeaders(f.s.url, spare) : {};
}

/** "METHOD path" of every route the running app registers, minus the catch-all middleware. */
function discoveredRoutes(s: TestServer): string[] {
  const keys = s.app.api.routes
    .filter((r) => !(r.method === 'ALL' && (r.path === '*' || r.path === '/*' || r.path === '/api/*')))
    .map((r) => `${r.method} ${r.path}`);
  return [...new Set(keys)].sort();
}

beforeAll(async () => {
  // Many sign-ins from one IP and for one email below; the rate limits have their own tests.
  const s = await startTestServer({ rateLimits: { signInPerMinutePerIp: 10_000, signInPerMinutePerEmail: 10_000 } });
  const [viewer, member, target] = [
    await invitedUser(s, 'viewer', 'Vera Viewer'),
    await invitedUser(s, 'member', 'Mo Member'),
    await invitedUser(s, 'viewer', 'Tess Target'),
  ];
  const adminCookie = await signIn(s.url, TEST_ADMIN.email, TEST_ADMIN.password);
  const spareCookie = {
    viewer: await signIn(s.url, viewer.email, viewer.password),
    member: await signIn(s.url, member.email, member.password),
    admin: await signIn(s.url, TEST_ADMIN.email, TEST_ADMIN.password),
  };

  const token = async (name: string, access: string, namespaces: string) => {
    const r = await api(s.url, '/api/v1/tokens', { method: 'POST', json: { name, scopes: [{ access, namespaces }] } });
    expect(r.status).toBe(201);
    return r.body as { id: string; token: string };
  };
  const otherNs = await token('other-ns', 'write', 'other-*');
  const revoked = await token('revoked', 'admin', '*');
  expect((await api(s.url, `/api/v1/tokens/${revoked.id}`, { method: 'DELETE' })).status).toBe(200);

  const shareLink = async () => {
    const r = await api(s.url, '/api/v1/share-links', { method: 'POST', json: { sessionId: SESSION, expiresInHours: 1 } });
    expect(r.status).toBe(201);
    return r.body as { id: string; token: string };
  };
  // The session the share links point at (a link is only made for a session that exists), projected from a write in team-a.
  const init = { session_id: SESSION, project_name: 'matrix', goals: ['first goal'] };
  expect((await api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: NS, key: `session/${SESSION}/init`, value: init } })).status).toBe(201);
  const share = await shareLink();
  const expired = await shareLink();
  s.app.db.sqlite.prepare('UPDATE share_links SET expires_at = 0 WHERE id = ?').run(expired.id);

  const invite = await api(s.url, '/api/v1/invites', { method: 'POST', json: { role: 'viewer' } });
  const checkpointId = s.app.sessions.checkpoint(SESSION, { label: 'matrix' }, 'setup').checkpoints[0]!.id;
  for (const namespace of [NS, OTHER_NS]) {
    expect((await api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace, key: 'seed', value: namespace } })).status).toBe(201);
  }

  f = {
    s,
    users: { viewer, member, target },
    adminCookie,
    spareCookie,
    otherNsToken: otherNs.token,
    revokedToken: revoked.token,
    shareSecret: share.token,
    expiredShareSecret: expired.token,
    openInviteToken: invite.body.token,
    checkpointId,
    credentials: {
      anonymous: {},
      viewer: cookieHeaders(s.url, viewer.cookie),
      member: cookieHeaders(s.url, member.cookie),
      admin: cookieHeaders(s.url, adminCookie),
      otherNs: { authorization: `Bearer ${otherNs.token}` },
      share: { 'x-baton-share': share.token },
      revoked: { authorization: `Bearer ${revoked.token}` },
      expiredShare: { 'x-baton-share': expired.token },
    },
  };
});
afterAll(() => f?.s.close());

describe('coverage', () => {
  it('every registered route has a row in the matrix, and every row is a registered route', () => {
    expect(discoveredRoutes(f.s)).toEqual(Object.keys(ROUTES).sort());
  });

  it('every client→server socket event has a row in the matrix', () => {
    expect([...CLIENT_EVENTS].sort()).toEqual(Object.keys(SOCKET_EVENTS).sort());
  });

  it('the routes open to anonymous callers are exactly PUBLIC_ROUTES', () => {
    const open = Object.entries(ROUTES)
      .filter(([, e]) => e.allow.includes('anonymous'))
      .map(([key]) => key);
    expect(open.sort()).toEqual([...PUBLIC_ROUTES].sort());
    for (const key of PUBLIC_ROUTES) expect(ROUTES[key]!.allow, key).toEqual(EVERYONE);
  });
});

describe('REST', () => {
  it.each(PRINCIPALS)('%s: every route allows or denies as the matrix says', async (who) => {
    const failures: string[] = [];
    // Signing out last keeps the order independent of the table's (it uses a spare session anyway).
    const keys = Object.keys(ROUTES).sort((a, b) => Number(a.includes('sign-out')) - Number(b.includes('sign-out')));
    for (const key of keys) {
      const expectation = ROUTES[key]!;
      const [routeMethod] = key.split(' ') as [string, string];
      const probe = expectation.probe(who);
      const method = routeMethod === 'ALL' ? 'POST' : routeMethod;
      const res = await api(f.s.url, probe.path, {
        method,
        token: null,
        json: probe.json,
        headers: { ...f.credentials[who], ...probe.headers },
      });
      const allowed = expectation.allow.includes(who);
      const detail = `${who} ${key}: got ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
      if (allowed) {
        const ok = expectation.allowStatus ? expectation.allowStatus.includes(res.status) : res.status >= 200 && res.status < 300;
        if (!ok || res.status === 401 || res.status === 403) {
          failures.push(`expected allow (${expectation.allowStatus?.join('/') ?? '2xx'}); ${detail}`);
          continue;
        }
        try {
          expectation.check?.(who, res.body);
        } catch (err) {
          failures.push(`${detail}: ${(err as Error).message}`);
        }
      } else {
        const status = ANONYMOUS_LIKE.has(who) ? 401 : 403;
        // /mcp refuses as the MCP authorization spec says: a JSON-RPC error body (code -32001).
        const code = status === 401 ? (key === 'ALL /mcp' ? -32001 : 'unauthorized') : 'forbidden';
        if (res.status !== status || res.body?.error?.code !== code) failures.push(`expected deny ${status} ${code}; ${detail}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('denied writes changed nothing; allowed ones were stored and deleted again', () => {
    for (const who of PRINCIPALS) expect(f.s.app.memory.retrieve({ namespace: NS, key: `rest/${who}` })).toBeNull();
    const history = (who: Who) => f.s.app.memory.history({ namespace: NS, key: `rest/${who}` }).length;
    for (const who of PRINCIPALS) expect(history(who) > 0, who).toBe(WRITERS.includes(who));
  });
});

// ---- socket events ---------------------------------------------------------------------------

interface EventCase {
  label: string;
  allow: readonly Who[];
  payload: (who: Who) => unknown;
}
const SOCKET_CONNECTED: readonly Who[] = SIGNED_IN;

/** THE socket table: every client→server event, with one case per room or namespace of interest. */
const SOCKET_EVENTS: Record<ClientEventName, EventCase[]> = {
  subscribe: [
    { label: `ns:${NS}`, allow: READERS, payload: () => ({ rooms: [`ns:${NS}`] }) },
    { label: 'memory (every namespace)', allow: READERS, payload: () => ({ rooms: ['memory'] }) },
    { label: `ns:${OTHER_NS}`, allow: LISTERS, payload: () => ({ rooms: [`ns:${OTHER_NS}`] }) },
    { label: `session:${SESSION}`, allow: [...READERS, 'share'], payload: () => ({ rooms: [`session:${SESSION}`] }) },
    { label: 'session:s-other', allow: READERS, payload: () => ({ rooms: ['session:s-other'] }) },
    { label: 'handoffs', allow: READERS, payload: () => ({ rooms: ['handoffs'] }) },
    // A user's inbox room: only that user (the admin's token is owned by the admin).
    { label: 'user:<member>', allow: ['member'], payload: () => ({ rooms: [`user:${f.users.member.id}`] }) },
  ],
  // Leaving a room needs no permission: it can only reduce what the socket receives.
  unsubscribe: [{ label: `ns:${NS}`, allow: SOCKET_CONNECTED, payload: () => ({ rooms: [`ns:${NS}`] }) }],
  'memory:store': [
    { label: NS, allow: WRITERS, payload: (who) => ({ namespace: NS, key: `socket/${who}`, value: who }) },
    { label: OTHER_NS, allow: [...WRITERS, 'otherNs'], payload: (who) => ({ namespace: OTHER_NS, key: `socket/${who}`, value: who }) },
  ],
  'memory:retrieve': [{ label: NS, allow: READERS, payload: () => ({ namespace: NS, key: 'seed' }) }],
  'memory:delete': [
    { label: NS, allow: WRITERS, payload: (who) => ({ namespace: NS, key: `socket/${who}` }) },
    { label: OTHER_NS, allow: [...WRITERS, 'otherNs'], payload: (who) => ({ namespace: OTHER_NS, key: `socket/${who}` }) },
  ],
  // Presence follows the room's read permission: a share link may announce itself on its own board only.
  'presence:set': [
    { label: `session:${SESSION}`, allow: [...READERS, 'share'], payload: () => ({ room: `session:${SESSION}` }) },
    { label: 'session:s-other', allow: READERS, payload: () => ({ room: 'session:s-other' }) },
  ],
  // Leaving can only reduce what the socket receives.
  'presence:leave': [{ label: `session:${SESSION}`, allow: SOCKET_CONNECTED, payload: () => ({ room: `session:${SESSION}` }) }],
};
/** Stores run before deletes, so an allowed delete has something to delete. */
const EVENT_ORDER: ClientEventName[] = ['subscribe', 'unsubscribe', 'memory:store', 'memory:retrieve', 'memory:delete', 'presence:set', 'presence:leave'];

function socketFor(who: Who) {
  switch (who) {
    case 'anonymous':
      return rawSocket(f.s.url);
    case 'viewer':
    case 'member':
      return rawSocket(f.s.url, { cookie: f.users[who].cookie });
    case 'admin':
      return rawSocket(f.s.url, { cookie: f.adminCookie });
    case 'otherNs':
      return rawSocket(f.s.url, { token: f.otherNsToken });
    case 'revoked':
      return rawSocket(f.s.url, { token: f.revokedToken });
    case 'share':
      return rawSocket(f.s.url, { share: f.shareSecret });
    case 'expiredShare':
      return rawSocket(f.s.url, { share: f.expiredShareSecret });
  }
}

describe('socket', () => {
  it('the event order covers every event', () => {
    expect([...EVENT_ORDER].sort()).toEqual([...CLIENT_EVENTS].sort());
  });

  it.each(PRINCIPALS)('%s: the handshake and every event allow or deny as the matrix says', async (who) => {
    const socket = socketFor(who);
    try {
      const shake = await handshake(socket);
      if (ANONYMOUS_LIKE.has(who)) {
        expect(shake).toMatchObject({ connected: false, code: 'unauthorized' });
        return;
      }
      expect(shake).toEqual({ connected: true });
      const failures: string[] = [];
      for (const event of EVENT_ORDER) {
        for (const c of SOCKET_EVENTS[event]) {
          const ack = await emitAck(socket, event, c.payload(who));
          const allowed = c.allow.includes(who);
          const detail = `${who} ${event} ${c.label}: got ${JSON.stringify(ack).slice(0, 200)}`;
          if (allowed && !ack.ok) failures.push(`expected allow; ${detail}`);
          if (!allowed && (ack.ok || ack.error.code !== 'forbidden')) failures.push(`expected forbidden; ${detail}`);
        }
      }
      expect(failures).toEqual([]);
      // A refused write left nothing behind (allowed ones were deleted again by memory:delete).
      for (const namespace of [NS, OTHER_NS]) {
        expect(f.s.app.memory.retrieve({ namespace, key: `socket/${who}` })).toBeNull();
        const written = f.s.app.memory.history({ namespace, key: `socket/${who}` }).length > 0;
        expect(written, `${who} wrote ${namespace}`).toBe(SOCKET_EVENTS['memory:store'].find((c) => c.label === namespace)!.allow.includes(who));
      }
    } finally {
      socket.close();
    }
  });
});

// ---- MCP --------------------------------------------------------------------------------------

describe('MCP', () => {
  const mcpClient = async (token?: string) => {
    const client = new Client({ name: 'authz-matrix', version: '0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${f.s.url}/mcp`), {
      requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : {},
    });
    await client.connect(transport);
    return client;
  };
  const store = (client: Client, key: string) =>
    client.callTool({ name: 'memory_usage', arguments: { action: 'store', namespace: NS, key, value: 'from mcp' } }) as Promise<{
      isError?: boolean;
      content: { type: string; text: string }[];
    }>;

  it('the admin token stores in team-a', async () => {
    const client = await mcpClient(f.s.token);
    try {
      const r = await store(client, 'mcp/admin');
      expect(r.isError).toBeFalsy();
      expect(JSON.parse(r.content[0]!.text)).toMatchObject({ success: true, stored: true, namespace: NS });
      expect(f.s.app.memory.retrieve({ namespace: NS, key: 'mcp/admin' })?.updatedBy).toBe('token:tests');
    } finally {
      await client.close();
    }
  });

  it('a token scoped to other-* gets a forbidden tool error for team-a, and its search is filtered', async () => {
    const client = await mcpClient(f.otherNsToken);
    try {
      const r = await store(client, 'mcp/other');
      expect(r.isError).toBe(true);
      expect(JSON.parse(r.content[0]!.text)).toMatchObject({ success: false, code: 'forbidden' });
      expect(f.s.app.memory.retrieve({ namespace: NS, key: 'mcp/other' })).toBeNull();

      const read = await client.callTool({ name: 'memory_usage', arguments: { action: 'retrieve', namespace: NS, key: 'seed' } });
      expect(read.isError).toBe(true);
      const search = await client.callTool({ name: 'memory_usage', arguments: { action: 'search', pattern: 'seed' } });
      const found = JSON.parse((search.content as { text: string }[])[0]!.text).results.map((e: any) => e.namespace);
      expect(found).toEqual([OTHER_NS]);
    } finally {
      await client.close();
    }
  });

  it('without a token, initialize itself is refused with 401', async () => {
    await expect(mcpClient()).rejects.toMatchObject({ code: 401 });
  });

  it('a revoked token cannot initialize either', async () => {
    await expect(mcpClient(f.revokedToken)).rejects.toMatchObject({ code: 401 });
  });
});
