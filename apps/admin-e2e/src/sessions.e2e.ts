import { expect, signIn, snapshot, test } from './support/fixtures';

test('a session survives a page reload through the refresh cookie', async ({
  page,
  context,
  makeUser,
  snap,
}) => {
  const { user, password } = await makeUser('frank');
  await signIn(page, user.login, password);
  await expect(page.getByRole('heading', { name: 'Personal access tokens' })).toBeVisible();

  const cookies = await context.cookies();
  expect(cookies.find((cookie) => cookie.name === 'lk_refresh')).toMatchObject({
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    path: '/api/v1/auth',
  });
  // The access token lives in memory only.
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  expect(stored).not.toContain('eyJ');

  await page.goto('/sessions');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'My sessions' })).toBeVisible();
  await expect(page.getByTestId('session-row')).toHaveCount(1);
  await expect(page.getByTestId('session-row')).toContainText('This device');
  await snap('sessions');

  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'My sessions' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await snap('sessions-dark');
});

test('a revoked session is sent back to login with a note', async ({ browser, makeUser }) => {
  const { user, password } = await makeUser('grace');
  const laptop = await browser.newContext();
  const phone = await browser.newContext();
  try {
    const laptopPage = await laptop.newPage();
    await signIn(laptopPage, user.login, password);
    await expect(laptopPage.getByRole('heading', { name: 'Personal access tokens' })).toBeVisible();

    const phonePage = await phone.newPage();
    await signIn(phonePage, user.login, password);
    await phonePage.getByRole('link', { name: 'My sessions' }).click();
    await expect(phonePage.getByTestId('session-row')).toHaveCount(2);
    await phonePage
      .getByTestId('session-row')
      .filter({ hasNotText: 'This device' })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await phonePage.getByRole('dialog').getByRole('button', { name: 'Revoke session' }).click();
    await expect(phonePage.getByTestId('session-row')).toHaveCount(1);

    await laptopPage.getByRole('link', { name: 'My sessions' }).click();
    await expect(laptopPage.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(laptopPage.getByText('Your session has ended')).toBeVisible();
    await expect(laptopPage).toHaveURL(/\/login\?next=%2Fsessions$/);
    await snapshot(laptopPage, 'login-session-ended');
  } finally {
    await laptop.close();
    await phone.close();
  }
});

test('the SPA answers its own routes while the API keeps problem+json 404s', async ({
  page,
  request,
}) => {
  const spaRoute = await page.goto('/admin/users/unknown-route');
  expect(spaRoute?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  for (const path of ['/api/v1/nope', '/.well-known/nope', '/healthz/nope']) {
    const response = await request.get(path, { headers: { accept: 'text/html' } });
    expect([path, response.status(), response.headers()['content-type']]).toEqual([
      path,
      404,
      'application/problem+json; charset=utf-8',
    ]);
  }
  const missingAsset = await request.get('/assets/missing.js', { headers: { accept: '*/*' } });
  expect(missingAsset.status()).toBe(404);
});
