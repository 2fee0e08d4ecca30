import { defineConfig, devices } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_STATE, E2E_ADMIN, FIRST_RUN_PORT, FIRST_RUN_URL } from './e2e/auth-files';

// Never download a browser: use Debian's Chromium (override with CHROMIUM_PATH).
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  throw new Error(`Chromium not found at ${executablePath}: apt-get install -y chromium, or set CHROMIUM_PATH`);
}
const port = Number(process.env.E2E_PORT ?? 3210);
// Each run gets a fresh database; the server is the real one, on the production build.
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'baton-e2e-'));
process.env.E2E_DATA_DIR = dataDir;

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 7_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    // Pages are signed in as the owner unless a test makes another user (fixtures.newUser).
    storageState: ADMIN_STATE,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], viewport: { width: 1440, height: 900 } } }],
  webServer: [
    {
      command: 'npx tsx server/index.ts',
      url: `http://127.0.0.1:${port}/api/v1/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_PATH: join(dataDir, 'baton.db'),
        LOG_LEVEL: 'warn',
        NEXT_TELEMETRY_DISABLED: '1',
        SWEEP_INTERVAL_MS: '250',
        BATON_ADMIN_EMAIL: E2E_ADMIN.email,
        BATON_ADMIN_PASSWORD: E2E_ADMIN.password,
        BATON_ADMIN_NAME: E2E_ADMIN.name,
        BATON_AUTH_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
        RATE_LIMIT_SIGNIN_PER_MINUTE: '1000',
        // e2e/settings-webhooks.spec.ts delivers to a receiver on this machine (refused otherwise: SSRF guard).
        WEBHOOK_ALLOW_PRIVATE: 'true',
      },
    },
    // A Baton with no account yet (no BATON_ADMIN_* env, a database of its own): e2e/auth.spec.ts
    // walks the first-run setup on it. Default rate limits, as a real install has. (The command
    // inherits the runner's environment: do not export BATON_ADMIN_* in the shell that runs tests.)
    {
      command: 'npx tsx server/index.ts',
      url: `${FIRST_RUN_URL}/api/v1/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        PORT: String(FIRST_RUN_PORT),
        HOST: '127.0.0.1',
        DATABASE_PATH: join(dataDir, 'first-run.db'),
        LOG_LEVEL: 'warn',
        NEXT_TELEMETRY_DISABLED: '1',
        BATON_AUTH_SECRET: 'e2e-first-run-secret-e2e-first-run-secret',
      },
    },
  ],
});
