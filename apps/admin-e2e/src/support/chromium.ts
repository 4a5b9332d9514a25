import { existsSync } from 'node:fs';

/** A name that reaches the test server but is not one of its origins (PUBLIC_URL is localhost). */
export const FOREIGN_HOST = 'foreign.test';

export const CHROMIUM_ARGS = [
  `--host-resolver-rules=MAP ${FOREIGN_HOST} 127.0.0.1`,
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Debian's Chromium (or CHROMIUM_PATH): Playwright's own browser downloads are not used. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

export function assertChromium(): void {
  const path = chromiumPath();
  if (existsSync(path)) return;
  throw new Error(
    `No Chromium at ${path}: the admin SPA's browser tests need one.\n` +
      "Install Debian's: `sudo apt-get install -y chromium` (or `apt-get install -y chromium` as root),\n" +
      'or point CHROMIUM_PATH at a Chromium or Chrome binary.',
  );
}
