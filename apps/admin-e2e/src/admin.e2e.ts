import { apiKey } from '@latchkey/api-client';
import { apiAs, confirmItIsYou, expect, signIn, test } from './support/fixtures';
import { ADMIN_LOGIN, ADMIN_PASSWORD } from './support/server';

test('an admin creates a user and an API key for them, and sees the secret only once', async ({
  page,
  adminApi,
  snap,
}) => {
  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  await expect(page.getByRole('link', { name: ADMIN_LOGIN, exact: true })).toBeVisible();
  await snap('users');

  const login = `carol${Date.now().toString(36)}`;
  await page.getByRole('button', { name: 'New user' }).click();
  const dialog = page.getByRole('dialog', { name: 'New user' });
  await dialog.getByRole('textbox', { name: 'Login', exact: true }).fill(login);
  await dialog.getByRole('textbox', { name: 'Email', exact: true }).fill(`${login}@example.test`);
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Carol Example');
  await dialog.getByLabel('Initial password').fill('short');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(dialog.getByText('Password must be at least 12 characters')).toBeVisible();

  await dialog.getByLabel('Initial password').fill('password1234');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  // Long enough for the form, refused by the API: its message reaches the person, once, under
  // the field it is about.
  await expect(dialog.getByText(/commonly used passwords/)).toHaveCount(1);
  await expect(dialog.getByText(/commonly used passwords/)).toBeVisible();

  await dialog.getByLabel('Initial password').fill('carol has a long pass phrase');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('heading', { name: login })).toBeVisible();
  const created = (await adminApi.users.list({ q: login })).items;
  expect(created.map((user) => [user.login, user.displayName, user.roles])).toEqual([
    [login, 'Carol Example', ['user']],
  ]);
  await snap('user-detail');

  await page.getByRole('tab', { name: 'API keys' }).click();
  await expect(page.getByText('No API keys', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Generate API key' }).click();
  const keyDialog = page.getByRole('dialog', { name: `New API key for ${login}` });
  await keyDialog.getByRole('textbox', { name: 'Name', exact: true }).fill('billing worker');
  await keyDialog.getByRole('checkbox', { name: 'profile:read' }).check();
  await expect(keyDialog.getByRole('checkbox', { name: 'users:write' })).toBeDisabled();
  await keyDialog.getByRole('button', { name: 'Generate API key' }).click();
  // A key never expires: the dialog asks the admin's password first (step-up).
  await confirmItIsYou(keyDialog, ADMIN_PASSWORD);

  const secret = (await page.getByTestId('secret-value').textContent()) ?? '';
  const keyText = (await page.getByText(/^lk_/).first().textContent()) ?? '';
  expect(secret).toMatch(/^lks_/);
  await expect(page.getByText('shown only once')).toBeVisible();
  await snap('user-api-keys');

  const me = await apiAs(apiKey(keyText.trim(), secret.trim())).me.get();
  expect([me.login, me.authMethod]).toEqual([login, 'api_key']);

  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('secret-value')).toHaveCount(0);
  await expect(page.getByTestId('api-key-row')).toHaveCount(1);
  await page.reload();
  await page.getByRole('tab', { name: 'API keys' }).click();
  await expect(page.getByTestId('api-key-row')).toContainText('billing worker');
  await expect(page.getByText(secret)).toHaveCount(0);
});

test('an admin reads the audit log and rotates the signing key', async ({ page, snap }) => {
  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.goto('/admin/audit');
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await expect(page.getByTestId('audit-row').first()).toBeVisible();
  await expect(page.getByTestId('audit-row').first()).toContainText('login.succeeded');
  await snap('audit-log');

  await page.goto('/admin/signing-keys');
  await expect(page.getByTestId('signing-key-row').first()).toBeVisible();
  const before = await page.getByTestId('signing-key-row').count();
  await page.getByRole('button', { name: 'Rotate' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Rotate key' }).click();
  await expect(page.getByTestId('signing-key-row')).toHaveCount(before + 1);
  await expect(page.getByTestId('signing-key-row').filter({ hasText: 'active' })).toHaveCount(1);
  await snap('signing-keys');
});
