import { SCOPES, scopesForRoles, type Scope } from '@latchkey/contracts';
import { createApiKey, createPat } from './factories/credentials.js';
import { createUser, type TestUser } from './factories/users.js';
import type { TestResponse } from './support/http-client.js';
import { ADMIN, useTestApp, type TestApp } from './support/test-app.js';

/** Every scope but the admin ones: what an admin token narrowed to "tokens" used to be enough for. */
const ALL_BUT_ADMIN: Scope[] = SCOPES.filter((scope) => !scope.startsWith('admin:'));

/** A PAT of the user's own with these scopes (the factory's name would grow too long). */
async function patWith(t: TestApp, user: TestUser, scopes: Scope[]): Promise<{ token: string }> {
  const res = await t.http.post('/api/v1/personal-access-tokens', {
    basic: user.basic,
    body: { name: 'narrowed', scopes, expiresAt: null },
  });
  if (res.status !== 201) throw new Error(`PAT not created: ${res.status} ${res.text}`);
  return { token: res.body.token as string };
}

/** What another user holds that an admin route could act on. */
interface Target {
  user: TestUser;
  pat: { id: string; token: string };
  key: { id: string; apiKey: string; apiSecret: string };
}

async function targetOf(t: TestApp): Promise<Target> {
  const user = await createUser(t);
  const pat = await createPat(t, user, ['profile:read']);
  const key = await createApiKey(t, user, ['profile:read']);
  const token = await t.http.request('PUT', `/api/v1/users/${user.id}/api-token`, {
    basic: user.basic,
  });
  if (token.status !== 200) throw new Error(`account token not enabled: ${token.status}`);
  const login = await t.http.post('/api/v1/auth/login', {
    body: { login: user.login, password: user.password },
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  return { user, pat, key };
}

/** Everything an admin route could change: credentials, sessions and signing keys. */
function adminVisibleState(t: TestApp): Promise<unknown[]> {
  return t.sql(
    `SELECT (SELECT json_agg(json_build_object('id', id, 'name', name, 'disabled', disabled_at,
              'revoked', revoked_at, 'secret', encode(secret_hash, 'hex'),
              'limit', rate_limit_requests) ORDER BY id) FROM credentials) AS credentials,
            (SELECT json_agg(json_build_object('id', id, 'revoked', revoked_at) ORDER BY id)
               FROM sessions) AS sessions,
            (SELECT json_agg(kid ORDER BY kid) FROM signing_keys) AS keys`,
  );
}

type AdminCall = (t: TestApp, bearer: string, target: Target) => Promise<TestResponse>;

interface AdminRoute {
  name: string;
  scope: 'admin:credentials' | 'admin:keys';
  call: AdminCall;
  /** What it answers when allowed. */
  ok: number;
}

const patPath = ({ user, pat }: Target) =>
  `/api/v1/users/${user.id}/personal-access-tokens/${pat.id}`;

const ADMIN_ROUTES: AdminRoute[] = [
  {
    name: "lists a user's PATs",
    scope: 'admin:credentials',
    ok: 200,
    call: (t, bearer, { user }) =>
      t.http.get(`/api/v1/users/${user.id}/personal-access-tokens`, { bearer }),
  },
  {
    name: "reads a user's PAT",
    scope: 'admin:credentials',
    ok: 200,
    call: (t, bearer, target) => t.http.get(patPath(target), { bearer }),
  },
  {
    name: "renames a user's PAT",
    scope: 'admin:credentials',
    ok: 200,
    call: (t, bearer, target) => t.http.patch(patPath(target), { bearer, body: { name: 'x' } }),
  },
  {
    name: "disables a user's PAT",
    scope: 'admin:credentials',
    ok: 200,
    call: (t, bearer, target) =>
      t.http.patch(patPath(target), { bearer, body: { disabled: true } }),
  },
  {
    name: "rate-limits a user's PAT",
    scope: 'admin:credentials',
    ok: 200,
    call: (t, bearer, target) =>
      t.http.patch(patPath(target), {
        bearer,
        body: { rateLimit: { requests: 1, perSeconds: 60 } },
      }),
  },
  {
    name: "rotates a user's PAT",
    scope: 'admin:credentials',
    ok: 201,
    call: (t, bearer, target) => t.http.post(`${patPath(target)}/rotate`, { bearer, body: {} }),
  },
  {
    name: "revokes a user's PAT",
    scope: 'admin:credentials',
    ok: 204,
    call: (t, bearer, target) => t.http.delete(patPath(target), { bearer }),
  },
  {
    name: "lists a user's API keys",
    scope: 'admin:credentials',
    ok: 200,
    call: (t, bearer, { user }) => t.http.get(`/api/v1/users/${user.id}/api-keys`, { bearer }),
  },
  {
    name: 'creates an API key for a user',
    scope: 'admin:credentials',
    ok: 201,
    call: (t, bearer, { user }) =>
      t.http.post(`/api/v1/users/${user.id}/api-keys`, {
        bearer,
        body: { name: 'made by admin', scopes: ['profile:read'] },
      }),
  },
  {
    name: "disables a user's API key",
    scope: 'admin:credentials',
    ok: 200,
    call: (t, bearer, { key }) =>
      t.http.patch(`/api/v1/api-keys/${key.id}`, { bearer, body: { disabled: true } }),
  },
  {
    name: "rotates a user's API secret",
    scope: 'admin:credentials',
    ok: 200,
    call: (t, bearer, { key }) => t.http.post(`/api/v1/api-keys/${key.id}/secret`, { bearer }),
  },
  {
    name: "revokes a user's API key",
    scope: 'admin:credentials',
    ok: 204,
    call: (t, bearer, { key }) => t.http.delete(`/api/v1/api-keys/${key.id}`, { bearer }),
  },
  {
    name: "reads a user's account token state",
    scope: 'admin:credentials',
    ok: 200,
    call: (t, bearer, { user }) => t.http.get(`/api/v1/users/${user.id}/api-token`, { bearer }),
  },
  {
    name: "disables a user's account token",
    scope: 'admin:credentials',
    ok: 204,
    call: (t, bearer, { user }) => t.http.delete(`/api/v1/users/${user.id}/api-token`, { bearer }),
  },
  {
    name: "lists a user's sessions",
    scope: 'admin:credentials',
    ok: 200,
    call: (t, bearer, { user }) => t.http.get(`/api/v1/users/${user.id}/sessions`, { bearer }),
  },
  {
    name: "ends a user's sessions",
    scope: 'admin:credentials',
    ok: 204,
    call: (t, bearer, { user }) => t.http.delete(`/api/v1/users/${user.id}/sessions`, { bearer }),
  },
  {
    name: "reads the usage of a user's PAT",
    scope: 'admin:credentials',
    ok: 200,
    call: (t, bearer, target) => t.http.get(`${patPath(target)}/usage`, { bearer }),
  },
  {
    name: "reads the usage of a user's API key",
    scope: 'admin:credentials',
    ok: 200,
    call: (t, bearer, { key }) => t.http.get(`/api/v1/api-keys/${key.id}/usage`, { bearer }),
  },
  {
    name: "reads the usage of a user's account token",
    scope: 'admin:credentials',
    ok: 200,
    call: (t, bearer, { user }) =>
      t.http.get(`/api/v1/users/${user.id}/api-token/usage`, { bearer }),
  },
  {
    name: 'lists every credential (the inventory)',
    scope: 'admin:credentials',
    ok: 200,
    call: (t, bearer) => t.http.get('/api/v1/credentials', { bearer }),
  },
  {
    name: 'lists the signing keys',
    scope: 'admin:keys',
    ok: 200,
    call: (t, bearer) => t.http.get('/api/v1/signing-keys', { bearer }),
  },
  {
    name: 'rotates the signing keys',
    scope: 'admin:keys',
    ok: 201,
    call: (t, bearer) => t.http.post('/api/v1/signing-keys/rotate', { bearer }),
  },
];

describe('admin scopes: an admin token does only what its scopes name', () => {
  const t = useTestApp();

  it.each(ADMIN_ROUTES)(
    'refuses an admin PAT without $scope that $name, and changes nothing',
    async ({ scope, call }) => {
      const admin = await createUser(t, { roles: ['admin'] });
      const narrow = await patWith(t, admin, ALL_BUT_ADMIN);
      const target = await targetOf(t);
      const before = await adminVisibleState(t);
      const res = await call(t, narrow.token, target);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'insufficient_scope' });
      expect(res.headers.get('www-authenticate')).toContain(`scope="${scope}"`);
      expect(await adminVisibleState(t)).toEqual(before);
    },
  );

  it.each(ADMIN_ROUTES)('lets an admin PAT with $scope that $name', async ({ scope, call, ok }) => {
    const admin = await createUser(t, { roles: ['admin'] });
    const named = await createPat(t, admin, [scope, 'profile:read']);
    const target = await targetOf(t);
    expect((await call(t, named.token, target)).status).toBe(ok);
  });

  it('keeps tokens:write enough for the caller’s own credentials, and a session enough for all', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const own = await createPat(t, admin, ['tokens:read', 'tokens:write']);
    const listed = await t.http.get('/api/v1/personal-access-tokens', { bearer: own.token });
    expect(listed.status).toBe(200);
    const self = await t.http.get(`/api/v1/users/${admin.id}/api-keys`, { bearer: own.token });
    expect(self.status).toBe(200);
    const login = await t.http.post('/api/v1/auth/login', {
      body: { login: ADMIN[0], password: ADMIN[1] },
    });
    const session = login.body.access_token as string;
    // Rotating a PAT that never expires mints one: a re-authenticated session only (step-up).
    const reauthenticated = await t.http.post('/api/v1/auth/reauthenticate', {
      bearer: session,
      body: { password: ADMIN[1] },
    });
    expect(reauthenticated.status).toBe(200);
    for (const route of ADMIN_ROUTES) {
      const res = await route.call(t, session, await targetOf(t));
      expect([route.name, res.status]).toEqual([route.name, route.ok]);
    }
  }, 120_000);

  it('answers a plain user acting on another user’s credentials as before: 403 forbidden or 404', async () => {
    const user = await createUser(t);
    const all = await patWith(t, user, scopesForRoles(['user']));
    const target = await targetOf(t);
    const before = await adminVisibleState(t);
    for (const route of ADMIN_ROUTES) {
      const res = await route.call(t, all.token, target);
      expect([route.name, [403, 404].includes(res.status)]).toEqual([route.name, true]);
    }
    expect(await adminVisibleState(t)).toEqual(before);
  });
});
