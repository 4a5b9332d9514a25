import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertChromium } from './chromium';
import { startServer } from './server';

/** Chromium present, SPA built, one real server for the run; returns its teardown. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  assertChromium();
  const index = join(import.meta.dirname, '../../../admin/dist/index.html');
  if (!existsSync(index))
    throw new Error(`${index} is missing: build the SPA first (\`npx nx run admin:build\`).`);
  const server = await startServer();
  // Workers inherit the environment: tests read the URL from it.
  process.env.LATCHKEY_E2E_URL = server.url;
  return server.stop;
}
