// Notifications (issue 18): webhooks receive every event type, signed, each produced by the real
// path (the seed's MCP writes, board edits, handoff steps, the sweeper with an injected clock);
// retries keep the delivery id; a private address is refused without the opt-in.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTIFY_EVENTS } from '../lib/notify.ts';
import { SEED_CALLS_PATH, type SeedCalls } from '../scripts/extract-seed.ts';
import { verifySignature } from '../server/notify/sign.ts';
import { WebhookStore } from '../server/notify/webhooks.ts';
import { api, startTestServer, waitFor, type TestServer } from './helpers.ts';
import { startReceiver, type Received } from './webhook-receiver.ts';

const HOUR = 3_600_000;
let clock = Date.now();
let s: TestServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let secret: string;
let hookId: string;
let mcp: Client;

const call = async (name: string, args: Record<string, unknown>) => {
  const r = (await mcp.callTool({ name, arguments: args })) as { isError?: boolean; content: { text: string }[] };
  const body = JSON.parse(r.content[0]!.text);
  if (r.isError) throw new Error(`${name}: ${JSON.stringify(body)}`);
  return body;
};
const ofType = (type: string) => receiver.received.filter((r) => r.headers['baton-event'] === type);
const waitForEvent = (type: string, match: (r: Received) => boolean = () => true) =>
  waitFor(() => ofType(type).some(match), 8000, `a ${type} delivery`).then(() => ofType(type).find(match)!);

beforeAll(async () => {
  s = await startTestServer({ now: () => clock, sweepIntervalMs: 50, notify: { allowPrivate: true, retryBaseMs: 50 } });
  receiver = await startReceiver();
  const created = await api(s.url, '/api/v1/webhooks', { method: 'POST', json: { url: receiver.url, events: '*', description: 'all events' } });
  expect(created.status).toBe(201);
  expect(created.body.secret).toMatch(/^whsec_/);
  secret = created.body.secret;
  hookId = created.body.id;
  // Shown once: the list never carries it.
  const list = await api(s.url, '/api/v1/webhooks');
  expect(list.body.items[0]).toMatchObject({ id: hookId, url: receiver.url, events: ['*'], enabled: true });
  expect(list.body.items[0].secret).toBeUndefined();
  mcp = new Client({ name: 'notify-test', version: '1' });
  await mcp.connect(new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${s.token}` } } }));
});
afterAll(async () => {
  await mcp?.close();
  await s?.close();
  await receiver?.close();
});

describe('webhook events from the real paths', () => {
  it('the seed’s MCP writes raise blocker, goal, milestone, recovery and handoff events', async () => {
    const seed = JSON.parse(readFileSync(SEED_CALLS_PATH, 'utf8')) as SeedCalls;
    for (const c of seed.memoryCalls.filter((x) => x.action === 'store')) {
      await call('memory_usage', { action: 'store', namespace: c.namespace, key: c.key, value: c.value, ...(c.ttl ? { ttl: c.ttl } : {}) });
    }
    for (const type of ['blocker.raised', 'goal.done', 'milestone', 'session.recovered', 'handoff.created']) await waitForEvent(type);
    const raised = ofType('blocker.raised')[0]!;
    expect(raised.body.data).toMatchObject({
      blocker: { description: expect.any(String), severity: expect.stringMatching(/low|medium|high|critical/) },
      session: { id: expect.any(String) },
    });
  });

  it('board edits, agent_status and meeting steps raise theirs', async () => {
    const id = 'notify-board-1';
    const init = await api(s.url, '/api/v1/memory/entry', {
      method: 'PUT',
      json: { namespace: 'notify', key: `session/${id}/init`, value: { session_id: id, goals: ['Ship it'] } },
    });
    expect(init.status).toBeLessThan(300);
    const b = await api(s.url, `/api/v1/sessions/${id}/blockers`, { method: 'POST', json: { description: 'Prod DB is read-only', severity: 'critical' } });
    expect(b.status).toBe(201);
    const blocker = (b.body.board ?? b.body).blockers[0];
    expect((await waitForEvent('blocker.raised', (r) => r.body.data.session.id === id)).body.data.blocker).toMatchObject({
      id: blocker.id,
      severity: 'critical',
    });
    expect((await api(s.url, `/api/v1/sessions/${id}/blockers/${blocker.id}/resolve`, { method: 'POST' })).status).toBe(200);
    await waitForEvent('blocker.resolved', (r) => r.body.data.blocker.id === blocker.id);

    expect((await api(s.url, `/api/v1/sessions/${id}`, { method: 'PATCH', json: { status: 'interrupted' } })).status).toBe(200);
    await waitForEvent('session.interrupted', (r) => r.body.data.session.id === id);
    expect((await api(s.url, `/api/v1/sessions/${id}`, { method: 'PATCH', json: { status: 'active' } })).status).toBe(200);
    await waitForEvent('session.recovered', (r) => r.body.data.session.id === id);

    await call('agent_status', { sessionId: id, agent: 'claude', status: 'waiting', message: 'Approve the migration?' });
    const waiting = await waitForEvent('agent.waiting', (r) => r.body.data.session.id === id);
    expect(waiting.body.data.agent).toMatchObject({ name: 'claude', status: 'waiting', message: 'Approve the migration?' });
    const board = await api(s.url, `/api/v1/sessions/${id}`);
    expect(board.body.agents.find((a: { name: string }) => a.name === 'claude')).toMatchObject({ status: 'waiting', message: 'Approve the migration?' });
    await call('agent_status', { sessionId: id, agent: 'claude', status: 'working' });
    await waitForEvent('agent.resumed', (r) => r.body.data.session.id === id);

    const coord = 'coord-session-1767225600000';
    const take = await api(s.url, `/api/v1/sessions/${coord}/meeting`, { method: 'POST', json: { action: 'take' } });
    expect(take.status, JSON.stringify(take.body)).toBe(200);
    await waitForEvent('meeting.started', (r) => r.body.data.session.id === coord);
  });

  it('handoff steps raise theirs, and the sweeper raises expiring (once) and expired with the injected clock', async () => {
    const id = 'notify-handoff-1';
    await api(s.url, '/api/v1/memory/entry', {
      method: 'PUT',
      json: { namespace: 'notify', key: `session/${id}/init`, value: { session_id: id, goals: ['Hand it over'] } },
    });
    const open = async () => {
      const h = await api(s.url, `/api/v1/sessions/${id}/handoffs`, { method: 'POST', json: { to: { kind: 'team' }, ttl: 3 * 86_400 } });
      expect(h.status, JSON.stringify(h.body)).toBe(201);
      await waitForEvent('handoff.created', (r) => r.body.data.handoff.id === h.body.id);
      return h.body.id as string;
    };
    const first = await open();
    expect((await api(s.url, `/api/v1/handoffs/${first}/request-changes`, { method: 'POST', json: { reason: 'Add the test status' } })).status).toBe(200);
    const back = await waitForEvent('handoff.changes_requested', (r) => r.body.data.handoff.id === first);
    expect(back.body.data.handoff).toMatchObject({ status: 'changes-requested', reason: 'Add the test status', url: `${s.url}/handoffs/${first}` });
    expect((await api(s.url, `/api/v1/handoffs/${first}`, { method: 'PATCH', json: { context: { testStatus: 'green' } } })).status).toBe(200);
    expect((await api(s.url, `/api/v1/handoffs/${first}/decline`, { method: 'POST', json: { reason: 'Not mine' } })).status).toBe(200);
    await waitForEvent('handoff.declined', (r) => r.body.data.handoff.id === first);
    const second = await open();
    expect((await api(s.url, `/api/v1/handoffs/${second}/accept`, { method: 'POST' })).status).toBe(200);
    await waitForEvent('handoff.accepted', (r) => r.body.data.handoff.id === second);

    const other = 'notify-handoff-2';
    await api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: 'notify', key: `session/${other}/init`, value: { session_id: other } } });
    const h = await api(s.url, `/api/v1/sessions/${other}/handoffs`, { method: 'POST', json: { to: { kind: 'team' }, ttl: 3 * 86_400 } });
    expect(h.status).toBe(201);
    clock += 2 * 86_400_000 + HOUR; // 23 h before expiry
    const expiring = await waitForEvent('handoff.expiring', (r) => r.body.data.handoff.id === h.body.id);
    expect(expiring.body.data.handoff.expiresAt).toBe(h.body.expiresAt);
    clock += 24 * HOUR; // past it
    await waitForEvent('handoff.expired', (r) => r.body.data.handoff.id === h.body.id);
    expect(ofType('handoff.expiring').filter((r) => r.body.data.handoff.id === h.body.id)).toHaveLength(1);
  });

  it('every event type arrived, each signed over its raw body, with { id, type, createdAt, data }', () => {
    const types = new Set(receiver.received.map((r) => r.headers['baton-event']));
    expect([...NOTIFY_EVENTS].filter((t) => !types.has(t))).toEqual([]);
    const ids = new Set<string>();
    for (const r of receiver.received) {
      expect(verifySignature(secret, r.raw, String(r.headers['baton-signature'])), r.raw).toBe(true);
      expect(verifySignature('whsec_wrong', r.raw, String(r.headers['baton-signature']))).toBe(false);
      expect(Object.keys(r.body).sort()).toEqual(['createdAt', 'data', 'id', 'type']);
      expect(r.body.type).toBe(r.headers['baton-event']);
      expect(r.body.id).toMatch(/^evt_/);
      expect(String(r.headers['baton-delivery'])).toMatch(/^dlv_/);
      expect(typeof r.body.data.actor).toBe('string');
      expect(r.body.data.session.url).toMatch(new RegExp(`^${s.url}/sessions/`));
      ids.add(String(r.headers['baton-delivery']));
    }
    // Nothing was delivered twice to a receiver that answered 200 at once.
    expect(ids.size).toBe(receiver.received.length);
  });
});

describe('delivery', () => {
  it('a receiver answering 500 twice then 200 gets the same Baton-Delivery three times; the log shows each attempt; Redeliver sends it again', async () => {
    const flaky = await startReceiver((_r, n) => (n <= 2 ? 500 : 200));
    try {
      const hook = await api(s.url, '/api/v1/webhooks', { method: 'POST', json: { url: flaky.url, events: ['blocker.raised'], minSeverity: 'high' } });
      expect(hook.status).toBe(201);
      const id = 'notify-retry-1';
      await api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: 'notify', key: `session/${id}/init`, value: { session_id: id } } });
      await api(s.url, `/api/v1/sessions/${id}/blockers`, { method: 'POST', json: { description: 'minor', severity: 'low' } });
      await api(s.url, `/api/v1/sessions/${id}/blockers`, { method: 'POST', json: { description: 'major', severity: 'high' } });
      await waitFor(() => flaky.received.length >= 3, 8000, 'three attempts');
      await new Promise((r) => setTimeout(r, 300));
      expect(flaky.received).toHaveLength(3); // the low one was below minSeverity
      const deliveryIds = new Set(flaky.received.map((r) => r.headers['baton-delivery']));
      expect(deliveryIds.size).toBe(1);
      expect(flaky.received.every((r) => r.body.data.blocker.description === 'major')).toBe(true);
      for (const r of flaky.received) expect(verifySignature(hook.body.secret, r.raw, String(r.headers['baton-signature']))).toBe(true);

      const log = await api(s.url, `/api/v1/webhooks/${hook.body.id}/deliveries`);
      expect(log.status).toBe(200);
      expect(log.body.webhook.consecutiveFailures).toBe(0);
      const [d] = log.body.items;
      expect(d).toMatchObject({ id: [...deliveryIds][0], eventType: 'blocker.raised', state: 'delivered', attempts: 3 });
      expect(d.log.map((a: { status: number }) => a.status)).toEqual([200, 500, 500]);
      expect(d.log[1].response).toBe('failed with 500');
      expect(d.log[0].durationMs).toEqual(expect.any(Number));

      const again = await api(s.url, `/api/v1/webhooks/${hook.body.id}/deliveries/${d.id}/redeliver`, { method: 'POST' });
      expect(again.status).toBe(200);
      await waitFor(() => flaky.received.length === 4, 5000, 'the redelivery');
      expect(flaky.received[3]!.headers['baton-delivery']).toBe(d.id);
      expect((await api(s.url, `/api/v1/webhooks/${hook.body.id}`, { method: 'DELETE' })).status).toBe(200);
    } finally {
      await flaky.close();
    }
  });

  it('the delivery log lists deliveries made in the same millisecond newest first', async () => {
    // A server with no other webhook, and a store of its own on its database with a clock that stands still;
    // all of it runs before the server's delivery worker gets a turn.
    const other = await startTestServer();
    const store = new WebhookStore(other.app.db, () => 1_000);
    const hook = store.create({ url: 'http://127.0.0.1:9/never', events: ['goal.done'] }, 'test');
    try {
      for (const n of [1, 2, 3]) {
        const event = { id: `evt_same_ms_${n}`, type: 'goal.done', createdAt: new Date(1_000).toISOString(), data: { actor: 'test' } } as const;
        expect(store.enqueue(event, undefined, 'http://localhost')).toBe(1);
      }
      expect(store.deliveries(hook.id).map((d) => d.eventId)).toEqual(['evt_same_ms_3', 'evt_same_ms_2', 'evt_same_ms_1']);
    } finally {
      store.remove(hook.id);
      await other.close();
    }
  });

  it('a webhook failing 20 times in a row is disabled, with the reason', async () => {
    const broken = await startReceiver(() => 410);
    try {
      const hook = await api(s.url, '/api/v1/webhooks', { method: 'POST', json: { url: broken.url, events: ['goal.done'] } });
      const id = 'notify-broken-1';
      await api(s.url, '/api/v1/memory/entry', {
        method: 'PUT',
        json: { namespace: 'notify', key: `session/${id}/init`, value: { session_id: id, goals: Array.from({ length: 22 }, (_, i) => `goal ${i}`) } },
      });
      const goals = (await api(s.url, `/api/v1/sessions/${id}`)).body.goals as { id: number }[];
      for (const g of goals) await api(s.url, `/api/v1/sessions/${id}/goals/${g.id}`, { method: 'PATCH', json: { done: true } });
      await waitFor(() => broken.received.length >= 20, 8000, 'twenty failures');
      await new Promise((r) => setTimeout(r, 300));
      // Attempts already in flight when the 20th failed may still land (8 at once); then nothing more.
      const n = broken.received.length;
      expect(n).toBeGreaterThanOrEqual(20);
      expect(n).toBeLessThan(28);
      await new Promise((r) => setTimeout(r, 700));
      expect(broken.received).toHaveLength(n);
      const after = (await api(s.url, '/api/v1/webhooks')).body.items.find((w: { id: string }) => w.id === hook.body.id);
      expect(after).toMatchObject({
        enabled: false,
        consecutiveFailures: n,
        disabledReason: expect.stringMatching(/after 2\d consecutive failed deliveries \(last: HTTP 410\)/),
      });
      const enabled = await api(s.url, `/api/v1/webhooks/${hook.body.id}`, { method: 'PATCH', json: { enabled: true } });
      expect(enabled.body).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledReason: null });
      await api(s.url, `/api/v1/webhooks/${hook.body.id}`, { method: 'DELETE' });
    } finally {
      await broken.close();
    }
  });
});

describe('SSRF guard', () => {
  it('refuses loopback, private, link-local and metadata addresses without WEBHOOK_ALLOW_PRIVATE', async () => {
    const strict = await startTestServer();
    try {
      for (const url of [
        'http://127.0.0.1:9/hook',
        'http://localhost/hook',
        'http://10.1.2.3/x',
        'http://192.168.1.10/x',
        'http://169.254.169.254/latest/meta-data',
        'http://[::1]/x',
        'http://[fd00:ec2::254]/x',
      ]) {
        const r = await api(strict.url, '/api/v1/webhooks', { method: 'POST', json: { url } });
        expect(r.status, url).toBe(422);
        expect(r.body.error).toMatchObject({ field: 'url', message: expect.stringMatching(/loopback, private, link-local or metadata/) });
      }
      expect((await api(strict.url, '/api/v1/webhooks')).body.items).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  it('a non-admin may not manage webhooks', async () => {
    const made = await api(s.url, '/api/v1/tokens', { method: 'POST', json: { name: 'writer', scopes: [{ access: 'write', namespaces: '*' }] } });
    const r = await api(s.url, '/api/v1/webhooks', { method: 'POST', token: made.body.token, json: { url: receiver.url } });
    expect(r.status).toBe(403);
    expect((await api(s.url, '/api/v1/webhooks', { token: made.body.token })).status).toBe(403);
  });
});
