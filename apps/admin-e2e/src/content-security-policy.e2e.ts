import { ADMIN_LOGIN, ADMIN_PASSWORD } from './support/server';
import { expect, serverUrl, signIn, test } from './support/fixtures';

/** The script-src directive of a Content-Security-Policy value. */
function scriptSources(policy: string | undefined): string[] {
  const directive = (policy ?? '')
    .split(';')
    .map((part) => part.trim().split(/\s+/))
    .find(([name]) => name === 'script-src');
  return directive?.slice(1) ?? [];
}

test('the admin SPA runs under a strict CSP (no inline script) without a single violation', async ({
  page,
}) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (execute|evaluate|load|apply)/i.test(message.text()))
      violations.push(message.text());
  });

  const index = await fetch(`${serverUrl()}/login`, { headers: { accept: 'text/html' } });
  expect(scriptSources(index.headers.get('content-security-policy') ?? '')).toEqual(["'self'"]);

  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  for (const [path, heading] of [
    ['/tokens', 'Personal access tokens'],
    ['/admin/users', 'Users'],
    ['/admin/audit', 'Audit log'],
    ['/security', 'Security'],
  ]) {
    await page.goto(path);
    // Generous: the machine this runs on may be shared.
    await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible({
      timeout: 60_000,
    });
  }
  expect(violations).toEqual([]);

  // Swagger UI keeps its own policy, which lets its inline initializer run.
  const docs = await fetch(`${serverUrl()}/api/docs`);
  expect(scriptSources(docs.headers.get('content-security-policy') ?? '')).toContain(
    "'unsafe-inline'",
  );
});
