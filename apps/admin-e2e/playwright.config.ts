import { defineConfig, devices } from '@playwright/test';
import { chromiumPath, CHROMIUM_ARGS } from './src/support/chromium';

export default defineConfig({
  testDir: './src',
  testMatch: '**/*.e2e.ts',
  // One browser at a time: the server and its PostgreSQL share the machine's two cores.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 120_000,
  // Generous: CI runs this suite beside the API's own tests on two cores.
  expect: { timeout: 15_000 },
  // Cleaned by Playwright on every run: keep it apart from the other projects' results.
  outputDir: '../../test-results/admin-e2e-artifacts',
  globalSetup: './src/support/global-setup.ts',
  reporter: [['list'], ['./src/support/jest-json-reporter.ts']],
  use: {
    ...devices['Desktop Chrome'],
    viewport: { width: 1280, height: 800 },
    baseURL: process.env.LATCHKEY_E2E_URL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
  },
});
