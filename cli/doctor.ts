import { accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

async function checkToken(url: string, token: string | undefined): Promise<Check> {
  if (!token) return { name: 'token', ok: false, detail: 'none given: set BATON_TOKEN or pass --token (baton token create, or Settings in the web UI)' };
  try {
    const res = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
    const body = (await res.json().catch(() => ({}))) as {
      principal?: { kind?: string; name?: string; email?: string; scopes?: { access: string; namespaces: string }[] };
      error?: { message?: string };
    };
    if (!res.ok) return { name: 'token', ok: false, detail: `rejected (${res.status}): ${body.error?.message ?? 'no reason given'}` };
    const p = body.principal ?? {};
    const who =
      p.kind === 'token' ? `token "${p.name}" (${(p.scopes ?? []).map((x) => `${x.access}:${x.namespaces}`).join(', ')})` : (p.email ?? p.kind ?? 'unknown');
    return { name: 'token', ok: true, detail: `accepted: ${who}` };
  } catch (err) {
    return { name: 'token', ok: false, detail: `could not be checked: ${(err as Error).message}` };
  }
}

/**
 * Prints one line per check; returns whether all passed, and whether the server could not be
 * reached at all (the CLI exits 5 then, 1 for any other failed check).
 */
export async function runDoctor(
  opts: { url?: string; token?: string; db?: string; json?: boolean },
  defaultUrl: string,
): Promise<{ ok: boolean; unreachable: boolean }> {
  const checks: Check[] = [];
  let unreachable = false;
  checks.push({ name: 'node', ok: Number(process.versions.node.split('.')[0]) >= 20, detail: process.versions.node });

  if (opts.db) {
    const path = resolve(opts.db);
    try {
      const { openDatabase } = await import('../db/client.ts');
      const handle = openDatabase(path);
      handle.sqlite.prepare('CREATE TABLE IF NOT EXISTS doctor_probe (x)').run();
      handle.sqlite.prepare('DROP TABLE doctor_probe').run();
      const version = handle.sqlite.prepare<[], { v: string }>('select sqlite_version() as v').get()!.v;
      handle.close();
      checks.push({ name: 'database', ok: true, detail: `${path} writable (SQLite ${version})` });
    } catch (err) {
      let hint = '';
      try {
        accessSync(dirname(path), constants.W_OK);
      } catch {
        hint = ' (folder not writable)';
      }
      checks.push({ name: 'database', ok: false, detail: `${path}: ${(err as Error).message}${hint}` });
    }
  } else {
    const url = (opts.url ?? defaultUrl).replace(/\/+$/, '');
    try {
      const started = Date.now();
      const res = await fetch(`${url}/api/v1/health`, {
        headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
        signal: AbortSignal.timeout(5000),
      });
      const body = (await res.json().catch(() => ({}))) as { seq?: number };
      checks.push({ name: 'server', ok: res.ok, detail: `${url} answered ${res.status} in ${Date.now() - started} ms (feed at seq ${body.seq ?? '?'})` });
      // Health is public, so it says nothing about the token: ask the server who the token is.
      if (res.ok) checks.push(await checkToken(url, opts.token));
    } catch (err) {
      unreachable = true;
      const why = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      checks.push({ name: 'server', ok: false, detail: `${url} unreachable (${why}): start it (npm start in the Baton checkout) or set BATON_URL` });
    }
  }

  if (opts.json) process.stdout.write(`${JSON.stringify({ ok: checks.every((c) => c.ok), checks }, null, 2)}\n`);
  else for (const c of checks) process.stdout.write(`${c.ok ? '✓' : '✗'} ${c.name.padEnd(9)} ${c.detail}\n`);
  return { ok: checks.every((c) => c.ok), unreachable };
}
