import { TOTP } from 'otpauth';
import { createApiClient } from '@latchkey/api-client';
import { confirmItIsYou, expect, serverUrl, signIn, test } from './support/fixtures';

const PERIOD_MS = 30_000;

/** The code of the next 30-second step: a code already spent (at enrolment) is refused. */
async function nextCode(totp: TOTP, after: number): Promise<string> {
  const wait = (Math.floor(after / PERIOD_MS) + 1) * PERIOD_MS - Date.now() + 250;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  return totp.generate();
}

test('a user enrols TOTP, signs in with a code, and makes, uses and revokes a personal access token', async ({
  page,
  context,
  makeUser,
  snap,
}) => {
  test.setTimeout(180_000);
  const { user, password } = await makeUser('dave');
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: serverUrl() });

  await signIn(page, user.login, password);
  await expect(page.getByRole('heading', { name: 'Personal access tokens' })).toBeVisible();
  await expect(page.getByText('No personal access tokens yet')).toBeVisible();
  await snap('tokens-empty');

  await page.getByRole('link', { name: 'My profile' }).click();
  await expect(page.getByRole('textbox', { name: 'Email', exact: true })).toHaveValue(user.email);
  await snap('profile');

  await page.getByRole('link', { name: 'Security' }).click();
  await page.getByRole('button', { name: 'Set up authenticator app' }).click();
  // Adding a factor asks for the password again, in the card itself (step-up); a wrong one is
  // said under the field, and the right one sets up the app without another click.
  const prompt = page.getByRole('group', { name: 'Confirm it is you' });
  await prompt.getByLabel('Your password').fill('not my password at all');
  await prompt.getByRole('button', { name: 'Confirm' }).click();
  await expect(prompt.getByText('The password, code or passkey is not correct.')).toBeVisible();
  await snap('security-step-up');
  await confirmItIsYou(page, password);
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
  const totp = new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' });
  await snap('security-enrol');

  await page.getByLabel('Code from the app').fill('000000');
  await page.getByRole('button', { name: 'Turn on' }).click();
  // Said once, under the field: not again as an alert's detail and list.
  await expect(page.getByText(/The code is not valid/)).toHaveCount(1);
  await expect(page.getByRole('alert')).toHaveCount(0);

  const enrolledAt = Date.now();
  await page.getByLabel('Code from the app').fill(totp.generate({ timestamp: enrolledAt }));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await expect(codes).toHaveCount(10);
  await snap('security-recovery-codes');
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await expect(
    page.getByText('Sign-ins ask for a code from your authenticator app.'),
  ).toBeVisible();
  await expect(codes).toHaveCount(0);

  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByText('You have logged out.')).toBeVisible();

  await signIn(page, user.login, password);
  await expect(page.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible();
  await snap('login-mfa');
  await page.getByLabel('Authentication code').fill(await nextCode(totp, enrolledAt));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: 'Personal access tokens' })).toBeVisible();

  await page.getByRole('button', { name: 'Generate new token' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New personal access token' });
  await dialog.getByRole('button', { name: 'Generate token' }).click();
  await expect(dialog.getByText('Name is required')).toBeVisible();
  await expect(dialog.getByText('Pick at least one scope')).toBeVisible();
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('deploy script');
  await dialog.getByRole('checkbox', { name: 'profile:read' }).check();
  await dialog.getByRole('checkbox', { name: 'tokens:read' }).check();
  await dialog.getByRole('combobox', { name: 'Expiration' }).click();
  await page.getByRole('option', { name: '7 days' }).click();
  await dialog.getByRole('button', { name: 'Generate token' }).click();
  // It would outlive this sign-in's 15-minute token: the dialog asks for the password first.
  await confirmItIsYou(dialog, password);

  await expect(page.getByText('shown only once')).toBeVisible();
  const shown = ((await page.getByTestId('secret-value').textContent()) ?? '').trim();
  await page.getByRole('button', { name: 'Copy personal access token' }).click();
  await expect(page.getByRole('button', { name: 'Personal access token copied' })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(shown);
  await expect(page.getByTestId('token-row')).toContainText('deploy script');
  await expect(page.getByTestId('token-row')).toContainText('in 7 days');
  await snap('tokens');

  const withToken = createApiClient({ baseUrl: serverUrl(), token: () => copied });
  const me = await withToken.me.get();
  expect([me.login, me.authMethod]).toEqual([user.login, 'personal_access_token']);

  await page.getByRole('button', { name: 'Actions for deploy script' }).click();
  await page.getByRole('menuitem', { name: 'Revoke' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByText('No personal access tokens yet')).toBeVisible();
  await expect(page.getByTestId('secret-value')).toHaveCount(0);

  const refused = await withToken.me.get().catch((error: unknown) => error);
  expect(refused).toMatchObject({ status: 401 });
});

test('a user turns the account API token on, regenerates it, and sees their API keys', async ({
  page,
  makeUser,
  adminApi,
  snap,
}) => {
  const { user, password } = await makeUser('erin');
  await adminApi.apiKeys.create(user.id, { name: 'nightly export', scopes: ['profile:read'] });
  await signIn(page, user.login, password);

  await page.getByRole('link', { name: 'Account API token' }).click();
  await expect(page.getByText('Disabled', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Enable account API token' }).click();
  await confirmItIsYou(page, password);
  const first = ((await page.getByTestId('secret-value').textContent()) ?? '').trim();
  const client = (token: string) => createApiClient({ baseUrl: serverUrl(), token: () => token });
  expect((await client(first).me.get()).authMethod).toBe('api_token');
  await snap('api-token');

  await page.getByRole('button', { name: 'Regenerate' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Regenerate' }).click();
  await expect(page.getByTestId('secret-value')).not.toHaveText(first);
  const second = ((await page.getByTestId('secret-value').textContent()) ?? '').trim();
  await expect(client(first).me.get()).rejects.toMatchObject({ status: 401 });
  expect((await client(second).me.get()).login).toBe(user.login);

  await page.getByRole('button', { name: 'Disable' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Disable token' }).click();
  await expect(page.getByText('Disabled', { exact: true })).toBeVisible();
  await expect(client(second).me.get()).rejects.toMatchObject({ status: 401 });

  await page.getByRole('link', { name: 'My API keys' }).click();
  await expect(page.getByTestId('api-key-row')).toContainText('nightly export');
  await expect(page.getByRole('button', { name: 'Revoke' })).toHaveCount(0);
  await snap('my-api-keys');
});
