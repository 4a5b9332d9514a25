import { createHash } from 'node:crypto';
import { CredentialVerifier } from '../src/modules/credentials/credential-verifier.js';
import {
  createApiKey,
  createPat,
  exchangeApiKey,
  form,
  tokenHeader,
} from './factories/credentials.js';
import { createUser } from './factories/users.js';
import { basicHeader } from './support/http-client.js';
import { ADMIN, useTestApp } from './support/test-app.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest();

describe('API keys', () => {
  const t = useTestApp();

  it('lets an admin create a key + secret for a user, shown once and stored as a hash', async () => {
    const user = await createUser(t);
    const res = await t.http.post(`/api/v1/users/${user.id}/api-keys`, {
      basic: ADMIN,
      body: { name: 'backup job', scopes: ['profile:read'] },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'backup job',
      apiKey: expect.stringMatching(/^lk_[0-9A-Za-z]{46}$/),
      apiSecret: expect.stringMatching(/^lks_[0-9A-Za-z]{46}$/),
      scopes: ['profile:read'],
      createdAt: expect.any(String),
      rateLimit: null,
    });
    const [row] = await t.sql<{ api_key: string; secret_hash: Buffer; user_id: string }>(
      'SELECT lookup AS api_key, secret_hash, user_id FROM credentials WHERE id = $1',
      [res.body.id],
    );
    expect(row?.api_key).toBe(res.body.apiKey);
    expect(row?.user_id).toBe(user.id);
    expect(row?.secret_hash.equals(sha256(res.body.apiSecret))).toBe(true);
    expect(JSON.stringify(await t.sql('SELECT * FROM credentials'))).not.toContain(
      res.body.apiSecret,
    );

    const list = await t.http.get('/api/v1/users/me/api-keys', { basic: user.basic });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: res.body.id, apiKey: res.body.apiKey, lastUsedAt: null }),
    ]);
    expect(list.text).not.toContain(res.body.apiSecret);
    const [event] = await t.sql<{ details: unknown }>(
      "SELECT details FROM audit_events WHERE type = 'api_key.created' AND subject_id = $1",
      [user.id],
    );
    expect(JSON.stringify(event?.details)).not.toContain(res.body.apiSecret);
  });

  it('accepts the pair as curl -H "Authorization: token key:secret" and as Basic key:secret', async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user);
    const asToken = await t.http.get('/api/v1/users/me', { authorization: tokenHeader(key) });
    expect(asToken.status).toBe(200);
    expect(asToken.body).toMatchObject({ id: user.id, authMethod: 'api_key' });
    const asBasic = await t.http.get('/api/v1/users/me', { basic: [key.apiKey, key.apiSecret] });
    expect(asBasic.status).toBe(200);
    expect(asBasic.body.authMethod).toBe('api_key');

    await t.app.get(CredentialVerifier).flushUsage();
    const [row] = await t.sql<{ last_used_at: Date | null; last_used_ip: string }>(
      'SELECT last_used_at, last_used_ip FROM credentials WHERE id = $1',
      [key.id],
    );
    expect(row?.last_used_at).toBeInstanceOf(Date);
    expect(row?.last_used_ip).toBe('127.0.0.1');
  });

  it('refuses a wrong secret, and a Basic key pair never counts as a failed login', async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user);
    const other = await createApiKey(t, user);
    for (const authorization of [
      `token ${key.apiKey}:${other.apiSecret}`,
      basicHeader(key.apiKey, other.apiSecret),
      `token ${key.apiKey}:not-a-secret`,
    ]) {
      const res = await t.http.get('/api/v1/users/me', { authorization });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_credentials');
    }
  });

  it('applies the key’s scopes: 403 insufficient_scope beyond them', async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user, ['profile:read']);
    const res = await t.http.get('/api/v1/personal-access-tokens', {
      authorization: tokenHeader(key),
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    expect(res.headers.get('www-authenticate')).toContain('scope="tokens:read"');
  });

  it('is created by admins only, within the user’s roles', async () => {
    const user = await createUser(t);
    const byUser = await t.http.post(`/api/v1/users/${user.id}/api-keys`, {
      basic: user.basic,
      body: { name: 'mine', scopes: ['profile:read'] },
    });
    expect(byUser.status).toBe(403);
    const beyond = await t.http.post(`/api/v1/users/${user.id}/api-keys`, {
      basic: ADMIN,
      body: { name: 'admin powers', scopes: ['users:write'] },
    });
    expect(beyond.status).toBe(400);
    expect(beyond.body.errors[0].field).toBe('scopes');
    expect(
      await t.sql("SELECT 1 FROM credentials WHERE user_id = $1 AND kind = 'api_key'", [user.id]),
    ).toHaveLength(0);
  });

  it('rotates the secret: same key, the old secret and its exchanged tokens dead at once', async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user);
    const exchanged = await exchangeApiKey(t, key);
    const rotated = await t.http.post(`/api/v1/api-keys/${key.id}/secret`, { basic: ADMIN });
    expect(rotated.status).toBe(200);
    expect(rotated.body.apiKey).toBe(key.apiKey);
    expect(rotated.body.apiSecret).not.toBe(key.apiSecret);

    expect((await t.http.get('/api/v1/users/me', { authorization: tokenHeader(key) })).status).toBe(
      401,
    );
    expect((await t.http.get('/api/v1/users/me', { bearer: exchanged })).status).toBe(401);
    const fresh = { apiKey: key.apiKey, apiSecret: rotated.body.apiSecret as string };
    expect(
      (await t.http.get('/api/v1/users/me', { authorization: tokenHeader(fresh) })).status,
    ).toBe(200);
    const [row] = await t.sql<{ secret_hash: Buffer; secret_rotated_at: Date | null }>(
      'SELECT secret_hash, secret_rotated_at FROM credentials WHERE id = $1',
      [key.id],
    );
    expect(row?.secret_hash.equals(sha256(fresh.apiSecret))).toBe(true);
    expect(row?.secret_rotated_at).toBeInstanceOf(Date);
    expect(
      await t.sql(
        "SELECT 1 FROM audit_events WHERE type = 'api_key.secret_rotated' AND subject_id = $1",
        [user.id],
      ),
    ).toHaveLength(1);
    expect(
      (await t.http.post(`/api/v1/api-keys/${key.id}/secret`, { basic: user.basic })).status,
    ).toBe(403);
  });

  it('revokes a key (its user may too), with its exchanged tokens', async () => {
    const user = await createUser(t);
    const stranger = await createUser(t);
    const key = await createApiKey(t, user);
    const exchanged = await exchangeApiKey(t, key);
    expect(
      (await t.http.delete(`/api/v1/api-keys/${key.id}`, { basic: stranger.basic })).status,
    ).toBe(404);
    expect((await t.http.delete(`/api/v1/api-keys/${key.id}`, { basic: user.basic })).status).toBe(
      204,
    );
    expect((await t.http.get('/api/v1/users/me', { authorization: tokenHeader(key) })).status).toBe(
      401,
    );
    expect((await t.http.get('/api/v1/users/me', { bearer: exchanged })).status).toBe(401);
    expect(
      (await t.http.get('/api/v1/users/me/api-keys', { basic: user.basic })).body.items,
    ).toEqual([]);
    expect(
      await t.sql("SELECT 1 FROM audit_events WHERE type = 'api_key.revoked' AND subject_id = $1", [
        user.id,
      ]),
    ).toHaveLength(1);
  });

  it('answers 401 while API keys are switched off', async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user);
    const exchanged = await exchangeApiKey(t, key);
    t.config.AUTH_API_KEY_ENABLED = false;
    try {
      expect(
        (await t.http.get('/api/v1/users/me', { authorization: tokenHeader(key) })).status,
      ).toBe(401);
      expect((await t.http.get('/api/v1/users/me', { bearer: exchanged })).status).toBe(401);
      const exchange = await t.http.post('/api/v1/sessions', {
        body: { type: 'api-key', key: key.apiKey, secret: key.apiSecret },
      });
      expect(exchange.status).toBe(400);
    } finally {
      t.config.AUTH_API_KEY_ENABLED = true;
    }
  });
});

describe('token exchange', () => {
  const t = useTestApp();

  it('POST /sessions trades key + secret for a 1-hour Bearer JWT of its own type', async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user);
    const res = await t.http.post('/api/v1/sessions', {
      body: { type: 'api-key', key: key.apiKey, secret: key.apiSecret },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const header = JSON.parse(
      Buffer.from(res.body.access_token.split('.')[0], 'base64url').toString(),
    );
    expect(header.typ).toBe('lk-exchange+jwt');
    const me = await t.http.get('/api/v1/users/me', { bearer: res.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, authMethod: 'exchanged' });
  });

  it('answers 400 problem+json for a wrong key, secret or type', async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user);
    const other = await createApiKey(t, user);
    for (const body of [
      { type: 'api-key', key: key.apiKey, secret: other.apiSecret },
      { type: 'api-key', key: 'lk_unknown', secret: key.apiSecret },
      { type: 'password', key: key.apiKey, secret: key.apiSecret },
      { type: 'api-key', key: key.apiKey },
    ]) {
      const res = await t.http.post('/api/v1/sessions', { body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const wrong = await t.http.post('/api/v1/sessions', {
      body: { type: 'api-key', key: key.apiKey, secret: other.apiSecret },
    });
    expect(wrong.body).toMatchObject({ status: 400, code: 'invalid_grant' });
  });

  it('POST /oauth/token grants client_credentials with Basic client auth, form-encoded', async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user);
    const res = await t.http.post('/api/v1/oauth/token', {
      basic: [key.apiKey, key.apiSecret],
      ...form({ grant_type: 'client_credentials' }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'profile:read tokens:read',
    });
    expect(res.headers.get('pragma')).toBe('no-cache');
    expect(
      (await t.http.get('/api/v1/users/me', { bearer: res.body.access_token })).body.authMethod,
    ).toBe('exchanged');
  });

  it('POST /oauth/token takes client_id and client_secret in the body, and narrows scope', async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user);
    const res = await t.http.post('/api/v1/oauth/token', {
      ...form({
        grant_type: 'client_credentials',
        client_id: key.apiKey,
        client_secret: key.apiSecret,
        scope: 'profile:read',
      }),
    });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('profile:read');
    expect((await t.http.get('/api/v1/users/me', { bearer: res.body.access_token })).status).toBe(
      200,
    );
    const narrowed = await t.http.get('/api/v1/personal-access-tokens', {
      bearer: res.body.access_token,
    });
    expect(narrowed.status).toBe(403);
    expect(narrowed.body.code).toBe('insufficient_scope');

    const json = await t.http.post('/api/v1/oauth/token', {
      body: {
        grant_type: 'client_credentials',
        client_id: key.apiKey,
        client_secret: key.apiSecret,
      },
    });
    expect(json.status).toBe(200);
  });

  it('answers RFC 6749 §5.2 errors as application/json, 401 for a client refused in the Authorization header', async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user);
    const cases: [Record<string, string>, string][] = [
      [
        { grant_type: 'client_credentials', client_id: key.apiKey, client_secret: 'lks_wrong' },
        'invalid_client',
      ],
      [
        { grant_type: 'password', client_id: key.apiKey, client_secret: key.apiSecret },
        'unsupported_grant_type',
      ],
      [{ client_id: key.apiKey, client_secret: key.apiSecret }, 'invalid_request'],
      [{ grant_type: 'client_credentials' }, 'invalid_client'],
      [
        {
          grant_type: 'client_credentials',
          client_id: key.apiKey,
          client_secret: key.apiSecret,
          scope: 'users:write',
        },
        'invalid_scope',
      ],
    ];
    for (const [fields, error] of cases) {
      const res = await t.http.post('/api/v1/oauth/token', form(fields));
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(res.body).toEqual({ error, error_description: expect.any(String) });
    }
    const wrongInHeader = await t.http.post('/api/v1/oauth/token', {
      basic: [key.apiKey, 'lks_wrong'],
      ...form({ grant_type: 'client_credentials' }),
    });
    expect(wrongInHeader.status).toBe(401);
    expect(wrongInHeader.headers.get('www-authenticate')).toBe(
      'Basic realm="latchkey", charset="UTF-8"',
    );
    expect(wrongInHeader.body).toEqual({
      error: 'invalid_client',
      error_description: expect.any(String),
    });
    const both = await t.http.post('/api/v1/oauth/token', {
      basic: [key.apiKey, key.apiSecret],
      ...form({
        grant_type: 'client_credentials',
        client_id: key.apiKey,
        client_secret: key.apiSecret,
      }),
    });
    expect(both.body.error).toBe('invalid_request');
  });

  it('refuses an exchanged token for a disabled user, and a PAT never passes for one', async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user);
    const exchanged = await exchangeApiKey(t, key);
    const { token: pat } = await createPat(t, user);
    await t.http.patch(`/api/v1/users/${user.id}`, { basic: ADMIN, body: { disabled: true } });
    expect((await t.http.get('/api/v1/users/me', { bearer: exchanged })).status).toBe(401);
    expect((await t.http.get('/api/v1/users/me', { bearer: pat })).status).toBe(401);
    const exchange = await t.http.post('/api/v1/sessions', {
      body: { type: 'api-key', key: key.apiKey, secret: key.apiSecret },
    });
    expect(exchange.status).toBe(400);
  });
});
