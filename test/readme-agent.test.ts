import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from './helpers.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The JSON config for other MCP clients, exactly as README "Connect an agent" prints it. */
function readmeConfig(): {
  mcpServers: Record<
    string,
    { type?: string; url?: string; headers?: Record<string, string>; command?: string; args?: string[]; env?: Record<string, string> }
  >;
} {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('### Connect an agent'));
  const json = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  if (!json) throw new Error('README: no JSON config under "Connect an agent"');
  return JSON.parse(json);
}

/** Puts this test's server and token where the README has localhost:3000 and btn_…. */
const fill = (text: string, s: TestServer) => text.replace('http://localhost:3000', s.url).replace('btn_…', s.token);

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

/** Store, search and hand off: what an agent set up from the README must be able to do. */
async function storeSearchHandOff(client: Client, tag: string) {
  const call = async (name: string, args: Record<string, unknown>) => {
    const r = (await client.callTool({ name, arguments: args })) as { isError?: boolean; content: { text: string }[] };
    expect(r.isError ?? false, r.content[0]!.text).toBe(false);
    return JSON.parse(r.content[0]!.text);
  };
  const stored = await call('memory_usage', { action: 'store', namespace: 'readme', key: `agent/${tag}/state`, value: JSON.stringify({ step: 1 }) });
  expect(stored).toMatchObject({ success: true, stored: true, key: `agent/${tag}/state`, namespace: 'readme' });
  const found = await call('memory_usage', { action: 'search', pattern: `agent/${tag}/*` });
  expect(found.results.map((r: { key: string }) => r.key)).toEqual([`agent/${tag}/state`]);
  await call('session_start', { sessionId: `readme-${tag}`, title: `README ${tag}`, goals: ['follow the README'] });
  // The connection remembers the session it started: no sessionId needed after session_start.
  expect((await call('session_checkpoint', { label: 'set up' })).sessionId).toBe(`readme-${tag}`);
  const handed = await call('session_handoff', { to: 'team', notes: ['set up from the README'] });
  expect(handed.handoff).toMatchObject({ status: 'pending', sessionId: `readme-${tag}` });
  // It is on the server, for the team's inbox and review page.
  const review = await api(s.url, `/api/v1/handoffs/${handed.handoff.id}`);
  expect(review.body).toMatchObject({ status: 'pending', summary: { notes: ['set up from the README'] } });
}

describe('an agent configured exactly as the README says', () => {
  it('over HTTP ("type": "http", url and Authorization header) stores, searches and hands off', async () => {
    const http = readmeConfig().mcpServers.baton!;
    expect(http.type).toBe('http');
    const client = new Client({ name: 'readme-http', version: '1' });
    const headers = Object.fromEntries(Object.entries(http.headers ?? {}).map(([k, v]) => [k, fill(v, s)]));
    await client.connect(new StreamableHTTPClientTransport(new URL(fill(http.url!, s)), { requestInit: { headers } }));
    try {
      await storeSearchHandOff(client, 'http');
    } finally {
      await client.close();
    }
  });

  it('over stdio (baton mcp with BATON_URL and BATON_TOKEN), started in a project outside the checkout, stores, searches and hands off', async () => {
    const stdio = readmeConfig().mcpServers['baton-stdio']!;
    expect([stdio.command, ...(stdio.args ?? [])]).toEqual(['baton', 'mcp']);
    // The README's one-time install (npm install -g . / npm link) puts a `baton` link on the PATH;
    // MCP clients start it in the user's project, never in Baton's checkout.
    const bin = mkdtempSync(join(tmpdir(), 'baton-bin-'));
    const project = mkdtempSync(join(tmpdir(), 'baton-user-project-'));
    symlinkSync(join(root, 'cli', 'bin.mjs'), join(bin, 'baton'));
    const env = Object.fromEntries(Object.entries(stdio.env ?? {}).map(([k, v]) => [k, fill(v, s)]));
    const client = new Client({ name: 'readme-stdio', version: '1' });
    const PATH = `${bin}${delimiter}${process.env.PATH}`;
    await client.connect(
      new StdioClientTransport({ command: stdio.command!, args: stdio.args, env: { ...(process.env as Record<string, string>), PATH, ...env }, cwd: project }),
    );
    try {
      await storeSearchHandOff(client, 'stdio');
    } finally {
      await client.close();
      rmSync(bin, { recursive: true, force: true });
      rmSync(project, { recursive: true, force: true });
    }
  });
});

describe('the README and docs examples work from any directory', () => {
  it('use the installed `baton` command, never `npx baton` or a path inside the checkout', () => {
    const lines: string[] = [];
    for (const file of ['README.md', 'docs/cli.md', 'docs/mcp.md']) {
      const text = readFileSync(`${root}${file}`, 'utf8');
      for (const block of text.matchAll(/```(?:sh|json)\n([\s\S]*?)```/g)) lines.push(...block[1]!.split('\n').map((l) => `${file}: ${l}`));
    }
    expect(lines.filter((l) => /npx baton|node cli\/bin\.mjs|npm run baton/.test(l))).toEqual([]);
    expect(lines.filter((l) => /\bbaton (mcp|hooks|memory|session|handoff|token|doctor)\b/.test(l)).length).toBeGreaterThan(10);
  });
});
