import { createApiKey, createOpaqueToken, createPat } from './factories/credentials.js';
import { createUser } from './factories/users.js';
import { basicHeader } from './support/http-client.js';
import { ADMIN, useTestApp } from './support/test-app.js';

const DAY = 86_400_000;

interface Item {
  id: string;
  kind: string;
  ownerId: string;
  ownerLogin: string;
  disabled: boolean;
  revokedReason: string | null;
}

describe('credential inventory', () => {
  const t = useTestApp();

  /** A download as a browser gets it: the raw text, whatever its type. */
  async function download(path: string): Promise<{ text: string; headers: Headers }> {
    const response = await fetch(`${t.http.baseUrl}${path}`, {
      headers: { authorization: basicHeader(...ADMIN) },
    });
    expect(response.status).toBe(200);
    return { text: await response.text(), headers: response.headers };
  }

  async function ids(query: string, owner: string): Promise<string[]> {
    const res = await t.http.get(`/api/v1/credentials?ownerId=${owner}&${query}`, { basic: ADMIN });
    expect(res.status).toBe(200);
    return res.body.items.map((item: Item) => item.id).sort();
  }

  it("lists every user's credentials with their owner, never a secret, and pages them", async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const pat = await createPat(t, alice);
    const key = await createApiKey(t, bob);
    const opaque = await createOpaqueToken(t, bob);
    const res = await t.http.get('/api/v1/credentials?pageSize=200', { basic: ADMIN });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ page: 1, pageSize: 200 });
    const mine = res.body.items.filter((item: Item) => [alice.id, bob.id].includes(item.ownerId));
    expect(mine.map((item: Item) => item.kind).sort()).toEqual([
      'api_key',
      'opaque_token',
      'personal_access_token',
    ]);
    expect(mine.find((item: Item) => item.id === pat.id)).toEqual({
      id: pat.id,
      kind: 'personal_access_token',
      name: expect.any(String),
      ownerId: alice.id,
      ownerLogin: alice.login,
      scopes: ['profile:read', 'tokens:read', 'tokens:write'],
      createdAt: expect.any(String),
      expiresAt: null,
      lastUsedAt: null,
      disabled: false,
      revokedAt: null,
      revokedReason: null,
      rateLimit: null,
    });
    const text = JSON.stringify(res.body);
    for (const secret of [pat.token, key.apiSecret, opaque]) expect(text).not.toContain(secret);

    const first = await t.http.get(`/api/v1/credentials?ownerId=${bob.id}&pageSize=1`, {
      basic: ADMIN,
    });
    const second = await t.http.get(`/api/v1/credentials?ownerId=${bob.id}&pageSize=1&page=2`, {
      basic: ADMIN,
    });
    expect(first.body.total).toBe(2);
    expect(first.body.items).toHaveLength(1);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });

  it('filters by kind, scope, state, expiry, disuse and disabled', async () => {
    const user = await createUser(t);
    const never = await createPat(t, user, ['profile:read']);
    const soon = await createPat(
      t,
      user,
      ['tokens:read'],
      new Date(Date.now() + 3 * DAY).toISOString(),
    );
    const later = await createPat(
      t,
      user,
      ['tokens:read'],
      new Date(Date.now() + 30 * DAY).toISOString(),
    );
    const revoked = await createPat(t, user, ['profile:read']);
    await t.http.request('DELETE', `/api/v1/personal-access-tokens/${revoked.id}`, {
      basic: user.basic,
    });
    await t.http.request('PATCH', `/api/v1/personal-access-tokens/${later.id}`, {
      basic: user.basic,
      body: { disabled: true },
    });
    await t.sql(`UPDATE credentials SET created_at = now() - interval '120 days' WHERE id = $1`, [
      never.id,
    ]);
    const account = await t.http.request('PUT', `/api/v1/users/${user.id}/api-token`, {
      basic: user.basic,
    });
    expect(account.status).toBe(200);
    const [accountRow] = await t.sql<{ id: string }>(
      "SELECT id FROM credentials WHERE user_id = $1 AND kind = 'account_token'",
      [user.id],
    );

    const sorted = (...list: string[]) => list.sort();
    expect(await ids('kind=personal_access_token', user.id)).toEqual(
      sorted(never.id, soon.id, later.id),
    );
    expect(await ids('state=inactive', user.id)).toEqual([revoked.id]);
    expect(await ids('state=all&kind=personal_access_token', user.id)).toEqual(
      sorted(never.id, soon.id, later.id, revoked.id),
    );
    // The account token carries every permission of its user, so it has every scope.
    expect(await ids('scope=profile:read', user.id)).toEqual(sorted(never.id, accountRow!.id));
    expect(await ids('neverExpires=true', user.id)).toEqual(sorted(never.id, accountRow!.id));
    expect(await ids('expiresWithinDays=7', user.id)).toEqual([soon.id]);
    expect(await ids('unusedForDays=90', user.id)).toEqual([never.id]);
    expect(await ids('disabled=true', user.id)).toEqual([later.id]);
  });

  it.each([
    ['an unknown kind', 'kind=password'],
    ['an unknown scope', 'scope=everything'],
    ['an unknown state', 'state=zombie'],
    ['a negative number of days', 'expiresWithinDays=-1'],
    ['days that are no number', 'unusedForDays=many'],
    ['a boolean written otherwise', 'disabled=yes'],
    ['an owner that is no UUID', 'ownerId=12'],
    ['a page of zero', 'page=0'],
    ['a page size beyond 200', 'pageSize=201'],
  ])('refuses %s with 400', async (_case, query) => {
    const res = await t.http.get(`/api/v1/credentials?${query}`, { basic: ADMIN });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it('is for admins holding admin:credentials only', async () => {
    const user = await createUser(t);
    expect((await t.http.get('/api/v1/credentials', { basic: user.basic })).status).toBe(403);
    const adminMe = await t.http.get('/api/v1/users/me', { basic: ADMIN });
    const narrow = await t.http.post('/api/v1/personal-access-tokens', {
      basic: ADMIN,
      body: { name: 'reader', scopes: ['audit:read'], expiresAt: null },
    });
    const res = await t.http.get('/api/v1/credentials', { bearer: narrow.body.token });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    expect(adminMe.body.roles).toContain('admin');
  });

  it('exports the same rows as CSV and NDJSON, streamed as a download', async () => {
    const user = await createUser(t, { login: `eq-${Date.now()}` });
    const pat = await createPat(t, user);
    await t.http.request('PATCH', `/api/v1/personal-access-tokens/${pat.id}`, {
      basic: user.basic,
      body: { name: '=cmd|calc' },
    });
    const key = await createApiKey(t, user);

    const csv = await t.http.get(`/api/v1/credentials/export?ownerId=${user.id}&format=csv`, {
      basic: ADMIN,
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="credentials.csv"');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,kind,name,ownerId,ownerLogin,scopes,createdAt,expiresAt,lastUsedAt,disabled,revokedAt,revokedReason,rateLimit',
    );
    expect(lines).toHaveLength(3);
    expect(csv.text).toContain(`'=cmd|calc`);
    expect(csv.text).not.toContain(key.apiSecret);

    const ndjson = await download(`/api/v1/credentials/export?ownerId=${user.id}&format=ndjson`);
    expect(ndjson.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const rows = ndjson.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Item);
    expect(rows.map((row) => row.id).sort()).toEqual([pat.id, key.id].sort());
  });

  it('exports more rows than one batch, each once', async () => {
    const user = await createUser(t);
    await t.sql(
      `INSERT INTO credentials (user_id, kind, name, scopes, lookup, created_at)
       SELECT $1::uuid, 'personal_access_token', 'bulk ' || n, ARRAY['profile:read'],
              'lookup-' || $1::text || '-' || n,
              now() - (n % 7) * interval '1 second'
       FROM generate_series(1, 1203) AS n`,
      [user.id],
    );
    const res = await download(`/api/v1/credentials/export?ownerId=${user.id}&format=ndjson`);
    const rows = res.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Item);
    expect(rows).toHaveLength(1203);
    expect(new Set(rows.map((row) => row.id)).size).toBe(1203);
  });
});

describe('POST /credentials/bulk', () => {
  const t = useTestApp();

  it('disables and revokes through the credential lifecycle, one result and one audit event each', async () => {
    const user = await createUser(t);
    const pat = await createPat(t, user);
    const key = await createApiKey(t, user);
    const gone = await createPat(t, user);
    await t.http.request('DELETE', `/api/v1/personal-access-tokens/${gone.id}`, {
      basic: user.basic,
    });
    const missing = '00000000-0000-4000-8000-000000000000';

    const disable = await t.http.post('/api/v1/credentials/bulk', {
      basic: ADMIN,
      body: { action: 'disable', ids: [pat.id, gone.id, missing] },
    });
    expect(disable.status).toBe(200);
    expect(disable.body.results).toEqual([
      { id: pat.id, status: 'disabled' },
      { id: gone.id, status: 'unchanged' },
      { id: missing, status: 'not_found' },
    ]);
    expect((await t.http.get('/api/v1/users/me', { bearer: pat.token })).status).toBe(401);
    // Disabled by an admin: its owner cannot switch it back on.
    const lift = await t.http.patch(`/api/v1/personal-access-tokens/${pat.id}`, {
      basic: user.basic,
      body: { disabled: false },
    });
    expect(lift.status).toBe(403);
    expect(lift.body.code).toBe('restricted_by_admin');

    const revoke = await t.http.post('/api/v1/credentials/bulk', {
      basic: ADMIN,
      body: { action: 'revoke', ids: [pat.id, key.id, gone.id] },
    });
    expect(revoke.body.results).toEqual([
      { id: pat.id, status: 'revoked' },
      { id: key.id, status: 'revoked' },
      { id: gone.id, status: 'unchanged' },
    ]);
    const again = await t.http.post('/api/v1/credentials/bulk', {
      basic: ADMIN,
      body: { action: 'disable', ids: [pat.id] },
    });
    expect(again.body.results).toEqual([{ id: pat.id, status: 'unchanged' }]);

    const rows = await t.sql<{
      id: string;
      disabled: boolean;
      disabled_by: string | null;
      revoked_reason: string | null;
    }>(
      'SELECT id, disabled_at IS NOT NULL AS disabled, disabled_by, revoked_reason FROM credentials WHERE user_id = $1',
      [user.id],
    );
    expect(rows.find((row) => row.id === pat.id)).toMatchObject({
      disabled: true,
      disabled_by: 'admin',
      revoked_reason: 'revoked',
    });
    expect(rows.find((row) => row.id === key.id)).toMatchObject({ revoked_reason: 'revoked' });
    const events = await t.sql<{ type: string; details: { id: string }; actor_login: string }>(
      `SELECT type, details, actor_login FROM audit_events
       WHERE subject_id = $1 AND type IN ('token.updated', 'token.revoked', 'api_key.revoked')
       ORDER BY created_at`,
      [user.id],
    );
    const byAdmin = events.filter((event) => event.actor_login === 'admin');
    expect(byAdmin.map((event) => [event.type, event.details.id])).toEqual([
      ['token.updated', pat.id],
      ['token.revoked', pat.id],
      ['api_key.revoked', key.id],
    ]);
  });

  it.each([
    ['an unknown action', { action: 'delete', ids: ['00000000-0000-4000-8000-000000000000'] }],
    ['no ids', { action: 'revoke', ids: [] }],
    ['an id that is no UUID', { action: 'revoke', ids: ['12'] }],
    [
      'more than 500 ids',
      {
        action: 'revoke',
        ids: Array.from(
          { length: 501 },
          (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        ),
      },
    ],
  ])('refuses %s with 400', async (_case, body) => {
    const res = await t.http.post('/api/v1/credentials/bulk', { basic: ADMIN, body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it('is for admins only', async () => {
    const user = await createUser(t);
    const pat = await createPat(t, user);
    const res = await t.http.post('/api/v1/credentials/bulk', {
      basic: user.basic,
      body: { action: 'revoke', ids: [pat.id] },
    });
    expect(res.status).toBe(403);
    expect((await t.http.get('/api/v1/users/me', { bearer: pat.token })).status).toBe(200);
  });
});
