import { randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { listRoutes } from '../src/common/auth/route-catalog.js';
import { EventStream } from './support/event-stream.js';
import { basicHeader } from './support/http-client.js';
import { createApiKey, form } from './factories/credentials.js';
import { createUser } from './factories/users.js';
import { BrowserSession } from './support/browser.js';
import type { TestResponse } from './support/http-client.js';
import { ADMIN, useTestApp } from './support/test-app.js';

/** Routes whose answers are public and meant to be cached by their readers. */
const CACHEABLE = new Set(['/.well-known/jwks.json', '/.well-known/oauth-authorization-server']);

function cacheHeaders(res: TestResponse): { status: number; cache: unknown; pragma: unknown } {
  return {
    status: res.status,
    cache: res.headers.get('cache-control'),
    pragma: res.headers.get('pragma'),
  };
}

const EVENT_STREAM = '/api/v1/events';

describe('caching of responses that carry a secret', () => {
  // A long poll of the security events (RFC 8936) returns after a second here, not 30 s.
  const t = useTestApp({ SECURITY_EVENTS_POLL_WAIT: '1s' });

  it('marks every token- and secret-bearing answer no-store and no-cache', async () => {
    const user = await createUser(t, { roles: ['admin'] });
    const answers: Record<string, TestResponse> = {};
    const session = new BrowserSession(t);
    answers['POST /auth/login'] = await session.login(user);
    answers['POST /auth/refresh'] = await session.refresh();
    answers['POST /personal-access-tokens'] = await t.http.post('/api/v1/personal-access-tokens', {
      basic: user.basic,
      body: { name: 'cache', scopes: ['profile:read'], expiresAt: null },
    });
    answers['PUT /users/me/api-token'] = await t.http.request('PUT', '/api/v1/users/me/api-token', {
      basic: user.basic,
    });
    answers['POST /users/{id}/api-keys'] = await t.http.post(`/api/v1/users/${user.id}/api-keys`, {
      basic: ADMIN,
      body: { name: 'cache', scopes: ['profile:read'] },
    });
    const key = await createApiKey(t, user);
    answers['POST /api-keys/{id}/secret'] = await t.http.post(`/api/v1/api-keys/${key.id}/secret`, {
      basic: ADMIN,
    });
    const rotated = answers['POST /api-keys/{id}/secret'].body as { apiSecret: string };
    answers['POST /sessions'] = await t.http.post('/api/v1/sessions', {
      body: { type: 'api-key', key: key.apiKey, secret: rotated.apiSecret },
    });
    answers['POST /oauth/token'] = await t.http.post(
      '/api/v1/oauth/token',
      form({
        grant_type: 'client_credentials',
        client_id: key.apiKey,
        client_secret: rotated.apiSecret,
      }),
    );
    answers['GET /auth/token'] = await t.http.get('/api/v1/auth/token', { basic: user.basic });
    answers['POST /auth/token'] = await t.http.post('/api/v1/auth/token', { basic: user.basic });
    answers['POST /oauth/introspect'] = await t.http.post('/api/v1/oauth/introspect', {
      basic: ADMIN,
      ...form({ token: answers['POST /auth/token'].body.access_token }),
    });

    const mfaUser = await createUser(t);
    answers['POST /auth/mfa/totp/setup'] = await t.http.post('/api/v1/auth/mfa/totp/setup', {
      basic: mfaUser.basic,
    });
    const totp = new TOTP({
      secret: Secret.fromBase32(answers['POST /auth/mfa/totp/setup'].body.secret),
      digits: 6,
      period: 30,
    });
    answers['POST /auth/mfa/totp/enable'] = await t.http.post('/api/v1/auth/mfa/totp/enable', {
      basic: mfaUser.basic,
      body: { code: totp.generate() },
    });
    answers['POST /auth/login (mfa_token)'] = await t.http.post('/api/v1/auth/login', {
      body: { login: mfaUser.login, password: mfaUser.password },
    });
    answers['POST /auth/login/mfa'] = await t.http.post('/api/v1/auth/login/mfa', {
      body: {
        mfa_token: answers['POST /auth/login (mfa_token)'].body.mfa_token,
        code: answers['POST /auth/mfa/totp/enable'].body.recoveryCodes[0],
      },
    });

    for (const [call, res] of Object.entries(answers)) {
      expect({ call, ...cacheHeaders(res) }).toEqual({
        call,
        status: res.status === 201 ? 201 : 200,
        cache: 'no-store',
        pragma: 'no-cache',
      });
    }
  });

  it('marks every route of the app no-store unless it is public discovery', async () => {
    // The event stream has no end to wait for: the next test reads its headers as they arrive.
    const finite = listRoutes(t.app).filter(
      (route) => !(route.method === 'GET' && route.path === EVENT_STREAM),
    );
    for (const route of finite) {
      const path = route.path.replace(/\{[^}]+\}/g, randomUUID());
      const res = await t.http.request(route.method, path, {
        basic: ADMIN,
        ...(['GET', 'HEAD', 'DELETE'].includes(route.method) ? {} : { body: {} }),
      });
      const expected = CACHEABLE.has(route.path)
        ? { cache: expect.stringMatching(/^public/), pragma: null }
        : { cache: 'no-store', pragma: 'no-cache' };
      expect({ route: `${route.method} ${route.path}`, ...cacheHeaders(res) }).toEqual({
        route: `${route.method} ${route.path}`,
        status: res.status,
        ...expected,
      });
    }
  });

  it('marks the security event stream no-store', async () => {
    const stream = await EventStream.open(t.http.baseUrl, basicHeader(...ADMIN));
    stream.close();
    expect(stream.status).toBe(200);
    expect(stream.responseHeaders['cache-control']).toBe('no-store');
  });
});
