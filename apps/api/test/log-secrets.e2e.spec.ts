import { Writable } from 'node:stream';
import { REFRESH_COOKIE } from '@latchkey/contracts';
import {
  createApiKey,
  createOpaqueToken,
  createPat,
  exchangeApiKey,
} from './factories/credentials.js';
import { createUser, type TestUser } from './factories/users.js';
import { BrowserSession } from './support/browser.js';
import { newAttackTally, tallyInput, writeAttackTally } from './support/attack-tally.js';
import { basicHeader } from './support/http-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Every line the app writes, at every level, as its operators would read it. */
class CapturedLog extends Writable {
  text = '';

  override _write(chunk: unknown, _encoding: BufferEncoding, done: () => void): void {
    this.text += String(chunk);
    done();
  }
}

/** Each secret, and each encoding in which it could leak into a line. */
function leakedForms(secret: string): string[] {
  const percentAll = [...Buffer.from(secret, 'utf8')]
    .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
  return [
    secret,
    Buffer.from(secret, 'utf8').toString('base64'),
    Buffer.from(secret, 'utf8').toString('base64url'),
    encodeURIComponent(secret),
    percentAll,
    percentAll.toLowerCase(),
    // A fragment: the tail of a token or password, in case a line cuts it short.
    secret.slice(-12),
  ];
}

/** Every place a client can put a secret in a request, each as its own request. */
function slots(secret: string): { name: string; path: string; headers: Record<string, string> }[] {
  const on = '/api/v1/users/me';
  const verify = '/api/v1/auth/verify';
  return [
    { name: 'Bearer', path: on, headers: { authorization: `Bearer ${secret}` } },
    { name: 'token scheme', path: on, headers: { authorization: `token ${secret}` } },
    { name: 'Basic', path: on, headers: { authorization: basicHeader('someone', secret) } },
    { name: 'X-Auth-Token', path: on, headers: { 'x-auth-token': secret } },
    { name: '?auth_token=', path: `${on}?auth_token=${encodeURIComponent(secret)}`, headers: {} },
    {
      name: '?auth%5Ftoken=',
      path: `${on}?auth%5Ftoken=${encodeURIComponent(secret)}`,
      headers: {},
    },
    {
      name: '?auth%5ftoken=',
      path: `${on}?auth%5ftoken=${encodeURIComponent(secret)}`,
      headers: {},
    },
    { name: '?client_secret=', path: `/api/v1/oauth/token?client_secret=${secret}`, headers: {} },
    { name: '?password=', path: `/api/v1/auth/login?password=${secret}`, headers: {} },
    { name: 'query name', path: `${on}?${encodeURIComponent(secret)}`, headers: {} },
    {
      name: 'Cookie',
      path: '/api/v1/auth/refresh',
      headers: { cookie: `${REFRESH_COOKIE}=${secret}` },
    },
    {
      name: 'Referer',
      path: on,
      headers: { referer: `https://app.example.test/?auth_token=${encodeURIComponent(secret)}` },
    },
    {
      name: 'X-Original-URI',
      path: verify,
      headers: { 'x-original-uri': `/app?auth_token=${encodeURIComponent(secret)}` },
    },
    {
      name: 'X-Forwarded-Uri',
      path: verify,
      headers: { 'x-forwarded-uri': `/app?auth%5Ftoken=${encodeURIComponent(secret)}` },
    },
    { name: 'X-Api-Key', path: on, headers: { 'x-api-key': secret } },
    {
      name: 'X-Forwarded-Authorization',
      path: verify,
      headers: { 'x-forwarded-authorization': `Bearer ${secret}` },
    },
    {
      name: 'Proxy-Authorization',
      path: on,
      headers: { 'proxy-authorization': `Bearer ${secret}` },
    },
    {
      name: 'unknown route',
      path: `/api/v1/nothing?auth_token=${encodeURIComponent(secret)}`,
      headers: { 'x-auth-token': secret },
    },
  ];
}

describe('secrets in logs', () => {
  const log = new CapturedLog();
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'trace' }, { logDestination: log });
    user = await createUser(t, { roles: ['admin'], password: 'Log-Test-Password-7c41e9b2' });
  });
  afterAll(() => t.close());

  it('writes no secret of any kind, sent through any slot, in any encoding', async () => {
    const tally = newAttackTally();
    const session = new BrowserSession(t);
    expect((await session.login(user)).status).toBe(200);
    // Refused (forms are for the OAuth endpoints only), and the refusal logs no password either.
    const formLogin = await t.http.post('/api/v1/auth/login', {
      rawBody: new URLSearchParams({ login: user.login, password: user.password }).toString(),
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(formLogin.status).toBe(415);
    const refreshed = await session.refresh();
    expect(refreshed.status).toBe(200);
    const pat = await createPat(t, user);
    const accountToken = await t.http.request('PUT', '/api/v1/users/me/api-token', {
      basic: user.basic,
    });
    expect(accountToken.status).toBe(200);
    const key = await createApiKey(t, user, ['profile:read', 'tokens:introspect']);
    const exchanged = await exchangeApiKey(t, key);
    const opaque = await createOpaqueToken(t, user);
    const clientCredentials = await t.http.post('/api/v1/oauth/token', {
      rawBody: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: key.apiKey,
        client_secret: key.apiSecret,
      }).toString(),
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(clientCredentials.status).toBe(200);

    const secrets: Record<string, string> = {
      password: user.password,
      'session access JWT': session.accessToken,
      'refresh token': session.refreshToken,
      PAT: pat.token,
      'account token': accountToken.body.token,
      'API secret': key.apiSecret,
      'exchanged token': exchanged,
      'client_credentials token': clientCredentials.body.access_token,
      'opaque token': opaque,
    };
    const composite: Record<string, string> = {
      'login:password': `${user.login}:${user.password}`,
      'key:secret': `${key.apiKey}:${key.apiSecret}`,
    };

    // Each live credential used as clients use it, so the accepting paths are logged too.
    const uses: [string, Record<string, string>, string?][] = [
      ['/api/v1/users/me', { authorization: basicHeader(user.login, user.password) }],
      ['/api/v1/users/me', { authorization: `Bearer ${session.accessToken}` }],
      ['/api/v1/users/me', { authorization: `Bearer ${pat.token}` }],
      ['/api/v1/users/me', { authorization: `Bearer ${accountToken.body.token}` }],
      ['/api/v1/users/me', { authorization: `token ${key.apiKey}:${key.apiSecret}` }],
      ['/api/v1/users/me', { authorization: basicHeader(key.apiKey, key.apiSecret) }],
      ['/api/v1/users/me', { authorization: `Bearer ${exchanged}` }],
      ['/api/v1/users/me', { 'x-auth-token': opaque }],
      [`/api/v1/users/me?auth_token=${opaque}`, {}],
      [`/api/v1/users/me?auth%5Ftoken=${opaque}`, {}],
      ['/api/v1/users/me', { authorization: `Bearer ${opaque}` }],
      ['/api/v1/auth/verify', { 'x-original-uri': `/app?auth_token=${opaque}` }],
      ['/api/v1/auth/verify', { 'x-forwarded-uri': `/app?auth%5Ftoken=${opaque}` }],
    ];
    for (const [path, headers] of uses) {
      expect({ path, status: (await t.http.get(path, { headers })).status }).toEqual({
        path,
        status: 200,
      });
    }
    const introspected = await t.http.post('/api/v1/oauth/introspect', {
      authorization: `token ${key.apiKey}:${key.apiSecret}`,
      rawBody: new URLSearchParams({ token: pat.token }).toString(),
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(introspected.body.active).toBe(true);

    // And every secret through every slot, where most are refused.
    for (const secret of [...Object.values(secrets), ...Object.values(composite)]) {
      for (const slot of slots(secret)) {
        const res = await t.http.post(slot.path, { headers: slot.headers, body: {} });
        tallyInput(tally, res.status);
        expect({ slot: slot.name, status: res.status < 500 }).toEqual({
          slot: slot.name,
          status: true,
        });
        await t.http.get(slot.path, { headers: slot.headers });
      }
    }

    expect(log.text).toContain('request completed');
    const found: string[] = [];
    for (const [kind, secret] of Object.entries({ ...secrets, ...composite })) {
      for (const form of leakedForms(secret)) {
        if (log.text.includes(form)) found.push(`${kind} as ${JSON.stringify(form)}`);
      }
    }
    tally.secretsInLogs = found.length;
    await writeAttackTally('log-secrets', tally);
    expect(found).toEqual([]);
  });

  it('writes one line per request holding only the allow-listed fields', async () => {
    const before = log.text.length;
    const res = await t.http.get('/healthz', {
      headers: { 'user-agent': 'log-test/1.0', 'x-request-note': 'not for the log' },
    });
    expect(res.status).toBe(200);
    const lines = log.text
      .slice(before)
      .split('\n')
      .filter((line) => line.includes('"request completed"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      method: 'GET',
      route: '/healthz',
      path: '/healthz',
      status: 200,
      ip: '127.0.0.1',
      userAgent: 'log-test/1.0',
    });
    const allowed = [
      'level',
      'time',
      'msg',
      'reqId',
      'method',
      'route',
      'path',
      'status',
      'durationMs',
      'userId',
      'credential',
      'ip',
      'userAgent',
    ];
    expect(Object.keys(lines[0] ?? {}).filter((field) => !allowed.includes(field))).toEqual([]);
  });

  it('names the user and the kind of credential, with query values redacted', async () => {
    const before = log.text.length;
    await t.http.get('/api/v1/users?q=secretive-search&page=1', { basic: user.basic });
    const line = JSON.parse(
      log.text
        .slice(before)
        .split('\n')
        .find((text) => text.includes('"request completed"')) ?? '{}',
    ) as Record<string, unknown>;
    expect(line).toMatchObject({
      route: '/api/v1/users',
      path: '/api/v1/users?q=[redacted]&page=1',
      status: 200,
      userId: user.id,
      credential: 'basic',
    });
  });
});
