import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { apiSignedInAs, expect, signIn, test } from '../src/support/fixtures';
import { ADMIN_LOGIN, ADMIN_PASSWORD } from '../src/support/server';

const DOCS = join(import.meta.dirname, '../../../docs/screenshots');
const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

/** The visible part of the page at each width (not the full page: small PNGs). */
async function shoot(page: Page, name: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    // Let Mantine's media queries and the layout settle at the new width.
    await page.waitForTimeout(400);
    await page.screenshot({
      path: join(DOCS, `${name}-${size.width}.png`),
      style: '.mantine-Notifications-root { display: none !important; }',
    });
  }
}

test('README screenshots', async ({ page, adminApi }) => {
  const people = [
    { login: 'alice', displayName: 'Alice Martin', roles: ['user'] as const },
    { login: 'bob', displayName: 'Bob Chen', roles: ['user'] as const },
    { login: 'carol', displayName: 'Carol Diaz', roles: ['admin', 'user'] as const },
  ];
  for (const person of people) {
    const user = await adminApi.users.create({
      login: person.login,
      email: `${person.login}@example.com`,
      displayName: person.displayName,
      password: `${person.login} has a long pass phrase`,
      roles: [...person.roles],
    });
    if (person.login === 'bob') await adminApi.users.update(user.id, { disabled: true });
  }
  const alice = await apiSignedInAs('alice', 'alice has a long pass phrase');
  const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
  await alice.personalAccessTokens.create({
    name: 'deploy script',
    scopes: ['profile:read'],
    expiresAt,
    rateLimit: { requests: 60, perSeconds: 60 },
  });
  const backup = await alice.personalAccessTokens.create({
    name: 'backup job',
    scopes: ['tokens:read', 'sessions:read'],
    expiresAt: null,
  });
  await alice.personalAccessTokens.update(backup.id, { disabled: true });
  await adminApi.signingKeys.rotate();
  await alice.personalAccessTokens.create({ name: 'ci', scopes: ['profile:read'], expiresAt });

  await signIn(page, 'alice', 'alice has a long pass phrase');
  await expect(page.getByTestId('token-row')).toHaveCount(3);
  await shoot(page, 'tokens');

  await page.context().clearCookies();
  await page.evaluate(() => localStorage.clear());
  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.goto('/admin/users?sort=-lastLoginAt');
  await expect(page.getByTestId('user-row')).toHaveCount(4);
  await shoot(page, 'users');

  const [aliceUser] = (await adminApi.users.list({ q: 'alice' })).items;
  await page.goto(`/admin/users/${aliceUser?.id}`);
  await expect(page.getByRole('button', { name: 'Reset password' })).toBeVisible();
  await shoot(page, 'user-detail');

  await page.goto('/admin/audit');
  await expect(page.getByTestId('audit-row').first()).toBeVisible();
  await shoot(page, 'audit-log');

  await page.goto('/admin/signing-keys');
  await expect(page.getByTestId('signing-key-row')).toHaveCount(2);
  await shoot(page, 'signing-keys');

  await page.goto('/sessions');
  await expect(page.getByTestId('session-row').first()).toBeVisible();
  await shoot(page, 'sessions');
});
