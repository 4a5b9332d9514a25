import type { CDPSession, Page } from '@playwright/test';
import { confirmItIsYou, expect, signIn, test } from './support/fixtures';
import { ADMIN_LOGIN, ADMIN_PASSWORD } from './support/server';

/**
 * Chromium's DevTools virtual authenticator, built in like a laptop's: resident keys (passkeys)
 * and user verification that always succeeds, as a fingerprint would.
 */
async function addPlatformAuthenticator(cdp: CDPSession): Promise<string> {
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return authenticatorId;
}

async function logOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
}

test('a user adds a passkey in Security, signs in with it and no password, then removes it', async ({
  page,
  context,
  makeUser,
  adminApi,
  snap,
}) => {
  // Two step-up prompts more than before: more time on a shared machine.
  test.setTimeout(180_000);
  const { user, password } = await makeUser('pia');
  const cdp = await context.newCDPSession(page);

  await signIn(page, user.login, password);
  await page.getByRole('link', { name: 'Security' }).click();
  await expect(page.getByText('You have no passkeys yet.')).toBeVisible();
  const authenticatorId = await addPlatformAuthenticator(cdp);
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(page.getByText('Name is required')).toBeVisible();
  await page.getByRole('textbox', { name: 'Passkey name' }).fill('Work laptop');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await confirmItIsYou(page, password);
  const passkey = page.getByRole('listitem', { name: 'Work laptop' });
  await expect(passkey).toBeVisible();
  await expect(passkey).toContainText('Last used Never');
  await snap('security-passkeys');
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0]?.isResidentCredential).toBe(true);
  expect(credentials[0]?.rpId).toBe('localhost');

  // Chromium's virtual authenticator answers the login field's autofill request at once; while
  // it cannot verify the user, that request fails quietly and the page waits for a choice.
  await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
  await logOut(page);
  await expect(page.getByRole('textbox', { name: 'Login', exact: true })).toHaveAttribute(
    'autocomplete',
    'username webauthn',
  );
  await snap('login-passkey');
  // A person who does not confirm (no fingerprint) is told so, and may try again.
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(page.getByRole('alert', { name: 'Sign-in failed' })).toContainText(
    'No passkey was used',
  );
  await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
  // The login field stays empty: the passkey says who is signing in.
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  const passkeySessions = async () =>
    (await adminApi.users.listSessions(user.id)).items.filter(
      (session) => session.signInMethods.join() === 'passkey',
    ).length;
  expect(await passkeySessions()).toBe(1);
  const events = await adminApi.audit.list({ userId: user.id, type: 'login.succeeded' });
  expect(events.items[0]?.details).toMatchObject({ methods: ['passkey'] });
  await page.goto('/sessions');
  await expect(page.getByTestId('session-row').filter({ hasText: 'This device' })).toContainText(
    'Passkey',
  );

  // Signed out, the login page signs in again through autofill, without a click.
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  await expect.poll(passkeySessions).toBe(1);
  await expect
    .poll(
      async () =>
        (await adminApi.audit.list({ userId: user.id, type: 'login.succeeded' })).items.length,
    )
    .toBe(3);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();

  // After a password, the MFA step offers the passkey.
  await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
  await logOut(page);
  await signIn(page, user.login, password);
  await expect(page.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible();
  await snap('login-mfa-passkey');
  await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  const latest = await adminApi.audit.list({ userId: user.id, type: 'login.succeeded' });
  expect(latest.items[0]?.details).toMatchObject({ methods: ['password', 'passkey'] });

  await page.getByRole('link', { name: 'Security' }).click();
  await expect(passkey).not.toContainText('Last used Never');
  await page.getByRole('button', { name: 'Rename passkey Work laptop' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename passkey' });
  await rename.getByRole('textbox', { name: 'Name' }).fill('Old laptop');
  await rename.getByRole('button', { name: 'Save' }).click();
  const renamed = page.getByRole('listitem', { name: 'Old laptop' });
  await expect(renamed).toBeVisible();

  await page.getByRole('button', { name: 'Remove passkey Old laptop' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove passkey' }).click();
  // Signed in with the passkey minutes ago is not enough to remove a factor: prove it again.
  await confirmItIsYou(page, password);
  await expect(page.getByText('You have no passkeys yet.')).toBeVisible();
  expect((await adminApi.users.listPasskeys(user.id)).items).toEqual([]);

  // The authenticator still offers the credential, but the server no longer knows it.
  await logOut(page);
  await expect(page.getByRole('alert', { name: 'Sign-in failed' })).toContainText(
    'This passkey could not sign you in',
  );
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test('an admin removes the passkey of a user from their page', async ({
  browser,
  makeUser,
  adminApi,
}) => {
  const { user, password } = await makeUser('quinn');
  const userContext = await browser.newContext();
  const adminContext = await browser.newContext();
  try {
    const userPage = await userContext.newPage();
    await addPlatformAuthenticator(await userContext.newCDPSession(userPage));
    await signIn(userPage, user.login, password);
    await userPage.getByRole('link', { name: 'Security' }).click();
    await userPage.getByRole('textbox', { name: 'Passkey name' }).fill('Lost phone');
    await userPage.getByRole('button', { name: 'Add a passkey' }).click();
    await confirmItIsYou(userPage, password);
    await expect(userPage.getByRole('listitem', { name: 'Lost phone' })).toBeVisible();

    const adminPage = await adminContext.newPage();
    await signIn(adminPage, ADMIN_LOGIN, ADMIN_PASSWORD);
    await adminPage.goto(`/admin/users/${user.id}`);
    const passkey = adminPage.getByRole('listitem', { name: 'Lost phone' });
    await expect(passkey).toBeVisible();
    await adminPage.getByRole('button', { name: 'Remove passkey Lost phone' }).click();
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Remove passkey' }).click();
    await expect(adminPage.getByText(`${user.login} has no passkeys.`)).toBeVisible();
    expect((await adminApi.users.listPasskeys(user.id)).items).toEqual([]);
    const removed = await adminApi.audit.list({ userId: user.id, type: 'passkey.removed' });
    expect(removed.items[0]).toMatchObject({ actorLogin: ADMIN_LOGIN, subjectId: user.id });
  } finally {
    await userContext.close();
    await adminContext.close();
  }
});
