#!/usr/bin/env node
// Runs every test suite (typecheck and lint, unit + integration with vitest, then the production build and the
// Playwright end-to-end specs) and ends with one line: "N passed, N failed". The PostgreSQL suites (describePg in
// test/pg-helpers.ts) need a server: PG_TEST_URL, or the machine's 127.0.0.1:5432; without one they are skipped, said
// so here before vitest and again beside the summary, except under CI=true, where they fail. The integration suite
// then runs a second time on PostgreSQL (BATON_TEST_STORE=postgres, POSTGRES_SUITE below), under the same rule.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import pg from 'pg';

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', FORCE_COLOR: '0' };
const run = (cmd, args, extraEnv = {}) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...env, ...extraEnv } }).status ?? 1;
const readJson = (path) => (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null);

mkdirSync('test-results', { recursive: true });
let passed = 0;
let failed = 0;

// 0. Types, everywhere (the build itself checks only what it bundles).
if (run('npx', ['tsc', '--noEmit', '-p', '.']) === 0) passed += 1;
else {
  console.error('typecheck failed');
  failed += 1;
}

// 0b. Lint and format (ESLint with type information, then Prettier): one item, like the typecheck.
const eslintStatus = run('npx', ['eslint', '.']);
const prettierStatus = run('npx', ['prettier', '--check', '--log-level', 'warn', '.']);
if (eslintStatus === 0 && prettierStatus === 0) passed += 1;
else {
  console.error('lint failed (npm run format fixes formatting; see eslint.config.mjs for the rules)');
  failed += 1;
}

// 1. Unit and integration tests. First: is there a PostgreSQL for the suites that need one?
const pgUrl = process.env.PG_TEST_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const pgWhere = (() => {
  try {
    const u = new URL(pgUrl);
    return `${u.hostname || '127.0.0.1'}:${u.port || '5432'}`;
  } catch {
    return 'PG_TEST_URL (not a URL)';
  }
})();
const pgAnswers = async () => {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 1500, query_timeout: 1500 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
};
const pgSuites = readdirSync('test')
  .filter((f) => f.endsWith('.test.ts') && readFileSync(`test/${f}`, 'utf8').includes('describePg('))
  .map((f) => `test/${f}`);
const pgUp = await pgAnswers();
const pgSkipReason = `PostgreSQL suite skipped: nothing answered on ${pgWhere} (set PG_TEST_URL, or run .ci/run which starts one)`;
let pgNote = null;
if (pgUp) console.log(`PostgreSQL: ${pgWhere} answered; ${pgSuites.length} suites run against it (${pgSuites.join(', ')}).`);
else if (process.env.CI === 'true') {
  pgNote = `PostgreSQL: nothing answered on ${pgWhere} and CI=true, so ${pgSuites.length} suites fail (${pgSuites.join(', ')}).`;
  console.error(pgNote);
} else {
  pgNote = `${pgSkipReason}: ${pgSuites.join(', ')}`;
  console.warn(pgNote);
}

rmSync('test-results/vitest.json', { force: true });
const vitestStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=test-results/vitest.json']);
const vitest = readJson('test-results/vitest.json');
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
}
if (vitestStatus !== 0 && (!vitest || vitest.numFailedTests === 0)) failed += 1; // a crash counts as a failure
const skippedTests = vitest ? vitest.numPendingTests + vitest.numTodoTests : 0;
const skippedFiles = vitest
  ? vitest.testResults
      .filter((f) => f.assertionResults.length > 0 && f.assertionResults.every((a) => a.status === 'skipped' || a.status === 'pending'))
      .map((f) => f.name.replace(`${process.cwd()}/`, ''))
  : [];

// 1b. The integration suite again, on PostgreSQL (BATON_TEST_STORE=postgres: each test server on a fresh database).
const POSTGRES_SUITE = [
  'rest',
  'realtime',
  'mcp',
  'sessions',
  'handoffs',
  'authz-matrix',
  'write-gate',
  'gate-coverage',
  'board-items',
  'meeting',
  'search-api',
  'search-relevance',
  'probe-search',
  'account',
  'auth',
  'analytics',
  'agents-in-the-wild',
  'hooks-and-session-tools',
  'needs-you',
  'notifications',
  'notify-own-actions',
  'notifier-memory-skip',
  'security-findings',
  'sessions-paging',
  'mcp-http-fastpath',
  'readme-agent',
  'data-portable',
  'data-rollback',
  'data-retention',
  'data-metrics',
  'data-backup',
].map((name) => `test/${name}.test.ts`);
let pgSuiteNote = null;
if (pgUp || process.env.CI === 'true') {
  console.log(`\nThe integration suite on PostgreSQL (${POSTGRES_SUITE.length} files, BATON_TEST_STORE=postgres):`);
  rmSync('test-results/vitest-pg.json', { force: true });
  const pgStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=test-results/vitest-pg.json', ...POSTGRES_SUITE], {
    BATON_TEST_STORE: 'postgres',
  });
  const pgRun = readJson('test-results/vitest-pg.json');
  if (pgRun) {
    passed += pgRun.numPassedTests;
    failed += pgRun.numFailedTests;
  }
  if (pgStatus !== 0 && (!pgRun || pgRun.numFailedTests === 0)) failed += 1;
} else {
  pgSuiteNote = `Integration suite on PostgreSQL skipped: nothing answered on ${pgWhere} (set PG_TEST_URL, or run .ci/run which starts one)`;
  console.warn(pgSuiteNote);
}

// 2. The production build the end-to-end tests run against.
const buildStatus = run('npx', ['next', 'build']);
if (buildStatus !== 0) {
  console.error('next build failed');
  failed += 1;
} else {
  // 3. End-to-end tests in Chromium.
  rmSync('test-results/e2e.json', { force: true });
  const e2eStatus = run('npx', ['playwright', 'test']);
  const e2e = readJson('test-results/e2e.json');
  if (e2e) {
    passed += e2e.stats.expected + e2e.stats.flaky;
    failed += e2e.stats.unexpected;
  }
  if (e2eStatus !== 0 && (!e2e || e2e.stats.unexpected === 0)) failed += 1;
}

// Skips are said beside the summary, never in it: the last line stays "N passed, N failed".
if (skippedTests > 0) {
  const suites = `${skippedFiles.length} ${skippedFiles.length === 1 ? 'suite' : 'suites'} skipped whole`;
  console.log(`\nskipped: ${skippedTests} ${skippedTests === 1 ? 'test' : 'tests'}, ${suites}${skippedFiles.length ? ` (${skippedFiles.join(', ')})` : ''}`);
}
if (pgNote && !pgUp) console.log(pgNote);
if (pgSuiteNote) console.log(pgSuiteNote);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
