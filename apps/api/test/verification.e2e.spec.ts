import {
  createApiKey,
  createOpaqueToken,
  createPat,
  exchangeApiKey,
  form,
  tokenHeader,
} from './factories/credentials.js';
import { createUser, type TestUser } from './factories/users.js';
import { cutDatabase } from './support/database-urls.js';
import { basicHeader, type RequestOptions } from './support/http-client.js';
import { ADMIN, useTestApp, type TestApp } from './support/test-app.js';

/** One credential of every machine kind for the user, as the request options that send it. */
async function everyCredential(t: TestApp, user: TestUser) {
  const pat = await createPat(t, user);
  const account = await t.http.request('PUT', '/api/v1/users/me/api-token', { basic: user.basic });
  const key = await createApiKey(t, user);
  const exchanged = await exchangeApiKey(t, key);
  const opaque = await createOpaqueToken(t, user);
  return {
    tokens: { pat: pat.token, account: account.body.token as string, exchanged, opaque, key },
    requests: {
      personal_access_token: { bearer: pat.token },
      api_token: { bearer: account.body.token as string },
      api_key: { authorization: tokenHeader(key) },
      exchanged: { bearer: exchanged },
      opaque: { headers: { 'x-auth-token': opaque } },
    } satisfies Record<string, RequestOptions>,
  };
}

describe('verification for other services', () => {
  const t = useTestApp();

  it('GET /users/me reports authMethod for every kind of credential', async () => {
    const user = await createUser(t);
    const { requests } = await everyCredential(t, user);
    for (const [method, options] of Object.entries(requests)) {
      const res = await t.http.get('/api/v1/users/me', options);
      expect({ method, status: res.status, authMethod: res.body.authMethod }).toEqual({
        method,
        status: 200,
        authMethod: method,
      });
    }
  });

  it('GET /auth/verify answers 200 with X-Auth-* headers for every credential', async () => {
    const user = await createUser(t);
    const { requests } = await everyCredential(t, user);
    for (const [method, options] of Object.entries({ ...requests, basic: { basic: user.basic } })) {
      const res = await t.http.get('/api/v1/auth/verify', options);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-auth-user-id')).toBe(user.id);
      expect(res.headers.get('x-auth-login')).toBe(user.login);
      expect(res.headers.get('x-auth-roles')).toBe('user');
      expect(res.headers.get('x-auth-method')).toBe(method);
      expect(res.headers.get('x-auth-scopes')).toContain('profile:read');
    }
  });

  it('GET /auth/verify answers 401 without a credential and 403 for a missing scope', async () => {
    const user = await createUser(t);
    const unauthenticated = await t.http.get('/api/v1/auth/verify');
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('x-auth-user-id')).toBeNull();
    const { token } = await createPat(t, user, ['profile:read']);
    const denied = await t.http.get('/api/v1/auth/verify?scope=tokens:read', { bearer: token });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('insufficient_scope');
    expect(denied.headers.get('www-authenticate')).toContain('scope="tokens:read"');
    expect(
      (await t.http.get('/api/v1/auth/verify?scope=profile:read', { bearer: token })).status,
    ).toBe(200);
  });

  it('GET /auth/verify reads ?auth_token= from the URI a proxy forwards', async () => {
    const user = await createUser(t);
    const token = await createOpaqueToken(t, user);
    const traefik = await t.http.get('/api/v1/auth/verify', {
      headers: { 'x-forwarded-uri': `/app/report?auth_token=${token}` },
    });
    expect(traefik.status).toBe(200);
    expect(traefik.headers.get('x-auth-user-id')).toBe(user.id);
    const nginx = await t.http.get('/api/v1/auth/verify', {
      headers: { 'x-original-uri': `/app/report?x=1&auth_token=${token}` },
    });
    expect(nginx.status).toBe(200);
  });

  it('POST /oauth/introspect describes every kind of live token (RFC 7662)', async () => {
    const user = await createUser(t);
    const { tokens } = await everyCredential(t, user);
    const cases: [string, string, Record<string, unknown>][] = [
      [tokens.pat, 'personal_access_token', {}],
      [tokens.account, 'api_token', {}],
      [tokens.exchanged, 'exchanged', { client_id: tokens.key.apiKey }],
      [tokens.opaque, 'opaque', {}],
      [`${tokens.key.apiKey}:${tokens.key.apiSecret}`, 'api_key', { client_id: tokens.key.apiKey }],
    ];
    for (const [token, method, extra] of cases) {
      const res = await t.http.post('/api/v1/oauth/introspect', {
        basic: ADMIN,
        ...form({ token }),
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        active: true,
        sub: user.id,
        username: user.login,
        scope: expect.stringContaining('profile:read'),
        auth_method: method,
        ...extra,
      });
    }
    const opaque = await t.http.post('/api/v1/oauth/introspect', {
      basic: ADMIN,
      body: { token: tokens.opaque },
    });
    expect(opaque.body.exp - opaque.body.iat).toBe(1800);
  });

  it('POST /oauth/introspect answers {active:false} for anything not live, and only to admins', async () => {
    const user = await createUser(t);
    const { token } = await createPat(t, user);
    for (const value of ['nonsense', 'lkt_nothing', 'a.b.c', `${token}x`]) {
      const res = await t.http.post('/api/v1/oauth/introspect', {
        basic: ADMIN,
        ...form({ token: value }),
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ active: false });
    }
    const byUser = await t.http.post('/api/v1/oauth/introspect', {
      basic: user.basic,
      ...form({ token }),
    });
    // RFC 7662 §2.3 errors are RFC 6749 §5.2 bodies, not problem+json.
    expect(byUser.status).toBe(403);
    expect(byUser.body).toEqual({
      error: 'insufficient_scope',
      error_description: expect.any(String),
    });
    const missing = await t.http.post('/api/v1/oauth/introspect', { basic: ADMIN, ...form({}) });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
    expect(missing.body).toEqual({
      error: 'invalid_request',
      error_description: expect.any(String),
    });
  });

  it('POST /oauth/revoke ends every kind of token at once and answers 200 whatever the token (RFC 7009)', async () => {
    const user = await createUser(t);
    const { tokens, requests } = await everyCredential(t, user);
    for (const token of [
      tokens.pat,
      tokens.account,
      tokens.exchanged,
      tokens.opaque,
      `${tokens.key.apiKey}:${tokens.key.apiSecret}`,
      'not a token at all',
    ]) {
      const res = await t.http.post('/api/v1/oauth/revoke', form({ token }));
      expect(res.status).toBe(200);
    }
    for (const options of Object.values(requests)) {
      expect((await t.http.get('/api/v1/users/me', options)).status).toBe(401);
    }
    const introspected = await t.http.post('/api/v1/oauth/introspect', {
      basic: ADMIN,
      ...form({ token: tokens.pat }),
    });
    expect(introspected.body).toEqual({ active: false });
    const [{ revoked } = { revoked: 0 }] = await t.sql<{ revoked: number }>(
      "SELECT count(*)::int AS revoked FROM audit_events WHERE type IN ('token.revoked', 'api_key.revoked') AND subject_id = $1",
      [user.id],
    );
    expect(revoked).toBe(5);
    expect(await t.sql('SELECT 1 FROM revoked_jwts')).toHaveLength(1);
  });

  it('introspects and revokes a session access token too (revoking ends its session)', async () => {
    const user = await createUser(t);
    const login = await t.http.post('/api/v1/auth/login', {
      body: { login: user.login, password: user.password },
    });
    expect(login.status).toBe(200);
    const token = login.body.access_token as string;
    const introspected = await t.http.post('/api/v1/oauth/introspect', {
      basic: ADMIN,
      ...form({ token }),
    });
    expect(introspected.body).toMatchObject({ active: true, sub: user.id, auth_method: 'session' });
    expect((await t.http.post('/api/v1/oauth/revoke', form({ token }))).status).toBe(200);
    expect((await t.http.get('/api/v1/users/me', { bearer: token })).status).toBe(401);
    const [session] = await t.sql<{ revoked_at: Date | null }>(
      'SELECT revoked_at FROM sessions WHERE user_id = $1',
      [user.id],
    );
    expect(session?.revoked_at).toBeInstanceOf(Date);
  });

  it('disabling a user stops every credential of theirs at once', async () => {
    const user = await createUser(t);
    const { requests } = await everyCredential(t, user);
    for (const options of Object.values(requests)) {
      expect((await t.http.get('/api/v1/users/me', options)).status).toBe(200);
    }
    const disabled = await t.http.patch(`/api/v1/users/${user.id}`, {
      basic: ADMIN,
      body: { disabled: true },
    });
    expect(disabled.status).toBe(200);
    for (const options of Object.values(requests)) {
      const res = await t.http.get('/api/v1/users/me', options);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_credentials');
    }
    expect((await t.http.get('/api/v1/auth/verify', requests.api_key)).status).toBe(401);
  });
});

describe('malformed tokens', () => {
  const t = useTestApp();

  it('are refused by their checksum, without asking the database (401 while it is down)', async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user);
    const opaque = await createOpaqueToken(t, user);
    const typo = (token: string) => `${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`;
    const restore = await cutDatabase(t.databaseName);
    try {
      for (const options of [
        { headers: { 'x-auth-token': typo(opaque) } },
        { bearer: typo(opaque) },
        { authorization: `token ${typo(key.apiKey)}:${key.apiSecret}` },
        { authorization: `token ${key.apiKey}:${typo(key.apiSecret)}` },
        { authorization: basicHeader(typo(key.apiKey), key.apiSecret) },
      ] satisfies RequestOptions[]) {
        const res = await t.http.get('/api/v1/users/me', options);
        expect(res.status).toBe(401);
      }
      // A well-formed token needs the database: with it down, nothing is accepted unchecked.
      const checked = await t.http.get('/api/v1/users/me', { headers: { 'x-auth-token': opaque } });
      expect(checked.status).toBe(503);
    } finally {
      await restore();
    }
  });
});
