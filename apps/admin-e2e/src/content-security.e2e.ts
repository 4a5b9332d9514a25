import { expect, signIn, test } from './support/fixtures';
import { ADMIN_LOGIN, ADMIN_PASSWORD } from './support/server';

test('the SPA runs under the server’s Content-Security-Policy without one violation', async ({
  page,
}) => {
  // Recorded in the page from its first script on, across reloads.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const seen = JSON.parse(sessionStorage.getItem('csp-violations') ?? '[]') as string[];
      seen.push(`${event.violatedDirective} ${event.blockedURI}`);
      sessionStorage.setItem('csp-violations', JSON.stringify(seen));
    });
  });
  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.goto('/admin/users');
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible({
    timeout: 60_000,
  });
  await expect(page.getByRole('table', { name: 'Users' })).toBeVisible();
  const violations = await page.evaluate(() => sessionStorage.getItem('csp-violations'));
  expect(JSON.parse(violations ?? '[]')).toEqual([]);
});
