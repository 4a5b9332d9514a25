import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import lighthouse, { desktopConfig, type Config } from 'lighthouse';
import { CHROMIUM_ARGS, chromiumPath } from '../src/support/chromium';
import { serverUrl, signIn, test } from '../src/support/fixtures';
import { ADMIN_LOGIN, ADMIN_PASSWORD } from '../src/support/server';

const PAGES = ['/login', '/report-leak', '/tokens', '/admin/users', '/admin/audit'];
const FORM_FACTORS: [name: string, config: Config | undefined][] = [
  ['desktop', desktopConfig],
  ['mobile', undefined],
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const score = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : String(Math.round(value * 100));

test('Lighthouse scores per page', async () => {
  const port = await freePort();
  const profile = await mkdtemp(join(tmpdir(), 'latchkey-lighthouse-'));
  // Lighthouse opens its tabs in the browser's default profile: a persistent context is that
  // profile, so the pages it measures are signed in with the session made here.
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    args: [...CHROMIUM_ARGS, `--remote-debugging-port=${port}`],
    baseURL: serverUrl(),
  });
  const rows: string[] = [];
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
    for (const [formFactor, config] of FORM_FACTORS)
      for (const path of PAGES) {
        const result = await lighthouse(
          new URL(path, serverUrl()).toString(),
          {
            port,
            output: 'json',
            logLevel: 'error',
            onlyCategories: ['performance', 'accessibility'],
            // Keep the session cookie: the signed-in pages are what is measured.
            disableStorageReset: true,
          },
          config,
        );
        const lhr = result?.lhr;
        const blocking = lhr?.audits['total-blocking-time']?.numericValue;
        rows.push(
          [
            formFactor.padEnd(8),
            path.padEnd(16),
            `performance ${score(lhr?.categories.performance?.score).padStart(3)}`,
            `accessibility ${score(lhr?.categories.accessibility?.score).padStart(3)}`,
            `TBT ${blocking === undefined ? '—' : Math.round(blocking)} ms`,
          ].join('  '),
        );
      }
  } finally {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
  }
  process.stdout.write(`\n${rows.join('\n')}\n`);
});
