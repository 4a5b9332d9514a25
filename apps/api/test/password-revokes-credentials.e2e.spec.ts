import {
  createApiKey,
  createOpaqueToken,
  createPat,
  exchangeApiKey,
  tokenHeader,
} from './factories/credentials.js';
import { createUser, type TestUser } from './factories/users.js';
import type { RequestOptions } from './support/http-client.js';
import { ADMIN, useTestApp, type TestApp } from './support/test-app.js';

/**
 * README "Security choices": a password change or an admin's reset ends every credential of the
 * user unless revokeCredentials is false (ASVS 5.0 7.4.3): what was minted with a stolen
 * password or session does not outlive the change.
 */

type Slot = Pick<RequestOptions, 'bearer' | 'authorization' | 'headers'>;

/** One credential of every kind the user can hold, as the request slot that presents it. */
async function everyCredential(t: TestApp, user: TestUser): Promise<Record<string, Slot>> {
  const pat = await createPat(t, user, ['profile:read']);
  const key = await createApiKey(t, user, ['profile:read']);
  const accountToken = await t.http.request('PUT', '/api/v1/users/me/api-token', {
    basic: user.basic,
  });
  if (accountToken.status !== 200) throw new Error(`account token: ${accountToken.status}`);
  return {
    'personal access token': { bearer: pat.token },
    'opaque token': { headers: { 'x-auth-token': await createOpaqueToken(t, user) } },
    'account token': { bearer: accountToken.body.token },
    'API key': { authorization: tokenHeader(key) },
    'exchanged token': { bearer: await exchangeApiKey(t, key) },
  };
}

async function statuses(t: TestApp, slots: Record<string, Slot>): Promise<Record<string, number>> {
  const entries = await Promise.all(
    Object.entries(slots).map(
      async ([kind, slot]) => [kind, (await t.http.get('/api/v1/users/me', slot)).status] as const,
    ),
  );
  return Object.fromEntries(entries);
}

const NEW_PASSWORD = 'a completely new pass phrase 7';

const CHANGES = [
  {
    name: 'the user changing it',
    change: (t: TestApp, user: TestUser, flag: Record<string, boolean>) =>
      t.http.post('/api/v1/users/me/password', {
        basic: user.basic,
        body: { currentPassword: user.password, newPassword: NEW_PASSWORD, ...flag },
      }),
  },
  {
    name: 'an admin resetting it',
    change: (t: TestApp, user: TestUser, flag: Record<string, boolean>) =>
      t.http.post(`/api/v1/users/${user.id}/password`, {
        basic: ADMIN,
        body: { newPassword: NEW_PASSWORD, ...flag },
      }),
  },
];

describe('a password change ends every credential of the user, unless asked not to', () => {
  const t = useTestApp();

  it.each(CHANGES)(
    'stops them all after $name (revokeCredentials by default)',
    async ({ change }) => {
      const user = await createUser(t);
      const slots = await everyCredential(t, user);
      const everyKind = Object.fromEntries(Object.keys(slots).map((kind) => [kind, 200]));
      expect(await statuses(t, slots)).toEqual(everyKind);

      expect((await change(t, user, {})).status).toBe(204);

      expect(await statuses(t, slots)).toEqual(
        Object.fromEntries(Object.keys(slots).map((kind) => [kind, 401])),
      );
      const rows = await t.sql<{ kind: string; revoked: boolean; reason: string | null }>(
        `SELECT kind, revoked_at IS NOT NULL AND revoked_at <= now() AS revoked, revoked_reason AS reason
       FROM credentials WHERE user_id = $1 ORDER BY kind`,
        [user.id],
      );
      expect(rows).toEqual(
        ['account_token', 'api_key', 'opaque_token', 'personal_access_token'].map((kind) => ({
          kind,
          revoked: true,
          reason: 'revoked',
        })),
      );
    },
  );

  it.each(CHANGES)(
    'keeps them working after $name with revokeCredentials: false',
    async ({ change }) => {
      const user = await createUser(t);
      const slots = await everyCredential(t, user);
      expect((await change(t, user, { revokeCredentials: false })).status).toBe(204);
      expect(await statuses(t, slots)).toEqual(
        Object.fromEntries(Object.keys(slots).map((kind) => [kind, 200])),
      );
      expect(
        await t.sql('SELECT id FROM credentials WHERE user_id = $1 AND revoked_at IS NOT NULL', [
          user.id,
        ]),
      ).toEqual([]);
    },
  );

  it('refuses a revokeCredentials that is not a boolean', async () => {
    const user = await createUser(t);
    const res = await t.http.post('/api/v1/users/me/password', {
      basic: user.basic,
      body: { currentPassword: user.password, newPassword: NEW_PASSWORD, revokeCredentials: 'no' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed' });
  });
});
