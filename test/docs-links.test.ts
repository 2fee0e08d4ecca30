import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The Markdown a newcomer reads: the README, CONTRIBUTING, the benchmarks page and every page in docs/. */
function markdownFiles(): string[] {
  const files = ['README.md', 'CONTRIBUTING.md', 'bench/README.md'].map((f) => join(root, f)).filter((f) => existsSync(f));
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.md')) files.push(path);
    }
  };
  if (existsSync(join(root, 'docs'))) walk(join(root, 'docs'));
  return files;
}

/** Text outside fenced code blocks and inline code spans, where links are not links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchor: lowercase, punctuation dropped (but - and _), spaces to -. */
function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a file's headings produce, duplicates numbered -1, -2… as GitHub does. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const match of withoutCode.matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    // Headings render their inline Markdown: keep the text of code spans and links, drop the marks.
    const text = match[1]!
      .replace(/`([^`]*)`/g, '$1')
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[*_]{1,3}([^*_]+)[*_]{1,3}/g, '$1');
    const base = githubSlug(text);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Relative link targets: [text](target), ![alt](target), and reference definitions [id]: target. */
function linksOf(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const defs = [...text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map((m) => m[1]!);
  return [...inline, ...defs].filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

describe('githubSlug and anchorsOf follow GitHub', () => {
  it('lowercases, drops punctuation but - and _, and turns spaces into -', () => {
    expect(githubSlug('Add a REST route')).toBe('add-a-rest-route');
    expect(githubSlug('What is hashed, what is not')).toBe('what-is-hashed-what-is-not');
    expect(githubSlug('REST API (`/api/v1`)'.replace(/`/g, ''))).toBe('rest-api-apiv1');
    expect(githubSlug('Tests and tools: E2E_PORT')).toBe('tests-and-tools-e2e_port');
    expect(githubSlug('Dashboard, boards, checkpoints — recovery')).toBe('dashboard-boards-checkpoints--recovery');
  });

  it('numbers duplicate headings -1, -2 and ignores headings inside code blocks', () => {
    const anchors = anchorsOf('# Setup\n## Setup\n```sh\n# Setup\n```\n### Setup\n## `memory_usage`\n');
    expect([...anchors]).toEqual(['setup', 'setup-1', 'setup-2', 'memory_usage']);
  });
});

describe('relative links in README.md, CONTRIBUTING.md, bench/README.md and docs/', () => {
  const files = markdownFiles();
  const anchorCache = new Map<string, Set<string>>();
  const anchorsFor = (path: string) => {
    if (!anchorCache.has(path)) anchorCache.set(path, anchorsOf(readFileSync(path, 'utf8')));
    return anchorCache.get(path)!;
  };

  it('finds the pages', () => {
    expect(files.map((f) => relative(root, f))).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md']));
  });

  it.each(files.map((f) => [relative(root, f), f]))('%s: every link points at an existing file and heading', (_name, file) => {
    const broken: string[] = [];
    for (const target of linksOf(readFileSync(file, 'utf8'))) {
      const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
      const path = pathPart ? resolve(dirname(file), decodeURIComponent(pathPart)) : file;
      if (!existsSync(path)) {
        broken.push(`${target}: no file ${relative(root, path)}`);
        continue;
      }
      if (anchor && path.endsWith('.md') && !anchorsFor(path).has(decodeURIComponent(anchor).toLowerCase())) {
        broken.push(`${target}: no heading #${anchor} in ${relative(root, path)}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
