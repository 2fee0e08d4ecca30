// Durable delivery: the server is killed with SIGKILL after the event is committed and while its
// delivery is in flight; once it is started again on the same file, the same delivery arrives.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { verifySignature } from '../server/notify/sign.ts';
import { api, waitFor } from './helpers.ts';
import { startReceiver } from './webhook-receiver.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/webhook-server.ts', import.meta.url));
const children: ChildProcess[] = [];

function startServer(dbPath: string): Promise<{ child: ChildProcess; url: string; token: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dbPath], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /READY (\S+) (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, token: m[2]! });
    });
    child.stderr.on('data', (c) => (err += c));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
}

afterEach(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('a delivery survives kill -9', () => {
  it('committed, in flight, killed: delivered with the same Baton-Delivery after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-crash-'));
    // The receiver holds the first request open, so the server dies with the attempt in flight.
    const receiver = await startReceiver((_r, n) => (n === 1 ? null : 200));
    try {
      const first = await startServer(join(dir, 'baton.db'));
      const auth = { headers: { authorization: `Bearer ${first.token}` }, token: null } as const;
      const hook = await api(first.url, '/api/v1/webhooks', { method: 'POST', ...auth, json: { url: receiver.url, events: ['blocker.raised'] } });
      expect(hook.status).toBe(201);
      await api(first.url, '/api/v1/memory/entry', {
        method: 'PUT',
        ...auth,
        json: { namespace: 'crash', key: 'session/crash-1/init', value: { session_id: 'crash-1' } },
      });
      const b = await api(first.url, '/api/v1/sessions/crash-1/blockers', {
        method: 'POST',
        ...auth,
        json: { description: 'The disk is full', severity: 'high' },
      });
      expect(b.status).toBe(201);
      await waitFor(() => receiver.received.length === 1, 8000, 'the first attempt');
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));

      const second = await startServer(join(dir, 'baton.db'));
      await waitFor(() => receiver.received.length >= 2, 10_000, 'the delivery after the restart');
      const [held, delivered] = receiver.received;
      expect(delivered!.headers['baton-delivery']).toBe(held!.headers['baton-delivery']);
      expect(delivered!.body).toEqual(held!.body);
      expect(delivered!.body).toMatchObject({
        type: 'blocker.raised',
        data: { blocker: { description: 'The disk is full', severity: 'high' }, session: { id: 'crash-1' } },
      });
      expect(verifySignature(hook.body.secret, delivered!.raw, String(delivered!.headers['baton-signature']))).toBe(true);
      const log = await api(second.url, `/api/v1/webhooks/${hook.body.id}/deliveries`, { headers: { authorization: `Bearer ${second.token}` }, token: null });
      expect(log.body.items[0]).toMatchObject({ state: 'delivered', attempts: 1 });
      second.child.kill('SIGKILL');
    } finally {
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
