import { createHash } from 'node:crypto';
import { createOpaqueToken } from './factories/credentials.js';
import { createUser } from './factories/users.js';
import { useTestApp } from './support/test-app.js';

describe('opaque tokens', () => {
  const t = useTestApp();

  it('GET /auth/token with Basic login:password issues an lkt_ token stored as a hash', async () => {
    const user = await createUser(t);
    const res = await t.http.get('/api/v1/auth/token', { basic: user.basic });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({
      access_token: expect.stringMatching(/^lkt_[0-9A-Za-z]{46}$/),
      token_type: 'Bearer',
      expires_in: 1800,
    });
    const rows = await t.sql<{ token_hash: Buffer; expires_at: Date }>(
      "SELECT decode(lookup, 'hex') AS token_hash, expires_at FROM credentials WHERE user_id = $1 AND kind = 'opaque_token'",
      [user.id],
    );
    expect(rows).toHaveLength(1);
    expect(
      rows[0]?.token_hash.equals(createHash('sha256').update(res.body.access_token).digest()),
    ).toBe(true);
    expect(JSON.stringify(await t.sql('SELECT * FROM credentials'))).not.toContain(
      res.body.access_token,
    );
  });

  it('POST /auth/token works too, and a user may hold many', async () => {
    const user = await createUser(t);
    const first = await t.http.post('/api/v1/auth/token', { basic: user.basic });
    const second = await t.http.post('/api/v1/auth/token', { basic: user.basic });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(first.body.access_token).not.toBe(second.body.access_token);
    for (const token of [first.body.access_token, second.body.access_token]) {
      const me = await t.http.get('/api/v1/users/me', { headers: { 'x-auth-token': token } });
      expect(me.body).toMatchObject({ id: user.id, authMethod: 'opaque' });
    }
  });

  it('answers 401 problem+json to bad credentials', async () => {
    const user = await createUser(t);
    const res = await t.http.get('/api/v1/auth/token', { basic: [user.login, 'wrong password'] });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_credentials');
    expect(
      await t.sql("SELECT 1 FROM credentials WHERE user_id = $1 AND kind = 'opaque_token'", [
        user.id,
      ]),
    ).toHaveLength(0);
  });

  it('is accepted as X-Auth-Token, ?auth_token= and Bearer', async () => {
    const user = await createUser(t);
    const token = await createOpaqueToken(t, user);
    for (const res of [
      await t.http.get('/api/v1/users/me', { headers: { 'x-auth-token': token } }),
      await t.http.get(`/api/v1/users/me?auth_token=${token}`),
      await t.http.get('/api/v1/users/me', { bearer: token }),
    ]) {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: user.id, authMethod: 'opaque' });
    }
  });

  it('lets ?auth_token= win over the header when both are present', async () => {
    const user = await createUser(t);
    const other = await createUser(t);
    const mine = await createOpaqueToken(t, user);
    const theirs = await createOpaqueToken(t, other);
    const res = await t.http.get(`/api/v1/users/me?auth_token=${mine}`, {
      headers: { 'x-auth-token': theirs },
    });
    expect(res.body.id).toBe(user.id);
    const revokedQuery = await t.http.get('/api/v1/users/me?auth_token=lkt_garbage', {
      headers: { 'x-auth-token': theirs },
    });
    expect(revokedQuery.status).toBe(401);
  });

  it('DELETE /auth/token revokes the token that authenticates the call, at once', async () => {
    const user = await createUser(t);
    const token = await createOpaqueToken(t, user);
    const other = await createOpaqueToken(t, user);
    const res = await t.http.delete('/api/v1/auth/token', { headers: { 'x-auth-token': token } });
    expect(res.status).toBe(204);
    expect(
      (await t.http.get('/api/v1/users/me', { headers: { 'x-auth-token': token } })).status,
    ).toBe(401);
    expect(
      (await t.http.get('/api/v1/users/me', { headers: { 'x-auth-token': other } })).status,
    ).toBe(200);
    const rows = await t.sql<{ revoked: number }>(
      "SELECT count(*)::int AS revoked FROM credentials WHERE user_id = $1 AND kind = 'opaque_token' AND revoked_at IS NOT NULL",
      [user.id],
    );
    expect(rows[0]?.revoked).toBe(1);
    const withPassword = await t.http.delete('/api/v1/auth/token', { basic: user.basic });
    expect(withPassword.status).toBe(400);
  });

  it('cannot be minted with another token, only with a password (or a browser session)', async () => {
    const user = await createUser(t);
    const token = await createOpaqueToken(t, user);
    const res = await t.http.get('/api/v1/auth/token', { headers: { 'x-auth-token': token } });
    expect(res.status).toBe(403);
  });

  it('stops when the user is disabled', async () => {
    const user = await createUser(t);
    const token = await createOpaqueToken(t, user);
    await t.sql('UPDATE users SET disabled_at = now() WHERE id = $1', [user.id]);
    await t.app
      .get((await import('../src/modules/users/users.service.js')).UsersService)
      .announceChange(user.id);
    expect(
      (await t.http.get('/api/v1/users/me', { headers: { 'x-auth-token': token } })).status,
    ).toBe(401);
  });

  it('answers 401 for the query parameter while it is switched off, the header still works', async () => {
    const user = await createUser(t);
    const token = await createOpaqueToken(t, user);
    t.config.AUTH_QUERY_TOKEN_ENABLED = false;
    try {
      expect((await t.http.get(`/api/v1/users/me?auth_token=${token}`)).status).toBe(401);
      expect(
        (await t.http.get('/api/v1/users/me', { headers: { 'x-auth-token': token } })).status,
      ).toBe(200);
    } finally {
      t.config.AUTH_QUERY_TOKEN_ENABLED = true;
    }
  });

  it('answers 401 while opaque tokens are switched off, and issues none', async () => {
    const user = await createUser(t);
    const token = await createOpaqueToken(t, user);
    t.config.AUTH_OPAQUE_TOKEN_ENABLED = false;
    try {
      expect(
        (await t.http.get('/api/v1/users/me', { headers: { 'x-auth-token': token } })).status,
      ).toBe(401);
      expect((await t.http.get('/api/v1/auth/token', { basic: user.basic })).status).toBe(403);
    } finally {
      t.config.AUTH_OPAQUE_TOKEN_ENABLED = true;
    }
  });
});

describe('opaque tokens past their lifetime', () => {
  const t = useTestApp({ AUTH_OPAQUE_TOKEN_TTL: '1' });

  it('answers 401 once AUTH_OPAQUE_TOKEN_TTL has passed', async () => {
    const user = await createUser(t);
    const token = await createOpaqueToken(t, user);
    expect(
      (await t.http.get('/api/v1/users/me', { headers: { 'x-auth-token': token } })).status,
    ).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const res = await t.http.get('/api/v1/users/me', { headers: { 'x-auth-token': token } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_credentials');
  });
});
