import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { REFRESH_COOKIE } from '@latchkey/contracts';
import { createOpaqueToken, createPat, form } from './factories/credentials.js';
import { createUser, type TestUser } from './factories/users.js';
import { BrowserSession } from './support/browser.js';
import { basicHeader, type RequestOptions } from './support/http-client.js';
import { ADMIN, useTestApp, type TestApp } from './support/test-app.js';

const SITE = 'http://localhost:3000';
const LISTED = 'https://console.example.test';
const EVIL = 'https://evil.example';

function newUserBody(): { login: string; email: string; password: string; roles: ['admin'] } {
  const login = `forged-${randomBytes(4).toString('hex')}`;
  return {
    login,
    email: `${login}@example.test`,
    password: 'a forged admin password',
    roles: ['admin'],
  };
}

async function usersNamed(t: TestApp, login: string): Promise<number> {
  const [row] = await t.sql<{ count: number }>(
    'SELECT count(*)::int AS count FROM users WHERE login = $1',
    [login],
  );
  return row?.count ?? -1;
}

async function sessionsOf(t: TestApp, userId: string): Promise<number> {
  const [row] = await t.sql<{ count: number }>(
    'SELECT count(*)::int AS count FROM sessions WHERE user_id = $1 AND revoked_at IS NULL',
    [userId],
  );
  return row?.count ?? -1;
}

/**
 * A GET with exactly these headers: fetch would replace Sec-Fetch-Mode with its own `cors`.
 * Resolves with the status and the WWW-Authenticate header.
 */
function rawGet(
  t: TestApp,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; challenge: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${t.http.baseUrl}${path}`, { headers }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          challenge: String(res.headers['www-authenticate'] ?? ''),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** How a request names a foreign page: what a browser sends for a page on another site. */
const FOREIGN_PAGES: [string, Record<string, string>][] = [
  ['a foreign Origin', { origin: EVIL, 'sec-fetch-site': 'cross-site' }],
  ['Origin: null (a sandboxed frame or a data: page)', { origin: 'null' }],
  ['Origin: null beside a Referer of this site', { origin: 'null', referer: `${SITE}/users` }],
  ['Sec-Fetch-Site: cross-site alone', { 'sec-fetch-site': 'cross-site' }],
  ['a foreign Referer without Origin', { referer: `${EVIL}/page` }],
  ['another port of the loopback host', { origin: 'http://127.0.0.1:3001' }],
];

describe('cross-site requests (PUBLIC_URL http://localhost:3000, CORS_ORIGINS one console)', () => {
  const t = useTestApp({ PUBLIC_URL: SITE, CORS_ORIGINS: LISTED });
  let target: TestUser;

  beforeAll(async () => {
    target = await createUser(t);
  });

  describe('bodies: a page on any site can post a form without a CORS preflight, so only the OAuth endpoints take one', () => {
    const OTHER_TYPES: [string, string, string][] = [
      ['a form', 'application/x-www-form-urlencoded', 'form'],
      ['a form with a charset', 'application/x-www-form-urlencoded; charset=UTF-8', 'form'],
      ['text/plain (a form with enctype text/plain)', 'text/plain', 'text'],
      ['multipart/form-data', 'multipart/form-data; boundary=x', 'multipart'],
    ];

    it.each(OTHER_TYPES)(
      'refuses %s creating an admin with Basic credentials: 415, no user',
      async (_, contentType, kind) => {
        const body = newUserBody();
        const fields = new URLSearchParams({ ...body, roles: 'admin' }).toString();
        const rawBody =
          kind === 'form'
            ? fields
            : kind === 'text'
              ? `${JSON.stringify(body).slice(0, -1)}, "x=":"1"}`
              : `--x\r\nContent-Disposition: form-data; name="login"\r\n\r\n${body.login}\r\n--x--\r\n`;
        const res = await t.http.post('/api/v1/users', { basic: ADMIN, rawBody, contentType });
        expect(res.status).toBe(415);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ status: 415, code: 'invalid_request' });
        expect(res.body.detail).toContain('application/json');
        expect(await usersNamed(t, body.login)).toBe(0);
      },
    );

    it("refuses a form setting a user's password: 415, the old password still works", async () => {
      const res = await t.http.post(`/api/v1/users/${target.id}/password`, {
        basic: ADMIN,
        ...form({ newPassword: 'chosen by the attacker', mustChange: 'false' }),
      });
      expect(res.status).toBe(415);
      expect((await t.http.get('/api/v1/users/me', { basic: target.basic })).status).toBe(200);
    });

    it('refuses a form login: 415, no session', async () => {
      const res = await t.http.post('/api/v1/auth/login', {
        ...form({ login: target.login, password: target.password }),
      });
      expect(res.status).toBe(415);
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(await sessionsOf(t, target.id)).toBe(0);
    });

    it('still takes a form on the OAuth endpoints (RFC 6749, 7009, 7662)', async () => {
      const token = await createOpaqueToken(t, target);
      // Introspection needs a caller; revocation takes the token alone (Basic there is a client).
      for (const [path, caller] of [
        ['/api/v1/oauth/introspect', { basic: ADMIN }],
        ['/api/v1/oauth/revoke', {}],
      ] as const) {
        const res = await t.http.post(path, { ...caller, ...form({ token }) });
        expect(res.status).not.toBe(415);
        expect(res.status).toBeLessThan(300);
      }
    });
  });

  describe('ambient credentials: a browser attaches Basic and cookies to a foreign page’s request by itself', () => {
    it.each(FOREIGN_PAGES)(
      'refuses %s creating an admin with Basic credentials: 403, no user',
      async (_, headers) => {
        const body = newUserBody();
        const res = await t.http.post('/api/v1/users', { basic: ADMIN, headers, body });
        expect(res.status).toBe(403);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(res.body.code).toBe('forbidden');
        expect(await usersNamed(t, body.login)).toBe(0);
      },
    );

    it.each(FOREIGN_PAGES)(
      "refuses %s setting a user's password with Basic credentials: 403",
      async (_, headers) => {
        const res = await t.http.post(`/api/v1/users/${target.id}/password`, {
          basic: ADMIN,
          headers,
          body: { newPassword: 'chosen by the attacker' },
        });
        expect(res.status).toBe(403);
        expect((await t.http.get('/api/v1/users/me', { basic: target.basic })).status).toBe(200);
      },
    );

    it('refuses before authenticating: a wrong Basic password from a foreign page is 403, not a counted 401', async () => {
      const res = await t.http.delete(`/api/v1/users/${target.id}`, {
        basic: [ADMIN[0], 'a wrong password'],
        headers: { origin: EVIL },
      });
      expect(res.status).toBe(403);
      const [failures] = await t.sql<{ count: number }>(
        `SELECT count(*)::int AS count FROM audit_events WHERE type = 'login.failed'`,
      );
      expect(failures?.count).toBe(0);
    });

    it('refuses a cookie-carrying request from a foreign page, whatever else it carries', async () => {
      const pat = await createPat(t, await createUser(t, { roles: ['admin'] }), ['users:write']);
      const body = newUserBody();
      const res = await t.http.post('/api/v1/users', {
        bearer: pat.token,
        headers: { origin: EVIL, cookie: `${REFRESH_COOKIE}=lkr_whatever` },
        body,
      });
      expect(res.status).toBe(403);
      expect(await usersNamed(t, body.login)).toBe(0);
    });

    const ALLOWED: [string, () => Promise<RequestOptions>][] = [
      ['Basic from a script (no Origin)', async () => ({ basic: ADMIN })],
      ['Basic from a page of this site', async () => ({ basic: ADMIN, headers: { origin: SITE } })],
      [
        'Basic from this site under another loopback name',
        async () => ({ basic: ADMIN, headers: { origin: 'http://127.0.0.1:3000' } }),
      ],
      [
        'Basic from a CORS_ORIGINS page',
        async () => ({ basic: ADMIN, headers: { origin: LISTED } }),
      ],
      [
        'Basic from the same origin by Fetch Metadata',
        async () => ({ basic: ADMIN, headers: { 'sec-fetch-site': 'same-origin' } }),
      ],
      [
        'a Bearer token from a foreign page (not ambient; CORS decides what it may read)',
        async () => ({
          bearer: (await createPat(t, await createUser(t, { roles: ['admin'] }), ['users:write']))
            .token,
          headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' },
        }),
      ],
      [
        'X-Auth-Token from a foreign page',
        async () => ({
          headers: {
            origin: EVIL,
            'x-auth-token': await createOpaqueToken(t, await createUser(t, { roles: ['admin'] })),
          },
        }),
      ],
    ];

    it.each(ALLOWED)('creates the user for %s', async (_, options) => {
      const body = newUserBody();
      const res = await t.http.post('/api/v1/users', { ...(await options()), body });
      expect(res.status).toBe(201);
      expect(await usersNamed(t, body.login)).toBe(1);
    });

    it('answers a safe method from a foreign page: reading is for CORS to allow or not', async () => {
      const res = await t.http.get('/api/v1/users/me', {
        basic: target.basic,
        headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe("the Basic challenge: offered to a page load, the browser's own dialog would make Basic ambient", () => {
    const NAVIGATION = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    const CASES: [string, Record<string, string>, boolean][] = [
      ['an API client (no Accept)', {}, true],
      ['an API client asking for JSON', { accept: 'application/json' }, true],
      ['curl (Accept: */*)', { accept: '*/*' }, true],
      ['a fetch from a page', { 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' }, true],
      ['a navigation (Sec-Fetch-Mode: navigate)', { 'sec-fetch-mode': 'navigate' }, false],
      ['a document load (Sec-Fetch-Dest: document)', { 'sec-fetch-dest': 'document' }, false],
      ['a frame (Sec-Fetch-Dest: iframe)', { 'sec-fetch-dest': 'iframe' }, false],
      ['a browser preferring HTML', { accept: NAVIGATION }, false],
    ];

    it.each(CASES)('answers %s with Basic offered: %s', async (_, headers, offersBasic) => {
      for (const sent of [headers, { ...headers, authorization: 'Bearer lkt_nope' }]) {
        const { status, challenge } = await rawGet(t, '/api/v1/users/me', sent);
        expect(status).toBe(401);
        expect(challenge).toContain('Bearer realm="latchkey"');
        expect(challenge.includes('Basic')).toBe(offersBasic);
      }
    });

    it('still signs in a navigation that brings Basic credentials', async () => {
      const res = await rawGet(t, '/api/v1/users/me', {
        accept: NAVIGATION,
        'sec-fetch-mode': 'navigate',
        authorization: basicHeader(...target.basic),
      });
      expect(res.status).toBe(200);
    });
  });

  describe('login CSRF: a foreign page must neither sign the browser in (planting its session) nor out', () => {
    const NO_PAGE: [string, Record<string, string>][] = [
      ...FOREIGN_PAGES,
      ['no Origin and no Referer', {}],
    ];

    it.each(NO_PAGE)(
      'refuses a login from %s: 403, no cookie set or cleared, no session',
      async (_, headers) => {
        const res = await t.http.post('/api/v1/auth/login', {
          origin: null,
          headers,
          body: { login: target.login, password: target.password },
        });
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('forbidden');
        expect(res.headers.getSetCookie()).toEqual([]);
        expect(await sessionsOf(t, target.id)).toBe(0);
      },
    );

    const COOKIE_ENDPOINTS = [
      '/api/v1/auth/login/passkey-options',
      '/api/v1/auth/login/passkey',
      '/api/v1/auth/login/mfa/passkey-options',
      '/api/v1/auth/login/mfa',
      '/api/v1/auth/refresh',
      '/api/v1/auth/logout',
    ];

    it.each(COOKIE_ENDPOINTS)('refuses %s from a foreign page or none: 403', async (path) => {
      for (const [, headers] of NO_PAGE) {
        const res = await t.http.post(path, { origin: null, headers, body: {} });
        expect({ path, headers, status: res.status }).toEqual({ path, headers, status: 403 });
        expect(res.headers.getSetCookie()).toEqual([]);
      }
    });

    it('keeps the session a foreign page tries to end', async () => {
      const user = await createUser(t);
      const tab = new BrowserSession(t);
      expect((await tab.login(user)).status).toBe(200);
      const res = await t.http.post('/api/v1/auth/logout', {
        origin: EVIL,
        headers: { cookie: `${REFRESH_COOKIE}=${tab.refreshToken}` },
      });
      expect(res.status).toBe(403);
      expect(await sessionsOf(t, user.id)).toBe(1);
    });

    it.each([
      ['its Origin', { origin: SITE }],
      ['its Referer, without Origin', { referer: `${SITE}/login` }],
      ['a CORS_ORIGINS page', { origin: LISTED }],
    ])('signs in a page of this site named by %s', async (_, headers) => {
      const user = await createUser(t);
      const res = await t.http.post('/api/v1/auth/login', {
        origin: null,
        headers,
        body: { login: user.login, password: user.password },
      });
      expect(res.status).toBe(200);
      expect(await sessionsOf(t, user.id)).toBe(1);
    });
  });
});
