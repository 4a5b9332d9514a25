import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, signIn, test } from './support/fixtures';
import { ADMIN_LOGIN, ADMIN_PASSWORD } from './support/server';

/** Every route of the SPA (apps/admin/src/app/router.tsx), with the title its tab shows. */
function signedInRoutes(adminId: string): [path: string, title: string][] {
  return [
    ['/profile', 'My profile'],
    ['/security', 'Security'],
    ['/sessions', 'My sessions'],
    ['/tokens', 'Personal access tokens'],
    ['/api-token', 'Account API token'],
    ['/api-keys', 'My API keys'],
    ['/admin/overview', 'Overview'],
    ['/admin/users', 'Users'],
    [`/admin/users/${adminId}`, ADMIN_LOGIN],
    ['/admin/audit', 'Audit log'],
    ['/admin/signing-keys', 'Signing keys'],
    ['/no-such-page', 'Page not found'],
  ];
}
const PUBLIC_ROUTES: [path: string, title: string][] = [
  ['/login', 'Sign in'],
  ['/report-leak', 'Report a leaked credential'],
];

interface Finding {
  path: string;
  rule: string;
  impact: string;
  targets: string[];
}

/** What axe-core reports as serious or critical on the page as it stands, one line per rule. */
async function seriousFindings(page: Page, path: string): Promise<Finding[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      path,
      rule: violation.id,
      impact: violation.impact ?? '',
      targets: violation.nodes
        .slice(0, 3)
        .map((node) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`),
    }));
}

/** Opens a page, waits until it has drawn its heading, and checks its title and outline. */
async function visit(page: Page, path: string, title: string): Promise<Finding[]> {
  await page.goto(path);
  // Each page is a fresh load of the SPA: slow when the machine is busy.
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1, { timeout: 60_000 });
  await expect(page.getByRole('progressbar')).toHaveCount(0);
  await expect(page).toHaveTitle(`${title} · Latchkey`);
  await expect(page.getByRole('main')).toHaveCount(1);
  return seriousFindings(page, path);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`in the ${colorScheme} theme`, () => {
    test.use({ colorScheme });

    test('the sign-in and leak-report pages have no serious accessibility violation', async ({
      page,
    }) => {
      const findings: Finding[] = [];
      for (const [path, title] of PUBLIC_ROUTES) findings.push(...(await visit(page, path, title)));
      expect(findings).toEqual([]);
    });

    test('every signed-in page has one h1, its own title and no serious accessibility violation', async ({
      page,
      adminApi,
    }) => {
      // axe-core reads every node of a dozen pages: minutes on a shared two-core machine.
      test.setTimeout(600_000);
      const admin = await adminApi.me.get();
      await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
      const findings: Finding[] = [];
      for (const [path, title] of signedInRoutes(admin.id)) {
        findings.push(...(await visit(page, path, title)));
      }
      expect(findings).toEqual([]);
    });
  });
}

test('a skip link leads past the navigation to the page, and focus is visible', async ({
  page,
}) => {
  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.goto('/admin/users');
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  const outline = await skip.evaluate((element) => getComputedStyle(element).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
});
