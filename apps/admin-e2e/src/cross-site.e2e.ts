import { createServer, type Server } from 'node:http';
import type { Page } from '@playwright/test';
import { apiSignedInAs, expect, serverUrl, signIn, test } from './support/fixtures';
import { FOREIGN_HOST } from './support/chromium';
import { ADMIN_LOGIN, ADMIN_PASSWORD } from './support/server';

/*
 * Cross-site request forgery in a real Chromium: a page of another site (its own HTTP server,
 * reached as foreign.test) posts an HTML form to Latchkey at localhost as soon as it loads. The
 * browser attaches what it holds for localhost by itself: Basic credentials its user once typed
 * into its login dialog, and cookies.
 */

/** The attacker's site: every path answers the page a test put there. */
class ForeignSite {
  private readonly pages = new Map<string, string>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const page = this.pages.get(request.url ?? '');
      response.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      response.end(page ?? 'not found');
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as { port: number };
    this.url = `http://${FOREIGN_HOST}:${port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A page that posts `fields` to `action` on load, as a form of `enctype`. */
  autoSubmit(path: string, action: string, fields: [string, string][], enctype: string): string {
    const inputs = fields
      .map(([name, value]) => `<input type="hidden" name='${name}' value='${value}'>`)
      .join('');
    this.pages.set(
      path,
      `<!doctype html><title>Win a prize</title><form method="POST" action="${action}" enctype="${enctype}">${inputs}</form>` +
        '<script>document.forms[0].submit()</script>',
    );
    return `${this.url}${path}`;
  }
}

const FORM = 'application/x-www-form-urlencoded';
const site = new ForeignSite();
test.beforeAll(() => site.start());
test.afterAll(() => site.stop());

/** Opens the foreign page and waits for Latchkey's answer to the form it posts. */
async function postedFrom(page: Page, foreignPage: string, target: string): Promise<number> {
  const answered = page.waitForResponse(
    (response) => response.url() === target && response.request().method() === 'POST',
  );
  await page.goto(foreignPage);
  return (await answered).status();
}

test('a foreign page cannot create an admin or set a password with the Basic credentials the browser holds', async ({
  browser,
  adminApi,
  makeUser,
}) => {
  const { user: victim, password: victimPassword } = await makeUser('ivy');
  // The admin answers the browser's Basic dialog for Latchkey (Playwright answers it for them).
  const context = await browser.newContext({
    httpCredentials: { username: ADMIN_LOGIN, password: ADMIN_PASSWORD, origin: serverUrl() },
  });
  try {
    const page = await context.newPage();
    // A navigation to an API URL is no longer offered Basic, so no dialog appears there ...
    const navigation = await page.goto(`${serverUrl()}/api/v1/users/me`);
    expect.soft(navigation?.status()).toBe(401);
    expect.soft(navigation?.headers()['www-authenticate']).not.toContain('Basic');
    // ... but a script of Latchkey's own origin that asks with credentials still is, and
    // from then on the browser holds the admin's password.
    await page.goto(`${serverUrl()}/login`);
    const held = await page.evaluate(async () => {
      const response = await fetch('/api/v1/users/me', { credentials: 'include' });
      return response.status;
    });
    expect(held).toBe(200);

    const login = `forged${Date.now().toString(36)}`;
    const created = await postedFrom(
      page,
      site.autoSubmit(
        '/prize',
        `${serverUrl()}/api/v1/users`,
        [
          ['login', login],
          ['email', `${login}@example.test`],
          ['password', 'a forged admin password'],
          // Repeated keys became an array.
          ['roles', 'admin'],
          ['roles', 'admin'],
        ],
        FORM,
      ),
      `${serverUrl()}/api/v1/users`,
    );
    expect.soft(created).toBe(415);
    expect((await adminApi.users.list({ q: login })).total).toBe(0);

    const target = `${serverUrl()}/api/v1/users/${victim.id}/password`;
    const reset = await postedFrom(
      page,
      site.autoSubmit('/prize-2', target, [['newPassword', 'chosen by the attacker']], FORM),
      target,
    );
    expect(reset).toBe(415);
    await expect(apiSignedInAs(victim.login, victimPassword)).resolves.toBeDefined();
  } finally {
    await context.close();
  }
});

test("a foreign page cannot sign the browser in to the attacker's account", async ({
  page,
  context,
  adminApi,
  makeUser,
}) => {
  const { user: victim, password } = await makeUser('judy');
  const { user: attacker, password: attackerPassword } = await makeUser('mallory');
  await signIn(page, victim.login, password);
  await expect(page.getByRole('heading', { name: 'Personal access tokens' })).toBeVisible();
  const before = (await context.cookies()).filter((cookie) => cookie.name.startsWith('lk_'));
  expect(before.map((cookie) => cookie.name).sort()).toEqual(['lk_device', 'lk_refresh']);

  const target = `${serverUrl()}/api/v1/auth/login`;
  const credentials = `"login":"${attacker.login}","password":"${attackerPassword}"`;
  const forms: [string, [string, string][], string][] = [
    [
      '/login-form',
      [
        ['login', attacker.login],
        ['password', attackerPassword],
      ],
      FORM,
    ],
    // The classic way to post JSON from a form: the body reads {"login":…,"x":"="}.
    ['/login-text', [[`{${credentials},"x":"`, '"}']], 'text/plain'],
  ];
  for (const [path, fields, enctype] of forms) {
    const status = await postedFrom(page, site.autoSubmit(path, target, fields, enctype), target);
    expect({ enctype, status }).toEqual({ enctype, status: 415 });
  }

  const after = (await context.cookies()).filter((cookie) => cookie.name.startsWith('lk_'));
  expect(after).toEqual(before);
  const logins = await adminApi.audit.list({ userId: attacker.id, type: 'login.succeeded' });
  expect(logins.items).toEqual([]);
  // The SPA still shows the victim's own account.
  await page.goto(`${serverUrl()}/profile`);
  await expect(page.getByRole('button', { name: `Account menu of ${victim.login}` })).toBeVisible();
  await expect(page.getByText(attacker.login)).toHaveCount(0);
});
