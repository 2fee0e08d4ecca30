import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from './helpers.ts';
import { startReceiver } from './webhook-receiver.ts';

// Probe (issue 18 review): the SSRF guard without WEBHOOK_ALLOW_PRIVATE must hold for every
// spelling of a URL the schema accepts, and at delivery time for an address written as an IP.

let s: TestServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  s = await startTestServer();
  receiver = await startReceiver();
});
afterAll(async () => {
  await s.close();
  await receiver.close();
});

describe('webhook SSRF guard: spellings the schema trims', () => {
  it('a URL with leading whitespace is vetted like the URL it is stored as (no loopback webhook, nothing delivered)', async () => {
    const port = new URL(receiver.url).port;
    for (const url of [` http://127.0.0.1:${port}/hook`, `\thttp://127.0.0.1:${port}/hook`, `\nhttp://[::ffff:127.0.0.1]:${port}/x`]) {
      const r = await api(s.url, '/api/v1/webhooks', { method: 'POST', json: { url, events: ['blocker.raised'] } });
      expect(r.status, JSON.stringify(url)).toBe(422);
      expect(r.body.error).toMatchObject({ field: 'url', message: expect.stringMatching(/loopback, private/) });
    }
    expect((await api(s.url, '/api/v1/webhooks')).body.items).toEqual([]);
  });

  it('PATCH to a whitespace-led private URL is refused too', async () => {
    const made = { body: s.app.notify.webhooks.create({ url: 'https://93.184.215.14/hook', events: ['blocker.raised'] }, 'probe') };
    const r = await api(s.url, `/api/v1/webhooks/${made.body.id}`, { method: 'PATCH', json: { url: ' http://169.254.169.254/latest/meta-data' } });
    expect(r.status).toBe(422);
    await api(s.url, `/api/v1/webhooks/${made.body.id}`, { method: 'DELETE' });
  });

  it('a stored URL naming a private IP is not delivered to (the guard on the address connected to)', async () => {
    // A row written before the guard (or by another node with WEBHOOK_ALLOW_PRIVATE): the delivery
    // worker must not connect to a private IP literal, which never passes through DNS lookup.
    const port = new URL(receiver.url).port;
    const hook = s.app.notify.webhooks.create({ url: `http://127.0.0.1:${port}/hook`, events: ['blocker.raised'] }, 'probe');
    const id = 'probe-ssrf-1';
    await api(s.url, '/api/v1/memory/entry', {
      method: 'PUT',
      json: { namespace: 'probe', key: `session/${id}/init`, value: { session_id: id, goals: ['x'] } },
    });
    const b = await api(s.url, `/api/v1/sessions/${id}/blockers`, { method: 'POST', json: { description: 'x', severity: 'critical' } });
    expect(b.status).toBe(201);
    let items: { state: string; lastError: string | null }[] = [];
    for (const t0 = Date.now(); Date.now() - t0 < 10_000 && !items.some((d) => d.lastError); await new Promise((r) => setTimeout(r, 50)))
      items = (await api(s.url, `/api/v1/webhooks/${hook.id}/deliveries`)).body.items ?? [];
    expect(receiver.received).toEqual([]);
    expect(items[0]).toMatchObject({ state: 'failed', lastError: expect.stringMatching(/loopback, private/) });
  });
});

describe('webhook URLs in the audit log', () => {
  it('records only the origin: a Slack-style URL carries its secret in the path, and userinfo or a query may hold a password', async () => {
    const url = 'https://bob:Pa55word@93.184.215.14/services/T0/B0/SECRETPATHPART?token=QUERYSECRET';
    const made = await api(s.url, '/api/v1/webhooks', { method: 'POST', json: { url, events: ['blocker.raised'] } });
    expect(made.status).toBe(201);
    const patched = await api(s.url, `/api/v1/webhooks/${made.body.id}`, { method: 'PATCH', json: { url: url.replace('SECRETPATHPART', 'OTHERSECRET') } });
    expect(patched.status).toBe(200);
    const audit = JSON.stringify((await api(s.url, '/api/v1/audit?limit=200')).body);
    expect(audit).toContain('webhook.create');
    for (const secret of ['Pa55word', 'SECRETPATHPART', 'OTHERSECRET', 'QUERYSECRET']) expect(audit).not.toContain(secret);
    expect(audit).toContain('https://93.184.215.14');
  });
});
