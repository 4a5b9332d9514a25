import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test as base, type Page } from '@playwright/test';
import { createApiClient, type ApiClient } from '@latchkey/api-client';
import type { User } from '@latchkey/contracts';
import { ADMIN_LOGIN, ADMIN_PASSWORD } from './server';

export { expect };
export const SCREENSHOTS = join(import.meta.dirname, '../../../../test-results/screenshots');
export const WIDTHS = [1280, 390] as const;

let users = 0;

export interface Fixtures {
  serverUrl: string;
  /** The API as the first admin (a session of theirs), to set up and to check what the UI did. */
  adminApi: ApiClient;
  /** Makes a user with a unique login through the API; its password is `password`. */
  makeUser: (prefix: string) => Promise<{ user: User; password: string }>;
  /** Saves the page at 1280 px and 390 px wide under test-results/screenshots/. */
  snap: (name: string) => Promise<void>;
}

export function serverUrl(): string {
  const url = process.env.LATCHKEY_E2E_URL;
  if (!url) throw new Error('LATCHKEY_E2E_URL is not set: run the suite through its global setup');
  return url;
}

/** A client as any script would use one: same library as the SPA. */
export function apiAs(authorization: string): ApiClient {
  return createApiClient({ baseUrl: serverUrl(), authorization: () => authorization });
}

/** A client holding an access token of a fresh session of `login`. */
export async function apiSignedInAs(login: string, password: string): Promise<ApiClient> {
  const response = await createApiClient({ baseUrl: serverUrl() }).auth.login({ login, password });
  if ('mfa_required' in response) throw new Error(`${login} has MFA: sign in through the UI`);
  const client = createApiClient({ baseUrl: serverUrl(), token: () => response.access_token });
  // Proved again at once, so that set-up steps may mint keys that never expire (step-up).
  await client.auth.reauthenticate({ password });
  return client;
}

export async function snapshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const original = page.viewportSize();
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width > 600 ? 800 : 844 });
    // Let Mantine's media queries and the layout settle at the new width.
    await page.waitForTimeout(300);
    await page.screenshot({
      path: join(SCREENSHOTS, `${name}-${width}.png`),
      fullPage: true,
      // Toasts float over whatever lies under them at the time; the page is what is judged.
      style: '.mantine-Notifications-root { display: none !important; }',
    });
  }
  if (original) await page.setViewportSize(original);
}

export const test = base.extend<Fixtures>({
  serverUrl: async ({}, use) => use(serverUrl()),
  baseURL: async ({ serverUrl }, use) => use(serverUrl),
  adminApi: async ({}, use) => use(await apiSignedInAs(ADMIN_LOGIN, ADMIN_PASSWORD)),
  makeUser: async ({ adminApi }, use) =>
    use(async (prefix) => {
      users += 1;
      const login = `${prefix}${users}${Date.now().toString(36)}`;
      const password = `${login} long pass phrase`;
      const user = await adminApi.users.create({
        login,
        email: `${login}@example.test`,
        displayName: `${prefix[0]?.toUpperCase()}${prefix.slice(1)} Example`,
        password,
      });
      return { user, password };
    }),
  snap: async ({ page }, use) => use((name) => snapshot(page, name)),
});

/** Signs in through the login page, as a person does, and waits for the app or the MFA step. */
export async function signIn(page: Page, login: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByRole('textbox', { name: 'Login', exact: true }).fill(login);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(
    page
      .getByRole('navigation', { name: 'Main' })
      .or(page.getByRole('heading', { name: 'Two-factor authentication' })),
  ).toBeVisible();
}

/**
 * Answers the step-up prompt a sensitive action shows inside its own dialog or card (the API's
 * reauthentication_required) with the password; the action then runs again by itself.
 */
export async function confirmItIsYou(
  scope: Pick<Page, 'getByRole'>,
  password: string,
): Promise<void> {
  const prompt = scope.getByRole('group', { name: 'Confirm it is you' });
  await expect(prompt).toBeVisible();
  await prompt.getByLabel('Your password').fill(password);
  await prompt.getByRole('button', { name: 'Confirm' }).click();
  await expect(prompt).toHaveCount(0);
}
