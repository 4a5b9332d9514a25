import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Secret, TOTP } from 'otpauth';
import { Redis } from 'ioredis';
import { REFRESH_COOKIE, TOKEN_PREFIXES } from '@latchkey/contracts';
import { createApp } from '../src/app.factory.js';
import { formatToken } from '../src/common/crypto/token-format.js';
import { untrustedLoginKeys } from '../src/common/limits/failure-keys.js';
import { parseConfig } from '../src/config/config.js';
import { findFreePort } from '../src/database/embedded-postgres.js';
import { UsersService } from '../src/modules/users/users.service.js';
import {
  createApiKey,
  createOpaqueToken,
  createPat,
  form,
  tokenHeader,
} from './factories/credentials.js';
import { createUser, type TestUser } from './factories/users.js';
import { BrowserSession, parseSetCookie, type SetCookie } from './support/browser.js';
import { databaseUrlFor, serverUrl } from './support/database-urls.js';
import { HttpClient, type TestResponse } from './support/http-client.js';
import { startServer, stopServer, type Server } from './support/server-process.js';
import { ADMIN, useTestApp, type TestApp } from './support/test-app.js';

/** Each test acts from addresses of its own (TRUST_PROXY is on), so counters never mix. */
let lastOctet = 0;
function newIp(): string {
  lastOctet += 1;
  return `10.9.${Math.floor(lastOctet / 250)}.${(lastOctet % 250) + 1}`;
}
const from = (ip: string, headers: Record<string, string> = {}) => ({
  'x-forwarded-for': ip,
  ...headers,
});

function expectRateLimited(res: TestResponse): void {
  expect(res.status).toBe(429);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 429, code: 'rate_limited' });
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
}

/** The OAuth endpoints answer a tripped limit as RFC 6749 §5.2 errors do, with Retry-After. */
function expectOAuthRateLimited(res: TestResponse): void {
  expect(res.status).toBe(429);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.body).toEqual({ error: 'slow_down', error_description: expect.any(String) });
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
}

function deviceCookieOf(res: TestResponse): SetCookie | undefined {
  return res.headers
    .getSetCookie()
    .map(parseSetCookie)
    .find((cookie) => cookie.name === 'lk_device');
}

function login(t: TestApp, user: Pick<TestUser, 'login' | 'password'>, headers = {}) {
  return t.http.post('/api/v1/auth/login', {
    body: { login: user.login, password: user.password },
    headers,
  });
}

async function auditRows(t: TestApp, type: string, where = 'true', parameters: unknown[] = []) {
  return t.sql<{ subject_id: string | null; ip: string; details: Record<string, any> }>(
    `SELECT subject_id, ip, details FROM audit_events WHERE type = $1 AND ${where} ORDER BY created_at`,
    [type, ...parameters],
  );
}

describe('failure limits (in memory)', () => {
  const t = useTestApp({
    TRUST_PROXY: 'true',
    AUTH_LOGIN_MAX_FAILURES: '3',
    AUTH_LOGIN_IP_MAX_FAILURES: '6',
    AUTH_CREDENTIAL_MAX_FAILURES: '3',
    AUTH_CREDENTIAL_IP_MAX_FAILURES: '5',
  });

  describe('password login and the device cookie', () => {
    it('locks a login for untrusted clients, but its owner signs in with the device cookie', async () => {
      const user = await createUser(t);
      const home = newIp();
      const first = await login(t, user, from(home));
      expect(first.status).toBe(200);
      const device = deviceCookieOf(first);
      expect(device?.value).toBeTruthy();
      expect(device?.attributes).toMatchObject({
        path: '/api/v1/auth/login',
        httponly: true,
        samesite: 'Strict',
      });
      expect(device?.value).not.toContain(user.password);

      const attacker = newIp();
      for (let i = 0; i < 3; i += 1) {
        const res = await login(t, { login: user.login, password: `guess ${i}` }, from(attacker));
        expect(res.status).toBe(401);
      }
      expectRateLimited(await login(t, user, from(attacker)));
      // Another address without the cookie is an untrusted client too: the login is locked.
      expectRateLimited(await login(t, user, from(newIp())));
      // A forged or altered cookie does not make a client trusted.
      const altered = `${device?.value.slice(0, -2)}00`;
      expectRateLimited(await login(t, user, from(newIp(), { cookie: `lk_device=${altered}` })));

      const owner = await login(t, user, from(home, { cookie: `lk_device=${device?.value}` }));
      expect(owner.status).toBe(200);
      expect(owner.body.access_token).toEqual(expect.any(String));
      const [sessions] = await t.sql<{ count: number }>(
        'SELECT count(*)::int AS count FROM sessions WHERE user_id = $1',
        [user.id],
      );
      expect(sessions?.count).toBe(2);
      const failed = await auditRows(t, 'login.failed', 'subject_id = $2', [user.id]);
      expect(failed).toHaveLength(3);
      expect(failed.map((row) => row.details.login)).toEqual([user.login, user.login, user.login]);
      expect(failed.every((row) => row.ip === attacker)).toBe(true);
      const tripped = await auditRows(t, 'rate_limit.exceeded', `ip = $2`, [attacker]);
      expect(tripped).toHaveLength(1);
      expect(tripped[0]?.details).toMatchObject({ kind: 'password', counters: ['login'] });
    });

    it('counts a trusted device on its own: its failures lock that device only', async () => {
      const user = await createUser(t);
      const first = await login(t, user, from(newIp()));
      const cookie = `lk_device=${deviceCookieOf(first)?.value}`;
      const laptop = newIp();
      for (let i = 0; i < 3; i += 1) {
        const res = await login(
          t,
          { login: user.login, password: `typo ${i}` },
          from(laptop, { cookie }),
        );
        expect(res.status).toBe(401);
      }
      expectRateLimited(await login(t, user, from(laptop, { cookie })));
      // The login itself was not counted: a client without the cookie still signs in.
      expect((await login(t, user, from(newIp()))).status).toBe(200);
    });

    it('does not trust a device cookie issued for another login', async () => {
      const user = await createUser(t);
      const other = await createUser(t);
      const cookie = `lk_device=${deviceCookieOf(await login(t, other, from(newIp())))?.value}`;
      const attacker = newIp();
      for (let i = 0; i < 3; i += 1) {
        await login(t, { login: user.login, password: `guess ${i}` }, from(attacker));
      }
      expectRateLimited(await login(t, user, from(newIp(), { cookie })));
    });

    it('limits one address across many logins, and keeps unknown logins out of the audit log', async () => {
      const sprayer = newIp();
      const typed = `my secret password ${randomBytes(3).toString('hex')}`;
      for (let i = 0; i < 6; i += 1) {
        const res = await login(
          t,
          { login: `${typed} ${i}`, password: 'spray password 1' },
          from(sprayer),
        );
        expect(res.status).toBe(401);
      }
      const victim = await createUser(t);
      expectRateLimited(await login(t, victim, from(sprayer)));
      expect((await login(t, victim, from(newIp()))).status).toBe(200);

      const failed = await auditRows(t, 'login.failed', 'ip = $2', [sprayer]);
      expect(failed).toHaveLength(6);
      for (const row of failed) {
        expect(row.subject_id).toBeNull();
        expect(row.details).toMatchObject({ login: null, unknownLogin: expect.any(String) });
      }
      const everything = await t.sql('SELECT to_jsonb(a) AS row FROM audit_events a');
      expect(JSON.stringify(everything)).not.toContain(typed);
    });

    it('counts parallel guesses before they are checked, so a burst cannot overrun the limit', async () => {
      const user = await createUser(t);
      const attacker = newIp();
      const statuses = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          login(t, { login: user.login, password: `burst ${i}` }, from(attacker)).then(
            (res) => res.status,
          ),
        ),
      );
      expect(statuses.filter((status) => status === 401)).toHaveLength(3);
      expect(statuses.filter((status) => status === 429)).toHaveLength(5);
    });
  });

  describe('logins normalised once (RFC 8265 UsernameCaseMapped)', () => {
    const fullWidth = (login: string) =>
      [...login].map((char) => String.fromCodePoint(char.codePointAt(0)! + 0xfee0)).join('');
    // After the login's counter is full, the right password under each spelling.
    it.each([
      ['upper case', (login: string) => login.toUpperCase(), 429],
      ['the Kelvin sign for K', (login: string) => login.replace('k', '\u212a'), 429],
      ['full-width letters (width mapping)', fullWidth, 429],
      [
        'dotted capital I (lower-cases to i + U+0307, another login)',
        (login: string) => login.replace('i', '\u0130'),
        401,
      ],
    ])(
      '%s: the same user has the same counter, another login finds no user',
      async (_case, spell, status) => {
        const name = `kim${randomBytes(3).toString('hex')}`;
        const user = await createUser(t, { login: name });
        const attacker = newIp();
        for (let i = 0; i < 3; i += 1) {
          const res = await login(t, { login: name, password: `guess ${i}` }, from(attacker));
          expect(res.status).toBe(401);
        }
        const res = await login(t, { login: spell(name), password: user.password }, from(newIp()));
        expect(res.status).toBe(status);
      },
    );
    it('gives any two spellings that find the same user one counter key (property)', async () => {
      const user = await createUser(t, { login: `Kim-${randomBytes(1).toString('hex')}` });
      const users = t.app.get(UsersService);
      const counterOf = (login: string) => untrustedLoginKeys(login, '10.0.0.1')[0]?.id;
      // Mostly case changes (which find the user), now and then a look-alike that may or may not.
      const spellings = (char: string) =>
        fc.oneof(
          { arbitrary: fc.constantFrom(char.toUpperCase(), char.toLowerCase()), weight: 4 },
          {
            arbitrary: fc.constantFrom(
              String.fromCodePoint(char.codePointAt(0)! + 0xfee0),
              char.toLowerCase() === 'k' ? '\u212a' : `${char}\u0301`,
              char.toLowerCase() === 'i' ? '\u0130' : `${char}\u0307`,
            ),
            weight: 1,
          },
        );
      const spelling = fc.tuple(...[...user.login].map(spellings)).map((chars) => chars.join(''));
      await fc.assert(
        fc.asyncProperty(spelling, spelling, async (a, b) => {
          const [foundA, foundB] = [await users.findByLogin(a), await users.findByLogin(b)];
          if (foundA && foundB) expect(counterOf(a)).toBe(counterOf(b));
          if (foundA) expect(foundA.id).toBe(user.id);
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('Basic login:password', () => {
    it('is an untrusted client: counted per login and audited as a failed login', async () => {
      const user = await createUser(t);
      const script = newIp();
      for (let i = 0; i < 3; i += 1) {
        const res = await t.http.get('/api/v1/users/me', {
          basic: [user.login, `wrong ${i}`],
          headers: from(script),
        });
        expect(res.status).toBe(401);
      }
      const blocked = await t.http.get('/api/v1/users/me', {
        basic: user.basic,
        headers: from(newIp()),
      });
      expectRateLimited(blocked);
      const failed = await auditRows(t, 'login.failed', 'subject_id = $2', [user.id]);
      expect(failed.map((row) => row.details)).toEqual(
        Array(3).fill({ login: user.login, method: 'basic' }),
      );
    });
  });

  describe('second factors', () => {
    it('limits wrong codes when enabling TOTP and wrong passwords when disabling it', async () => {
      const user = await createUser(t);
      const browser = new BrowserSession(t);
      await browser.login(user);
      // Setting a factor up needs a recent proof (step-up); the limits are what is tested here.
      await browser.reauthenticate();
      const ip = newIp();
      const call = (method: 'post' | 'delete', path: string, body: unknown) =>
        t.http[method](path, { bearer: browser.accessToken, body, headers: from(ip) });
      expect((await call('post', '/api/v1/auth/mfa/totp/setup', undefined)).status).toBe(200);
      for (let i = 0; i < 3; i += 1) {
        const res = await call('post', '/api/v1/auth/mfa/totp/enable', { code: '000000' });
        expect(res.status).toBe(400);
      }
      expectRateLimited(await call('post', '/api/v1/auth/mfa/totp/enable', { code: '123456' }));
      expectRateLimited(
        await call('delete', '/api/v1/auth/mfa/totp', { password: 'not the password' }),
      );
      const [state] = await t.sql<{ totp_enabled_at: Date | null }>(
        'SELECT totp_enabled_at FROM users WHERE id = $1',
        [user.id],
      );
      expect(state?.totp_enabled_at).toBeNull();
    });
  });

  describe('the second-factor step and the device cookie', () => {
    it('wrong codes from someone who knows the password never lock the owner out on a trusted device', async () => {
      const user = await createUser(t);
      const setup = await t.http.post('/api/v1/auth/mfa/totp/setup', { basic: user.basic });
      const totp = new TOTP({
        secret: Secret.fromBase32(setup.body.secret),
        digits: 6,
        period: 30,
      });
      const enabled = await t.http.post('/api/v1/auth/mfa/totp/enable', {
        basic: user.basic,
        body: { code: totp.generate() },
      });
      const [ownerCode, secondCode, attackerCode] = enabled.body.recoveryCodes as string[];
      const signIn = async (ip: string, code: string | undefined, cookie?: string) => {
        const headers = from(ip, cookie ? { cookie } : {});
        const first = await login(t, user, headers);
        expect(first.body.mfa_required).toBe(true);
        return t.http.post('/api/v1/auth/login/mfa', {
          body: { mfa_token: first.body.mfa_token, code },
          headers,
        });
      };
      const home = newIp();
      const owner = await signIn(home, ownerCode);
      expect(owner.status).toBe(200);
      const cookie = `lk_device=${deviceCookieOf(owner)?.value}`;

      const attacker = newIp();
      for (let i = 0; i < 3; i += 1) {
        expect((await signIn(attacker, `00000${i}`)).status).toBe(401);
      }
      expectRateLimited(await signIn(attacker, attackerCode));
      // Untrusted clients are refused even with a right code: the user's counter is full.
      expectRateLimited(await signIn(newIp(), attackerCode));

      const trusted = await signIn(home, secondCode, cookie);
      expect(trusted.status).toBe(200);
      expect(trusted.body.access_token).toEqual(expect.any(String));
      const [used] = await t.sql<{ count: number }>(
        'SELECT count(*)::int AS count FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NOT NULL',
        [user.id],
      );
      expect(used?.count).toBe(2);
    });
  });

  describe('current password at POST /users/me/password', () => {
    it('refuses guesses through one session past the limit, then even the right one, as the TOTP checks do', async () => {
      const user = await createUser(t);
      const browser = new BrowserSession(t);
      await browser.login(user);
      const ip = newIp();
      const change = (currentPassword: string) =>
        t.http.post('/api/v1/users/me/password', {
          bearer: browser.accessToken,
          body: { currentPassword, newPassword: 'a brand new pass phrase 7' },
          headers: from(ip),
        });
      const hashBefore = await t.sql<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE id = $1',
        [user.id],
      );
      for (let i = 0; i < 3; i += 1) {
        const res = await change(`guess number ${i}`);
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'currentPassword' })]);
      }
      expectRateLimited(await change('guess number 3'));
      // A guessable secret: past the limit nothing is checked, the right one included.
      expectRateLimited(await change(user.password));
      expect(await t.sql('SELECT password_hash FROM users WHERE id = $1', [user.id])).toEqual(
        hashBefore,
      );
      // Counted per user: another address of the same session's user is refused too.
      const elsewhere = await t.http.post('/api/v1/users/me/password', {
        bearer: browser.accessToken,
        body: { currentPassword: user.password, newPassword: 'a brand new pass phrase 7' },
        headers: from(newIp()),
      });
      expectRateLimited(elsewhere);
      const tripped = await auditRows(t, 'rate_limit.exceeded', 'subject_id = $2', [user.id]);
      expect(tripped.map((row) => row.details)).toEqual([
        { kind: 'current_password', counters: ['second-factor'], retryAfter: 900 },
      ]);
    });

    it('refunds the right password: it does not count', async () => {
      const user = await createUser(t);
      const browser = new BrowserSession(t);
      await browser.login(user);
      const ip = newIp();
      for (let i = 0; i < 2; i += 1) {
        const res = await t.http.post('/api/v1/users/me/password', {
          bearer: browser.accessToken,
          body: { currentPassword: `guess ${i}`, newPassword: 'a brand new pass phrase 8' },
          headers: from(ip),
        });
        expect(res.status).toBe(400);
      }
      const right = await t.http.post('/api/v1/users/me/password', {
        bearer: browser.accessToken,
        body: { currentPassword: user.password, newPassword: 'a brand new pass phrase 8' },
        headers: from(ip),
      });
      expect(right.status).toBe(204);
      const again = await t.http.post('/api/v1/users/me/password', {
        bearer: browser.accessToken,
        body: {
          currentPassword: 'a brand new pass phrase 8',
          newPassword: 'another new pass phrase 9',
        },
        headers: from(ip),
      });
      expect(again.status).toBe(204);
    });
  });

  describe('API secrets', () => {
    it('refuses further wrong secrets from the address that guesses (token scheme), never the right one', async () => {
      const user = await createUser(t);
      const key = await createApiKey(t, user);
      const attacker = newIp();
      for (let i = 0; i < 3; i += 1) {
        const res = await t.http.get('/api/v1/users/me', {
          authorization: tokenHeader({ ...key, apiSecret: formatToken('lks_', randomBytes(32)) }),
          headers: from(attacker),
        });
        expect(res.status).toBe(401);
      }
      expectRateLimited(
        await t.http.get('/api/v1/users/me', {
          authorization: tokenHeader({ ...key, apiSecret: formatToken('lks_', randomBytes(32)) }),
          headers: from(attacker),
        }),
      );
      // The right secret verifies, from that address too: a failure limit never refuses it.
      const sameAddress = await t.http.get('/api/v1/users/me', {
        authorization: tokenHeader(key),
        headers: from(attacker),
      });
      expect(sameAddress.status).toBe(200);
      const owner = await t.http.get('/api/v1/users/me', {
        authorization: tokenHeader(key),
        headers: from(newIp()),
      });
      expect(owner.status).toBe(200);
      expect(owner.body.authMethod).toBe('api_key');

      const failed = await auditRows(t, 'credential.failed', 'subject_id = $2', [user.id]);
      expect(failed).toHaveLength(3);
      expect(failed[0]?.details).toEqual({
        kind: 'api_key',
        id: key.id,
        apiKey: key.apiKey,
        channel: 'header',
      });
      expect(JSON.stringify(await t.sql('SELECT details FROM audit_events'))).not.toContain('lks_');
    });

    it('counts Basic key:secret on the same counter', async () => {
      const user = await createUser(t);
      const key = await createApiKey(t, user);
      const attacker = newIp();
      for (let i = 0; i < 3; i += 1) {
        const res = await t.http.get('/api/v1/users/me', {
          basic: [key.apiKey, `lks_wrong${i}`],
          headers: from(attacker),
        });
        expect(res.status).toBe(401);
      }
      expectRateLimited(
        await t.http.get('/api/v1/users/me', {
          basic: [key.apiKey, 'lks_wrong3'],
          headers: from(attacker),
        }),
      );
      const right = await t.http.get('/api/v1/users/me', {
        basic: [key.apiKey, key.apiSecret],
        headers: from(attacker),
      });
      expect(right.status).toBe(200);
    });

    it('limits POST /sessions and POST /oauth/token', async () => {
      const user = await createUser(t);
      const key = await createApiKey(t, user);
      const exchange = (secret: string, ip: string) =>
        t.http.post('/api/v1/sessions', {
          body: { type: 'api-key', key: key.apiKey, secret },
          headers: from(ip),
        });
      const oauth = (secret: string, ip: string) =>
        t.http.post('/api/v1/oauth/token', {
          ...form({
            grant_type: 'client_credentials',
            client_id: key.apiKey,
            client_secret: secret,
          }),
          headers: from(ip),
        });
      for (const [call, refused, limited] of [
        [exchange, { code: 'invalid_grant' }, expectRateLimited],
        [oauth, { error: 'invalid_client' }, expectOAuthRateLimited],
      ] as const) {
        const attacker = newIp();
        for (let i = 0; i < 3; i += 1) {
          const res = await call(formatToken(TOKEN_PREFIXES.apiSecret, randomBytes(32)), attacker);
          expect(res.status).toBe(400);
          expect(res.body).toMatchObject(refused);
        }
        limited(await call(formatToken(TOKEN_PREFIXES.apiSecret, randomBytes(32)), attacker));
        expect((await call(key.apiSecret, attacker)).status).toBe(200);
      }
      const channels = (await auditRows(t, 'credential.failed', 'subject_id = $2', [user.id])).map(
        (row) => row.details.channel,
      );
      expect(channels).toEqual([
        'sessions',
        'sessions',
        'sessions',
        'oauth_token',
        'oauth_token',
        'oauth_token',
      ]);
    });

    it('answers an unknown key exactly as a known key with a wrong secret', async () => {
      const user = await createUser(t);
      const key = await createApiKey(t, user);
      const unknownKey = formatToken(TOKEN_PREFIXES.apiKey, randomBytes(32));
      const wrongSecret = formatToken(TOKEN_PREFIXES.apiSecret, randomBytes(32));
      const present = (apiKey: string) =>
        t.http.get('/api/v1/users/me', {
          authorization: tokenHeader({ apiKey, apiSecret: wrongSecret }),
          headers: from(newIp()),
        });
      const [unknown, known] = [await present(unknownKey), await present(key.apiKey)];
      expect(unknown.status).toBe(401);
      expect(known.status).toBe(401);
      expect(unknown.body).toEqual(known.body);
      expect(unknown.headers.get('www-authenticate')).toBe(known.headers.get('www-authenticate'));
    });
  });

  describe('tokens without a public identifier', () => {
    it('refuses further opaque token guesses from an address, in every slot, never a real token', async () => {
      const user = await createUser(t);
      const token = await createOpaqueToken(t, user);
      const attacker = newIp();
      const guess = () => formatToken(TOKEN_PREFIXES.opaque, randomBytes(32));
      const guesses = [
        { headers: from(attacker, { 'x-auth-token': guess() }) },
        { bearer: guess(), headers: from(attacker) },
        { headers: from(attacker, { 'x-auth-token': 'lkt_malformed' }) },
      ];
      for (const options of guesses) {
        expect((await t.http.get('/api/v1/users/me', options)).status).toBe(401);
      }
      for (let i = 0; i < 2; i += 1) {
        const res = await t.http.get(`/api/v1/users/me?auth_token=${guess()}`, {
          headers: from(attacker),
        });
        expect(res.status).toBe(401);
      }
      expectRateLimited(
        await t.http.get('/api/v1/users/me', { bearer: guess(), headers: from(attacker) }),
      );
      const owner = await t.http.get('/api/v1/users/me', {
        headers: from(attacker, { 'x-auth-token': token }),
      });
      expect(owner.status).toBe(200);
      const tripped = await auditRows(t, 'rate_limit.exceeded', 'ip = $2', [attacker]);
      expect(tripped.map((row) => row.details)).toEqual([
        { kind: 'opaque_token', counters: ['credential-ip'], retryAfter: 900 },
      ]);
    });

    it('refuses further refresh token guesses from an address, never the real one', async () => {
      const user = await createUser(t);
      const browser = new BrowserSession(t);
      await browser.login(user);
      const attacker = newIp();
      const refresh = (token: string, ip: string) =>
        t.http.post('/api/v1/auth/refresh', {
          headers: from(ip, { origin: browser.origin, cookie: `${REFRESH_COOKIE}=${token}` }),
        });
      for (let i = 0; i < 5; i += 1) {
        const res = await refresh(formatToken(TOKEN_PREFIXES.refresh, randomBytes(32)), attacker);
        expect(res.status).toBe(401);
      }
      expectRateLimited(
        await refresh(formatToken(TOKEN_PREFIXES.refresh, randomBytes(32)), attacker),
      );
      expect((await refresh(browser.refreshToken, attacker)).status).toBe(200);
    });
  });

  describe('introspection callers', () => {
    it('counts inactive answers for guessable tokens per caller, never for JWTs', async () => {
      const caller = await createUser(t, { roles: ['admin'] });
      const pat = await createPat(t, caller, ['tokens:introspect']);
      const user = await createUser(t);
      const token = await createOpaqueToken(t, user);
      const ip = newIp();
      const introspect = (value: string, at = ip) =>
        t.http.post('/api/v1/oauth/introspect', {
          bearer: pat.token,
          ...form({ token: value }),
          headers: from(at),
        });
      for (let i = 0; i < 5; i += 1) {
        const res = await introspect('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl');
        expect(res.body).toEqual({ active: false });
      }
      for (let i = 0; i < 3; i += 1) {
        const res = await introspect(formatToken(TOKEN_PREFIXES.opaque, randomBytes(32)));
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ active: false });
      }
      // Per caller: another address does not help it, and a live token is still answered.
      expectOAuthRateLimited(
        await introspect(formatToken(TOKEN_PREFIXES.opaque, randomBytes(32)), newIp()),
      );
      expect((await introspect(token, newIp())).body.active).toBe(true);
      const admin = await t.http.post('/api/v1/oauth/introspect', {
        basic: ADMIN,
        ...form({ token }),
        headers: from(newIp()),
      });
      expect(admin.body.active).toBe(true);
    });
  });
});

describe('failure limits never lock out the owner (default limits)', () => {
  const t = useTestApp({ TRUST_PROXY: 'true' });

  it('refuses only the failures after 100+ made-up tokens from one address, never a credential that verifies', async () => {
    const user = await createUser(t);
    const browser = new BrowserSession(t);
    await browser.login(user);
    const key = await createApiKey(t, user);
    const pat = await createPat(t, user, ['profile:read']);
    const nat = newIp();
    const madeUp = () => formatToken(TOKEN_PREFIXES.opaque, randomBytes(32));
    const statuses: number[] = [];
    for (let i = 0; i < 101; i += 1) {
      const res = await t.http.get('/api/v1/users/me', {
        headers: from(nat, { 'x-auth-token': madeUp() }),
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 100)).toEqual(Array(100).fill(401));
    expectRateLimited(
      await t.http.get('/api/v1/users/me', { headers: from(nat, { 'x-auth-token': madeUp() }) }),
    );

    const refreshed = await t.http.post('/api/v1/auth/refresh', {
      headers: from(nat, {
        origin: browser.origin,
        cookie: `${REFRESH_COOKIE}=${browser.refreshToken}`,
      }),
    });
    expect(refreshed.status).toBe(200);
    const minted = await t.http.post('/api/v1/auth/token', {
      basic: user.basic,
      headers: from(nat),
    });
    expect(minted.status).toBe(200);
    const opaque = await t.http.get('/api/v1/users/me', {
      headers: from(nat, { 'x-auth-token': minted.body.access_token }),
    });
    expect(opaque.status).toBe(200);
    expect(opaque.body.authMethod).toBe('opaque');
    const exchanged = await t.http.post('/api/v1/sessions', {
      body: { type: 'api-key', key: key.apiKey, secret: key.apiSecret },
      headers: from(nat),
    });
    expect(exchanged.status).toBe(200);
    const pair = await t.http.get('/api/v1/users/me', {
      authorization: tokenHeader(key),
      headers: from(nat),
    });
    expect(pair.status).toBe(200);
    expect(pair.body.authMethod).toBe('api_key');
    const byPat = await t.http.get('/api/v1/users/me', { bearer: pat.token, headers: from(nat) });
    expect(byPat.status).toBe(200);

    // The failures go on being refused, and counted: a wrong refresh token and a wrong API secret
    // from that address answer 429, not 401.
    expectRateLimited(
      await t.http.post('/api/v1/auth/refresh', {
        headers: from(nat, {
          origin: browser.origin,
          cookie: `${REFRESH_COOKIE}=${formatToken(TOKEN_PREFIXES.refresh, randomBytes(32))}`,
        }),
      }),
    );
    expectRateLimited(
      await t.http.get('/api/v1/users/me', {
        authorization: tokenHeader({
          ...key,
          apiSecret: formatToken(TOKEN_PREFIXES.apiSecret, randomBytes(32)),
        }),
        headers: from(nat),
      }),
    );
    const tripped = await auditRows(t, 'rate_limit.exceeded', 'ip = $2', [nat]);
    expect(tripped.map((row) => row.details)).toEqual([
      { kind: 'opaque_token', counters: ['credential-ip'], retryAfter: 900 },
    ]);
    const [sessions] = await t.sql<{ count: number }>(
      'SELECT count(*)::int AS count FROM sessions WHERE user_id = $1 AND revoked_at IS NULL',
      [user.id],
    );
    expect(sessions?.count).toBe(1);
  });
});

/** The Redis the counters are shared in: REDIS_URL, or the usual local one when it answers. */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisReachable = await new Promise<boolean>((resolve) => {
  const { hostname, port } = new URL(REDIS_URL);
  const socket = connect({ host: hostname, port: Number(port || 6379) });
  socket.setTimeout(1000);
  socket.once('connect', () => {
    socket.destroy();
    resolve(true);
  });
  socket.once('error', () => resolve(false));
  socket.once('timeout', () => {
    socket.destroy();
    resolve(false);
  });
});

/** A second instance of the app on the same database, as a second replica behind a balancer. */
async function secondInstance(t: TestApp, env: Record<string, string>) {
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    ENCRYPTION_KEY: t.config.ENCRYPTION_KEY,
    ...env,
  });
  const app = await createApp({
    config,
    databaseUrl: databaseUrlFor(serverUrl(), t.databaseName),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, http: new HttpClient(`http://127.0.0.1:${port}`, config.PUBLIC_URL) };
}

// Registered only where a Redis answers (this machine has one at 127.0.0.1:6379): without one
// there is nothing to share, and the in-memory path above is what runs.
if (redisReachable) {
  describe('failure limits shared in Redis (REDIS_URL)', () => {
    const prefix = `latchkey-test-${randomBytes(4).toString('hex')}:`;
    const env = {
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      AUTH_LOGIN_MAX_FAILURES: '3',
      AUTH_CREDENTIAL_MAX_FAILURES: '3',
    };
    const t = useTestApp(env);
    let other: Awaited<ReturnType<typeof secondInstance>>;
    let redis: Redis;
    beforeAll(async () => {
      other = await secondInstance(t, env);
      redis = new Redis(REDIS_URL);
    });
    afterAll(async () => {
      await other.app.close();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });

    it('counts failures on one instance against attempts on the other', async () => {
      const user = await createUser(t);
      for (let i = 0; i < 3; i += 1) {
        const instance = i % 2 === 0 ? t.http : other.http;
        const res = await instance.post('/api/v1/auth/login', {
          body: { login: user.login, password: `guess ${i}` },
        });
        expect(res.status).toBe(401);
      }
      expectRateLimited(await login(t, user));
      expect((await other.http.get('/api/v1/users/me', { basic: user.basic })).status).toBe(429);

      const key = await createApiKey(t, user);
      for (let i = 0; i < 3; i += 1) {
        const res = await other.http.post('/api/v1/sessions', {
          body: { type: 'api-key', key: key.apiKey, secret: `lks_wrong${i}` },
        });
        expect(res.status).toBe(400);
      }
      expectRateLimited(
        await t.http.get('/api/v1/users/me', {
          authorization: tokenHeader({ ...key, apiSecret: 'lks_wrong3' }),
        }),
      );

      // The counters live in Redis under the prefix, keyed by hashes: no login, key or IP in clear.
      const keys = await redis.keys(`${prefix}*`);
      expect(keys.some((name) => name.startsWith(`${prefix}failures:login:`))).toBe(true);
      expect(keys.some((name) => name.startsWith(`${prefix}failures:credential:`))).toBe(true);
      expect(keys.join(' ')).not.toContain(user.login);
      expect(keys.join(' ')).not.toContain(key.apiKey);
    });
  });
}

describe('failure limits when Redis is lost', () => {
  const t = useTestApp();
  let server: Server;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'latchkey-limits-'));
    // Nothing listens on a free port: this Redis is down from the start.
    const deadRedis = `redis://127.0.0.1:${await findFreePort()}`;
    server = await startServer(dataDir, {
      DATABASE_URL: databaseUrlFor(serverUrl(), t.databaseName),
      ENCRYPTION_KEY: t.config.ENCRYPTION_KEY as string,
      REDIS_URL: deadRedis,
      AUTH_LOGIN_MAX_FAILURES: '3',
      LOG_LEVEL: 'warn',
    });
  });
  afterAll(async () => {
    await stopServer(server);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('falls back to memory with a warning, never lets guesses through uncounted', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 3; i += 1) {
      const res = await server.http.post('/api/v1/auth/login', {
        body: { login: user.login, password: `guess ${i}` },
      });
      expect(res.status).toBe(401);
    }
    expectRateLimited(
      await server.http.post('/api/v1/auth/login', {
        body: { login: user.login, password: user.password },
      }),
    );
    expect(server.output()).toContain('Redis cannot be reached');
    expect(server.output()).toContain("fall back to this instance's memory");
    const failed = await t.sql('SELECT 1 FROM audit_events WHERE type = $1 AND subject_id = $2', [
      'login.failed',
      user.id,
    ]);
    expect(failed).toHaveLength(3);
  });
});
