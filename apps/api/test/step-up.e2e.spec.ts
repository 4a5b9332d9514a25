import { Secret, TOTP } from 'otpauth';
import { createApiKey } from './factories/credentials.js';
import { createUser, type TestUser } from './factories/users.js';
import { BrowserSession } from './support/browser.js';
import type { TestResponse } from './support/http-client.js';
import { SoftAuthenticator } from './support/soft-authenticator.js';
import { ADMIN, useTestApp, type TestApp } from './support/test-app.js';

/**
 * README "Recent authentication (step-up)": a stolen session access token alone must not add or
 * remove a factor, change the password, enable the account token or mint a credential that never
 * expires. Each needs proof in the request, or a re-authentication of that session within
 * AUTH_REAUTH_MAX_AGE.
 */

const ORIGIN = 'https://auth.example.test';
const RP_ID = 'example.test';

/** The code an authenticator app shows `offsetSteps` periods from now. */
const codeFor = (secret: string, offsetSteps = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({
    timestamp: Date.now() + offsetSteps * 30_000,
  });

interface Ctx {
  t: TestApp;
  user: TestUser;
  browser: BrowserSession;
  /** What the case's action needs (a passkey id, a key id, a pending TOTP secret). */
  prepared: string;
}

interface SensitiveCase {
  name: string;
  /** Sets up what the action acts on, with a proof (Basic), so that only the action is tested. */
  prepare?(ctx: Omit<Ctx, 'prepared'>): Promise<string>;
  act(ctx: Ctx): Promise<TestResponse>;
  ok: number;
  /** What the database holds that the action would change. */
  state(ctx: Ctx): Promise<unknown>;
}

async function registerPasskeyWithBasic(t: TestApp, user: TestUser): Promise<string> {
  const device = new SoftAuthenticator(ORIGIN, RP_ID);
  const options = await t.http.post('/api/v1/auth/passkeys/registration-options', {
    basic: user.basic,
  });
  const res = await t.http.post('/api/v1/auth/passkeys', {
    basic: user.basic,
    body: { name: 'Laptop', response: device.register(options.body) },
  });
  if (res.status !== 201) throw new Error(`passkey not registered: ${res.status} ${res.text}`);
  return res.body.id;
}

async function pendingTotp(t: TestApp, user: TestUser): Promise<string> {
  const setup = await t.http.post('/api/v1/auth/mfa/totp/setup', { basic: user.basic });
  return setup.body.secret;
}

const count = async (t: TestApp, query: string, params: unknown[]) =>
  Number((await t.sql<{ n: string }>(query, params))[0]?.n);

const CASES: SensitiveCase[] = [
  {
    name: 'POST /auth/passkeys/registration-options (adding a passkey)',
    act: ({ t, browser }) =>
      t.http.post('/api/v1/auth/passkeys/registration-options', { bearer: browser.accessToken }),
    ok: 200,
    state: ({ t, user }) =>
      count(
        t,
        "SELECT count(*) AS n FROM webauthn_challenges WHERE user_id = $1 AND purpose = 'registration'",
        [user.id],
      ),
  },
  {
    name: 'POST /auth/passkeys (registering the attacker’s passkey)',
    act: async ({ t, user, browser }) => {
      // Options obtained with the password, so that only the registration itself is weighed.
      const options = await t.http.post('/api/v1/auth/passkeys/registration-options', {
        basic: user.basic,
      });
      const device = new SoftAuthenticator(ORIGIN, RP_ID);
      return t.http.post('/api/v1/auth/passkeys', {
        bearer: browser.accessToken,
        body: { name: 'Attacker', response: device.register(options.body) },
      });
    },
    ok: 201,
    state: ({ t, user }) =>
      count(t, 'SELECT count(*) AS n FROM passkeys WHERE user_id = $1', [user.id]),
  },
  {
    name: 'DELETE /auth/passkeys/{id} (removing the owner’s passkey)',
    prepare: ({ t, user }) => registerPasskeyWithBasic(t, user),
    act: ({ t, browser, prepared }) =>
      t.http.delete(`/api/v1/auth/passkeys/${prepared}`, { bearer: browser.accessToken }),
    ok: 204,
    state: ({ t, user }) =>
      count(t, 'SELECT count(*) AS n FROM passkeys WHERE user_id = $1', [user.id]),
  },
  {
    name: 'POST /auth/mfa/totp/setup',
    act: ({ t, browser }) =>
      t.http.post('/api/v1/auth/mfa/totp/setup', { bearer: browser.accessToken }),
    ok: 200,
    state: ({ t, user }) =>
      t.sql('SELECT totp_pending_secret_sealed FROM users WHERE id = $1', [user.id]),
  },
  {
    name: 'POST /auth/mfa/totp/enable (enrolling the attacker’s TOTP)',
    prepare: ({ t, user }) => pendingTotp(t, user),
    act: ({ t, browser, prepared }) =>
      t.http.post('/api/v1/auth/mfa/totp/enable', {
        bearer: browser.accessToken,
        body: { code: codeFor(prepared) },
      }),
    ok: 200,
    state: ({ t, user }) => t.sql('SELECT totp_enabled_at FROM users WHERE id = $1', [user.id]),
  },
  {
    name: 'PUT /users/me/api-token (enabling the account token)',
    act: ({ t, browser }) =>
      t.http.request('PUT', '/api/v1/users/me/api-token', { bearer: browser.accessToken }),
    ok: 200,
    state: ({ t, user }) =>
      count(
        t,
        "SELECT count(*) AS n FROM credentials WHERE user_id = $1 AND kind = 'account_token'",
        [user.id],
      ),
  },
  {
    name: 'POST /personal-access-tokens that never expires',
    act: ({ t, browser }) =>
      t.http.post('/api/v1/personal-access-tokens', {
        bearer: browser.accessToken,
        body: { name: 'forever', scopes: ['profile:read'], expiresAt: null },
      }),
    ok: 201,
    state: ({ t, user }) =>
      count(
        t,
        "SELECT count(*) AS n FROM credentials WHERE user_id = $1 AND kind = 'personal_access_token'",
        [user.id],
      ),
  },
  {
    name: 'POST /users/{id}/api-keys (an admin session minting a key that never expires)',
    act: ({ t, user, browser }) =>
      t.http.post(`/api/v1/users/${user.id}/api-keys`, {
        bearer: browser.accessToken,
        body: { name: 'forever', scopes: ['profile:read'] },
      }),
    ok: 201,
    state: ({ t, user }) =>
      count(t, "SELECT count(*) AS n FROM credentials WHERE user_id = $1 AND kind = 'api_key'", [
        user.id,
      ]),
  },
  {
    name: 'POST /api-keys/{id}/secret (a new secret that never expires)',
    prepare: async ({ t, user }) => (await createApiKey(t, user, ['profile:read'])).id,
    act: ({ t, browser, prepared }) =>
      t.http.post(`/api/v1/api-keys/${prepared}/secret`, { bearer: browser.accessToken }),
    ok: 200,
    state: ({ t, prepared }) =>
      t.sql("SELECT encode(secret_hash, 'hex') AS hash FROM credentials WHERE id = $1", [prepared]),
  },
];

/** A signed-in admin (so that admin-only mints are in reach) and what the case acts on. */
async function setUp(t: TestApp, sensitive: SensitiveCase): Promise<Ctx> {
  const user = await createUser(t, { roles: ['admin'] });
  const browser = new BrowserSession(t);
  await browser.login(user);
  const base = { t, user, browser };
  return { ...base, prepared: sensitive.prepare ? await sensitive.prepare(base) : '' };
}

function expectReauthenticationRequired(res: TestResponse): void {
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status: 401, code: 'reauthentication_required' });
  expect(res.body.methods).toContain('password');
  expect(res.headers.get('www-authenticate')).toContain('error="insufficient_user_authentication"');
  expect(res.text).not.toMatch(/lks_|lkt_|"token"|"secret"|recoveryCodes/);
}

describe('step-up: every sensitive action with a session access token alone', () => {
  const t = useTestApp({
    PUBLIC_URL: ORIGIN,
    WEBAUTHN_RP_ID: RP_ID,
    AUTH_LOGIN_MAX_FAILURES: '50',
  });

  it.each(CASES)(
    'refuses $name with 401 reauthentication_required, changing nothing',
    async (sensitive) => {
      const ctx = await setUp(t, sensitive);
      const before = await sensitive.state(ctx);
      expectReauthenticationRequired(await sensitive.act(ctx));
      expect(await sensitive.state(ctx)).toEqual(before);
    },
  );

  it.each(CASES)('allows $name after POST /auth/reauthenticate', async (sensitive) => {
    const ctx = await setUp(t, sensitive);
    const before = await sensitive.state(ctx);
    await ctx.browser.reauthenticate();
    const res = await sensitive.act(ctx);
    expect(res.status).toBe(sensitive.ok);
    expect(await sensitive.state(ctx)).not.toEqual(before);
  });

  it.each(CASES)('refuses $name again once AUTH_REAUTH_MAX_AGE has passed', async (sensitive) => {
    const ctx = await setUp(t, sensitive);
    await ctx.browser.reauthenticate();
    await t.sql(
      'UPDATE sessions SET reauthenticated_at = now() - make_interval(secs => $2) WHERE user_id = $1',
      [ctx.user.id, t.config.AUTH_REAUTH_MAX_AGE + 1],
    );
    const before = await sensitive.state(ctx);
    expectReauthenticationRequired(await sensitive.act(ctx));
    expect(await sensitive.state(ctx)).toEqual(before);
  });
});

describe('step-up: the proofs', () => {
  const t = useTestApp({ PUBLIC_URL: ORIGIN, WEBAUTHN_RP_ID: RP_ID, AUTH_REAUTH_MAX_AGE: '2' });

  it('stamps the session only for a right password, and answers until when', async () => {
    const user = await createUser(t);
    const browser = new BrowserSession(t);
    await browser.login(user);
    const wrong = await t.http.post('/api/v1/auth/reauthenticate', {
      bearer: browser.accessToken,
      body: { password: `${user.password}x` },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'password' }],
    });
    expect(
      await t.sql('SELECT reauthenticated_at FROM sessions WHERE user_id = $1', [user.id]),
    ).toEqual([{ reauthenticated_at: null }]);
    const right = await t.http.post('/api/v1/auth/reauthenticate', {
      bearer: browser.accessToken,
      body: { password: user.password },
    });
    expect(right.status).toBe(200);
    expect(right.headers.get('cache-control')).toContain('no-store');
    const until = Date.parse(right.body.reauthenticatedUntil);
    expect(until - Date.now()).toBeGreaterThan(0);
    expect(until - Date.now()).toBeLessThanOrEqual(2000);
  });

  it('takes a TOTP code or a passkey assertion as the proof, and lists them in the refusal', async () => {
    const user = await createUser(t);
    // Enrolled from a re-authenticated session: Basic is refused once the user has a factor.
    const enrolling = new BrowserSession(t);
    await enrolling.login(user);
    await enrolling.reauthenticate();
    const device = new SoftAuthenticator(ORIGIN, RP_ID);
    const options = await t.http.post('/api/v1/auth/passkeys/registration-options', {
      bearer: enrolling.accessToken,
    });
    await t.http.post('/api/v1/auth/passkeys', {
      bearer: enrolling.accessToken,
      body: { name: 'Laptop', response: device.register(options.body) },
    });
    const setup = await t.http.post('/api/v1/auth/mfa/totp/setup', {
      bearer: enrolling.accessToken,
    });
    const secret = setup.body.secret as string;
    const enabled = await t.http.post('/api/v1/auth/mfa/totp/enable', {
      bearer: enrolling.accessToken,
      body: { code: codeFor(secret) },
    });
    expect(enabled.status).toBe(200);
    // A new sign-in with the passkey: a session that has not re-authenticated.
    const login = await t.http.post('/api/v1/auth/login/passkey', {
      body: {
        response: device.assert(
          (await t.http.post('/api/v1/auth/login/passkey-options', { body: {} })).body,
        ),
      },
    });
    const bearer = login.body.access_token as string;

    const refused = await t.http.post('/api/v1/auth/mfa/totp/setup', { bearer });
    expect(refused.body).toMatchObject({
      code: 'reauthentication_required',
      methods: ['password', 'totp', 'passkey'],
    });

    const byCode = await t.http.post('/api/v1/auth/reauthenticate', {
      bearer,
      // The next step's code: the current one was spent enabling TOTP.
      body: { code: codeFor(secret, 1) },
    });
    expect(byCode.status).toBe(200);

    const passkeyOptions = await t.http.post('/api/v1/auth/reauthenticate/passkey-options', {
      bearer,
    });
    expect(passkeyOptions.status).toBe(200);
    const byPasskey = await t.http.post('/api/v1/auth/reauthenticate', {
      bearer,
      body: { passkey: device.assert(passkeyOptions.body) },
    });
    expect(byPasskey.status).toBe(200);
    const after = await t.http.post('/api/v1/auth/passkeys/registration-options', { bearer });
    expect(after.status).toBe(200);
  });

  it('lets the proof lapse after AUTH_REAUTH_MAX_AGE (2 s here)', async () => {
    const user = await createUser(t);
    const browser = new BrowserSession(t);
    await browser.login(user);
    await browser.reauthenticate();
    const fresh = await t.http.post('/api/v1/auth/mfa/totp/setup', { bearer: browser.accessToken });
    expect(fresh.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expectReauthenticationRequired(
      await t.http.post('/api/v1/auth/mfa/totp/setup', { bearer: browser.accessToken }),
    );
  });

  it.each([
    ['POST /auth/mfa/totp/setup', 'POST', '/api/v1/auth/mfa/totp/setup', undefined, 200],
    ['PUT /users/me/api-token', 'PUT', '/api/v1/users/me/api-token', undefined, 200],
    [
      'POST /personal-access-tokens that never expires',
      'POST',
      '/api/v1/personal-access-tokens',
      { name: 'forever', scopes: ['profile:read'], expiresAt: null },
      201,
    ],
  ] as const)(
    'takes Basic login:password as proof in the request: %s',
    async (_name, method, path, body, ok) => {
      const user = await createUser(t);
      const res = await t.http.request(method, path, {
        basic: user.basic,
        ...(body ? { body } : {}),
      });
      expect(res.status).toBe(ok);
    },
  );

  it('takes the current password in the body as proof for a password change and turning TOTP off', async () => {
    const user = await createUser(t);
    const browser = new BrowserSession(t);
    await browser.login(user);
    const secret = (await t.http.post('/api/v1/auth/mfa/totp/setup', { basic: user.basic })).body
      .secret as string;
    await t.http.post('/api/v1/auth/mfa/totp/enable', {
      basic: user.basic,
      body: { code: codeFor(secret) },
    });
    const wrong = await t.http.delete('/api/v1/auth/mfa/totp', {
      bearer: browser.accessToken,
      body: { password: 'not the password at all' },
    });
    expect(wrong.status).toBe(400);
    const off = await t.http.delete('/api/v1/auth/mfa/totp', {
      bearer: browser.accessToken,
      body: { password: user.password },
    });
    expect(off.status).toBe(204);
    const changed = await t.http.post('/api/v1/users/me/password', {
      bearer: browser.accessToken,
      body: { currentPassword: user.password, newPassword: 'a brand new pass phrase 42' },
    });
    expect(changed.status).toBe(204);
    const empty = await t.http.post('/api/v1/users/me/password', {
      bearer: browser.accessToken,
      body: { currentPassword: '', newPassword: 'another new pass phrase 43' },
    });
    expectReauthenticationRequired(empty);
  });

  it('refuses to re-authenticate a token that is not a session', async () => {
    const admin = await t.http.post('/api/v1/auth/reauthenticate', {
      basic: ADMIN,
      body: { password: ADMIN[1] },
    });
    expect(admin.status).toBe(400);
    expect(admin.body).toMatchObject({ code: 'invalid_request' });
  });
});
