// Every mutation the REST API registers passes the one write gate: a caller whose write limit is
// spent gets 429 from every mutating route (a route that skipped the gate would answer otherwise),
// and a refusal on each is audited. Routes are discovered from the running app, so a new route
// that forgets the gate fails here.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_EVENTS, type ClientEventName } from '../lib/events.ts';
import { PUBLIC_ROUTES } from '../server/http/api.ts';
import { cookieHeaders, emitAck, handshake, invitedUser, rawSocket, type TestUser } from './auth-helpers.ts';
import { api, startTestServer, type TestServer } from './helpers.ts';

const NS = 'gate-ns';
/** Not mutations: opening an MCP session (its tool calls are gated, see write-gate.test.ts); discovery documents. */
const NOT_WRITES = new Set(['ALL /mcp']);
/** What a viewer may change: only their own password. */
const VIEWER_MAY = new Set(['POST /api/v1/me/password', 'PUT /api/v1/me/notifications']);
const isDiscovery = (path: string) => path.startsWith('/.well-known');

async function mcpClient(url: string, token: string) {
  const client = new Client({ name: 'gate-coverage', version: '0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

let s: TestServer;
let viewer: TestUser;
let sessionId: string;
let handoffId: string;

beforeAll(async () => {
  s = await startTestServer({ rateLimits: { writesPerMinute: 1_000 } });
  viewer = await invitedUser(s, 'viewer', 'Gate Viewer');
  sessionId = 'gate-cover-1';
  s.app.memory.store({ namespace: NS, key: `session/${sessionId}/init`, value: JSON.stringify({ session_id: sessionId, goals: ['g'] }) }, 'setup');
  const h = await api(s.url, `/api/v1/sessions/${sessionId}/handoffs`, { method: 'POST', json: { to: { kind: 'team' } } });
  expect(h.status).toBe(201);
  handoffId = h.body.id;
});
afterAll(() => s.close());

function mutatingRoutes(): { method: string; path: string }[] {
  const seen = new Set<string>();
  return s.app.api.routes
    .filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method) && r.path !== '*' && r.path !== '/*')
    .filter((r) => !PUBLIC_ROUTES.has(`${r.method} ${r.path}`) && !NOT_WRITES.has(`${r.method} ${r.path}`) && !isDiscovery(r.path))
    .filter((r) => (seen.has(`${r.method} ${r.path}`) ? false : (seen.add(`${r.method} ${r.path}`), true)));
}

/** A concrete path: the session and handoff exist (their lookups come first); other ids need not. */
const concrete = (path: string) =>
  path
    .replace(/\/handoffs\/:id/, `/handoffs/${handoffId}`)
    .replace(/\/sessions\/:id/, `/sessions/${sessionId}`)
    .replace(/:[a-z]+/gi, '1');

describe('the write gate covers every mutating REST route', () => {
  it('finds the mutating routes (memory, sessions, items, handoffs, meeting, accounts, tokens, share links)', () => {
    const keys = mutatingRoutes().map((r) => `${r.method} ${r.path}`);
    expect(keys.length).toBeGreaterThanOrEqual(30);
    for (const k of [
      'PUT /api/v1/memory/entry',
      'POST /api/v1/sessions/:id/items',
      'POST /api/v1/handoffs/:id/accept',
      'POST /api/v1/tokens',
      'PATCH /api/v1/users/:id',
    ]) {
      expect(keys).toContain(k);
    }
  });

  it('a viewer is refused on every one, and each refusal is audited', async () => {
    for (const r of mutatingRoutes()) {
      const path = concrete(r.path);
      const before = s.app.audit.list({ outcome: 'denied', limit: 500 }).items.length;
      const res = await api(s.url, path, { method: r.method, token: null, headers: cookieHeaders(s.url, viewer.cookie), json: {} });
      if (VIEWER_MAY.has(`${r.method} ${r.path}`)) {
        expect(res.status, `${r.method} ${r.path}`).toBe(422); // allowed, then the empty body is refused
        continue;
      }
      expect(res.status, `${r.method} ${r.path}: ${JSON.stringify(res.body)}`).toBe(403);
      const after = s.app.audit.list({ outcome: 'denied', limit: 500 }).items;
      const folded = after.find((row) => row.actorId === viewer.id && (row.detail as { repeated?: number } | null)?.repeated);
      expect(after.length > before || !!folded, `${r.method} ${r.path} was not audited`).toBe(true);
    }
  });

  it('once a caller’s write limit is spent, every mutating route answers 429', async () => {
    const made = await api(s.url, '/api/v1/tokens', { method: 'POST', json: { name: 'spender', scopes: [{ access: 'admin', namespaces: '*' }] } });
    expect(made.status).toBe(201);
    const token = made.body.token as string;
    // Spend this token's whole minute (each write counts, refused or not).
    const spend = Array.from({ length: 1_000 }, (_, i) =>
      s.app.gate.write(
        { principal: s.app.identity.tokenPrincipal(token)!, ip: null, via: 'rest' },
        { action: 'spend', target: String(i), authorize: { action: 'memory:read', namespace: '*' }, run: () => null },
      ),
    );
    await Promise.all(spend);
    const missed: string[] = [];
    for (const r of mutatingRoutes()) {
      const res = await api(s.url, concrete(r.path), { method: r.method, token, json: {} });
      if (res.status !== 429) missed.push(`${r.method} ${r.path} → ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
    }
    expect(missed, missed.join('\n')).toEqual([]);
  });
});

describe('the write gate covers every socket write event and every MCP tool that writes', () => {
  /** Socket events that only read or follow (presence is volatile, never written). */
  const SOCKET_READS = new Set(['subscribe', 'unsubscribe', 'memory:retrieve', 'presence:set', 'presence:leave']);
  const SOCKET_WRITES: Record<string, unknown> = {
    'memory:store': { namespace: NS, key: 'sock/spent', value: 'v' },
    'memory:delete': { namespace: NS, key: 'sock/spent' },
  };

  /** Arguments that reach the gate for each MCP tool that is not read-only. */
  const MCP_WRITES: Record<string, Record<string, unknown>> = {
    memory_usage: { action: 'store', namespace: NS, key: 'mcp/spent', value: 'v' },
    swarm_init: { topology: 'mesh', sessionId: 'gate-cover-1' },
    agent_register: { name: 'spent-agent', sessionId: 'gate-cover-1' },
    agent_update: { name: 'known-agent', sessionId: 'gate-cover-1', status: 'active' },
    session_start: { sessionId: 'gate-cover-new' },
    session_checkpoint: { sessionId: 'gate-cover-1', label: 'spent' },
    session_handoff: { sessionId: 'gate-cover-1', to: 'team' },
    agent_status: { sessionId: 'gate-cover-1', agent: 'spent-agent', status: 'waiting', message: 'spent' },
  };

  let spent: string;
  beforeAll(async () => {
    const made = await api(s.url, '/api/v1/tokens', { method: 'POST', json: { name: 'spent-2', scopes: [{ access: 'admin', namespaces: '*' }] } });
    spent = made.body.token as string;
    // An agent the update can find, registered by the admin token (its own bucket).
    const client = await mcpClient(s.url, s.token);
    await client.callTool({ name: 'agent_register', arguments: { name: 'known-agent', sessionId: 'gate-cover-1' } });
    await client.close();
    const p = s.app.identity.tokenPrincipal(spent)!;
    await Promise.all(
      Array.from({ length: 1_000 }, (_, i) =>
        s.app.gate.write(
          { principal: p, ip: null, via: 'rest' },
          { action: 'spend', target: String(i), authorize: { action: 'memory:read', namespace: '*' }, run: () => null },
        ),
      ),
    );
  });

  it('every client event is classified, and each write event answers rate_limited once the limit is spent', async () => {
    expect(CLIENT_EVENTS.filter((e) => !SOCKET_READS.has(e)).sort()).toEqual(Object.keys(SOCKET_WRITES).sort());
    const socket = rawSocket(s.url, { token: spent });
    try {
      expect(await handshake(socket)).toEqual({ connected: true });
      for (const [event, payload] of Object.entries(SOCKET_WRITES)) {
        expect(await emitAck(socket, event as ClientEventName, payload), event).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
      }
    } finally {
      socket.close();
    }
  });

  it('every MCP tool that is not read-only is in the table, and each answers rate_limited once the limit is spent', async () => {
    const client = await mcpClient(s.url, spent);
    try {
      const { tools } = await client.listTools();
      const writers = tools.filter((t) => t.annotations?.readOnlyHint !== true).map((t) => t.name);
      expect(writers.sort()).toEqual(Object.keys(MCP_WRITES).sort());
      for (const [name, args] of Object.entries(MCP_WRITES)) {
        const r = await client.callTool({ name, arguments: args }).catch((e: Error) => ({ error: e.message }));
        expect(JSON.stringify(r), name).toMatch(/rate_limited|Too many writes/);
      }
    } finally {
      await client.close();
    }
  });
});
