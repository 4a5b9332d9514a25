import { createApiClient } from '@latchkey/api-client';
import { apiAs, apiSignedInAs, expect, serverUrl, signIn, test } from './support/fixtures';
import { ADMIN_LOGIN, ADMIN_PASSWORD } from './support/server';

const DAY_MS = 86_400_000;

test('an admin lands on the overview and sees the traffic just made in its charts and counts', async ({
  page,
  adminApi,
  makeUser,
}) => {
  const { user, password } = await makeUser('olive');
  await expect(
    createApiClient({ baseUrl: serverUrl() }).auth.login({
      login: user.login,
      password: 'not the password at all',
    }),
  ).rejects.toMatchObject({ status: 401 });
  const asUser = await apiSignedInAs(user.login, password);
  const pat = await asUser.personalAccessTokens.create({
    name: 'overview journey',
    scopes: ['profile:read'],
    expiresAt: new Date(Date.now() + 3 * DAY_MS).toISOString(),
    rateLimit: { requests: 1, perSeconds: 60 },
  });
  const asPat = apiAs(`Bearer ${pat.token}`);
  expect((await asPat.me.get()).login).toBe(user.login);
  await expect(asPat.me.get()).rejects.toMatchObject({ status: 429 });
  // Hourly counters reach the database within seconds (they are written in batches).
  await expect
    .poll(
      async () => {
        const now = (await adminApi.overview.get('24h')).series.at(-1);
        return [
          (now?.failedSignIns ?? 0) > 0,
          (now?.rateLimited ?? 0) > 0,
          (now?.verifications.personal_access_token ?? 0) > 0,
        ];
      },
      { timeout: 30_000 },
    )
    .toEqual([true, true, true]);

  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await expect(page).toHaveURL(/\/admin\/overview$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await expect(page).toHaveTitle('Overview · Latchkey');
  const navigation = page.getByRole('navigation', { name: 'Main' });
  await expect(navigation.getByRole('link').first()).toHaveAccessibleName('Overview');

  for (const name of ['Sign-ins', 'Rate-limit refusals', 'Verifications by credential kind']) {
    const figure = page.getByRole('figure', { name: new RegExp(`^${name}`) });
    await expect(figure).toBeVisible();
    await expect(figure.locator('svg.recharts-surface')).toHaveCount(1);
  }
  const verifications = page.getByRole('figure', { name: /^Verifications by credential kind/ });
  await expect(verifications.getByText('Personal access tokens')).toBeVisible();

  for (const name of [
    'Live personal access tokens',
    'Expiring within 7 days',
    'Security events (24 h)',
  ]) {
    const count = page.getByRole('region', { name }).getByTestId('overview-count');
    await expect(count).toHaveText(/^[1-9]\d*$/);
  }

  await page.getByText('7 days', { exact: true }).click();
  await expect(page).toHaveURL(/\?range=7d$/);
  await expect(page.getByRole('figure', { name: /per day, last 7 days/ }).first()).toBeVisible();
  await page.reload();
  await expect(page.getByRole('radio', { name: '7 days' })).toBeChecked();
});

test('a user who is not an admin keeps their tokens as home, and the overview is refused', async ({
  page,
  makeUser,
}) => {
  const { user, password } = await makeUser('peggy');
  await signIn(page, user.login, password);
  await expect(page.getByRole('heading', { name: 'Personal access tokens' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Overview' })).toHaveCount(0);
  await page.goto('/admin/overview');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Admins only');
});
