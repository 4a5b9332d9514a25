import { SCOPES, scopesForRoles, type Role, type Scope } from '@latchkey/contracts';
import {
  createApiKey,
  createOpaqueToken,
  createPat,
  exchangeApiKey,
  form,
  tokenHeader,
} from './factories/credentials.js';
import { createUser } from './factories/users.js';
import {
  CREDENTIAL_KINDS,
  SCOPE_PROBES,
  type Caller,
  type CredentialKind,
  type RoledUser,
} from './support/credential-kinds.js';
import type { TestResponse } from './support/http-client.js';
import { ADMIN, useTestApp, type TestApp } from './support/test-app.js';

/**
 * README "Permission ceiling": nothing minted may do more, or live longer, than the credential
 * that minted it (unless the minter proved its user recently: step-up), and the account token
 * (every permission of its user) needs the person themself.
 */

async function roledUser(t: TestApp, roles: Role[]): Promise<RoledUser> {
  return { ...(await createUser(t, { roles })), roles };
}

/** Everything that would show that a credential was minted or a secret changed. */
function mintedState(t: TestApp): Promise<unknown[]> {
  return t.sql(
    `SELECT (SELECT count(*) FROM credentials WHERE kind IN ('personal_access_token', 'account_token')) AS tokens,
            (SELECT count(*) FROM credentials WHERE kind = 'api_key') AS keys,
            (SELECT count(*) FROM credentials WHERE kind = 'opaque_token') AS opaque,
            (SELECT string_agg(encode(secret_hash, 'hex'), ',' ORDER BY id) FROM credentials) AS secrets`,
  );
}

/** The credential may do exactly what `scopes` allow: each scope's probe is refused or let through. */
async function expectCanDoExactly(call: Caller, scopes: readonly Scope[]): Promise<void> {
  const outcomes: Record<string, number> = {};
  const expected: Record<string, string> = {};
  for (const scope of SCOPES) {
    outcomes[scope] = (await SCOPE_PROBES[scope](call)).status;
    expected[scope] = scopes.includes(scope) ? 'allowed' : 'refused';
  }
  const seen = Object.fromEntries(
    Object.entries(outcomes).map(([scope, status]) => [
      scope,
      status === 403 ? 'refused' : status === 401 ? 'unauthenticated' : 'allowed',
    ]),
  );
  expect(seen).toEqual(expected);
}

const bearerOf =
  (t: TestApp, token: string): Caller =>
  (method, path, options = {}) =>
    t.http.request(method, path, { ...options, bearer: token });

const keyCaller =
  (t: TestApp, apiKey: string, apiSecret: string): Caller =>
  (method, path, options = {}) =>
    t.http.request(method, path, { ...options, authorization: `token ${apiKey}:${apiSecret}` });

describe('permission ceiling: the reported escalations', () => {
  const t = useTestApp();

  it('refuses to enable the account token with a PAT that holds only tokens:write', async () => {
    const user = await createUser(t);
    const { token } = await createPat(t, user, ['tokens:write']);
    const res = await t.http.request('PUT', '/api/v1/users/me/api-token', { bearer: token });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 403, code: 'forbidden' });
    expect(res.body).not.toHaveProperty('token');
    expect(
      await t.sql("SELECT id FROM credentials WHERE user_id = $1 AND kind = 'account_token'", [
        user.id,
      ]),
    ).toEqual([]);
    expect(
      await t.sql(
        "SELECT id FROM audit_events WHERE type = 'token.created' AND subject_id = $1 AND details->>'kind' = 'account_token'",
        [user.id],
      ),
    ).toEqual([]);
  });

  it("refuses an admin's narrow PAT minting an account token that acts as another user", async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const victim = await createUser(t);
    const { token } = await createPat(t, admin, ['tokens:write', 'admin:credentials']);
    const res = await t.http.request('PUT', `/api/v1/users/${victim.id}/api-token`, {
      bearer: token,
    });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'forbidden' });
    expect(
      await t.sql(
        "SELECT id FROM credentials WHERE user_id = $1 AND kind IN ('personal_access_token', 'account_token')",
        [victim.id],
      ),
    ).toEqual([]);
    // The narrow PAT itself still cannot read users or the audit log.
    expect((await t.http.get('/api/v1/users', { bearer: token })).status).toBe(403);
    expect((await t.http.get('/api/v1/audit-events', { bearer: token })).status).toBe(403);
  });

  it("refuses an admin's narrow PAT rotating the secret of a key that can do more", async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const owner = await createUser(t, { roles: ['admin'] });
    const key = await createApiKey(t, owner, ['users:read', 'audit:read', 'tokens:write']);
    const { token } = await createPat(t, admin, ['admin:credentials']);
    const [before] = await t.sql<{ hash: string }>(
      "SELECT encode(secret_hash, 'hex') AS hash FROM credentials WHERE id = $1",
      [key.id],
    );

    const res = await t.http.post(`/api/v1/api-keys/${key.id}/secret`, { bearer: token });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'forbidden' });
    expect(res.body).not.toHaveProperty('apiSecret');
    const [after] = await t.sql<{ hash: string; rotated: Date | null }>(
      "SELECT encode(secret_hash, 'hex') AS hash, secret_rotated_at AS rotated FROM credentials WHERE id = $1",
      [key.id],
    );
    expect(after).toEqual({ hash: before?.hash, rotated: null });
    const stillWorks = await t.http.get('/api/v1/users', { authorization: tokenHeader(key) });
    expect(stillWorks.status).toBe(200);
  });

  it("refuses a plain user's PAT rotating the secret of the user's own key (admins only)", async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user, ['profile:read']);
    const { token } = await createPat(t, user, ['tokens:write', 'profile:read']);
    const res = await t.http.post(`/api/v1/api-keys/${key.id}/secret`, { bearer: token });
    expect(res.status).toBe(403);
    expect(
      await t.sql('SELECT id FROM credentials WHERE id = $1 AND secret_rotated_at IS NULL', [
        key.id,
      ]),
    ).toHaveLength(1);
  });

  it("lets a re-authenticated admin session enable another user's account token, carrying only that user's permissions", async () => {
    const user = await roledUser(t, ['user']);
    const login = await t.http.post('/api/v1/auth/login', {
      body: { login: ADMIN[0], password: ADMIN[1] },
    });
    const reauthenticated = await t.http.post('/api/v1/auth/reauthenticate', {
      bearer: login.body.access_token,
      body: { password: ADMIN[1] },
    });
    expect(reauthenticated.status).toBe(200);
    const res = await t.http.request('PUT', `/api/v1/users/${user.id}/api-token`, {
      bearer: login.body.access_token,
    });
    expect(res.status).toBe(200);
    await expectCanDoExactly(bearerOf(t, res.body.token), scopesForRoles(['user']));
    expect(
      await t.sql(
        "SELECT id FROM credentials WHERE user_id = $1 AND kind = 'account_token' AND revoked_at IS NULL",
        [user.id],
      ),
    ).toHaveLength(1);
  });

  it("gives an admin-made key at most the intersection of the admin's credential and the user's roles", async () => {
    const user = await roledUser(t, ['user']);
    const res = await t.http.post(`/api/v1/users/${user.id}/api-keys`, {
      basic: ADMIN,
      body: { name: 'too much', scopes: ['profile:read', 'users:read'] },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', errors: [{ field: 'scopes' }] });
    expect(
      await t.sql("SELECT id FROM credentials WHERE user_id = $1 AND kind = 'api_key'", [user.id]),
    ).toEqual([]);
  });
});

/** What a minting endpoint answered, and the credential it minted when it did. */
interface MintOutcome {
  res: TestResponse;
  minted?: Caller;
}

/** What a mint answered: the credential `caller` makes of its body when the status is `ok`. */
function outcome(
  res: TestResponse,
  ok: number,
  caller: (body: Record<string, string>) => Caller,
): MintOutcome {
  return { res, ...(res.status === ok ? { minted: caller(res.body) } : {}) };
}

/**
 * How long what it mints lives: `chosen` by the caller (a PAT that never expires: refused with
 * 400 beyond a minter that expires), `never` by its kind (refused with 403), or `fixed` by its
 * kind (cut to the minter's expiry).
 */
type MintLifetime = 'chosen' | 'never' | 'fixed';

interface MintCase {
  name: string;
  lifetime: MintLifetime;
  /** Makes what the mint acts on (an API key id), before the database is looked at. */
  prepare?(ctx: MintContext): Promise<string>;
  mint(ctx: MintContext, prepared: string): Promise<MintOutcome>;
  /** null: refused with this status; else the scopes the minted credential must hold exactly. */
  expected(minter: MinterFacts): Expected;
}

type Expected = { refused: 400 | 401 | 403 } | { scopes: readonly Scope[] };

interface MinterFacts {
  interactive: boolean;
  scopes: readonly Scope[];
  /** It stops by itself (a session's access token, an opaque or exchanged token). */
  expires: boolean;
  /** A session, which may re-authenticate (401 reauthentication_required rather than 400/403). */
  session: boolean;
  /** Proved its user recently (POST /auth/reauthenticate) or in the request (Basic). */
  reauthenticated: boolean;
}

/** The ceiling on lifetime, after the one on scopes: what `expected` says, or its refusal. */
function withLifetime(mintCase: MintCase, minter: MinterFacts): Expected {
  const byScopes = mintCase.expected(minter);
  const capped = minter.expires && !minter.reauthenticated && mintCase.lifetime !== 'fixed';
  if ('refused' in byScopes || !capped) return byScopes;
  return { refused: minter.session ? 401 : mintCase.lifetime === 'chosen' ? 400 : 403 };
}

interface MintContext {
  t: TestApp;
  call: Caller;
  /** The admin the minting credential acts for. */
  self: RoledUser;
  /** Another admin and a plain user, for minting across users. */
  otherAdmin: RoledUser;
  plainUser: RoledUser;
  minterScopes: readonly Scope[];
}

const ALL_ADMIN = scopesForRoles(['admin']);
const USER_SCOPES = scopesForRoles(['user']);
const NARROW: Scope[] = ['profile:read', 'tokens:write', 'admin:credentials'];

const beyond = (asked: readonly Scope[], held: readonly Scope[]) =>
  asked.some((scope) => !held.includes(scope));
const within = (asked: readonly Scope[], held: readonly Scope[], status: 400 | 403) =>
  beyond(asked, held) ? { refused: status } : { scopes: asked };
const interactiveOnly = (minter: MinterFacts, scopes: readonly Scope[]) =>
  minter.interactive ? { scopes } : { refused: 403 as const };

const MINT_CASES: MintCase[] = [
  {
    name: 'POST /personal-access-tokens asking for every scope',
    lifetime: 'chosen',
    mint: async ({ t, call }) => {
      const res = await call('POST', '/api/v1/personal-access-tokens', {
        body: { name: 'all', scopes: SCOPES, expiresAt: null },
      });
      return outcome(res, 201, (body) => bearerOf(t, body.token));
    },
    expected: (minter) => within(SCOPES, minter.scopes, 400),
  },
  {
    name: "POST /personal-access-tokens asking for the minter's own scopes",
    lifetime: 'chosen',
    mint: async ({ t, call, minterScopes }) => {
      const res = await call('POST', '/api/v1/personal-access-tokens', {
        body: { name: 'same', scopes: minterScopes, expiresAt: null },
      });
      return outcome(res, 201, (body) => bearerOf(t, body.token));
    },
    expected: (minter) => ({ scopes: minter.scopes }),
  },
  {
    name: 'PUT /users/me/api-token',
    lifetime: 'never',
    mint: async ({ t, call }) => {
      const res = await call('PUT', '/api/v1/users/me/api-token');
      return outcome(res, 200, (body) => bearerOf(t, body.token));
    },
    expected: (minter) => interactiveOnly(minter, ALL_ADMIN),
  },
  {
    name: 'PUT /users/{id}/api-token of another user',
    lifetime: 'never',
    mint: async ({ t, call, plainUser }) => {
      const res = await call('PUT', `/api/v1/users/${plainUser.id}/api-token`);
      return outcome(res, 200, (body) => bearerOf(t, body.token));
    },
    expected: (minter) => interactiveOnly(minter, USER_SCOPES),
  },
  {
    name: 'POST /users/me/api-keys asking for every scope',
    lifetime: 'never',
    mint: async ({ t, call }) => {
      const res = await call('POST', '/api/v1/users/me/api-keys', {
        body: { name: 'all', scopes: SCOPES },
      });
      return outcome(res, 201, (body) => keyCaller(t, body.apiKey, body.apiSecret));
    },
    expected: (minter) => within(SCOPES, minter.scopes, 400),
  },
  {
    name: "POST /users/{id}/api-keys for another admin, asking for the minter's scopes",
    lifetime: 'never',
    mint: async ({ t, call, otherAdmin, minterScopes }) => {
      const res = await call('POST', `/api/v1/users/${otherAdmin.id}/api-keys`, {
        body: { name: 'same', scopes: minterScopes },
      });
      return outcome(res, 201, (body) => keyCaller(t, body.apiKey, body.apiSecret));
    },
    expected: (minter) => ({ scopes: minter.scopes }),
  },
  {
    name: 'POST /users/{id}/api-keys for another admin, asking for every scope',
    lifetime: 'never',
    mint: async ({ t, call, otherAdmin }) => {
      const res = await call('POST', `/api/v1/users/${otherAdmin.id}/api-keys`, {
        body: { name: 'all', scopes: SCOPES },
      });
      return outcome(res, 201, (body) => keyCaller(t, body.apiKey, body.apiSecret));
    },
    expected: (minter) => within(SCOPES, minter.scopes, 400),
  },
  {
    name: "POST /users/{id}/api-keys for a plain user, asking for the minter's scopes",
    lifetime: 'never',
    mint: async ({ t, call, plainUser, minterScopes }) => {
      const res = await call('POST', `/api/v1/users/${plainUser.id}/api-keys`, {
        body: { name: 'same', scopes: minterScopes },
      });
      return outcome(res, 201, (body) => keyCaller(t, body.apiKey, body.apiSecret));
    },
    // At most the intersection of the minter's permissions and the user's roles.
    expected: (minter) => within(minter.scopes, USER_SCOPES, 400),
  },
  {
    name: "POST /api-keys/{id}/secret of another admin's key holding every scope",
    lifetime: 'never',
    prepare: async ({ t, otherAdmin }) => (await createApiKey(t, otherAdmin, SCOPES)).id,
    mint: async ({ t, call }, keyId) => {
      const res = await call('POST', `/api/v1/api-keys/${keyId}/secret`);
      return outcome(res, 200, (body) => keyCaller(t, body.apiKey, body.apiSecret));
    },
    expected: (minter) => within(SCOPES, minter.scopes, 403),
  },
  {
    name: "POST /api-keys/{id}/secret of a key within the minter's scopes",
    lifetime: 'never',
    prepare: async ({ t, otherAdmin, minterScopes }) =>
      (await createApiKey(t, otherAdmin, [...minterScopes])).id,
    mint: async ({ t, call }, keyId) => {
      const res = await call('POST', `/api/v1/api-keys/${keyId}/secret`);
      return outcome(res, 200, (body) => keyCaller(t, body.apiKey, body.apiSecret));
    },
    expected: (minter) => ({ scopes: minter.scopes }),
  },
  {
    name: 'GET /auth/token',
    lifetime: 'fixed',
    mint: async ({ t, call }) => {
      const res = await call('GET', '/api/v1/auth/token');
      return outcome(res, 200, (body) => bearerOf(t, body.access_token));
    },
    expected: (minter) => interactiveOnly(minter, ALL_ADMIN),
  },
  {
    name: 'POST /auth/token',
    lifetime: 'fixed',
    mint: async ({ t, call }) => {
      const res = await call('POST', '/api/v1/auth/token');
      return outcome(res, 200, (body) => bearerOf(t, body.access_token));
    },
    expected: (minter) => interactiveOnly(minter, ALL_ADMIN),
  },
];

const byName = (name: string): CredentialKind => {
  const kind = CREDENTIAL_KINDS.find((candidate) => candidate.name === name);
  if (!kind) throw new Error(`no credential kind ${name}`);
  return kind;
};

/** The minting credentials that stop by themselves (a PAT here is made never to expire). */
const EXPIRING = [
  'exchanged JWT (POST /sessions)',
  'exchanged JWT (client_credentials, scope narrowed)',
  'opaque token in X-Auth-Token',
  'session access JWT',
];

interface MinterSpec {
  label: string;
  kind: CredentialKind;
  scopes: readonly Scope[];
  /** A session that proves its user again (POST /auth/reauthenticate) before it mints. */
  reauthenticate?: true;
}

/** The credentials that mint, all acting for an admin: narrowed ones, and whole ones. */
const MINTERS: MinterSpec[] = [
  ...CREDENTIAL_KINDS.filter((kind) => kind.narrowable).map((kind) => ({
    label: `${kind.name} narrowed to ${NARROW.join(' ')}`,
    kind,
    scopes: NARROW,
  })),
  ...[
    'account API token',
    'opaque token in X-Auth-Token',
    'session access JWT',
    'Basic login:password',
  ].map((name) => ({ label: `${name} (every permission)`, kind: byName(name), scopes: ALL_ADMIN })),
  {
    label: 'session access JWT, re-authenticated (every permission)',
    kind: byName('session access JWT'),
    scopes: ALL_ADMIN,
    reauthenticate: true,
  },
];

function factsOf({ kind, scopes, reauthenticate }: MinterSpec): MinterFacts {
  const session = kind.name === 'session access JWT';
  return {
    interactive: kind.interactive,
    scopes,
    expires: EXPIRING.includes(kind.name),
    session,
    reauthenticated: kind.name === 'Basic login:password' || reauthenticate === true,
  };
}

describe('permission ceiling: every minting endpoint, walked with every minting credential', () => {
  const t = useTestApp();

  describe.each(MINTERS)('$label', (minter) => {
    const { kind, scopes } = minter;
    const facts = factsOf(minter);
    const ctx = {} as MintContext;
    beforeAll(async () => {
      const self = await roledUser(t, ['admin']);
      Object.assign(ctx, {
        t,
        self,
        otherAdmin: await roledUser(t, ['admin']),
        plainUser: await roledUser(t, ['user']),
        minterScopes: scopes,
        call: await kind.issue(t, self, kind.narrowable ? [...scopes] : undefined),
      });
    });

    beforeEach(async () => {
      if (!minter.reauthenticate) return;
      const res = await ctx.call('POST', '/api/v1/auth/reauthenticate', {
        body: { password: ctx.self.password },
      });
      expect(res.status).toBe(200);
    });

    it.each(MINT_CASES)('$name', async (mintCase) => {
      const expected = withLifetime(mintCase, facts);
      const prepared = mintCase.prepare ? await mintCase.prepare(ctx) : '';
      const before = await mintedState(t);
      const { res, minted } = await mintCase.mint(ctx, prepared);
      if ('refused' in expected) {
        expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({
          status: expected.refused,
          type: expect.stringContaining('application/problem+json'),
        });
        expect(res.text).not.toMatch(/lks_|lkt_|"token"/);
        // Nothing was minted, and no secret changed.
        expect(await mintedState(t)).toEqual(before);
        return;
      }
      expect([200, 201]).toContain(res.status);
      if (!minted) throw new Error('the endpoint answered 2xx without a credential');
      if (mintCase.lifetime === 'fixed' && facts.expires && !facts.reauthenticated) {
        // Cut to the minter's expiry: a session's access token ends within AUTH_ACCESS_TOKEN_TTL.
        expect(res.body.expires_in).toBeLessThanOrEqual(t.config.AUTH_ACCESS_TOKEN_TTL);
      }
      await expectCanDoExactly(minted, expected.scopes);
    });
  });
});

describe('permission ceiling: exchanges of a narrow API key', () => {
  const t = useTestApp();

  it('POST /sessions gives a token that can do no more than the key', async () => {
    const user = await createUser(t, { roles: ['admin'] });
    const key = await createApiKey(t, user, NARROW);
    const res = await t.http.post('/api/v1/sessions', {
      body: { type: 'api-key', key: key.apiKey, secret: key.apiSecret },
    });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe(NARROW.join(' '));
    await expectCanDoExactly(bearerOf(t, res.body.access_token), NARROW);
  });

  it('client_credentials refuses a scope beyond the key with invalid_scope', async () => {
    const user = await createUser(t, { roles: ['admin'] });
    const key = await createApiKey(t, user, NARROW);
    const res = await t.http.post('/api/v1/oauth/token', {
      basic: [key.apiKey, key.apiSecret],
      ...form({ grant_type: 'client_credentials', scope: 'profile:read users:write' }),
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_scope', error_description: expect.any(String) });
    expect(res.body).not.toHaveProperty('access_token');
  });

  it('client_credentials narrows to the scope asked for', async () => {
    const user = await createUser(t, { roles: ['admin'] });
    const key = await createApiKey(t, user, NARROW);
    const res = await t.http.post('/api/v1/oauth/token', {
      basic: [key.apiKey, key.apiSecret],
      ...form({ grant_type: 'client_credentials', scope: 'profile:read' }),
    });
    expect(res.status).toBe(200);
    await expectCanDoExactly(bearerOf(t, res.body.access_token), ['profile:read']);
  });

  it("stays within its user's roles after the user loses a role", async () => {
    const user = await createUser(t, { roles: ['admin'] });
    const key = await createApiKey(t, user, ['profile:read', 'users:read', 'tokens:write']);
    const demoted = await t.http.patch(`/api/v1/users/${user.id}`, {
      basic: ADMIN,
      body: { roles: ['user'] },
    });
    expect(demoted.status).toBe(200);
    const exchanged = await t.http.post('/api/v1/sessions', {
      body: { type: 'api-key', key: key.apiKey, secret: key.apiSecret },
    });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body.scope).toBe('profile:read tokens:write');
    await expectCanDoExactly(bearerOf(t, exchanged.body.access_token), [
      'profile:read',
      'tokens:write',
    ]);
    // And the key's holder may not mint a PAT with the role it lost.
    const pat = await t.http.post('/api/v1/personal-access-tokens', {
      authorization: tokenHeader(key),
      body: { name: 'lost', scopes: ['users:read'], expiresAt: null },
    });
    expect(pat.status).toBe(400);
    expect(
      await t.sql(
        "SELECT id FROM credentials WHERE user_id = $1 AND kind IN ('personal_access_token', 'account_token')",
        [user.id],
      ),
    ).toEqual([]);
  });
});

describe('permission ceiling: nothing minted outlives its minter', () => {
  const t = useTestApp();
  const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

  const patsOf = (userId: string) =>
    t.sql<{ expires_at: Date | null }>(
      "SELECT expires_at FROM credentials WHERE user_id = $1 AND kind = 'personal_access_token'",
      [userId],
    );

  it.each([
    [
      'a 30-minute opaque token',
      async (user: RoledUser) => ({
        headers: { 'x-auth-token': await createOpaqueToken(t, user) },
      }),
    ],
    [
      'a 1-hour exchanged token',
      async (user: RoledUser) => ({
        bearer: await exchangeApiKey(
          t,
          await createApiKey(t, user, ['profile:read', 'tokens:write']),
        ),
      }),
    ],
  ] as const)(
    'refuses %s minting a PAT that never expires, or one that outlives it',
    async (_name, credential) => {
      const user = await roledUser(t, ['user']);
      const slot = await credential(user);
      for (const expiresAt of [null, inMinutes(120)]) {
        const res = await t.http.post('/api/v1/personal-access-tokens', {
          ...slot,
          body: { name: 'outlives', scopes: ['profile:read'], expiresAt },
        });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({
          code: 'validation_failed',
          errors: [{ field: 'expiresAt', message: expect.stringContaining('no later than') }],
        });
        expect(res.body).not.toHaveProperty('token');
      }
      expect(await patsOf(user.id)).toEqual([]);
      const within = await t.http.post('/api/v1/personal-access-tokens', {
        ...slot,
        body: { name: 'within', scopes: ['profile:read'], expiresAt: inMinutes(20) },
      });
      expect(within.status).toBe(201);
      expect(await patsOf(user.id)).toHaveLength(1);
    },
  );

  it('cuts an opaque token minted by a session to the end of its access token', async () => {
    const user = await roledUser(t, ['user']);
    const login = await t.http.post('/api/v1/auth/login', {
      body: { login: user.login, password: user.password },
    });
    const res = await t.http.get('/api/v1/auth/token', { bearer: login.body.access_token });
    expect(res.status).toBe(200);
    expect(res.body.expires_in).toBeLessThanOrEqual(login.body.expires_in);
    const [row] = await t.sql<{ seconds: number }>(
      "SELECT extract(epoch FROM expires_at - now())::float AS seconds FROM credentials WHERE user_id = $1 AND kind = 'opaque_token'",
      [user.id],
    );
    expect(row?.seconds).toBeLessThanOrEqual(login.body.expires_in);
  });

  it('refuses a session minting the account token until it re-authenticates', async () => {
    const user = await roledUser(t, ['user']);
    const login = await t.http.post('/api/v1/auth/login', {
      body: { login: user.login, password: user.password },
    });
    const bearer = login.body.access_token as string;
    const refused = await t.http.request('PUT', '/api/v1/users/me/api-token', { bearer });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({
      code: 'reauthentication_required',
      methods: ['password'],
    });
    expect(
      await t.sql("SELECT id FROM credentials WHERE user_id = $1 AND kind = 'account_token'", [
        user.id,
      ]),
    ).toEqual([]);
    await t.http.post('/api/v1/auth/reauthenticate', {
      bearer,
      body: { password: user.password },
    });
    expect((await t.http.request('PUT', '/api/v1/users/me/api-token', { bearer })).status).toBe(
      200,
    );
  });
});
