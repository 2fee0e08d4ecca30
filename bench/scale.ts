/**
 * (h) Scale: Baton on a database of BENCH_SCALE_ENTRIES memory entries and BENCH_SCALE_CHANGES
 * changes (full size 1,000,000 and 10,000,000; `npm run bench` runs a reduced size by default).
 *
 * The database is generated first by bench/gen.ts in a child process, through Baton's services on
 * the file (not timed; its duration is reported), or reused from BENCH_SCALE_DB when that file
 * exists (it is generated there when it does not, and kept). Then the real server starts on it
 * (bench/server.ts, every change kept: BENCH_FEED_RETENTION) and this measures, one request at a time:
 *
 *   text search    GET /api/v1/memory/search?q=…       p95 < 50 ms
 *   glob search    GET /api/v1/memory/search?pattern=…  p95 < 20 ms
 *   namespace page GET /api/v1/memory?namespace=…       p95 < 20 ms
 *   analytics      GET /api/v1/analytics?days=90, warm  < 100 ms (p95)
 *   dashboard      / in Chromium: 2,000 sessions listed and the socket live   < 1 s
 *   board          /sessions/<id>: 500 items and 200 checkpoints rendered, socket live   < 1 s
 *   size           the file, and bytes per entry (dbstat: entries, history, full-text index)
 *
 * The pages need a Next.js production build (NEXT_DIST_DIR, else .next), as (e web) does; without
 * one the browser figures are skipped and say why.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { GenResult } from './gen.ts';
import { GEN_NAMESPACES, keyOf, nsOf, ticketOf } from './gen.ts';
import { mb, percentile, round, startServer, type BenchServer } from './lib.ts';

const root = resolve(import.meta.dirname, '..');
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

export const SCALE_TARGETS = { textSearchP95Ms: 50, globP95Ms: 20, namespacePageP95Ms: 20, dashboardMs: 1000, boardMs: 1000, analyticsMs: 100 };

export interface ScaleOptions {
  tmp: string;
  entries: number;
  changes: number;
  sessions: number;
  boardItems: number;
  checkpoints: number;
  /** A database to reuse (generated there when missing). */
  db?: string;
  /** Requests per figure. */
  requests: number;
  measure: <T>(
    server: BenchServer | null,
    fn: () => Promise<T> | T,
  ) => Promise<{ result: T; cpu: { serverPct: number | null; benchPct: number; otherProcessesPct: number } }>;
}

/** Runs bench/gen.ts in a child process; resolves with its JSON. */
function generateInChild(path: string, o: ScaleOptions): Promise<GenResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'gen.ts'), path], {
      env: {
        ...process.env,
        BENCH_GEN_ENTRIES: String(o.entries),
        BENCH_GEN_CHANGES: String(o.changes),
        BENCH_GEN_SESSIONS: String(o.sessions),
        BENCH_GEN_BOARD_ITEMS: String(o.boardItems),
        BENCH_GEN_CHECKPOINTS: String(o.checkpoints),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.once('error', fail);
    child.once('exit', (code) => {
      if (code !== 0) return fail(new Error(`bench/gen.ts exited with ${code}`));
      try {
        done(JSON.parse(out) as GenResult);
      } catch {
        fail(new Error('bench/gen.ts printed no result'));
      }
    });
  });
}

interface Timed {
  requests: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Results in the last answer (search hits, page items, sessions). */
  lastCount?: number;
}

/** GETs each path in turn, `n` requests in all, one at a time; latency is the whole answer, body read. */
async function timeGets(server: BenchServer, paths: string[], n: number): Promise<Timed> {
  const times: number[] = [];
  let errors = 0;
  let lastCount: number | undefined;
  for (let i = 0; i < n; i++) {
    const path = paths[i % paths.length]!;
    const t = performance.now();
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.token}` } });
    const body = (await res.json()) as { items?: unknown[] };
    times.push(performance.now() - t);
    if (!res.ok) {
      errors++;
      if (errors === 1) log(`(h) ${path}: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
    }
    if (Array.isArray(body.items)) lastCount = body.items.length;
  }
  times.sort((a, b) => a - b);
  return {
    requests: n,
    errors,
    p50Ms: round(percentile(times, 50)),
    p95Ms: round(percentile(times, 95)),
    p99Ms: round(percentile(times, 99)),
    maxMs: round(times.at(-1)!),
    ...(lastCount !== undefined ? { lastCount } : {}),
  };
}

/** The system Chromium (as playwright.config.ts): never a downloaded one. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Times the dashboard and the big board in Chromium (playwright-core, /usr/bin/chromium), signed in as the bench owner. */
async function browserFigures(server: BenchServer, gen: GenResult, runs: number) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
  try {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1440, height: 900 } });
    const signIn = await context.request.post('/api/auth/sign-in/email', {
      data: { email: 'bench@example.test', password: 'bench password, not a secret' },
      headers: { origin: server.url },
    });
    if (!signIn.ok()) throw new Error(`sign-in answered ${signIn.status()}: ${(await signIn.text()).slice(0, 200)}`);

    /** One navigation: ms to `ready` (which resolves with a count), then a click's answer. */
    const time = async (
      path: string,
      ready: (page: import('playwright-core').Page) => Promise<number>,
      click?: (page: import('playwright-core').Page) => Promise<void>,
    ) => {
      const page = await context.newPage();
      try {
        const t0 = performance.now();
        await page.goto(path, { waitUntil: 'commit', timeout: 60_000 });
        const count = await ready(page);
        const usableMs = performance.now() - t0;
        let clickMs: number | null = null;
        if (click) {
          const c0 = performance.now();
          await click(page);
          clickMs = performance.now() - c0;
        }
        return { usableMs: round(usableMs, 0), count, clickMs: clickMs === null ? null : round(clickMs, 0) };
      } finally {
        await page.close();
      }
    };
    const live = (page: import('playwright-core').Page) => page.locator('[data-testid="connection-status"][data-status="live"]').waitFor({ timeout: 60_000 });

    const dashboardReady = async (page: import('playwright-core').Page) => {
      await page.locator('[data-testid="session-card"]').first().waitFor({ timeout: 60_000 });
      await live(page);
      return page.locator('[data-testid="session-card"]').count();
    };
    const dashboardClick = async (page: import('playwright-core').Page) => {
      const filter = page.getByRole('group', { name: 'Filters' }).getByRole('button', { name: 'Development' });
      await filter.click();
      await page.locator('[role="group"][aria-label="Filters"] button[aria-pressed="true"]', { hasText: 'Development' }).waitFor({ timeout: 30_000 });
    };
    const boardReady = async (page: import('playwright-core').Page) => {
      await page.getByTestId('board-title').waitFor({ timeout: 60_000 });
      const actions = gen.boardItems - Math.ceil(gen.boardItems / 5);
      await page.waitForFunction(
        ({ actions, agenda }) =>
          document.querySelectorAll('[data-testid="actions"] > li').length >= actions &&
          document.querySelectorAll('[data-testid="agenda"] > li').length >= agenda,
        { actions, agenda: Math.ceil(gen.boardItems / 5) },
        { timeout: 60_000, polling: 'raf' },
      );
      await live(page);
      return page.locator('[data-testid="actions"] > li, [data-testid="agenda"] > li').count();
    };
    const boardCheckpoints = async (page: import('playwright-core').Page) => page.locator('[data-testid="checkpoints"] > li').count();

    const dashboard = [];
    const board = [];
    for (let i = 0; i < runs; i++) dashboard.push(await time('/', dashboardReady, dashboardClick));
    let checkpointsListed = 0;
    for (let i = 0; i < runs; i++) {
      board.push(
        await time(`/sessions/${gen.boardId}`, async (page) => {
          const n = await boardReady(page);
          checkpointsListed = await boardCheckpoints(page);
          return n;
        }),
      );
    }
    const summarise = (r: { usableMs: number; count: number; clickMs: number | null }[]) => {
      const warm = r
        .slice(1)
        .map((x) => x.usableMs)
        .sort((a, b) => a - b);
      return {
        firstMs: r[0]!.usableMs,
        warmMedianMs: warm.length ? warm[Math.floor(warm.length / 2)]! : r[0]!.usableMs,
        runsMs: r.map((x) => x.usableMs),
        rendered: r.at(-1)!.count,
        ...(r[0]!.clickMs !== null ? { filterClickMs: r.map((x) => x.clickMs) } : {}),
      };
    };
    return { dashboard: summarise(dashboard), board: { ...summarise(board), checkpointsListed } };
  } finally {
    await browser.close();
  }
}

export async function benchScale(o: ScaleOptions) {
  const path = o.db ? resolve(o.db) : join(o.tmp, 'scale.db');
  let gen: GenResult;
  let reused = false;
  if (o.db && existsSync(path)) {
    // A file generated earlier (by this section or bench/gen.ts): its JSON is not kept, so re-derive what the figures need.
    log(`(h) reusing ${path}`);
    reused = true;
    gen = {
      path,
      entries: o.entries,
      changes: o.changes,
      sessions: o.sessions,
      boardId: 'bench-big-board',
      boardItems: o.boardItems,
      checkpoints: o.checkpoints,
      fileBytes: statSync(path).size,
    } as GenResult;
  } else {
    log(`(h) generating ${o.entries} entries and ${o.changes} changes into ${path} (not timed)`);
    gen = await generateInChild(path, o);
    log(`(h) generated in ${gen.seconds.total} s: ${mb(gen.fileBytes)} MB`);
  }

  const distDir = process.env.NEXT_DIST_DIR || '.next';
  const web = existsSync(join(root, distDir, 'BUILD_ID'));
  process.env.BENCH_FEED_RETENTION = String(100_000_000);
  const t0 = performance.now();
  let server: BenchServer;
  try {
    server = await startServer(path, { web, timeoutMs: 600_000 });
  } finally {
    delete process.env.BENCH_FEED_RETENTION;
  }
  const startSeconds = round((performance.now() - t0) / 1000, 1);
  log(`(h) server up on the generated file in ${startSeconds} s (web ${web ? distDir : 'off'})`);
  try {
    const n = o.requests;
    const at = (i: number) => Math.floor((i * 7_919) % o.entries);
    const ns = (i: number) => nsOf(at(i));
    // Text: a common word, a two-word query, one entry's unique ticket, a word in no entry, and a key fragment.
    const textPaths = Array.from({ length: 20 }, (_, i) => {
      const q = [`checkout`, `payment retry`, ticketOf(at(i)), `zebrafish`, `findings/${i}`][i % 5]!;
      return `/api/v1/memory/search?limit=20&q=${encodeURIComponent(q)}`;
    });
    const globPaths = Array.from({ length: 20 }, (_, i) => {
      const p = [
        `/api/v1/memory/search?limit=50&namespace=${ns(i)}&pattern=${encodeURIComponent(`task/${i}*`)}`,
        `/api/v1/memory/search?limit=50&pattern=${encodeURIComponent('notes/1*')}`,
        `/api/v1/memory/search?limit=50&pattern=${encodeURIComponent('*/state')}`,
        `/api/v1/memory/search?limit=50&namespace=${ns(i)}&pattern=${encodeURIComponent('*/plan')}`,
      ];
      return p[i % p.length]!;
    });
    const pagePaths = Array.from(
      { length: 20 },
      (_, i) => `/api/v1/memory?limit=100&namespace=${ns(i)}${i % 2 ? `&prefix=${encodeURIComponent(keyOf(at(i)).split('/')[0]!)}` : ''}`,
    );
    log(`(h) REST reads, ${n} of each, one at a time`);
    const { result: rest, cpu } = await o.measure(server, async () => {
      // Warm the statements and the page cache of the paths once.
      await timeGets(server, [...textPaths, ...globPaths, ...pagePaths], 60);
      const text = await timeGets(server, textPaths, n);
      const textByKind: Record<string, Timed> = {};
      for (const [k, kind] of ['common word', 'two words', 'unique ticket', 'no match', 'key fragment'].entries()) {
        textByKind[kind] = await timeGets(
          server,
          textPaths.filter((_, i) => i % 5 === k),
          Math.max(10, Math.floor(n / 5)),
        );
      }
      const glob = await timeGets(server, globPaths, n);
      const page = await timeGets(server, pagePaths, n);
      await timeGets(server, ['/api/v1/analytics?days=90'], 3);
      const analytics = await timeGets(server, ['/api/v1/analytics?days=90'], Math.max(10, Math.floor(n / 5)));
      const sessionsList = await timeGets(server, ['/api/v1/sessions'], 10);
      const boardRead = await timeGets(server, [`/api/v1/sessions/${gen.boardId}`], 10);
      return { text, textByKind, glob, page, analytics, sessionsList, boardRead };
    });
    log(
      `(h) text p95 ${rest.text.p95Ms} ms, glob p95 ${rest.glob.p95Ms} ms, namespace page p95 ${rest.page.p95Ms} ms, analytics p95 ${rest.analytics.p95Ms} ms`,
    );

    let pages: Awaited<ReturnType<typeof browserFigures>> | { skipped: string } | { error: string };
    if (!web)
      pages = {
        skipped: `no Next.js production build in ${distDir} (NEXT_DIST_DIR=.next-bench npx next build, and run the bench with the same NEXT_DIST_DIR)`,
      };
    else if (!existsSync(CHROMIUM)) pages = { skipped: `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)` };
    else {
      log('(h) dashboard and board in Chromium, 3 navigations each (the first cold)');
      try {
        pages = await browserFigures(server, gen, 3);
      } catch (err) {
        pages = { error: err instanceof Error ? err.message : String(err) };
        log(`(h) browser figures failed: ${pages.error}`);
      }
    }
    // Without a browser this still says what the server contributes: the signed-in page's HTML, whole.
    const html = web ? await pageHtml(server, ['/', `/sessions/${gen.boardId}`], Math.max(5, Math.floor(n / 10))) : null;
    const rss = server.procRss();
    const T = SCALE_TARGETS;
    const dash = 'dashboard' in pages ? pages.dashboard : null;
    const board = 'board' in pages ? pages.board : null;
    return {
      data: {
        entries: gen.entries,
        changes: gen.changes,
        sessions: gen.sessions,
        namespaces: GEN_NAMESPACES,
        board: { items: gen.boardItems, checkpoints: gen.checkpoints },
        reused,
        ...(reused ? {} : { changesByService: gen.changesByService, changesAppendedRaw: gen.changesAppendedRaw, generateSeconds: gen.seconds }),
      },
      size: {
        fileMB: mb(statSync(path).size),
        ...(reused
          ? {}
          : {
              bytesPerEntry: gen.bytesPerEntry,
              bytesPerChange: gen.bytesPerChange,
              fileBytesPerEntry: gen.fileBytesPerEntry,
              largestTablesMB: largest(gen.tables),
            }),
      },
      serverStartSeconds: startSeconds,
      serverRssMB: mb(rss),
      textSearch: rest.text,
      textSearchByKind: rest.textByKind,
      globSearch: rest.glob,
      namespacePage: rest.page,
      analytics90Days: rest.analytics,
      diagnostics: { sessionsListRest: rest.sessionsList, boardRest: rest.boardRead, pageHtml: html },
      pages,
      cpu,
      target: T,
      pass: {
        textSearch: rest.text.p95Ms < T.textSearchP95Ms && rest.text.errors === 0,
        globSearch: rest.glob.p95Ms < T.globP95Ms && rest.glob.errors === 0,
        namespacePage: rest.page.p95Ms < T.namespacePageP95Ms && rest.page.errors === 0,
        analytics: rest.analytics.p95Ms < T.analyticsMs && rest.analytics.errors === 0,
        dashboard: dash ? dash.warmMedianMs < T.dashboardMs && dash.rendered > 0 : null,
        board: board ? board.warmMedianMs < T.boardMs && board.rendered >= gen.boardItems : null,
      },
    };
  } finally {
    await server.stop();
  }
}

/** Signs in as the bench owner (cookie) and times each page's server-rendered HTML, body read. */
async function pageHtml(server: BenchServer, paths: string[], n: number) {
  const res = await fetch(`${server.url}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ email: 'bench@example.test', password: 'bench password, not a secret' }),
  });
  if (!res.ok) return { error: `sign-in answered ${res.status}` };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const out: Record<string, Timed & { bytes: number }> = {};
  for (const path of paths) {
    const times: number[] = [];
    let errors = 0;
    let bytes = 0;
    for (let i = 0; i < n + 1; i++) {
      const t = performance.now();
      const r = await fetch(`${server.url}${path}`, { headers: { cookie }, redirect: 'manual' });
      bytes = (await r.text()).length;
      if (i > 0) times.push(performance.now() - t); // the first compiles nothing but warms the route
      if (r.status !== 200) errors++;
    }
    times.sort((a, b) => a - b);
    out[path] = {
      requests: n,
      errors,
      p50Ms: round(percentile(times, 50)),
      p95Ms: round(percentile(times, 95)),
      p99Ms: round(percentile(times, 99)),
      maxMs: round(times.at(-1)!),
      bytes,
    };
  }
  return out;
}

function largest(tables: Record<string, number> | null) {
  if (!tables) return null;
  return Object.fromEntries(
    Object.entries(tables)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([k, v]) => [k, mb(v)]),
  );
}
