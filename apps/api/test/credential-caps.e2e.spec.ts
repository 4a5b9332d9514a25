import { createApiKey, createPat } from './factories/credentials.js';
import { createUser, type TestUser } from './factories/users.js';
import { ADMIN, useTestApp } from './support/test-app.js';

describe('live PATs and opaque tokens per user are capped', () => {
  const t = useTestApp({ MAX_PATS_PER_USER: '3', MAX_OPAQUE_TOKENS_PER_USER: '2' });

  const liveOf = async (userId: string, kind: string) => {
    const [row] = await t.sql<{ count: number }>(
      `SELECT count(*)::int AS count FROM credentials
       WHERE user_id = $1 AND kind = $2 AND revoked_at IS NULL`,
      [userId, kind],
    );
    return row?.count;
  };

  it('answers 409 past MAX_PATS_PER_USER live PATs, and takes one again once one is revoked', async () => {
    const user = await createUser(t);
    const pats = [];
    for (let i = 0; i < 3; i += 1) pats.push(await createPat(t, user, ['profile:read']));
    const over = await t.http.post('/api/v1/personal-access-tokens', {
      basic: user.basic,
      body: { name: 'one too many', scopes: ['profile:read'], expiresAt: null },
    });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ status: 409, code: 'conflict' });
    expect(over.body.detail).toContain('MAX_PATS_PER_USER');
    expect(await liveOf(user.id, 'personal_access_token')).toBe(3);
    const revoked = await t.http.delete(`/api/v1/personal-access-tokens/${pats[0]?.id}`, {
      basic: user.basic,
    });
    expect(revoked.status).toBe(204);
    expect((await createPat(t, user, ['profile:read'])).token).toEqual(expect.any(String));
  });

  it('answers 409 past MAX_OPAQUE_TOKENS_PER_USER live opaque tokens', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 2; i += 1) {
      expect((await t.http.get('/api/v1/auth/token', { basic: user.basic })).status).toBe(200);
    }
    const over = await t.http.get('/api/v1/auth/token', { basic: user.basic });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ status: 409, code: 'conflict' });
    expect(await liveOf(user.id, 'opaque_token')).toBe(2);
  });
});

describe('credential lists are paginated', () => {
  const t = useTestApp();

  it.each([
    ['own PATs', () => `/api/v1/personal-access-tokens`, 'pat'],
    [
      "a user's PATs (admin)",
      (user: TestUser) => `/api/v1/users/${user.id}/personal-access-tokens`,
      'pat',
    ],
    ["a user's API keys", (user: TestUser) => `/api/v1/users/${user.id}/api-keys`, 'key'],
  ] as const)('pages %s newest first, each once, with the total', async (_name, path, kind) => {
    const user = await createUser(t);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      ids.unshift(
        kind === 'pat'
          ? (await createPat(t, user, ['profile:read'])).id
          : (await createApiKey(t, user)).id,
      );
    }
    const caller = path(user).startsWith('/api/v1/users/') ? ADMIN : user.basic;
    const pages = [];
    for (const page of [1, 2, 3]) {
      const res = await t.http.get(`${path(user)}?pageSize=2&page=${page}`, { basic: caller });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: 5, page, pageSize: 2 });
      pages.push(...res.body.items.map((item: { id: string }) => item.id));
    }
    expect(pages).toEqual(ids);
    const all = await t.http.get(path(user), { basic: caller });
    expect(all.body).toMatchObject({ total: 5, page: 1, pageSize: 100 });
    expect(all.body.items).toHaveLength(5);
  });

  it.each(['pageSize=0', 'pageSize=101', 'page=0', 'page=x', 'pageSize=1.5'])(
    'refuses %s with 400',
    async (query) => {
      const user = await createUser(t);
      const res = await t.http.get(`/api/v1/personal-access-tokens?${query}`, {
        basic: user.basic,
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    },
  );
});
