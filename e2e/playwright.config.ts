import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, systemChromium } from '../scripts/chromium.mjs';
import type { OnlineOptions } from './online-fixtures';
import { freePort } from './ports';

// Chosen once in the main process; the workers it forks inherit the environment.
process.env.E2E_PORT ??= String(await freePort());
process.env.E2E_DDB_PORT_A ??= String(await freePort());
process.env.E2E_DDB_PORT_B ??= String(await freePort());
// Every test signs players up, invites and opens streams from 127.0.0.1, two workers at once:
// limits this high never refuse them, yet stay on. Both web servers (and the instances the
// DynamoDB one starts) inherit them.
for (const name of [
  'RATE_LIMIT_REQUESTS',
  'RATE_LIMIT_SIGNUPS',
  'RATE_LIMIT_SIGNINS',
  'RATE_LIMIT_SIGNIN_FAILURES',
  'RATE_LIMIT_INVITATIONS',
  'RATE_LIMIT_INVITATIONS_PER_ADDRESS',
]) {
  process.env[name] ??= '1000000/h';
}
process.env.MAX_PENDING_INVITATIONS ??= '1000';
process.env.MAX_STREAMS_PER_ADDRESS ??= '10000';
const port = Number(process.env.E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;
const dynamoA = `http://127.0.0.1:${process.env.E2E_DDB_PORT_A}`;
const dynamoB = `http://127.0.0.1:${process.env.E2E_DDB_PORT_B}`;
const root = fileURLToPath(new URL('..', import.meta.url));
const executablePath = systemChromium();

export default defineConfig<OnlineOptions>({
  testDir: './tests',
  fullyParallel: true,
  workers: 2,
  forbidOnly: true,
  retries: 0,
  // Bounds for a state that never comes, not waits: each expect retries until its state holds
  // and returns the moment it does. CI shares two cores with builds and other runs, where a live
  // event or a poll can take several seconds; a passing test takes no longer for these.
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: '../test-results',
  use: {
    baseURL,
    browserName: 'chromium',
    headless: true,
    trace: 'retain-on-failure',
    launchOptions: { args: CHROMIUM_ARGS, ...(executablePath ? { executablePath } : {}) },
  },
  projects: [
    { name: 'memory', use: { baseURL } },
    // Online play and profiles once more on DynamoDB, the second player's browser on another instance.
    {
      name: 'dynamodb',
      testMatch: /(online(-[a-z]+)?|profiles)\.spec\.ts/,
      use: { baseURL: dynamoA, secondBaseURL: dynamoB },
    },
  ],
  webServer: [
    {
      command: 'node scripts/e2e-dynamodb.mjs',
      cwd: root,
      url: `${dynamoA}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: 'node server/dist/main.js',
      cwd: root,
      url: `${baseURL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        PRESENCE_GRACE_MS: '500',
        ABANDON_AFTER_MS: '1500',
        SESSION_SECRET: 'e2e-session-secret-of-at-least-32-characters',
      },
    },
  ],
});
