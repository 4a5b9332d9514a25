import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * `npm run lighthouse`: Lighthouse's performance and accessibility scores of the SPA's pages, on a
 * fresh server, printed per page. A measurement, not a test: nothing here fails on a figure.
 */
export default defineConfig({
  ...base,
  testDir: './lighthouse',
  testMatch: '**/*.lighthouse.ts',
  timeout: 900_000,
  reporter: [['list']],
});
