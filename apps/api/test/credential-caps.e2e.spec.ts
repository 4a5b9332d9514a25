import { createPat } from './factories/credentials.js';
import { createUser } from './factories/users.js';
import { useTestApp } from './support/test-app.js';

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
