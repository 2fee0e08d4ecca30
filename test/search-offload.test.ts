/**
 * Text search in the search worker (server/memory/search-offload.ts), in a real server process started the way
 * `npm run serve` starts one (tsx's loader, which the worker thread needs): the same answers as in-process, errors
 * naming the field, read-your-writes, and only queries with words leave the event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from './helpers.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/search-node.ts', import.meta.url));
let child: ChildProcess;
let url: string;
let token: string;
let dir: string;

const offloaded = async () => {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const m = /^baton_searches_offloaded (\d+)/m.exec(await res.text());
  return Number(m?.[1] ?? NaN);
};

describe('text search in the worker thread', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-search-'));
    child = spawn(process.execPath, ['--import', 'tsx', fixture, join(dir, 'baton.db')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const u = /BATON_URL=(\S+)/.exec(out);
        const t = /BATON_TOKEN=(\S+)/.exec(out);
        if (u && t) {
          url = u[1]!;
          token = t[1]!;
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
    });
  }, 60_000);
  afterAll(async () => {
    child?.kill('SIGTERM');
    await new Promise((r) => child?.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  });

  const put = (key: string, value: string) => api(url, '/api/v1/memory/entry', { method: 'PUT', token, json: { namespace: 'ops', key, value } });

  it('answers as the in-process search does, best first, and sees a write acknowledged just before', async () => {
    expect((await put('runbook/deploy', 'Steps: build, migrate, switch traffic.')).status).toBe(201);
    expect((await put('notes/friday', 'We deploy on Fridays only with a rollback plan.')).status).toBe(201);
    const before = await offloaded();
    const res = await api(url, '/api/v1/memory/search?q=deploy', { token });
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { key: string }) => i.key)).toEqual(['runbook/deploy', 'notes/friday']);
    expect(res.body.items[0].match.key.ranges.length).toBeGreaterThan(0);
    expect(typeof res.body.seq).toBe('number');
    // Stored, acknowledged, then searched at once: the worker's connection sees the commit.
    expect((await put('notes/monday', 'Deploy window moved to Monday.')).status).toBe(201);
    const again = await api(url, '/api/v1/memory/search?q=deploy', { token });
    expect(again.body.items.map((i: { key: string }) => i.key)).toContain('notes/monday');
    expect(await offloaded()).toBe(before + 2);
  });

  it('a bad search is a 422 naming the field, from the worker; globs stay in-process', async () => {
    const before = await offloaded();
    const bad = await api(url, '/api/v1/memory/search?q=deploy&limit=0', { token });
    expect(bad.status).toBe(422);
    expect(bad.body.error.field).toBe('limit');
    const forged = await api(url, '/api/v1/memory/search?q=deploy&cursor=nonsense', { token });
    expect(forged.status).toBe(422);
    expect(forged.body.error.field).toBe('cursor');
    const glob = await api(url, '/api/v1/memory/search?pattern=notes/*', { token });
    expect(glob.status).toBe(200);
    expect(glob.body.items.map((i: { key: string }) => i.key)).toEqual(['notes/friday', 'notes/monday']);
    expect(await offloaded()).toBe(before);
  });
});
