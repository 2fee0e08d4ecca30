import { accessSync, constants, statSync } from 'node:fs';
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

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** How long ago the last good backup was; informational (a server may rely on backups taken elsewhere). */
function backupCheck(at: number | null, where: string): Check {
  if (at === null) return { name: 'backup', ok: true, detail: `none yet ${where}: set BACKUP_DIR, or run baton backup FILE` };
  const hours = (Date.now() - at) / 3_600_000;
  return {
    name: 'backup',
    ok: true,
    detail: `last good ${hours < 1 ? `${Math.round(hours * 60)} min` : `${hours.toFixed(1)} h`} ago (${new Date(at).toISOString()})`,
  };
}

/** The WAL's size: large and growing means readers keep the checkpointer from finishing. */
function walCheck(walBytes: number, dbBytes: number): Check {
  // Past 1 GiB, or four times the database (and 64 MiB), something holds checkpoints back.
  const big = walBytes > 1024 ** 3 || (walBytes > 64 * 1024 ** 2 && walBytes > 4 * dbBytes);
  return { name: 'wal', ok: !big, detail: `${mib(walBytes)} (database ${mib(dbBytes)})${big ? ': checkpoints are held back (a long read?)' : ''}` };
}

/** The server's WAL size and backup age from GET /metrics (needs an admin token or METRICS_TOKEN). */
async function serverFiles(url: string, token: string | undefined): Promise<Check[]> {
  if (!token) return [];
  try {
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
    if (!res.ok) return [{ name: 'wal', ok: true, detail: `not checked: GET /metrics answered ${res.status} (needs an admin token or METRICS_TOKEN)` }];
    const text = await res.text();
    const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    return [walCheck(read('baton_wal_bytes'), read('baton_database_bytes'))];
  } catch (err) {
    return [{ name: 'wal', ok: true, detail: `not checked: ${(err as Error).message}` }];
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
      const integrity = (handle.sqlite.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check).join('; ');
      handle.close();
      checks.push({ name: 'database', ok: true, detail: `${path} writable (SQLite ${version})` });
      checks.push({ name: 'integrity', ok: integrity === 'ok', detail: integrity === 'ok' ? 'quick_check ok' : `quick_check: ${integrity.slice(0, 500)}` });
      const size = (file: string) => {
        try {
          return statSync(file).size;
        } catch {
          return 0;
        }
      };
      checks.push(walCheck(size(`${path}-wal`), size(path)));
      const dir = process.env.BACKUP_DIR;
      const { listBackups } = await import('../server/safety/backup.ts');
      checks.push(backupCheck(dir ? (listBackups(resolve(dir))[0]?.at ?? null) : null, dir ? `in ${dir}` : '(BACKUP_DIR is not set)'));
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
      const body = (await res.json().catch(() => ({}))) as { seq?: number; lastBackupAt?: string | null };
      checks.push({ name: 'server', ok: res.ok, detail: `${url} answered ${res.status} in ${Date.now() - started} ms (feed at seq ${body.seq ?? '?'})` });
      // Health is public, so it says nothing about the token: ask the server who the token is.
      if (res.ok) {
        checks.push(await checkToken(url, opts.token));
        checks.push(backupCheck(body.lastBackupAt ? Date.parse(body.lastBackupAt) : null, 'on the server'));
        checks.push(...(await serverFiles(url, opts.token)));
      }
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
