// The data commands (issue 17): `baton memory restore`, `baton export`, `baton import`,
// `baton backup` and `baton restore`. Against a running server over REST (an admin token), or with
// --db on a database file through the same write gate as a local principal.
import { Command, Option } from 'commander';
import { chmodSync, closeSync, createWriteStream, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BatonError, type ApiError } from '../lib/errors.ts';

interface GlobalOptions {
  url?: string;
  token?: string;
  db?: string;
  json?: boolean;
  actor?: string;
}

const DEFAULT_URL = 'http://localhost:3000';

/** The server cannot be reached (the message starts "Cannot reach": exit code 5). */
const unreachable = (root: string, err: unknown) =>
  new BatonError(
    'internal',
    `Cannot reach Baton at ${root} (${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message}): start it or set BATON_URL (or --url)`,
  );

/** A 401 or 403, said plainly (these commands need an admin token). */
const accessError = (root: string, status: number, token: string | undefined, e: ApiError | undefined) =>
  new BatonError(
    status === 401 ? 'unauthorized' : 'forbidden',
    status === 401 && !token ? `${root} needs an admin API token: set BATON_TOKEN (or --token)` : (e?.message ?? `Baton answered ${status}`),
    { field: e?.field },
  );

function out(opts: GlobalOptions, data: unknown, human: () => string) {
  process.stdout.write(`${opts.json ? JSON.stringify(data, null, 2) : human()}\n`);
}

/** A REST call to the server; its errors come back as the server's BatonError. */
async function call(opts: GlobalOptions, method: string, path: string, init: { json?: unknown; body?: string; raw?: boolean } = {}): Promise<Response> {
  const root = (opts.url ?? DEFAULT_URL).replace(/\/+$/, '');
  let res: Response;
  try {
    res = await fetch(`${root}${path}`, {
      method,
      headers: {
        ...(init.json !== undefined ? { 'content-type': 'application/json' } : init.body !== undefined ? { 'content-type': 'application/x-ndjson' } : {}),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      },
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
  } catch (err) {
    throw unreachable(root, err);
  }
  if (!res.ok) {
    const e = ((await res.json().catch(() => null)) as { error?: ApiError } | null)?.error;
    if (res.status === 401 || res.status === 403) throw accessError(root, res.status, opts.token, e);
    throw new BatonError(e?.code ?? 'internal', e?.message ?? `Baton answered ${res.status}`, { field: e?.field, currentVersion: e?.currentVersion });
  }
  return res;
}

const actorOf = (opts: GlobalOptions) => `cli:${opts.actor ?? process.env.USER ?? 'user'}`;

async function local<T>(opts: GlobalOptions, fn: (l: ReturnType<typeof import('../server/safety/local.ts').openLocalData>) => Promise<T>): Promise<T> {
  const { openLocalData } = await import('../server/safety/local.ts');
  const l = openLocalData(resolve(opts.db!), actorOf(opts));
  try {
    return await fn(l);
  } finally {
    l.close();
  }
}

function summaryText(r: { mode: string; dryRun: boolean; counts: Record<string, Record<string, number>>; changes: string[]; missingUsers: string[] }): string {
  const lines = [`${r.dryRun ? 'Dry run (nothing written)' : 'Imported'}, mode ${r.mode}:`];
  for (const [type, c] of Object.entries(r.counts))
    lines.push(
      `  ${type}: ${Object.entries(c)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ')}`,
    );
  if (Object.keys(r.counts).length === 0) lines.push('  (no records)');
  if (r.dryRun && r.changes.length)
    lines.push('Would change:', ...r.changes.slice(0, 20).map((c) => `  ${c}`), ...(r.changes.length > 20 ? [`  … and more`] : []));
  if (r.missingUsers.length) lines.push(`Users with no account here (invite them, then import again to link their handoffs): ${r.missingUsers.join(', ')}`);
  return lines.join('\n');
}

export function registerDataCommands(program: Command): void {
  const g = () => program.opts<GlobalOptions>();
  const num = (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new BatonError('invalid_input', `version: "${v}" is not a version number`, { field: 'version' });
    return n;
  };

  const memory = program.commands.find((c) => c.name() === 'memory');
  memory
    ?.command('restore <key> <version>')
    .description('write an earlier version of a key back as its newest version (see memory history)')
    .addOption(new Option('-n, --namespace <namespace>', 'namespace').default('default'))
    .option('--if-version <n>', 'only while the key is still at version n')
    .action(async (key: string, version: string, o: { namespace: string; ifVersion?: string }) => {
      const input = { namespace: o.namespace, key, version: num(version), ...(o.ifVersion !== undefined ? { ifVersion: Number(o.ifVersion) } : {}) };
      const opts = g();
      const r = opts.db
        ? await local(opts, async (l) => {
            const { restoreOp } = await import('../server/memory/ops.ts');
            return l.gate.write(l.caller, restoreOp(l.services.memory, input, { immediate: true }));
          })
        : ((await (await call(opts, 'POST', '/api/v1/memory/entry/restore', { json: input })).json()) as {
            namespace: string;
            key: string;
            version: number;
            seq: number;
            restoredFrom: number;
          });
      out(opts, r, () => `restored ${r.namespace}/${r.key} v${r.restoredFrom} as v${r.version} (seq ${r.seq})`);
    });

  program
    .command('export')
    .description('write everything Baton holds (memory with history, sessions, items, checkpoints, handoffs; no secrets) as NDJSON')
    .option('-o, --out <file>', 'write here (mode 0600) instead of stdout')
    .option('--namespace <pattern>', 'only memory in matching namespaces (glob) and the boards projected from them')
    .action(async (o: { out?: string; namespace?: string }) => {
      const opts = g();
      const target = o.out ? resolve(o.out) : null;
      const tmp = target ? `${target}.part` : null;
      if (tmp) closeSync(openSync(tmp, 'w', 0o600));
      const sink = tmp ? createWriteStream(tmp, { mode: 0o600 }) : process.stdout;
      try {
        if (opts.db) {
          const { exportLines } = await import('../server/safety/portable.ts');
          const lines = exportLines(resolve(opts.db), { namespace: o.namespace });
          await pipeline(
            Readable.from(
              (function* () {
                for (const line of lines) yield `${line}\n`;
              })(),
            ),
            sink,
            { end: !!tmp },
          );
        } else {
          const res = await call(opts, 'GET', `/api/v1/export${o.namespace ? `?namespace=${encodeURIComponent(o.namespace)}` : ''}`);
          await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), sink, { end: !!tmp });
        }
        if (tmp && target) {
          renameSync(tmp, target);
          chmodSync(target, 0o600);
          process.stderr.write(`exported to ${target}\n`);
        }
      } catch (err) {
        if (tmp) rmSync(tmp, { force: true });
        throw err;
      }
    });

  program
    .command('import <file>')
    .description('import a baton export: all of it or nothing (a bad line stops it with its line number)')
    .addOption(
      new Option('--mode <mode>', 'for what is already here: skip it, overwrite it, or merge (keep the newer)')
        .choices(['skip', 'overwrite', 'merge'])
        .default('skip'),
    )
    .option('--dry-run', 'say what would change, write nothing')
    .action(async (file: string, o: { mode: 'skip' | 'overwrite' | 'merge'; dryRun?: boolean }) => {
      const opts = g();
      const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(resolve(file), 'utf8');
      let r;
      if (opts.db) {
        r = await local(opts, async (l) => {
          const { importOp } = await import('../server/http/data-api.ts');
          return l.gate.write(
            l.caller,
            importOp({ handle: l.handle, services: l.services }, () => text, { mode: o.mode, dryRun: !!o.dryRun, maxDepth: l.gate.maxDepth }),
          );
        });
      } else {
        const res = await call(opts, 'POST', `/api/v1/import?mode=${o.mode}${o.dryRun ? '&dryRun=1' : ''}`, { body: text });
        r = (await res.json()) as Parameters<typeof summaryText>[0];
      }
      out(opts, r, () => summaryText(r));
    });

  program
    .command('backup <file>')
    .description('a consistent copy of the database while it runs (SQLite online backup, checked with quick_check, mode 0600)')
    .addHelpText('after', '\nOn PostgreSQL (--db postgres://…, or DATABASE_URL without --url) it prints the pg_dump and pg_restore commands to use instead.')
    .action(async (file: string) => {
      const opts = g();
      const target = resolve(file);
      // --db postgres://…, or DATABASE_URL when neither a file (--db) nor a server (--url, BATON_URL) is named.
      const pgUrl = opts.db && /^postgres(ql)?:\/\//.test(opts.db) ? opts.db : !opts.db && !opts.url ? process.env.DATABASE_URL : undefined;
      if (pgUrl) {
        const { postgresBackupCommands } = await import('./migrate.ts');
        const r = postgresBackupCommands(pgUrl, target, opts.db ? 'db' : 'DATABASE_URL');
        out(opts, r, () => r.text);
        return;
      }
      if (opts.db) {
        const Database = (await import('better-sqlite3')).default;
        const { backupDatabase } = await import('../server/safety/backup.ts');
        const db = new Database(resolve(opts.db), { fileMustExist: true });
        db.pragma('busy_timeout = 5000');
        try {
          const info = await backupDatabase(db, target);
          out(opts, info, () => `backed up ${resolve(opts.db!)} to ${info.file} (${info.size} bytes, ${info.ms} ms, quick_check ok)`);
        } finally {
          db.close();
        }
        return;
      }
      const res = await call(opts, 'GET', '/api/v1/backup');
      const tmp = `${target}.part`;
      const fd = openSync(tmp, 'w', 0o600);
      try {
        for await (const chunk of Readable.fromWeb(res.body as import('node:stream/web').ReadableStream)) writeSync(fd, chunk as Buffer);
      } finally {
        closeSync(fd);
      }
      const { quickCheck } = await import('../server/safety/backup.ts');
      const verdict = quickCheck(tmp);
      if (verdict !== 'ok') {
        rmSync(tmp, { force: true });
        throw new BatonError('internal', `the downloaded backup failed its integrity check: ${verdict}`);
      }
      renameSync(tmp, target);
      chmodSync(target, 0o600);
      out(opts, { file: target }, () => `backed up to ${target} (quick_check ok)`);
    });

  program
    .command('restore <backup>')
    .description('put a backup in place of a database file: checked, migrated forward, refused while a server has the file open')
    .option('--force', 'replace it even while another process has it open')
    .addHelpText('after', '\nThe database file to replace is the global --db <path> (stop the server first).')
    .action(async (backup: string, o: { force?: boolean }) => {
      const db = g().db;
      if (!db) throw new BatonError('invalid_input', 'db: say which database file to replace with --db <path>', { field: 'db' });
      const { restoreDatabase } = await import('../server/safety/backup.ts');
      const r = await restoreDatabase(backup, db, { force: o.force });
      out(
        g(),
        r,
        () => `restored ${r.from} to ${r.target}${r.migrated ? ` (migrated forward ${r.migrated} step${r.migrated === 1 ? '' : 's'})` : ''}; quick_check ok`,
      );
    });
}
