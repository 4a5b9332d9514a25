import type { Page } from '@playwright/test';
import { apiSignedInAs, expect, serverUrl, signIn, test } from './support/fixtures';
import { ADMIN_LOGIN, ADMIN_PASSWORD } from './support/server';
import { FOREIGN_HOST } from './support/chromium';

const PHONE = { width: 390, height: 844 };

/** Console errors and uncaught exceptions of a page, from now on. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Picks an option of a Mantine Select by its label. */
async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

test('a fresh load is quiet, small and compressed, with no source map', async ({
  page,
  request,
}) => {
  const errors = collectErrors(page);
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  expect(errors).toEqual([]);

  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.goto('/admin/users');
  await expect(page.getByTestId('user-row').first()).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('user-row').first()).toBeVisible();
  expect(errors).toEqual([]);

  const html = await (await request.get('/login', { headers: { accept: 'text/html' } })).text();
  const entry = html.match(/<script[^>]+src="([^"]+\.js)"/)?.[1] ?? '';
  expect(entry).toMatch(/^\/assets\//);
  const compressed = await request.get(entry, { headers: { 'accept-encoding': 'br, gzip' } });
  expect(compressed.status()).toBe(200);
  expect(compressed.headers()['content-encoding']).toBe('br');
  expect((await request.get(`${entry}.map`)).status()).toBe(404);
  expect(await (await request.get(entry)).text()).not.toContain('sourceMappingURL');
});

test('an admin creates a user with the optional name left empty, and is told an email is required', async ({
  page,
  adminApi,
}) => {
  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.goto('/admin/users');
  await page.getByRole('button', { name: 'New user' }).click();
  const dialog = page.getByRole('dialog', { name: 'New user' });
  const login = `nameless${Date.now().toString(36)}`;
  await dialog.getByRole('textbox', { name: 'Login', exact: true }).fill(login);
  await dialog.getByLabel('Initial password').fill('nameless has a long pass phrase');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(dialog.getByText('Email is required')).toBeVisible();
  await expect(dialog.getByText('not a valid address')).toHaveCount(0);

  await dialog.getByRole('textbox', { name: 'Email', exact: true }).fill(`${login}@example.test`);
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('heading', { name: login })).toBeVisible();
  await expect(page.getByText('Too small')).toHaveCount(0);
  const [created] = (await adminApi.users.list({ q: login })).items;
  expect([created?.login, created?.displayName]).toEqual([login, login]);
});

test('the users list filters and sorts from the URL, shows the last sign-in, and turns into cards on a phone', async ({
  page,
  adminApi,
  makeUser,
}) => {
  const tag = `flt${Date.now().toString(36)}`;
  const { user: active, password } = await makeUser(`${tag}a`);
  const { user: disabled } = await makeUser(`${tag}d`);
  await adminApi.users.update(disabled.id, { disabled: true });
  await apiSignedInAs(active.login, password);

  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.goto(`/admin/users?q=${tag}`);
  await expect(page.getByTestId('user-row')).toHaveCount(2);
  await choose(page, 'Status', 'Disabled');
  await expect(page).toHaveURL(/status=disabled/);
  await expect(page.getByTestId('user-row')).toHaveCount(1);
  await expect(page.getByTestId('user-row')).toContainText(disabled.login);

  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Status', exact: true })).toHaveValue('Disabled');
  await expect(page.getByTestId('user-row')).toHaveCount(1);

  await page.goto(`/admin/users?q=${tag}&sort=-lastLoginAt`);
  await expect(page.getByRole('combobox', { name: 'Sort by', exact: true })).toHaveValue(
    'Newest sign-in',
  );
  const rows = page.getByTestId('user-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText(active.login);
  await expect(page.getByRole('columnheader', { name: 'Last sign-in' })).toBeVisible();
  await expect(rows.nth(1)).toContainText('Never');

  await page.setViewportSize(PHONE);
  await expect(page.getByRole('table', { name: 'Users' })).toHaveCount(0);
  const cards = page.getByRole('list', { name: 'Users' }).getByRole('listitem');
  await expect(cards).toHaveCount(2);
  for (const label of ['Roles', 'MFA', 'Status', 'Last sign-in', 'Created'])
    await expect(cards.nth(1).getByText(label, { exact: true })).toBeVisible();
  const badge = cards.nth(1).getByText('Disabled', { exact: true });
  await expect(badge).toBeVisible();
  const cut = await badge.evaluate((element) => element.scrollWidth > element.clientWidth);
  expect(cut).toBe(false);
});

test('the audit log reads as key/value, keeps its filters in the URL, and is cards on a phone', async ({
  page,
}) => {
  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.goto('/admin/audit');
  await choose(page, 'Event type', 'login.succeeded');
  await expect(page).toHaveURL(/type=login\.succeeded/);
  const row = page.getByTestId('audit-row').first();
  await expect(row).toContainText('login.succeeded');
  await expect(row.getByText('Session id', { exact: true })).toBeVisible();
  await expect(row.getByText('Factor', { exact: true })).toBeVisible();
  await expect(row).not.toContainText('{"');

  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Event type', exact: true })).toHaveValue(
    'login.succeeded',
  );
  await expect(page.getByTestId('audit-row').filter({ hasNotText: 'login.succeeded' })).toHaveCount(
    0,
  );

  await page.setViewportSize(PHONE);
  const cards = page.getByRole('list', { name: 'Audit events' }).getByRole('listitem');
  await expect(cards.first()).toBeVisible();
  for (const label of ['When', 'Actor', 'Subject', 'IP', 'Details'])
    await expect(cards.first().getByText(label, { exact: true })).toBeVisible();
});

test('a retired signing key shows the date its live 30-day tokens keep it published, also on a phone', async ({
  page,
  makeUser,
}) => {
  const { user, password } = await makeUser('pat');
  const api = await apiSignedInAs(user.login, password);
  const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
  await api.personalAccessTokens.create({ name: 'monthly', scopes: ['profile:read'], expiresAt });

  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.goto('/admin/signing-keys');
  await page.getByRole('button', { name: 'Rotate' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Rotate key' }).click();
  const retired = page.getByTestId('signing-key-row').filter({ hasText: 'retired' }).first();
  await expect(retired).toBeVisible();
  const until = retired.getByRole('cell').last().locator('time');
  const shown = new Date((await until.getAttribute('datetime')) ?? '').getTime();
  expect(shown).toBeGreaterThanOrEqual(new Date(expiresAt).getTime() - 1000);
  await expect(retired.getByRole('cell').last()).not.toContainText('hour');
  await expect(retired).toContainText('live token');

  await page.setViewportSize(PHONE);
  const card = page
    .getByRole('list', { name: 'Signing keys' })
    .getByRole('listitem')
    .filter({ hasText: 'retired' })
    .first();
  await expect(card.getByText('Published until', { exact: true })).toBeVisible();
  await expect(card.getByText('Algorithm', { exact: true })).toBeVisible();
});

test('an admin resets a password with "must change", and the user must choose their own first', async ({
  page,
  browser,
  adminApi,
  makeUser,
}) => {
  const { user, password } = await makeUser('temp');
  const elsewhere = await apiSignedInAs(user.login, password);

  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.goto(`/admin/users/${user.id}`);
  await page.getByRole('button', { name: 'Reset password' }).click();
  const dialog = page.getByRole('dialog', { name: `Reset the password of ${user.login}` });
  await expect(dialog.getByRole('checkbox', { name: 'Must change at next sign-in' })).toBeChecked();
  const temporary = 'temporary pass phrase for now';
  await dialog.getByLabel('New password').fill(temporary);
  await dialog.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByText('Password: must be changed at next sign-in')).toBeVisible();
  await expect(elsewhere.me.get()).rejects.toMatchObject({ status: 401 });

  const context = await browser.newContext();
  try {
    const userPage = await context.newPage();
    await userPage.goto('/login');
    await userPage.getByRole('textbox', { name: 'Login', exact: true }).fill(user.login);
    await userPage.getByRole('textbox', { name: 'Password', exact: true }).fill(temporary);
    await userPage.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(userPage.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
    await userPage.goto('/tokens');
    await expect(userPage.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
    await expect(userPage.getByRole('navigation', { name: 'Main' })).toHaveCount(0);

    const own = 'my very own pass phrase';
    await userPage.getByLabel('Temporary password').fill(temporary);
    await userPage.getByLabel('New password', { exact: true }).fill(own);
    await userPage.getByLabel('Repeat the new password').fill(own);
    await userPage.getByRole('button', { name: 'Change password' }).click();
    await expect(userPage.getByRole('heading', { name: 'Personal access tokens' })).toBeVisible();
    expect((await adminApi.users.get(user.id)).passwordChangeRequired).toBe(false);
    const me = await (await apiSignedInAs(user.login, own)).me.get();
    expect(me.login).toBe(user.login);
  } finally {
    await context.close();
  }
});

test('a user signs out every other session from the sessions page', async ({ page, makeUser }) => {
  const { user, password } = await makeUser('many');
  const phone = await apiSignedInAs(user.login, password);
  const tablet = await apiSignedInAs(user.login, password);

  await signIn(page, user.login, password);
  await page.goto('/sessions');
  await expect(page.getByTestId('session-row')).toHaveCount(3);
  await page.getByRole('button', { name: 'Sign out all other sessions' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Sign out other sessions' }).click();
  await expect(page.getByTestId('session-row')).toHaveCount(1);
  await expect(page.getByTestId('session-row')).toContainText('This device');
  await expect(page.getByRole('button', { name: 'Sign out all other sessions' })).toBeDisabled();
  await expect(phone.sessions.list()).rejects.toMatchObject({ status: 401 });
  await expect(tablet.me.get()).rejects.toMatchObject({ status: 401 });
});

test("a sign-in the server refuses (403, another address) shows the server's reason", async ({
  browser,
}) => {
  // The server's PUBLIC_URL says localhost; the same server opened under another name is foreign
  // (every loopback name, 127.0.0.1 included, counts as localhost). The cookie endpoints answer
  // only pages of the site: signing in there is refused, naming both addresses.
  const foreign = serverUrl().replace('localhost', FOREIGN_HOST);
  const refused = await fetch(`${serverUrl()}/api/v1/auth/refresh`, {
    method: 'POST',
    headers: { origin: foreign },
  });
  expect(refused.status).toBe(403);
  const { detail } = (await refused.json()) as { detail: string };
  expect(detail).toContain(foreign);

  const context = await browser.newContext({ baseURL: foreign });
  try {
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByRole('textbox', { name: 'Login', exact: true }).fill(ADMIN_LOGIN);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText(detail);
    await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
  } finally {
    await context.close();
  }
});
