#!/usr/bin/env node
// Runs every test suite (typecheck and lint, unit + integration with vitest, then the production build and the
// Playwright end-to-end specs) and ends with one line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', FORCE_COLOR: '0' };
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env }).status ?? 1;
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

// 1. Unit and integration tests.
rmSync('test-results/vitest.json', { force: true });
const vitestStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=test-results/vitest.json']);
const vitest = readJson('test-results/vitest.json');
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
}
if (vitestStatus !== 0 && (!vitest || vitest.numFailedTests === 0)) failed += 1; // a crash counts as a failure

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

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
