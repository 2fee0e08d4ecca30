import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// No module of the server, the shared lib or the CLI imports itself back through others (type
// imports included): a circle makes construction and load order matter, and hides layering.

const ROOT = resolve(import.meta.dirname, '..');
const DIRS = ['server', 'lib', 'cli', 'db'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'migrations' ? [] : files(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
    let target = resolve(dirname(file), m[1]!);
    if (!/\.tsx?$/.test(target)) target += '.ts';
    out.push(target);
  }
  return out;
}

export function findCycles(all: string[]): string[][] {
  const graph = new Map(all.map((f) => [f, importsOf(f).filter((t) => all.includes(t))]));
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'visiting');
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (state.get(t) === 'visiting') cycles.push([...stack.slice(stack.indexOf(t)), t].map((p) => relative(ROOT, p)));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of all) if (!state.has(f)) visit(f);
  return cycles;
}

describe('import graph', () => {
  it('has no circles in server/, lib/, cli/ and db/', () => {
    const all = DIRS.flatMap((d) => files(join(ROOT, d)));
    expect(all.length).toBeGreaterThan(50);
    expect(findCycles(all)).toEqual([]);
  });
});
