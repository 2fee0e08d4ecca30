// Extracts the claude-flow MCP calls of the seed domain (shared/seed/session-management-and-coordination.md)
// into server/seed/seed-calls.json, which the server replays for "Load example sessions".
//   npx tsx scripts/extract-seed.ts          (SEED_PATH overrides the markdown's path)
// Each call's argument object is evaluated as JavaScript in a sandbox with a fixed clock, so the
// output is the same on every run and test/seed.test.ts can check the committed file has not drifted.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_SEED_PATH = resolve(REPO_ROOT, '../shared/seed/session-management-and-coordination.md');
export const SEED_CALLS_PATH = resolve(REPO_ROOT, 'server/seed/seed-calls.json');
/** 2026-01-01T00:00:00.000Z: what Date.now() and new Date() return while evaluating the seed. */
export const SEED_NOW = 1767225600000;

export interface SeedMemoryCall {
  /** The nearest markdown heading above the call, without its #s. */
  section: string;
  action: string;
  key: string;
  namespace?: string;
  /** The value exactly as the call passes it (JSON text for the seed's stores). */
  value?: string;
  ttl?: number;
}

export interface SeedSwarmCall {
  section: string;
  args: Record<string, unknown>;
}

export interface SeedCalls {
  memoryCalls: SeedMemoryCall[];
  swarmCalls: SeedSwarmCall[];
}

const MEMORY_CALL = 'mcp__claude-flow__memory_usage(';
const SWARM_CALL = 'mcp__claude-flow__swarm_init(';

export const seedPath = () => (process.env.SEED_PATH ? resolve(process.env.SEED_PATH) : DEFAULT_SEED_PATH);

/** The index of the `)` closing the `(` at `open`, skipping strings, template literals and comments. */
function matchingParen(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i]!;
    if (c === '/' && src[i + 1] === '/') {
      i = src.indexOf('\n', i);
      if (i < 0) break;
    } else if (c === '/' && src[i + 1] === '*') {
      i = src.indexOf('*/', i + 2) + 1;
      if (i <= 0) break;
    } else if (c === '"' || c === "'" || c === '`') {
      // Template literals with ${...} holding a backtick do not occur in the seed's calls.
      for (i++; i < src.length && src[i] !== c; i++) if (src[i] === '\\') i++;
    } else if (c === '(' || c === '{' || c === '[') {
      depth++;
    } else if (c === ')' || c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        if (c !== ')') throw new Error(`unbalanced brackets at offset ${i}`);
        return i;
      }
    }
  }
  throw new Error(`no closing parenthesis for the call at offset ${open}`);
}

/** A sandbox whose Date is frozen at SEED_NOW, with `sessionId` as saveSessionState expects. */
function sandbox(): vm.Context {
  const context = vm.createContext({ sessionId: String(SEED_NOW) });
  vm.runInContext(
    `(() => {
      const RealDate = Date;
      class FixedDate extends RealDate {
        constructor(...args) { if (args.length === 0) super(${SEED_NOW}); else super(...args); }
        static now() { return ${SEED_NOW}; }
      }
      globalThis.Date = FixedDate;
    })();`,
    context,
  );
  return context;
}

/** The heading text in force at each line (fenced code is skipped: `#` there is not a heading). */
function headingsByLine(lines: string[]): string[] {
  const out: string[] = [];
  let current = '';
  let fence: string | null = null;
  for (const line of lines) {
    const f = /^\s*(```|~~~)/.exec(line);
    if (f) fence = fence === null ? f[1]! : fence === f[1] ? null : fence;
    else if (fence === null) {
      const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
      if (h) current = h[1]!;
    }
    out.push(current);
  }
  return out;
}

/** Every memory_usage and swarm_init call of the seed markdown, in document order. */
export function extractSeed(markdown: string): SeedCalls {
  const lines = markdown.split('\n');
  const headings = headingsByLine(lines);
  const lineAt = (offset: number) => markdown.slice(0, offset).split('\n').length - 1;
  const context = sandbox();
  const evaluate = (offset: number, name: string): { section: string; args: Record<string, unknown> } => {
    const open = offset + name.length - 1;
    const close = matchingParen(markdown, open);
    const source = markdown.slice(open + 1, close);
    const args = vm.runInContext(`(${source}\n)`, context, { timeout: 1000 }) as unknown;
    if (typeof args !== 'object' || args === null || Array.isArray(args)) {
      throw new Error(`line ${lineAt(offset) + 1}: ${name}…) does not take one object`);
    }
    // Plain objects of this realm, so deep equality and JSON behave as usual.
    return { section: headings[lineAt(offset)]!, args: JSON.parse(JSON.stringify(args)) as Record<string, unknown> };
  };

  const memoryCalls: SeedMemoryCall[] = [];
  const swarmCalls: SeedSwarmCall[] = [];
  const pattern = /mcp__claude-flow__(memory_usage|swarm_init)\(/g;
  for (const m of markdown.matchAll(pattern)) {
    if (m[1] === 'swarm_init') {
      swarmCalls.push(evaluate(m.index, SWARM_CALL));
      continue;
    }
    const { section, args } = evaluate(m.index, MEMORY_CALL);
    const { action, key, namespace, value, ttl, ...rest } = args;
    if (typeof action !== 'string' || typeof key !== 'string') {
      throw new Error(`line ${lineAt(m.index) + 1}: memory_usage needs a string action and key`);
    }
    if (Object.keys(rest).length > 0) throw new Error(`line ${lineAt(m.index) + 1}: unexpected arguments ${Object.keys(rest).join(', ')}`);
    const call: SeedMemoryCall = { section, action, key };
    if (namespace !== undefined) call.namespace = typeof namespace === 'string' ? namespace : JSON.stringify(namespace);
    if (value !== undefined) call.value = typeof value === 'string' ? value : JSON.stringify(value);
    if (ttl !== undefined) call.ttl = Number(ttl);
    memoryCalls.push(call);
  }
  return { memoryCalls, swarmCalls };
}

export function renderSeedCalls(calls: SeedCalls): string {
  return `${JSON.stringify(calls, null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const path = seedPath();
  if (!existsSync(path)) {
    process.stderr.write(`seed markdown not found: ${path} (set SEED_PATH)\n`);
    process.exit(1);
  }
  const calls = extractSeed(readFileSync(path, 'utf8'));
  mkdirSync(dirname(SEED_CALLS_PATH), { recursive: true });
  writeFileSync(SEED_CALLS_PATH, renderSeedCalls(calls));
  process.stdout.write(`${calls.memoryCalls.length} memory_usage and ${calls.swarmCalls.length} swarm_init calls → ${SEED_CALLS_PATH}\n`);
}
