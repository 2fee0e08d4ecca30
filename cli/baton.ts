import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BatonError, toApiError } from '../lib/errors.ts';
import type { MemoryEntry } from '../lib/memory-types.ts';
import type { TextSpan } from '../lib/search-text.ts';
import type { MemoryBackend } from '../server/mcp/backend.ts';
import { remoteBackend, remoteSessionBackend } from './remote.ts';
import type { SessionBackend } from '../server/mcp/session-backend.ts';
import type { Analytics } from '../lib/analytics-types.ts';
import { registerDataCommands } from './data.ts';
import { registerMigrateCommand } from './migrate.ts';

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, failure: 1, invalid: 2, notFound: 3, conflict: 4, unreachable: 5 } as const;

const DEFAULT_URL = 'http://localhost:3000';

interface GlobalOptions {
  url?: string;
  token?: string;
  db?: string;
  json?: boolean;
  actor?: string;
}

/** The `code` a --json error carries for each exit code. */
const CODE_OF_EXIT: Record<number, string> = { 1: 'failure', 2: 'invalid_input', 3: 'not_found', 4: 'version_conflict', 5: 'unreachable' };

class CliExit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** This CLI's version (package.json beside cli/). */
export function cliVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

async function openLocal(path: string, actor: string) {
  const { openLocalServices } = await import('../server/local.ts');
  const local = openLocalServices(path, actor);
  return { backend: local.memory, sessions: local.sessions, close: local.close };
}

interface Backends {
  backend: MemoryBackend;
  sessions: SessionBackend;
  close(): void;
}

/** --db (a database file, written directly; a running server still broadcasts it) or a server URL. */
async function backendFor(opts: GlobalOptions): Promise<Backends> {
  const actor = `cli:${opts.actor ?? process.env.USER ?? 'user'}`;
  if (opts.db) return openLocal(resolve(opts.db), actor);
  const url = opts.url ?? DEFAULT_URL;
  return {
    backend: remoteBackend(url, { token: opts.token, actor: opts.actor ?? process.env.USER }),
    sessions: remoteSessionBackend(url, opts.token, 'cli'),
    close: () => {},
  };
}

function print(opts: GlobalOptions, data: unknown, human: () => string) {
  process.stdout.write(`${opts.json ? JSON.stringify(data, null, 2) : human()}\n`);
}

/** A search snippet on one line: matches in reverse video on a terminal, plain text otherwise. */
function markFor(tty: boolean) {
  return (span: TextSpan): string => {
    let out = '';
    let at = 0;
    for (const [start, end] of span.ranges) {
      out += span.text.slice(at, start) + (tty ? `\x1b[7m${span.text.slice(start, end)}\x1b[27m` : span.text.slice(start, end));
      at = end;
    }
    out += span.text.slice(at);
    return `${span.cutStart ? '…' : ''}${out.replace(/\s+/g, ' ')}${span.cutEnd ? '…' : ''}`;
  };
}

function showValue(entry: MemoryEntry): string {
  return entry.isJson ? JSON.stringify(entry.value, null, 2) : entry.raw;
}

/** A value piped on stdin, less the one newline that ends it (`echo x |` stores "x", as an argument would). */
export function stripFinalNewline(text: string): string {
  return text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
}

function readStdin(): string {
  try {
    return stripFinalNewline(readFileSync(0, 'utf8'));
  } catch {
    throw new BatonError('invalid_input', 'value: give it as an argument or on stdin', { field: 'value' });
  }
}

const num = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new BatonError('invalid_input', `${name}: must be a number`, { field: name });
  return n;
};

export function buildProgram(): Command {
  const program = new Command('baton')
    .description('Baton: keep work alive across sessions and between teammates, human or AI agent.')
    .addOption(new Option('--url <url>', 'Baton server').env('BATON_URL'))
    .addOption(new Option('--token <token>', 'API token').env('BATON_TOKEN'))
    .addOption(new Option('--db <path>', 'write this database file directly instead of a server'))
    .option('--actor <name>', 'who is writing (shown on boards)')
    .option('--json', 'machine-readable output')
    .version(cliVersion(), '-V, --version', 'print the version')
    .showHelpAfterError()
    .exitOverride();

  const g = () => program.opts<GlobalOptions>();
  const withBackend = async (fn: (b: MemoryBackend) => Promise<void>) => {
    const { backend, close } = await backendFor(g());
    try {
      await fn(backend);
    } finally {
      close();
    }
  };

  const memory = program.command('memory').description('read and write memory entries');
  const ns = () => new Option('-n, --namespace <namespace>', 'namespace').default('default');

  memory
    .command('store <key> [value]')
    .description('store a value (JSON or text); reads stdin when value is omitted or "-"')
    .addOption(ns())
    .option('--ttl <seconds>', 'expire after this many seconds', num('ttl'))
    .option('--if-version <n>', 'store only if the current version is n (0: only if absent)', num('ifVersion'))
    .action((key: string, value: string | undefined, o: { namespace: string; ttl?: number; ifVersion?: number }) =>
      withBackend(async (b) => {
        const v = value === undefined || value === '-' ? readStdin() : value;
        const r = await b.store({ namespace: o.namespace, key, value: v, ttl: o.ttl, ifVersion: o.ifVersion });
        print(g(), r, () => `stored ${r.namespace}/${r.key} v${r.version} (seq ${r.seq}${r.expiresAt ? `, expires ${r.expiresAt}` : ''})`);
      }),
    );

  memory
    .command('get <key>')
    .description('print an entry’s value')
    .addOption(ns())
    .action((key: string, o: { namespace: string }) =>
      withBackend(async (b) => {
        const entry = await b.retrieve({ namespace: o.namespace, key });
        if (!entry) throw new BatonError('not_found', `not found: ${o.namespace}/${key}`, { field: 'key' });
        print(g(), entry, () => showValue(entry));
      }),
    );

  memory
    .command('list')
    .description('list keys of a namespace')
    .addOption(ns())
    .option('--prefix <prefix>', 'only keys starting with this')
    .option('--limit <n>', 'page size', num('limit'), 100)
    .option('--cursor <cursor>', 'continue from a previous page')
    .action((o: { namespace: string; prefix?: string; limit: number; cursor?: string }) =>
      withBackend(async (b) => {
        const page = await b.list(o);
        print(g(), page, () =>
          [
            ...page.items.map((e) => `${e.key}\tv${e.version}\t${e.updatedAt}${e.expiresAt ? `\texpires ${e.expiresAt}` : ''}`),
            ...(page.nextCursor ? [`… more: --cursor ${page.nextCursor}`] : []),
            ...(page.items.length === 0 ? [`(no entries in ${o.namespace})`] : []),
          ].join('\n'),
        );
      }),
    );

  memory
    .command('search [pattern]')
    .description('find keys by glob (*/blockers, session/*) across namespaces, and/or text in keys and values (best matches first)')
    .option('-n, --namespace <namespace>', 'only this namespace')
    .option('-q, --query <text>', 'text to find in keys and values: plain words, each matched as a substring')
    .option('--limit <n>', 'page size', num('limit'), 100)
    .action((pattern: string | undefined, o: { namespace?: string; query?: string; limit: number }) =>
      withBackend(async (b) => {
        const page = await b.search({ ...o, pattern });
        const mark = markFor(process.stdout.isTTY);
        print(g(), page, () =>
          page.items.length === 0
            ? '(no matches)'
            : page.items
                .map((e) =>
                  e.match
                    ? `${e.namespace}\t${e.key}\tv${e.version}\t${e.match.score.toFixed(2)}\t${mark(e.match.value)}`
                    : `${e.namespace}\t${e.key}\tv${e.version}`,
                )
                .join('\n'),
        );
      }),
    );

  memory
    .command('delete <key>')
    .description('delete an entry (its history is kept)')
    .addOption(ns())
    .action((key: string, o: { namespace: string }) =>
      withBackend(async (b) => {
        const r = await b.delete({ namespace: o.namespace, key });
        print(g(), r, () => (r.deleted ? `deleted ${r.namespace}/${r.key}` : `nothing to delete at ${r.namespace}/${r.key}`));
        if (!r.deleted) throw new CliExit(EXIT.notFound, '');
      }),
    );

  memory
    .command('history <key>')
    .description('the last versions of an entry, newest first')
    .addOption(ns())
    .action((key: string, o: { namespace: string }) =>
      withBackend(async (b) => {
        const items = await b.history({ namespace: o.namespace, key });
        print(g(), { items }, () => (items.length === 0 ? '(no history)' : items.map((h) => `v${h.version}\t${h.op}\t${h.actor}\t${h.at}`).join('\n')));
      }),
    );

  const session = program.command('session').description('start, checkpoint, resume and list work sessions');
  /** Runs a session tool (the same code as MCP's) and prints its result. */
  const sessionTool = async (name: string, args: Record<string, unknown>, human: (r: Record<string, any>) => string) => {
    const { backend, sessions, close } = await backendFor(g());
    try {
      const { runSessionTool } = await import('../server/mcp/session-tools.ts');
      const result = await runSessionTool(name, args, backend, sessions);
      const body = JSON.parse(result.content[0]!.text) as Record<string, any>;
      if (result.isError) {
        const code =
          body.code === 'not_found'
            ? EXIT.notFound
            : body.code === 'invalid_input'
              ? EXIT.invalid
              : body.code === 'version_conflict'
                ? EXIT.conflict
                : body.code === 'forbidden' || body.code === 'unauthorized'
                  ? EXIT.failure
                  : String(body.error).startsWith('Cannot reach')
                    ? EXIT.unreachable
                    : EXIT.failure;
        throw new CliExit(code, body.error);
      }
      print(g(), body, () => human(body));
    } finally {
      close();
    }
  };
  const collect = (v: string, prev: string[] = []) => [...prev, v];

  session
    .command('start')
    .description('start a session (stored as session/<id>/init; shows live on a board)')
    .option('--id <id>', 'session id (default: generated)')
    .option('--type <type>', 'development | coordination | review | planning', 'development')
    .option('--title <title>')
    .option('--project <project>')
    .option('--owner <owner>')
    .option('--branch <branch>')
    .option('--expected <duration>', 'e.g. "4 hours"')
    .option('-g, --goal <goal>', 'a goal (repeatable)', collect)
    .action((o: { id?: string; type: string; title?: string; project?: string; owner?: string; branch?: string; expected?: string; goal?: string[] }) =>
      sessionTool(
        'session_start',
        {
          sessionId: o.id,
          type: o.type,
          title: o.title,
          project: o.project,
          owner: o.owner,
          branch: o.branch,
          expectedDuration: o.expected,
          goals: o.goal ?? [],
        },
        (r) => `started ${r.sessionId}`,
      ),
    );

  session
    .command('checkpoint [id]')
    .description('record a checkpoint (default: your own most recent open session); --state FILE|- saves state first')
    .option('--label <label>')
    .option('--state <file>', 'JSON state in the seed shape (progress, blockers, decisions, metrics…); - reads stdin')
    .action((id: string | undefined, o: { label?: string; state?: string }) =>
      (async () => {
        let state: unknown;
        if (o.state) {
          const text = o.state === '-' ? readStdin() : readFileSync(o.state, 'utf8');
          try {
            state = JSON.parse(text);
          } catch {
            throw new BatonError('invalid_input', 'state: not valid JSON', { field: 'state' });
          }
        }
        await sessionTool('session_checkpoint', { sessionId: id, label: o.label, state }, (r) => `checkpoint ${r.checkpoint?.id ?? ''} on ${r.sessionId}`);
      })(),
    );

  session
    .command('resume [id]')
    .description('what you need to continue a session: last checkpoint, open blockers, next steps, decisions')
    .action((id: string | undefined) =>
      sessionTool('session_resume', { sessionId: id }, (r) =>
        [
          `Session ${r.session.id}: ${r.session.title} (${r.session.status}${r.session.owner ? `, ${r.session.owner}` : ''})`,
          r.session.branch ? `Branch ${r.session.branch}${r.session.lastCommit ? ` @ ${r.session.lastCommit}` : ''}` : null,
          r.lastCheckpoint ? `Last checkpoint: ${r.lastCheckpoint.label ?? r.lastCheckpoint.kind} at ${r.lastCheckpoint.createdAt}` : 'No checkpoint yet',
          r.goals?.length ? `Goals:\n${r.goals.map((x: any) => `  [${x.done ? 'x' : ' '}] ${x.text}`).join('\n')}` : null,
          r.openBlockers?.length ? `Open blockers:\n${r.openBlockers.map((b: any) => `  ! ${b.description} (${b.severity})`).join('\n')}` : null,
          r.nextSteps?.length ? `Next steps:\n${r.nextSteps.map((x: string) => `  - ${x}`).join('\n')}` : null,
          r.decisions?.length ? `Decisions:\n${r.decisions.map((d: any) => `  * ${d.topic}: ${d.decision}`).join('\n')}` : null,
          r.activeFiles?.length ? `Active files:\n${r.activeFiles.map((f: string) => `  ${f}`).join('\n')}` : null,
        ]
          .filter(Boolean)
          .join('\n'),
      ),
    );

  session
    .command('list')
    .description('sessions, newest activity first')
    .option('--status <status>')
    .option('--type <type>')
    .option('--project <project>')
    .action((o: { status?: string; type?: string; project?: string }) =>
      sessionTool('session_list', o, (r) =>
        r.sessions.length === 0 ? '(no sessions)' : r.sessions.map((x: any) => `${x.id}\t${x.type}\t${x.status}\t${x.owner ?? ''}\t${x.title}`).join('\n'),
      ),
    );

  session
    .command('analytics')
    .description('figures Baton computed from what it recorded: sessions, goals, blockers, checkpoints, handoffs, writes per day')
    .option('--days <n>', 'window in days, ending now (1-90)', '14')
    .option('--type <type>', 'development | coordination | review | planning')
    .option('--project <project>')
    .option('--tz <zone>', "IANA time zone for the days (default: this machine's)", Intl.DateTimeFormat().resolvedOptions().timeZone)
    .action((o: { days: string; type?: string; project?: string; tz: string }) =>
      sessionTool('session_analytics', { days: Number(o.days), type: o.type, project: o.project, tz: o.tz }, (r) => analyticsText(r.analytics)),
    );

  session
    .command('handoff [id]')
    .description('hand a session (default: your own most recent open session) to a member, an agent or the team; the recipient reviews it on /handoffs/<id>')
    .requiredOption('--to <who>', 'a member (email, name or id), an agent name, or "team"')
    .option('--to-kind <kind>', 'user | agent | team (default: a member when one matches, else an agent)')
    .option('--type <type>', 'e.g. end-of-shift')
    .option('--done <text>', 'completed work (repeatable; default: goals done on the board)', collect)
    .option('--note <text>', 'an important note (repeatable)', collect)
    .option('--priority <text>', 'a priority for the next session (repeatable; default: next steps)', collect)
    .option('--decision <text>', 'a decision the recipient needs to make (repeatable)', collect)
    .option('--file <path>', 'a file to review (repeatable; default: active files)', collect)
    .option('--tests <status>', 'test status, e.g. "unit green, e2e red"')
    .option('--ttl <seconds>', 'expiry in seconds (default 259200: three days)', (v) => Number(v))
    .action(
      (
        id: string | undefined,
        o: {
          to: string;
          toKind?: string;
          type?: string;
          done?: string[];
          note?: string[];
          priority?: string[];
          decision?: string[];
          file?: string[];
          tests?: string;
          ttl?: number;
        },
      ) =>
        sessionTool(
          'session_handoff',
          {
            action: 'create',
            sessionId: id,
            to: o.to,
            toKind: o.toKind,
            handoffType: o.type,
            completed: o.done,
            notes: o.note,
            priorities: o.priority,
            decisionsNeeded: o.decision,
            filesToReview: o.file,
            testStatus: o.tests,
            ttl: o.ttl,
          },
          (r) =>
            `handed ${r.handoff.sessionId} to ${r.handoff.to}: ${r.handoff.id} (${r.handoff.status}, expires ${r.handoff.expiresAt})\nreview: ${r.handoff.reviewPath}`,
        ),
    );

  const handoff = program.command('handoff').description('handoffs: your inbox, and accepting, declining or commenting on one');
  handoff
    .command('list')
    .description('handoffs to you (--box inbox), from you (sent) or all')
    .option('--box <box>', 'inbox | sent | all', 'inbox')
    .option('--status <status>', 'pending | changes-requested | accepted | declined | expired | cancelled')
    .action((o: { box: string; status?: string }) =>
      sessionTool('session_handoff', { action: 'list', box: o.box, status: o.status }, (r) =>
        r.handoffs.length === 0 ? '(no handoffs)' : r.handoffs.map((x: any) => `${x.id}\t${x.status}\t${x.from} → ${x.to}\t${x.sessionTitle}`).join('\n'),
      ),
    );
  handoff
    .command('show <id>')
    .action((id: string) =>
      sessionTool('session_handoff', { action: 'get', handoffId: id }, ({ handoff: h }) =>
        [
          `${h.id}: ${h.sessionTitle} — ${h.from.label} → ${h.to.label} (${h.status}, expires ${h.expiresAt})`,
          h.summary.completed.length ? `Done:\n${h.summary.completed.map((x: string) => `  ✓ ${x}`).join('\n')}` : null,
          h.summary.inProgress.length ? `In progress:\n${h.summary.inProgress.map((w: any) => `  ${w.progress}% ${w.task}`).join('\n')}` : null,
          h.summary.blockers.length ? `Blockers:\n${h.summary.blockers.map((b: any) => `  ! ${b.description}`).join('\n')}` : null,
          h.context.priorities.length ? `Priorities:\n${h.context.priorities.map((x: string) => `  - ${x}`).join('\n')}` : null,
          h.checklist.length ? `Checklist:\n${h.checklist.map((c: any) => `  [${c.done ? 'x' : ' '}] ${c.text}`).join('\n')}` : null,
        ]
          .filter(Boolean)
          .join('\n'),
      ),
    );
  handoff
    .command('accept <id>')
    .description('take the session over: prints the continued session and its resume context')
    .action((id: string) => sessionTool('session_handoff', { action: 'accept', handoffId: id }, (r) => `accepted ${r.handoff.id}: continue in ${r.sessionId}`));
  handoff
    .command('decline <id>')
    .requiredOption('--reason <text>', 'why (the sender sees it)')
    .action((id: string, o: { reason: string }) =>
      sessionTool('session_handoff', { action: 'decline', handoffId: id, reason: o.reason }, (r) => `declined ${r.handoff.id}`),
    );

  const hooks = program.command('hooks').description('Claude Code hooks: resume context at start, checkpoints at stop, active files on edit');
  hooks
    .command('install')
    .description("write Baton's hooks into <project>/.claude/settings.json (other hooks are kept)")
    .option('--project <dir>', 'the project directory', process.cwd())
    .option('--dry-run', 'print the settings instead of writing them')
    .action(async (o: { project: string; dryRun?: boolean }) => {
      const { installHooks } = await import('./hooks.ts');
      const r = installHooks(o.project, !!o.dryRun);
      print(g(), r, () =>
        r.written
          ? `wrote hooks to ${r.path}${r.ignored ? '\nadded .baton/ to .gitignore' : ''}\n(they run \`baton\` from the PATH with BATON_URL and BATON_TOKEN from the environment Claude Code runs in)`
          : JSON.stringify(r.settings, null, 2),
      );
    });
  for (const action of ['session-start', 'checkpoint', 'file-touched', 'todos', 'waiting', 'resumed']) {
    hooks
      .command(action, { hidden: true })
      .description(`run the ${action} hook (Claude Code calls this with its hook JSON on stdin)`)
      .action(async () => {
        const { parseHookInput, runHook } = await import('./hooks.ts');
        const input = parseHookInput(process.stdin.isTTY ? '' : readFileSync(0, 'utf8'));
        const o = g();
        // Claude Code treats exit 2 as "blocked" and feeds stderr to the model: a hook never exits 2.
        // Any failure is said plainly on stderr (Claude Code shows it) with exit 1, and the agent goes on.
        if (!o.db && !o.url && !o.token) {
          throw new CliExit(
            EXIT.failure,
            `hooks ${action}: Baton is not configured here: set BATON_URL and BATON_TOKEN in the environment Claude Code runs in (or add --db FILE to the hook command)`,
          );
        }
        try {
          const { backend, sessions, close } = await backendFor(o);
          try {
            const out = await runHook(action, input, backend, sessions);
            if (out) process.stdout.write(`${out}\n`);
          } finally {
            close();
          }
        } catch (err) {
          const message = err instanceof Error && err.message ? err.message : 'failed';
          throw new CliExit(String(message).startsWith('Cannot reach') ? EXIT.unreachable : EXIT.failure, `hooks ${action}: ${message}`);
        }
      });
  }

  const token = program.command('token').description('create, list and revoke API tokens (needs a token allowed to manage tokens)');
  const rest = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const o = g();
    const url = (o.url ?? DEFAULT_URL).replace(/\/+$/, '');
    let res: Response;
    try {
      res = await fetch(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new BatonError('internal', `Cannot reach Baton at ${url}: ${(err as Error).message}`);
    }
    const payload = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; field?: string } } | null;
    if (!res.ok) {
      const e = payload?.error;
      if (res.status === 401 || res.status === 403) throw new CliExit(EXIT.failure, e?.message ?? `Baton answered ${res.status}`);
      throw new BatonError((e?.code as 'invalid_input') ?? 'internal', e?.message ?? `Baton answered ${res.status}`, { field: e?.field });
    }
    return payload as T;
  };
  const parseScope = (value: string, previous: { access: string; namespaces: string }[] = []) => {
    const [access, namespaces] = value.split(':', 2);
    if (!access || !namespaces || !['read', 'write', 'admin'].includes(access)) {
      throw new BatonError('invalid_input', `scope: "${value}" is not access:namespaces (e.g. write:session-management, read:team-*)`, { field: 'scope' });
    }
    return [...previous, { access, namespaces }];
  };

  token
    .command('create <name>')
    .description('create a token; it is printed once')
    .option('-s, --scope <access:namespaces>', 'read|write|admin : a namespace or pattern (repeatable)', parseScope)
    .option('--expires-days <n>', 'expire after n days (default 90)', num('expiresInDays'))
    .option('--no-expiry', 'never expire (a deliberate choice: revoke it yourself)')
    .action((name: string, o: { scope?: { access: string; namespaces: string }[]; expiresDays?: number; expiry?: boolean }) =>
      (async () => {
        const created = await rest<{ id: string; token: string; scopes: unknown[]; expiresAt: string | null }>('POST', '/api/v1/tokens', {
          name,
          scopes: o.scope ?? [{ access: 'write', namespaces: '*' }],
          expiresInDays: o.expiry === false ? null : o.expiresDays,
        });
        print(g(), created, () => `${created.token}\n(id ${created.id}; shown once: store it now)`);
      })(),
    );

  token
    .command('list')
    .description('tokens you may see (admins: all)')
    .action(() =>
      (async () => {
        const { items } = await rest<{
          items: {
            id: string;
            name: string;
            prefix: string;
            scopes: { access: string; namespaces: string }[];
            revokedAt: string | null;
            lastUsedAt: string | null;
          }[];
        }>('GET', '/api/v1/tokens');
        print(g(), { items }, () =>
          items.length === 0
            ? '(no tokens)'
            : items
                .map(
                  (t) =>
                    `${t.id}\t${t.name}\t${t.prefix}…\t${t.scopes.map((x) => `${x.access}:${x.namespaces}`).join(',')}\t${t.revokedAt ? 'revoked' : `last used ${t.lastUsedAt ?? 'never'}`}`,
                )
                .join('\n'),
        );
      })(),
    );

  token
    .command('revoke <id>')
    .description('revoke a token at once (its open connections are closed)')
    .action((id: string) =>
      (async () => {
        const r = await rest<{ id: string }>('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`);
        print(g(), r, () => `revoked ${r.id}`);
      })(),
    );

  program
    .command('mcp')
    .description('run the MCP server on stdio (BATON_URL set: through that server; else the local database file)')
    .action(async () => {
      const { runStdio } = await import('./mcp-stdio.ts');
      await runStdio(g());
    });

  program
    .command('doctor')
    .description('check the server, the token and the database')
    .action(async () => {
      const { runDoctor } = await import('./doctor.ts');
      const result = await runDoctor(g(), DEFAULT_URL);
      if (result.unreachable) throw new CliExit(EXIT.unreachable, '');
      if (!result.ok) throw new CliExit(EXIT.failure, '');
    });

  registerDataCommands(program);
  registerMigrateCommand(program);
  return program;
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CliExit) return err.code;
  if (err instanceof BatonError) {
    if (err.code === 'not_found') return EXIT.notFound;
    if (err.code === 'version_conflict') return EXIT.conflict;
    if (err.code === 'internal' && err.message.startsWith('Cannot reach')) return EXIT.unreachable;
    if (err.code === 'invalid_input' || err.code === 'invalid_json' || err.code === 'too_large') return EXIT.invalid;
  }
  return EXIT.failure;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.invalid;
    const json = program.opts<GlobalOptions>().json;
    const message = err instanceof Error && !(err instanceof BatonError) && !(err instanceof CliExit) ? toApiError(err).message : (err as Error).message;
    if (message) {
      const code = exitCodeFor(err);
      if (json)
        process.stderr.write(`${JSON.stringify({ error: err instanceof BatonError ? err.toJSON() : { code: CODE_OF_EXIT[code] ?? 'failure', message } })}\n`);
      else process.stderr.write(`baton: ${message}\n`);
    }
    return exitCodeFor(err);
  }
}

if (process.argv[1] && /baton\.ts$|bin\.mjs$|[/\\]baton(-sessions)?$/.test(process.argv[1])) {
  process.exit(await main(process.argv));
}

function pct(x: number | null): string {
  return x === null ? '–' : `${Math.round(x * 100)} %`;
}
function hrs(x: number | null): string {
  return x === null ? '–' : `${x} h`;
}

/** `baton session analytics` for people: the headline figures, then one line per day. */
function analyticsText(a: Analytics): string {
  const s = a.sessions.byStatus;
  return [
    `Last ${a.query.days} days (${a.daily[0]?.date} – ${a.daily.at(-1)?.date}, ${a.query.tz})${a.query.type ? `, ${a.query.type}` : ''}${a.query.project ? `, project ${a.query.project}` : ''}`,
    `Sessions   ${a.sessions.total} (${s.active} active, ${s.interrupted} interrupted, ${s.paused} paused, ${s['handed-off']} handed off, ${s.completed} completed); ${a.sessions.startedInWindow} started`,
    `Goals      ${a.goals.done}/${a.goals.total} done (${pct(a.goals.completionRate)}); ${a.goals.doneInWindow} ticked in the window`,
    `Blockers   ${a.blockers.open} open (${a.blockers.openBySeverity.critical} critical, ${a.blockers.openBySeverity.high} high); ${a.blockers.resolvedInWindow} resolved, median ${hrs(a.blockers.medianHoursToResolve)}`,
    `Handoffs   ${a.handoffs.createdInWindow} (${a.handoffs.accepted} accepted, ${a.handoffs.declined} declined, ${a.handoffs.expired} expired, ${a.handoffs.open} open); acceptance ${pct(a.handoffs.acceptanceRate)}, median ${hrs(a.handoffs.medianHoursToAccept)} to accept`,
    `Checkpoints ${a.checkpoints.inWindow}; recovered ${a.recovery.recoveredInWindow}, interrupted now ${a.recovery.interruptedNow}`,
    `Writes     ${a.writes.total} (agents ${a.writes.byKind.agent}, people ${a.writes.byKind.person}, cli ${a.writes.byKind.cli})`,
    '',
    'date        writes  agents  people  checkpoints  goals  handoffs',
    ...a.daily.map(
      (d) =>
        `${d.date}  ${String(d.writes).padStart(6)}  ${String(d.agentWrites).padStart(6)}  ${String(d.peopleWrites).padStart(6)}  ${String(d.checkpoints).padStart(11)}  ${String(d.goalsDone).padStart(5)}  ${String(d.handoffs).padStart(8)}`,
    ),
  ].join('\n');
}
