import { createHash } from 'node:crypto';
import { createPat } from './factories/credentials.js';
import { createUser } from './factories/users.js';
import { CredentialVerifier } from '../src/modules/credentials/credential-verifier.js';
import { ADMIN, useTestApp } from './support/test-app.js';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('personal access tokens', () => {
  const t = useTestApp();

  it('creates a PAT shown once, stores only its jti, and accepts it as Bearer', async () => {
    const user = await createUser(t);
    const created = await t.http.post('/api/v1/personal-access-tokens', {
      basic: user.basic,
      body: { name: 'deploy', scopes: ['profile:read', 'tokens:read'], expiresAt: null },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'deploy',
      scopes: ['profile:read', 'tokens:read'],
      expiresAt: null,
      createdAt: expect.any(String),
      rateLimit: null,
      token: expect.stringMatching(/^ey[\w-]+\.[\w-]+\.[\w-]+$/),
    });
    const header = JSON.parse(
      Buffer.from(created.body.token.split('.')[0], 'base64url').toString(),
    );
    expect(header.typ).toBe('lk-pat+jwt');

    const me = await t.http.get('/api/v1/users/me', { bearer: created.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, authMethod: 'personal_access_token' });

    const rows = await t.sql<Record<string, unknown>>('SELECT * FROM credentials WHERE id = $1', [
      created.body.id,
    ]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0])).not.toContain(created.body.token);
    expect(rows[0]).toMatchObject({
      user_id: user.id,
      kind: 'personal_access_token',
      revoked_at: null,
    });

    const list = await t.http.get('/api/v1/personal-access-tokens', { basic: user.basic });
    expect(list.body.items).toEqual([expect.objectContaining({ id: created.body.id })]);
    expect(list.body.items[0]).not.toHaveProperty('token');

    const [event] = await t.sql<{ type: string; details: Record<string, unknown> }>(
      "SELECT type, details FROM audit_events WHERE type = 'token.created' AND subject_id = $1",
      [user.id],
    );
    expect(event?.details).toMatchObject({ kind: 'personal_access_token', name: 'deploy' });
    expect(JSON.stringify(event)).not.toContain(created.body.token);
  });

  it('refuses scopes the creating credential does not hold', async () => {
    const user = await createUser(t);
    const res = await t.http.post('/api/v1/personal-access-tokens', {
      basic: user.basic,
      body: { name: 'too much', scopes: ['users:read'], expiresAt: null },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', errors: [{ field: 'scopes' }] });

    const narrow = await createPat(t, user, ['profile:read', 'tokens:write']);
    const escalate = await t.http.post('/api/v1/personal-access-tokens', {
      bearer: narrow.token,
      body: { name: 'wider', scopes: ['tokens:read'], expiresAt: null },
    });
    expect(escalate.status).toBe(400);
    expect(
      await t.sql(
        "SELECT 1 FROM credentials WHERE user_id = $1 AND kind IN ('personal_access_token', 'account_token')",
        [user.id],
      ),
    ).toHaveLength(1);
  });

  it('answers 403 insufficient_scope with a challenge naming the missing scope', async () => {
    const user = await createUser(t);
    const { token } = await createPat(t, user, ['profile:read']);
    const res = await t.http.get('/api/v1/personal-access-tokens', { bearer: token });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="latchkey", error="insufficient_scope", scope="tokens:read"',
    );
  });

  it('never lets a token do more than its user: an admin-only scope is dropped for a user', async () => {
    const user = await createUser(t);
    const { token } = await createPat(t, user, ['profile:read', 'tokens:write']);
    const res = await t.http.get('/api/v1/users', { bearer: token });
    expect(res.status).toBe(403);
  });

  it('stops working at once when revoked, and records it', async () => {
    const user = await createUser(t);
    const { id, token } = await createPat(t, user);
    expect((await t.http.get('/api/v1/users/me', { bearer: token })).status).toBe(200);

    const revoked = await t.http.delete(`/api/v1/personal-access-tokens/${id}`, {
      basic: user.basic,
    });
    expect(revoked.status).toBe(204);
    const after = await t.http.get('/api/v1/users/me', { bearer: token });
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const [row] = await t.sql<{ revoked_at: Date | null }>(
      'SELECT revoked_at FROM credentials WHERE id = $1',
      [id],
    );
    expect(row?.revoked_at).toBeInstanceOf(Date);
    expect(
      await t.sql("SELECT 1 FROM audit_events WHERE type = 'token.revoked' AND subject_id = $1", [
        user.id,
      ]),
    ).toHaveLength(1);
    // It stays visible, as inactive.
    const shown = await t.http.get(`/api/v1/personal-access-tokens/${id}`, { basic: user.basic });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ revokedAt: expect.any(String), revokedReason: 'revoked' });
  });

  it('does not let one user read or revoke another user’s token', async () => {
    const owner = await createUser(t);
    const other = await createUser(t);
    const { id, token } = await createPat(t, owner);
    expect(
      (await t.http.delete(`/api/v1/personal-access-tokens/${id}`, { basic: other.basic })).status,
    ).toBe(404);
    expect(
      (await t.http.get(`/api/v1/users/${owner.id}/personal-access-tokens`, { basic: other.basic }))
        .status,
    ).toBe(403);
    expect((await t.http.get('/api/v1/users/me', { bearer: token })).status).toBe(200);
  });

  it('lets an admin list and revoke a user’s tokens', async () => {
    const user = await createUser(t);
    const { id, token } = await createPat(t, user);
    const list = await t.http.get(`/api/v1/users/${user.id}/personal-access-tokens`, {
      basic: ADMIN,
    });
    expect(list.status).toBe(200);
    expect(list.body.items.map((item: { id: string }) => item.id)).toEqual([id]);
    expect(
      (await t.http.get(`/api/v1/users/${user.id}/personal-access-tokens/${id}`, { basic: ADMIN }))
        .body.id,
    ).toBe(id);
    const revoked = await t.http.delete(`/api/v1/users/${user.id}/personal-access-tokens/${id}`, {
      basic: ADMIN,
    });
    expect(revoked.status).toBe(204);
    expect((await t.http.get('/api/v1/users/me', { bearer: token })).status).toBe(401);
  });

  it('expires at expiresAt', async () => {
    const user = await createUser(t);
    const { token } = await createPat(
      t,
      user,
      ['profile:read'],
      new Date(Date.now() + 1500).toISOString(),
    );
    expect((await t.http.get('/api/v1/users/me', { bearer: token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect((await t.http.get('/api/v1/users/me', { bearer: token })).status).toBe(401);
  });

  it('refuses an expiry in the past', async () => {
    const user = await createUser(t);
    const res = await t.http.post('/api/v1/personal-access-tokens', {
      basic: user.basic,
      body: { name: 'old', scopes: ['profile:read'], expiresAt: '2001-01-01T00:00:00Z' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'expiresAt' })]);
  });

  it('records when and from where a token was last used, off the request path', async () => {
    const user = await createUser(t);
    const { id, token } = await createPat(t, user);
    await t.http.get('/api/v1/users/me', { bearer: token });
    await t.app.get(CredentialVerifier).flushUsage();
    const res = await t.http.get(`/api/v1/personal-access-tokens/${id}`, { bearer: token });
    expect(res.body.lastUsedAt).toEqual(expect.any(String));
    expect(res.body.lastUsedIp).toBe('127.0.0.1');
  });

  it('answers 401 while PATs are switched off, and refuses to mint them', async () => {
    const user = await createUser(t);
    const { token } = await createPat(t, user);
    t.config.AUTH_PAT_ENABLED = false;
    try {
      const res = await t.http.get('/api/v1/users/me', { bearer: token });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_credentials');
      expect(
        (
          await t.http.post('/api/v1/personal-access-tokens', {
            basic: user.basic,
            body: { name: 'x', scopes: ['profile:read'], expiresAt: null },
          })
        ).status,
      ).toBe(403);
    } finally {
      t.config.AUTH_PAT_ENABLED = true;
    }
    expect((await t.http.get('/api/v1/users/me', { bearer: token })).status).toBe(200);
  });

  it('keeps working after a signing-key rotation, with the old key still published', async () => {
    const user = await createUser(t);
    const { token } = await createPat(t, user);
    const kid = JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid;
    expect((await t.http.post('/api/v1/signing-keys/rotate', { basic: ADMIN })).status).toBe(201);
    // Past the publishing window of short-lived tokens: only the live PAT keeps the key.
    await t.sql(
      "UPDATE signing_keys SET published_until = now() - interval '1 minute' WHERE kid = $1",
      [kid],
    );
    const jwks = await t.http.get('/.well-known/jwks.json');
    expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toContain(kid);
    expect((await t.http.get('/api/v1/users/me', { bearer: token })).status).toBe(200);
  });

  it('stops a token whose user is disabled', async () => {
    const user = await createUser(t);
    const { token } = await createPat(t, user);
    expect((await t.http.get('/api/v1/users/me', { bearer: token })).status).toBe(200);
    await t.http.patch(`/api/v1/users/${user.id}`, { basic: ADMIN, body: { disabled: true } });
    expect((await t.http.get('/api/v1/users/me', { bearer: token })).status).toBe(401);
  });

  it('keeps no secret: the token cannot be found by hash or value in the database', async () => {
    const user = await createUser(t);
    const { token } = await createPat(t, user);
    const dump = JSON.stringify(await t.sql('SELECT * FROM credentials'));
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(createHash('sha256').update(token).digest('hex'));
  });
});

describe('personal access tokens with PAT_MAX_LIFETIME_DAYS', () => {
  const t = useTestApp({ PAT_MAX_LIFETIME_DAYS: '30' });

  it('refuses tokens that never expire or outlive the cap, and accepts shorter ones', async () => {
    const user = await createUser(t);
    const post = (expiresAt: string | null) =>
      t.http.post('/api/v1/personal-access-tokens', {
        basic: user.basic,
        body: { name: 'capped', scopes: ['profile:read'], expiresAt },
      });
    const never = await post(null);
    expect(never.status).toBe(400);
    expect(never.body.errors[0]).toMatchObject({ field: 'expiresAt' });
    expect((await post(inDays(31))).status).toBe(400);
    const ok = await post(inDays(29));
    expect(ok.status).toBe(201);
    expect(new Date(ok.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
  });
});

describe('account API token', () => {
  const t = useTestApp();

  it('is disabled until PUT, then works as Bearer; a new PUT ends the earlier one at once', async () => {
    const user = await createUser(t);
    const state = await t.http.get('/api/v1/users/me/api-token', { basic: user.basic });
    expect(state.status).toBe(200);
    expect(state.body).toEqual({ enabled: false, createdAt: null, lastUsedAt: null });

    const first = await t.http.request('PUT', '/api/v1/users/me/api-token', { basic: user.basic });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ token: expect.any(String), createdAt: expect.any(String) });
    const me = await t.http.get('/api/v1/users/me', { bearer: first.body.token });
    expect(me.body).toMatchObject({ id: user.id, authMethod: 'api_token' });

    const second = await t.http.request('PUT', `/api/v1/users/${user.id}/api-token`, {
      basic: user.basic,
    });
    expect(second.status).toBe(200);
    expect((await t.http.get('/api/v1/users/me', { bearer: first.body.token })).status).toBe(401);
    expect((await t.http.get('/api/v1/users/me', { bearer: second.body.token })).status).toBe(200);
    const live = await t.sql(
      "SELECT id FROM credentials WHERE user_id = $1 AND kind = 'account_token' AND revoked_at IS NULL",
      [user.id],
    );
    expect(live).toHaveLength(1);
    expect(
      (await t.http.get('/api/v1/users/me/api-token', { basic: user.basic })).body.enabled,
    ).toBe(true);
  });

  it('stops at once when disabled with DELETE', async () => {
    const user = await createUser(t);
    const { body } = await t.http.request('PUT', '/api/v1/users/me/api-token', {
      basic: user.basic,
    });
    const res = await t.http.delete('/api/v1/users/me/api-token', { basic: user.basic });
    expect(res.status).toBe(204);
    expect((await t.http.get('/api/v1/users/me', { bearer: body.token })).status).toBe(401);
    expect(
      (await t.http.get('/api/v1/users/me/api-token', { basic: user.basic })).body.enabled,
    ).toBe(false);
  });

  it('is managed by the user or an admin, nobody else', async () => {
    const user = await createUser(t);
    const other = await createUser(t);
    expect(
      (await t.http.request('PUT', `/api/v1/users/${user.id}/api-token`, { basic: other.basic }))
        .status,
    ).toBe(403);
    const byAdmin = await t.http.request('PUT', `/api/v1/users/${user.id}/api-token`, {
      basic: ADMIN,
    });
    expect(byAdmin.status).toBe(200);
    const me = await t.http.get('/api/v1/users/me', { bearer: byAdmin.body.token });
    expect(me.body.id).toBe(user.id);
    expect(
      (
        await t.http.get('/api/v1/users/00000000-0000-4000-8000-000000000000/api-token', {
          basic: ADMIN,
        })
      ).status,
    ).toBe(404);
  });
});
