import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * `npx playwright test -c playwright.screenshots.config.ts` (from apps/admin-e2e, after the API
 * and the SPA are built): the README's screenshots, taken on a fresh server with sample data
 * and written to docs/screenshots/.
 */
export default defineConfig({
  ...base,
  testDir: './screenshots',
  testMatch: '**/*.screens.ts',
  reporter: [['list']],
});
