import type { Page } from '@playwright/test';
import { apiKey } from '@latchkey/api-client';
import {
  apiAs,
  apiSignedInAs,
  confirmItIsYou,
  expect,
  serverUrl,
  signIn,
  test,
} from './support/fixtures';
import { ADMIN_LOGIN, ADMIN_PASSWORD } from './support/server';

/** GET /users/me with a bearer token, as any script would: the status it gets. */
async function statusWith(token: string): Promise<number> {
  const response = await fetch(`${serverUrl()}/api/v1/users/me`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return response.status;
}

/**
 * Rotates the newest row (lists are newest first: after a rotation with an overlap, the old token
 * is listed below its successor) through its menu and the overlap dialog; the new secret. The
 * dialog asks for `password` first when the new one would outlive the sign-in (step-up).
 */
async function rotate(
  page: Page,
  name: string,
  overlap: string,
  what: string,
  password: string,
): Promise<string> {
  const row = page.getByTestId(what === 'token' ? 'token-row' : 'api-key-row').first();
  await row.getByRole('button', { name: `Actions for ${name}` }).click();
  await page.getByRole('menuitem', { name: what === 'token' ? 'Rotate' : 'Rotate secret' }).click();
  const dialog = page.getByRole('dialog', { name: `Rotate “${name}”` });
  await dialog.getByText(overlap, { exact: true }).click();
  await dialog.getByRole('button', { name: `Rotate ${what}` }).click();
  const prompt = dialog.getByRole('group', { name: 'Confirm it is you' });
  await expect(prompt.or(page.getByTestId('secret-value'))).toBeVisible();
  if (await prompt.isVisible()) await confirmItIsYou(dialog, password);
  await expect(dialog).toHaveCount(0);
  const secret = page.getByTestId('secret-value');
  await expect(secret).toBeVisible();
  return ((await secret.textContent()) ?? '').trim();
}

test('a user rotates a token with an overlap, then without one', async ({
  page,
  makeUser,
  snap,
}) => {
  const { user, password } = await makeUser('rita');
  const asRita = await apiSignedInAs(user.login, password);
  const first = await asRita.personalAccessTokens.create({
    name: 'ci',
    scopes: ['profile:read'],
    expiresAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
  });
  await signIn(page, user.login, password);
  await expect(page.getByTestId('token-row')).toContainText('expires in 3 days');

  await page.getByRole('button', { name: 'Actions for ci' }).click();
  await page.getByRole('menuitem', { name: 'Rotate' }).click();
  await expect(page.getByRole('status')).toHaveText('The old token stops working at once.');
  await snap('tokens-rotate');
  await page.getByRole('button', { name: 'Cancel' }).click();

  const second = await rotate(page, 'ci', '1 hour', 'token', password);
  await expect(page.getByText(/shown only once.*keeps working for 1 hour/)).toBeVisible();
  expect(second).not.toBe(first.token);
  expect(await statusWith(second)).toBe(200);
  // The old token still works during the overlap, and is still listed.
  expect(await statusWith(first.token)).toBe(200);
  await expect(page.getByTestId('token-row')).toHaveCount(2);
  // The new row says so; the outgoing one says when it stops, in full, and expires then.
  const [fresh, outgoing] = [
    page.getByTestId('token-row').nth(0),
    page.getByTestId('token-row').nth(1),
  ];
  await expect(fresh.getByText('new', { exact: true })).toBeVisible();
  await expect(fresh.getByRole('switch', { name: 'ci enabled' })).toBeChecked();
  await expect(outgoing).toContainText(/rotated: stops at \d\d:\d\d/);
  await expect(outgoing).toContainText('expires in 1 hour');
  await expect(outgoing.getByText('new', { exact: true })).toHaveCount(0);
  // It has no switch and cannot be rotated again: only stopped sooner.
  await expect(outgoing.getByRole('switch')).toHaveCount(0);
  await outgoing.getByRole('button', { name: 'Actions for ci' }).click();
  await expect(page.getByRole('menuitem', { name: 'Revoke' })).toBeVisible();
  await expect(page.getByRole('menuitem', { name: 'Rotate' })).toHaveCount(0);
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Done' }).click();
  const third = await rotate(page, 'ci', 'None', 'token', password);
  await expect(page.getByText(/shown only once.*stops working at once/)).toBeVisible();
  expect(await statusWith(third)).toBe(200);
  expect(await statusWith(second)).toBe(401);
  expect(await statusWith(first.token)).toBe(200);

  await page.getByRole('tab', { name: 'Inactive' }).click();
  await expect(page.getByTestId('token-row')).toHaveCount(1);
  await expect(page.getByTestId('token-row')).toContainText('rotated: stopped');
  await snap('tokens-inactive-rotated');
});

test('anyone reports a leaked token without signing in; its owner sees it revoked as leaked', async ({
  page,
  makeUser,
  snap,
}) => {
  const { user, password } = await makeUser('lea');
  const asLea = await apiSignedInAs(user.login, password);
  const leaked = await asLea.personalAccessTokens.create({
    name: 'pasted in a gist',
    scopes: ['profile:read'],
    expiresAt: null,
  });
  expect(await statusWith(leaked.token)).toBe(200);

  await page.goto('/login');
  await page.getByRole('link', { name: 'Report a leaked credential' }).click();
  await expect(page.getByRole('heading', { name: 'Report a leaked credential' })).toBeVisible();
  await expect(page.getByText('never tells whether anything was found')).toBeVisible();
  await page
    .getByRole('textbox', { name: /Leaked credentials/ })
    .fill(`${leaked.token}\nlkt_nothing`);
  await page.getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('status')).toContainText('same whether or not anything was found');
  await snap('report-leak');

  expect(await statusWith(leaked.token)).toBe(401);

  await page.getByRole('link', { name: 'Back to sign in' }).click();
  await signIn(page, user.login, password);
  await expect(page.getByText('No personal access tokens yet')).toBeVisible();
  await page.getByRole('tab', { name: 'Inactive' }).click();
  await expect(page.getByTestId('token-row')).toContainText('pasted in a gist');
  await expect(page.getByTestId('token-row')).toContainText('revoked: leaked');
  await snap('tokens-inactive-leaked');

  // From inside the app too.
  await page.getByRole('link', { name: 'Report a leaked credential' }).click();
  await expect(page.getByRole('heading', { name: 'Report a leaked credential' })).toBeVisible();
  await page.getByRole('link', { name: 'Back to Latchkey' }).click();
  await expect(page.getByRole('heading', { name: 'Personal access tokens' })).toBeVisible();
});

test('an admin disables and enables an API key, and rotates its secret with an overlap', async ({
  page,
  adminApi,
  makeUser,
}) => {
  const { user } = await makeUser('mona');
  const created = await adminApi.apiKeys.create(user.id, {
    name: 'worker',
    scopes: ['profile:read'],
  });
  const asKey = (secret: string) => apiAs(apiKey(created.apiKey, secret)).me.get();
  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.goto(`/admin/users/${user.id}`);
  await page.getByRole('tab', { name: 'API keys' }).click();

  const enabled = page.getByRole('switch', { name: 'worker enabled' });
  await expect(enabled).toBeChecked();
  await enabled.click();
  const disabled = page.getByRole('switch', { name: 'worker disabled' });
  await expect(disabled).not.toBeChecked();
  await expect(page.getByTestId('api-key-row')).toContainText('Disabled');
  await expect(asKey(created.apiSecret)).rejects.toMatchObject({ status: 401 });
  await disabled.click();
  await expect(enabled).toBeChecked();
  await expect(page.getByTestId('api-key-row').getByText('active', { exact: true })).toBeVisible();
  expect((await asKey(created.apiSecret)).login).toBe(user.login);

  const secret = await rotate(page, 'worker', '1 day', 'secret', ADMIN_PASSWORD);
  expect(secret).toMatch(/^lks_/);
  expect((await asKey(secret)).login).toBe(user.login);
  expect((await asKey(created.apiSecret)).login).toBe(user.login);
  await expect(page.getByTestId('api-key-row')).toContainText(
    /old secret stops at \w+ \d+, \d\d:\d\d/,
  );

  // The key, the half a client is configured with beside the secret, is copied with one click.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy the key of worker' }).click();
  await expect(page.getByRole('button', { name: 'Key of worker copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(created.apiKey);
});
