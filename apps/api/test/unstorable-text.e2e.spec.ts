import { JwtService } from '../src/modules/signing-keys/jwt.service.js';
import { createUser, type TestUser } from './factories/users.js';
import { form } from './factories/credentials.js';
import { BrowserSession } from './support/browser.js';
import { basicHeader } from './support/http-client.js';
import { SoftAuthenticator } from './support/soft-authenticator.js';
import { ADMIN, useTestApp } from './support/test-app.js';

/** JSON carries each as an escape; a URL or a form can carry only the NUL (%00). */
const BAD_TEXT: [string, string][] = [
  ['a NUL', 'ab\u0000cd'],
  ['a lone high surrogate', 'ab\uD800cd'],
  ['a lone low surrogate', 'ab\uDFFFcd'],
];
const NUL = 'ab\u0000cd';
/** Percent-encodings that are not UTF-8: surrogate halves, an overlong NUL, stray bytes. */
const MALFORMED_ENCODINGS = ['%ED%A0%80', '%ED%BF%BF', '%C0%80', '%FF%FE', '%E0%A4%A', '%', '%%00'];

describe('text the database cannot store', () => {
  const t = useTestApp();
  let user: TestUser;

  beforeAll(async () => {
    user = await createUser(t);
  });

  describe.each(BAD_TEXT)('with %s', (_, bad) => {
    it('refuses it in a JSON login with 400, before any lookup', async () => {
      for (const body of [
        { login: bad, password: 'whatever-password' },
        { login: user.login, password: bad },
      ]) {
        const json = await t.http.post('/api/v1/auth/login', { body });
        expect(json.status).toBe(400);
        expect(json.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(json.body.code).toBe('validation_failed');
      }
    });

    it('refuses it in Basic login:password as no credential, 401', async () => {
      for (const [login, password] of [
        [bad, 'whatever-password'],
        [user.login, bad],
      ] as const) {
        const res = await t.http.get('/api/v1/users/me', {
          authorization: basicHeader(login, password),
        });
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('invalid_credentials');
      }
    });

    it('refuses it in a display name, a PAT name and an API key name', async () => {
      const renamed = await t.http.patch('/api/v1/users/me', {
        basic: user.basic,
        body: { displayName: bad },
      });
      expect(renamed.status).toBe(400);
      expect(renamed.body.errors).toEqual([expect.objectContaining({ field: 'body.displayName' })]);

      const pat = await t.http.post('/api/v1/personal-access-tokens', {
        basic: user.basic,
        body: { name: bad, scopes: ['profile:read'], expiresAt: null },
      });
      expect(pat.status).toBe(400);

      const key = await t.http.post(`/api/v1/users/${user.id}/api-keys`, {
        basic: ADMIN,
        body: { name: bad, scopes: ['profile:read'] },
      });
      expect(key.status).toBe(400);

      const created = await t.sql<{ count: string }>(
        `SELECT (SELECT count(*) FROM credentials WHERE user_id = $1 AND kind <> 'opaque_token')
              AS count`,
        [user.id],
      );
      expect(created[0]?.count).toBe('0');
      const [stored] = await t.sql<{ display_name: string }>(
        'SELECT display_name FROM users WHERE id = $1',
        [user.id],
      );
      expect(stored?.display_name).not.toMatch(/^ab.cd$/su);
    });
  });

  it('refuses a NUL in a form, a search and a path parameter with 400', async () => {
    // Forms are taken by the OAuth endpoints only (elsewhere 415).
    const formed = await t.http.post('/api/v1/oauth/introspect', {
      basic: ADMIN,
      ...form({ token: NUL }),
    });
    expect(formed.status).toBe(400);
    const search = await t.http.get('/api/v1/users?q=ab%00cd', { basic: ADMIN });
    expect(search.status).toBe(400);
    expect(search.body.errors).toEqual([expect.objectContaining({ field: 'query.q' })]);
    const path = await t.http.delete('/api/v1/auth/sessions/ab%00cd', { basic: user.basic });
    expect(path.status).toBe(400);
  });

  it.each(MALFORMED_ENCODINGS)(
    'answers %s in a form, a query and a path with a 4xx or a result, never 500',
    async (encoded) => {
      const answers = [
        await t.http.post('/api/v1/oauth/introspect', {
          basic: ADMIN,
          rawBody: `token=${encoded}&token_type_hint=${encoded}`,
          contentType: 'application/x-www-form-urlencoded',
        }),
        await t.http.get(`/api/v1/users?q=${encoded}`, { basic: ADMIN }),
        await t.http.delete(`/api/v1/auth/sessions/${encoded}`, { basic: user.basic }),
        await t.http.get(`/api/v1/users/me?auth_token=${encoded}`),
      ];
      for (const res of answers) expect(res.status).toBeLessThan(500);
    },
  );

  it('still accepts any valid Unicode, astral characters included', async () => {
    const res = await t.http.patch('/api/v1/users/me', {
      basic: user.basic,
      body: { displayName: 'Zoë 日本 😀' },
    });
    expect(res.status).toBe(200);
    expect(res.body.displayName).toBe('Zoë 日本 😀');
  });
});

describe('text the database cannot store, decoded from inside a value', () => {
  const ORIGIN = 'https://auth.example.test';
  const t = useTestApp({ PUBLIC_URL: ORIGIN, WEBAUTHN_RP_ID: 'example.test' });

  /** An honest authenticator's response whose clientDataJSON names `challenge` instead. */
  function answering<T extends { response: { clientDataJSON: string } }>(
    response: T,
    challenge: string,
  ): T {
    const clientData = JSON.parse(
      Buffer.from(response.response.clientDataJSON, 'base64url').toString('utf8'),
    ) as Record<string, unknown>;
    const clientDataJSON = Buffer.from(JSON.stringify({ ...clientData, challenge })).toString(
      'base64url',
    );
    return { ...response, response: { ...response.response, clientDataJSON } };
  }

  describe.each(BAD_TEXT)('a WebAuthn challenge with %s in clientDataJSON', (_, bad) => {
    const device = new SoftAuthenticator(ORIGIN, 'example.test');

    it('is refused by the passwordless sign-in (public) with 401, no session', async () => {
      const user = await createUser(t);
      const options = await t.http.post('/api/v1/auth/login/passkey-options', { body: {} });
      const res = await t.http.post('/api/v1/auth/login/passkey', {
        body: { response: answering(device.assert(options.body), bad) },
      });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_credentials');
      const [sessions] = await t.sql<{ count: number }>(
        'SELECT count(*)::int AS count FROM sessions WHERE user_id = $1',
        [user.id],
      );
      expect(sessions?.count).toBe(0);
    });

    it('is refused by the MFA step with a passkey with 401', async () => {
      const user = await createUser(t);
      const { token } = await t.app
        .get(JwtService)
        .sign('mfa', { subject: user.id, expiresIn: 300 });
      const options = await t.http.post('/api/v1/auth/login/mfa/passkey-options', {
        body: { mfa_token: token },
      });
      const res = await t.http.post('/api/v1/auth/login/mfa', {
        body: { mfa_token: token, passkey: answering(device.assert(options.body), bad) },
      });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_credentials');
    });

    it('is refused by the passkey registration with 400, no passkey stored', async () => {
      const user = await createUser(t);
      const browser = new BrowserSession(t);
      await browser.login(user);
      // Adding a factor needs a recent proof of the user (step-up).
      await browser.reauthenticate();
      const options = await t.http.post('/api/v1/auth/passkeys/registration-options', {
        bearer: browser.accessToken,
      });
      const res = await t.http.post('/api/v1/auth/passkeys', {
        bearer: browser.accessToken,
        body: { name: 'Laptop', response: answering(device.register(options.body), bad) },
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      const [stored] = await t.sql<{ count: number }>(
        'SELECT count(*)::int AS count FROM passkeys WHERE user_id = $1',
        [user.id],
      );
      expect(stored?.count).toBe(0);
    });
  });
});
