import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { TOKEN_PREFIXES, type Scope } from '@latchkey/contracts';
import { formatToken } from '../src/common/crypto/token-format.js';
import { ChangeFeed } from '../src/common/events/change-feed.js';
import { SIGNING_KEYS_TOPIC } from '../src/common/events/topics.js';
import {
  createApiKey,
  createOpaqueToken,
  createPat,
  exchangeApiKey,
  form,
  tokenHeader,
} from './factories/credentials.js';
import { createUser, type TestUser } from './factories/users.js';
import { BrowserSession } from './support/browser.js';
import { basicHeader, type RequestOptions, type TestResponse } from './support/http-client.js';
import { ADMIN, startTestApp, useTestApp, type TestApp } from './support/test-app.js';

/*
 * The credentials core as an attacker who read the README attacks it: credentials in slots
 * meant for other kinds, stale verified-credential cache entries, minting beyond the holder,
 * guessing through the public leak report, replays, strange bytes, and secrets in the log.
 */

const ME = '/api/v1/users/me';
const wrongSecret = () => formatToken(TOKEN_PREFIXES.apiSecret, randomBytes(32));
const REVOKE = '/api/v1/credentials/revoke';

/** Every credential a user may hold, in hand, and each presented in its own slot. */
async function everything(t: TestApp, user: TestUser) {
  const pat = await createPat(t, user, ['profile:read', 'tokens:read']);
  const key = await createApiKey(t, user, ['profile:read', 'tokens:read']);
  const opaque = await createOpaqueToken(t, user);
  const exchanged = await exchangeApiKey(t, key);
  const session = new BrowserSession(t);
  expect((await session.login(user)).status).toBe(200);
  const account = await t.http.request('PUT', '/api/v1/users/me/api-token', { basic: user.basic });
  expect(account.status).toBe(200);
  return {
    pat: pat.token,
    patId: pat.id,
    key,
    pair: `${key.apiKey}:${key.apiSecret}`,
    opaque,
    exchanged,
    session,
    access: session.accessToken,
    refresh: decodeURIComponent(session.refreshToken),
    account: account.body.token as string,
  };
}

type Everything = Awaited<ReturnType<typeof everything>>;

/** Each credential in its own usual slot: all must answer 200. */
function usualSlots(c: Everything): Record<string, RequestOptions> {
  return {
    pat: { bearer: c.pat },
    account: { bearer: c.account },
    apiKey: { authorization: tokenHeader(c.key) },
    apiKeyBasic: { basic: [c.key.apiKey, c.key.apiSecret] },
    opaqueHeader: { headers: { 'x-auth-token': c.opaque } },
    opaqueBearer: { bearer: c.opaque },
    exchanged: { bearer: c.exchanged },
    access: { bearer: c.access },
  };
}

/** Fires `count` requests at once, runs `change` while they are in flight, then waits for all. */
async function changeUnderLoad(
  call: () => Promise<TestResponse>,
  change: () => Promise<unknown>,
  count = 20,
): Promise<TestResponse[]> {
  const inFlight = Array.from({ length: count }, () => call());
  await change();
  return Promise.all(inFlight);
}

/** Asserts a burst after a change is refused throughout (every request, concurrent ones too). */
async function expectAllRefused(call: () => Promise<TestResponse>, status = 401): Promise<void> {
  const after = await Promise.all(Array.from({ length: 10 }, () => call()));
  expect(after.map((res) => res.status)).toEqual(Array(10).fill(status));
  expect((await call()).status).toBe(status);
}

function expectNo5xx(res: TestResponse): void {
  if (res.status >= 500) throw new Error(`${res.status}: ${res.text.slice(0, 300)}`);
}

describe('a credential in a slot meant for another kind', () => {
  const t = useTestApp();

  it('each credential works in its own slot', async () => {
    const c = await everything(t, await createUser(t));
    for (const [slot, options] of Object.entries(usualSlots(c))) {
      expect([slot, (await t.http.get(ME, options)).status]).toEqual([slot, 200]);
    }
  });

  it('is refused in every other slot, even after it was verified (and cached) in its own', async () => {
    const c = await everything(t, await createUser(t));
    // Verified once in its own slot, so a cache entry exists for each.
    for (const options of Object.values(usualSlots(c))) {
      expect((await t.http.get(ME, options)).status).toBe(200);
    }
    const jwts = { pat: c.pat, account: c.account, exchanged: c.exchanged, access: c.access };
    const misplaced: [string, RequestOptions][] = [
      ...Object.entries(jwts).flatMap(([name, jwt]): [string, RequestOptions][] => [
        [`${name} in X-Auth-Token`, { headers: { 'x-auth-token': jwt } }],
        [`${name} as token k:s`, { authorization: `token ${jwt}` }],
        [`${name} as Basic password of an API key`, { basic: [c.key.apiKey, jwt] }],
        [`${name} as Basic password of its user`, { basic: ['someone', jwt] }],
      ]),
      ['opaque as token k:s', { authorization: `token ${c.key.apiKey}:${c.opaque}` }],
      ['opaque as Basic password', { basic: [c.key.apiKey, c.opaque] }],
      ['API secret alone as Bearer', { bearer: c.key.apiSecret }],
      ['API secret alone in X-Auth-Token', { headers: { 'x-auth-token': c.key.apiSecret } }],
      ['API pair as Bearer', { authorization: `Bearer ${c.pair}` }],
      ['API pair in X-Auth-Token', { headers: { 'x-auth-token': c.pair } }],
      ['API key id alone as Bearer', { bearer: c.key.apiKey }],
      ['refresh token as Bearer', { bearer: c.refresh }],
      ['refresh token in X-Auth-Token', { headers: { 'x-auth-token': c.refresh } }],
      ['refresh token as token k:s', { authorization: `token ${c.key.apiKey}:${c.refresh}` }],
    ];
    for (const [name, options] of misplaced) {
      const res = await t.http.get(ME, options);
      expect([name, res.status]).toEqual([name, 401]);
    }
    for (const [name, jwt] of Object.entries(jwts)) {
      const res = await t.http.get(`${ME}?auth_token=${encodeURIComponent(jwt)}`);
      expect([name, res.status]).toEqual([name, 401]);
    }
  });

  it('a valid credential beside garbage in another slot never lets the garbage in', async () => {
    const c = await everything(t, await createUser(t));
    const garbage = 'lkt_' + 'A'.repeat(43);
    // The form decides one strategy: Bearer JWT first, then the opaque token, then the API key.
    const withGarbage: [string, RequestOptions, number][] = [
      ['PAT + garbage X-Auth-Token', { bearer: c.pat, headers: { 'x-auth-token': garbage } }, 200],
      [
        'garbage Bearer JWT + opaque',
        { bearer: 'e.e.e', headers: { 'x-auth-token': c.opaque } },
        401,
      ],
      [
        'garbage Bearer lkt_ + opaque',
        { bearer: garbage, headers: { 'x-auth-token': c.opaque } },
        200,
      ],
      [
        'opaque Bearer + garbage X-Auth-Token',
        { bearer: c.opaque, headers: { 'x-auth-token': garbage } },
        401,
      ],
      [
        'API key + garbage X-Auth-Token',
        { authorization: tokenHeader(c.key), headers: { 'x-auth-token': garbage } },
        401,
      ],
      [
        'API key + valid X-Auth-Token',
        { authorization: tokenHeader(c.key), headers: { 'x-auth-token': c.opaque } },
        200,
      ],
    ];
    for (const [name, options, status] of withGarbage) {
      const res = await t.http.get(ME, options);
      expect([name, res.status]).toEqual([name, status]);
      if (status === 200) expect(res.body.id).toBeDefined();
    }
    // Whatever the mix, the caller is the one credential's user, never another.
    const res = await t.http.get(ME, {
      authorization: tokenHeader(c.key),
      headers: { 'x-auth-token': c.opaque },
    });
    expect(res.body.login).toBeDefined();
  });

  it('introspection caches under the same scheme: a JWT it verified is still refused as an opaque token', async () => {
    const c = await everything(t, await createUser(t));
    const introspector = await createPat(t, await createUser(t, { roles: ['admin'] }), [
      'tokens:introspect',
    ]);
    for (const token of [c.pat, c.account, c.exchanged, c.access, c.pair, c.opaque]) {
      const res = await t.http.post('/api/v1/oauth/introspect', {
        bearer: introspector.token,
        ...form({ token }),
      });
      expect(res.body.active).toBe(true);
    }
    for (const jwt of [c.pat, c.account, c.exchanged, c.access]) {
      expect((await t.http.get(ME, { headers: { 'x-auth-token': jwt } })).status).toBe(401);
    }
    // An API secret alone is no credential anywhere, introspected or not.
    const secretAlone = await t.http.post('/api/v1/oauth/introspect', {
      bearer: introspector.token,
      ...form({ token: c.key.apiSecret }),
    });
    expect(secretAlone.body).toEqual({ active: false });
  });

  it('a disabled, revoked, rotated or unknown credential is refused alike, to the byte', async () => {
    const user = await createUser(t);
    const [disabled, revoked, rotated] = [
      await createPat(t, user, ['profile:read']),
      await createPat(t, user, ['profile:read']),
      await createPat(t, user, ['profile:read']),
    ];
    await t.http.patch(`/api/v1/personal-access-tokens/${disabled.id}`, {
      basic: user.basic,
      body: { disabled: true },
    });
    await t.http.delete(`/api/v1/personal-access-tokens/${revoked.id}`, { basic: user.basic });
    await t.http.post(`/api/v1/personal-access-tokens/${rotated.id}/rotate`, {
      basic: user.basic,
      body: {},
    });
    const key = await createApiKey(t, user, ['profile:read']);
    await t.http.patch(`/api/v1/api-keys/${key.id}`, { basic: ADMIN, body: { disabled: true } });
    const refusals = [
      await t.http.get(ME, { bearer: disabled.token }),
      await t.http.get(ME, { bearer: revoked.token }),
      await t.http.get(ME, { bearer: rotated.token }),
      await t.http.get(ME, { bearer: `${disabled.token.slice(0, -4)}AAAA` }),
      await t.http.get(ME, { authorization: tokenHeader(key) }),
      await t.http.get(ME, { authorization: tokenHeader({ ...key, apiSecret: wrongSecret() }) }),
    ].map((res) => ({
      status: res.status,
      body: res.text,
      challenge: res.headers.get('www-authenticate'),
    }));
    for (const refusal of refusals) expect(refusal).toEqual(refusals[0]);
    expect(refusals[0]?.status).toBe(401);
  });

  it('an id of another kind is unknown at every lifecycle route', async () => {
    const user = await createUser(t);
    const session = new BrowserSession(t);
    expect((await session.login(user)).status).toBe(200);
    const c = await everything(t, user);
    const ids = await t.sql<{ id: string; kind: string }>(
      'SELECT id, kind FROM credentials WHERE user_id = $1',
      [user.id],
    );
    const idOf = (kind: string) => ids.find((row) => row.kind === kind)?.id as string;
    const notPats = [idOf('account_token'), idOf('opaque_token'), c.key.id];
    const asUser = { bearer: session.accessToken };
    for (const id of notPats) {
      for (const [method, path] of [
        ['PATCH', `/api/v1/personal-access-tokens/${id}`],
        ['POST', `/api/v1/personal-access-tokens/${id}/rotate`],
        ['DELETE', `/api/v1/personal-access-tokens/${id}`],
        ['GET', `/api/v1/personal-access-tokens/${id}`],
      ] as const) {
        const body = method === 'GET' || method === 'DELETE' ? undefined : { disabled: true };
        const res = await t.http.request(method, path, { ...asUser, body });
        expect([method, path, res.status]).toEqual([method, path, 404]);
      }
    }
    for (const id of [c.patId, idOf('account_token'), idOf('opaque_token')]) {
      for (const [method, path] of [
        ['PATCH', `/api/v1/api-keys/${id}`],
        ['POST', `/api/v1/api-keys/${id}/secret`],
        ['DELETE', `/api/v1/api-keys/${id}`],
      ] as const) {
        const body = method === 'DELETE' ? undefined : { disabled: true };
        const res = await t.http.request(method, path, { basic: ADMIN, body });
        expect([method, path, res.status]).toEqual([method, path, 404]);
      }
    }
    for (const options of Object.values(usualSlots(c))) {
      expect((await t.http.get(ME, options)).status).toBe(200);
    }
  });
});

describe('the verified-credential cache after a change made while requests are in flight', () => {
  const t = useTestApp();

  it('a revoked PAT is refused by the very next requests', async () => {
    const user = await createUser(t);
    const pat = await createPat(t, user, ['profile:read']);
    const call = () => t.http.get(ME, { bearer: pat.token });
    await changeUnderLoad(call, () =>
      t.http.delete(`/api/v1/personal-access-tokens/${pat.id}`, { basic: user.basic }),
    );
    await expectAllRefused(call);
  });

  it('a disabled PAT and a disabled API key (and its exchanged token) are refused by the very next requests', async () => {
    const user = await createUser(t);
    const pat = await createPat(t, user, ['profile:read']);
    const key = await createApiKey(t, user, ['profile:read']);
    const exchanged = await exchangeApiKey(t, key);
    const patCall = () => t.http.get(ME, { bearer: pat.token });
    const keyCall = () => t.http.get(ME, { authorization: tokenHeader(key) });
    const exchangedCall = () => t.http.get(ME, { bearer: exchanged });
    expect((await exchangedCall()).status).toBe(200);
    await changeUnderLoad(patCall, () =>
      t.http.patch(`/api/v1/personal-access-tokens/${pat.id}`, {
        basic: user.basic,
        body: { disabled: true },
      }),
    );
    await changeUnderLoad(keyCall, () =>
      t.http.patch(`/api/v1/api-keys/${key.id}`, { basic: ADMIN, body: { disabled: true } }),
    );
    await expectAllRefused(patCall);
    await expectAllRefused(keyCall);
    await expectAllRefused(exchangedCall);
  });

  it('a new rate limit applies to the very next requests', async () => {
    const user = await createUser(t);
    const pat = await createPat(t, user, ['profile:read']);
    const call = () => t.http.get(ME, { bearer: pat.token });
    await changeUnderLoad(call, () =>
      t.http.patch(`/api/v1/personal-access-tokens/${pat.id}`, {
        basic: user.basic,
        body: { rateLimit: { requests: 1, perSeconds: 3600 } },
      }),
    );
    // Counted against the new limit (a request in flight may have spent it already).
    const next = await call();
    expect(next.headers.get('ratelimit-policy')).toBe('"credential";q=1;w=3600');
    expect((await call()).status).toBe(429);
  });

  it('a replaced account token and a given-back opaque token are refused by the very next requests', async () => {
    const user = await createUser(t);
    const first = await t.http.request('PUT', '/api/v1/users/me/api-token', { basic: user.basic });
    expect(first.status).toBe(200);
    const accountCall = () => t.http.get(ME, { bearer: first.body.token });
    await changeUnderLoad(accountCall, () =>
      t.http.request('PUT', '/api/v1/users/me/api-token', { basic: user.basic }),
    );
    await expectAllRefused(accountCall);
    const opaque = await createOpaqueToken(t, user);
    const opaqueCall = () => t.http.get(ME, { headers: { 'x-auth-token': opaque } });
    await changeUnderLoad(opaqueCall, () =>
      t.http.delete('/api/v1/auth/token', { headers: { 'x-auth-token': opaque } }),
    );
    await expectAllRefused(opaqueCall);
  });

  it('tokens exchanged from a rate-limited API key spend the key’s own quota', async () => {
    const user = await createUser(t);
    const created = await t.http.post(`/api/v1/users/${user.id}/api-keys`, {
      basic: ADMIN,
      body: {
        name: 'limited',
        scopes: ['profile:read'],
        rateLimit: { requests: 3, perSeconds: 3600 },
      },
    });
    expect(created.status).toBe(201);
    const key = {
      apiKey: created.body.apiKey as string,
      apiSecret: created.body.apiSecret as string,
    };
    // Exchanging is no way around the limit: each token counts against the key.
    for (let used = 0; used < 3; used += 1) {
      expect((await t.http.get(ME, { bearer: await exchangeApiKey(t, key) })).status).toBe(200);
    }
    expect((await t.http.get(ME, { bearer: await exchangeApiKey(t, key) })).status).toBe(429);
    expect((await t.http.get(ME, { authorization: tokenHeader(key) })).status).toBe(429);
  });

  it('a disabled user is refused with every credential by the very next requests', async () => {
    const user = await createUser(t);
    const c = await everything(t, user);
    const slots = Object.values(usualSlots(c));
    const calls = slots.map((options) => () => t.http.get(ME, options));
    const inFlight = calls.flatMap((call) => [call(), call(), call()]);
    await t.http.patch(`/api/v1/users/${user.id}`, { basic: ADMIN, body: { disabled: true } });
    await Promise.all(inFlight);
    for (const call of calls) await expectAllRefused(call);
  });

  it('a demoted admin loses admin routes by the very next requests', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const pat = await createPat(t, admin, ['users:read']);
    const call = () => t.http.get('/api/v1/users', { bearer: pat.token });
    expect((await call()).status).toBe(200);
    await changeUnderLoad(call, () =>
      t.http.patch(`/api/v1/users/${admin.id}`, { basic: ADMIN, body: { roles: ['user'] } }),
    );
    await expectAllRefused(call, 403);
  });

  it('a password change ends session access tokens by the very next requests', async () => {
    const user = await createUser(t);
    const session = new BrowserSession(t);
    expect((await session.login(user)).status).toBe(200);
    const call = () => session.me();
    await changeUnderLoad(call, () =>
      t.http.post('/api/v1/users/me/password', {
        basic: user.basic,
        body: { currentPassword: user.password, newPassword: `${user.password} changed` },
      }),
    );
    await expectAllRefused(call);
    expect((await session.refresh()).status).toBe(401);
  });

  it('a PAT rotated without an overlap is refused by the very next requests', async () => {
    const user = await createUser(t);
    const pat = await createPat(t, user, ['profile:read']);
    const call = () => t.http.get(ME, { bearer: pat.token });
    let rotated: TestResponse | undefined;
    await changeUnderLoad(call, async () => {
      rotated = await t.http.post(`/api/v1/personal-access-tokens/${pat.id}/rotate`, {
        basic: user.basic,
        body: {},
      });
    });
    await expectAllRefused(call);
    expect((await t.http.get(ME, { bearer: rotated?.body.token })).status).toBe(200);
  });

  it('an API secret rotated without an overlap, and its exchanged token, are refused at once', async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user, ['profile:read']);
    const exchanged = await exchangeApiKey(t, key);
    const keyCall = () => t.http.get(ME, { authorization: tokenHeader(key) });
    const exchangedCall = () => t.http.get(ME, { bearer: exchanged });
    const inFlight = [keyCall(), exchangedCall(), keyCall(), exchangedCall()];
    await changeUnderLoad(keyCall, () =>
      t.http.post(`/api/v1/api-keys/${key.id}/secret`, { basic: ADMIN, body: {} }),
    );
    await Promise.all(inFlight);
    await expectAllRefused(keyCall);
    await expectAllRefused(exchangedCall);
  });

  it('a leak report stops every kind by the very next requests', async () => {
    const user = await createUser(t);
    const c = await everything(t, user);
    const slots = usualSlots(c);
    const calls = Object.values(slots).map((options) => () => t.http.get(ME, options));
    const inFlight = calls.flatMap((call) => [call(), call()]);
    const report = await t.http.post(REVOKE, {
      body: { credentials: [c.pat, c.account, c.pair, c.opaque, c.exchanged, c.access] },
    });
    expect(report.status).toBe(202);
    await Promise.all(inFlight);
    for (const call of calls) await expectAllRefused(call);
  });
});

describe('the verified-credential cache when a signing key stops being published', () => {
  // An app of its own: no live PAT here keeps the old key published.
  const t = useTestApp();
  const kidOf = (jwt: string) =>
    (JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString()) as { kid: string })
      .kid;

  it('refuses the tokens it signed once the JWKS no longer lists it, also those verified in flight', async () => {
    const user = await createUser(t);
    const session = new BrowserSession(t);
    expect((await session.login(user)).status).toBe(200);
    const oldKid = kidOf(session.accessToken);
    expect((await t.http.post('/api/v1/signing-keys/rotate', { basic: ADMIN })).status).toBe(201);
    expect((await session.me()).status).toBe(200);
    await changeUnderLoad(
      () => session.me(),
      async () => {
        await t.sql(
          "UPDATE signing_keys SET published_until = now() - interval '1 second' WHERE kid = $1",
          [oldKid],
        );
        await t.app.get(ChangeFeed).publish(SIGNING_KEYS_TOPIC, '*');
      },
    );
    // The keys reload off the request path: wait until the JWKS says the old key is gone.
    const published = async () =>
      ((await t.http.get('/.well-known/jwks.json')).body.keys as { kid: string }[]).map(
        (key) => key.kid,
      );
    while ((await published()).includes(oldKid)) await sleep(20);
    await expectAllRefused(() => session.me());
  });
});

describe('minting beyond the holder', () => {
  const t = useTestApp({ PAT_MAX_LIFETIME_DAYS: '30' });
  const in30Days = () => new Date(Date.now() + 29 * 86_400_000).toISOString();

  async function patOf(user: TestUser, scopes: Scope[]) {
    const res = await t.http.post('/api/v1/personal-access-tokens', {
      basic: user.basic,
      body: { name: 'held', scopes, expiresAt: in30Days() },
    });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, token: res.body.token as string };
  }

  async function scopesOf(id: string): Promise<string[]> {
    const [row] = await t.sql<{ scopes: string[] }>(
      'SELECT scopes FROM credentials WHERE id = $1',
      [id],
    );
    return row?.scopes ?? [];
  }

  it('neither rotation nor PATCH widens scopes, whatever extra fields they carry', async () => {
    const user = await createUser(t);
    const pat = await patOf(user, ['profile:read']);
    const patched = await t.http.patch(`/api/v1/personal-access-tokens/${pat.id}`, {
      basic: user.basic,
      body: { name: 'renamed', scopes: ['tokens:write', 'users:write'], expiresAt: null },
    });
    expect([200, 400]).toContain(patched.status);
    expect(await scopesOf(pat.id)).toEqual(['profile:read']);
    const rotated = await t.http.post(`/api/v1/personal-access-tokens/${pat.id}/rotate`, {
      basic: user.basic,
      body: { scopes: ['tokens:write'], name: 'wider' },
    });
    expect([201, 400]).toContain(rotated.status);
    if (rotated.status === 201) {
      expect(rotated.body.scopes).toEqual(['profile:read']);
      expect(await scopesOf(rotated.body.id)).toEqual(['profile:read']);
      const beyond = await t.http.get('/api/v1/personal-access-tokens', {
        bearer: rotated.body.token,
      });
      expect(beyond.status).toBe(403);
    }
  });

  it('rotation never lengthens a life beyond PAT_MAX_LIFETIME_DAYS', async () => {
    const user = await createUser(t);
    const pat = await patOf(user, ['profile:read']);
    const tooLong = await t.http.post(`/api/v1/personal-access-tokens/${pat.id}/rotate`, {
      basic: user.basic,
      body: { expiresAt: new Date(Date.now() + 31 * 86_400_000).toISOString() },
    });
    expect(tooLong.status).toBe(400);
    const forever = await t.http.post(`/api/v1/personal-access-tokens/${pat.id}/rotate`, {
      basic: user.basic,
      body: { expiresAt: null },
    });
    expect(forever.status).toBe(400);
    // A token made when the cap was longer keeps its length only up to today's cap.
    await t.sql(
      "UPDATE credentials SET created_at = created_at - interval '200 days' WHERE id = $1",
      [pat.id],
    );
    const kept = await t.http.post(`/api/v1/personal-access-tokens/${pat.id}/rotate`, {
      basic: user.basic,
      body: {},
    });
    expect(kept.status).toBe(400);
    // Nothing was minted by the refused rotations, and the token still works.
    const [{ count } = { count: -1 }] = await t.sql<{ count: number }>(
      "SELECT count(*)::int AS count FROM credentials WHERE user_id = $1 AND kind = 'personal_access_token'",
      [user.id],
    );
    expect(count).toBe(1);
    expect((await t.http.get(ME, { bearer: pat.token })).status).toBe(200);
  });

  it('a narrow admin PAT cannot rotate a broader PAT of another user', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const narrow = await patOf(admin, ['tokens:write']);
    const user = await createUser(t);
    const broad = await patOf(user, ['profile:read', 'tokens:read', 'tokens:write']);
    const res = await t.http.post(
      `/api/v1/users/${user.id}/personal-access-tokens/${broad.id}/rotate`,
      { bearer: narrow.token, body: {} },
    );
    expect(res.status).toBe(403);
    expect((await t.http.get(ME, { bearer: broad.token })).status).toBe(200);
    // Nor the user's own narrow PAT its broader sibling.
    const ownNarrow = await patOf(user, ['tokens:write']);
    const own = await t.http.post(`/api/v1/personal-access-tokens/${broad.id}/rotate`, {
      bearer: ownNarrow.token,
      body: {},
    });
    expect(own.status).toBe(403);
  });

  it('a narrower credential may disable a broader one, but not enable it again', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const narrowAdmin = await patOf(admin, ['admin:credentials']);
    const owner = await createUser(t, { roles: ['admin'] });
    const key = await createApiKey(t, owner, ['profile:read', 'users:write', 'tokens:write']);
    const keyPath = `/api/v1/api-keys/${key.id}`;
    const byNarrow = (body: object) => t.http.patch(keyPath, { bearer: narrowAdmin.token, body });
    expect((await byNarrow({ disabled: true })).status).toBe(200);
    const enable = await byNarrow({ disabled: false });
    expect(enable.status).toBe(403);
    expect((await t.http.get(ME, { authorization: tokenHeader(key) })).status).toBe(401);
    // Renaming and limiting stay open to it; enabling is for a credential holding every scope.
    expect((await byNarrow({ name: 'quarantined' })).status).toBe(200);
    expect((await t.http.patch(keyPath, { basic: ADMIN, body: { disabled: false } })).status).toBe(
      200,
    );
    expect((await t.http.get(ME, { authorization: tokenHeader(key) })).status).toBe(200);

    // The same for a user's own tokens: a narrow PAT cannot bring back a disabled broad one.
    const user = await createUser(t);
    const broad = await patOf(user, ['profile:read', 'tokens:read', 'tokens:write']);
    const narrow = await patOf(user, ['tokens:write']);
    const patPath = `/api/v1/personal-access-tokens/${broad.id}`;
    expect(
      (await t.http.patch(patPath, { bearer: narrow.token, body: { disabled: true } })).status,
    ).toBe(200);
    const back = await t.http.patch(patPath, { bearer: narrow.token, body: { disabled: false } });
    expect(back.status).toBe(403);
    expect((await t.http.get(ME, { bearer: broad.token })).status).toBe(401);
    expect(
      (await t.http.patch(patPath, { basic: user.basic, body: { disabled: false } })).status,
    ).toBe(200);
    expect((await t.http.get(ME, { bearer: broad.token })).status).toBe(200);
  });

  it('a user cannot PATCH, rotate, disable or revoke another user’s PAT or any API key', async () => {
    const owner = await createUser(t);
    const pat = await patOf(owner, ['profile:read']);
    const key = await createApiKey(t, owner, ['profile:read']);
    const attacker = await createUser(t);
    const attempts: [string, string, object | undefined][] = [
      ['PATCH', `/api/v1/personal-access-tokens/${pat.id}`, { disabled: true }],
      ['POST', `/api/v1/personal-access-tokens/${pat.id}/rotate`, {}],
      ['DELETE', `/api/v1/personal-access-tokens/${pat.id}`, undefined],
      ['PATCH', `/api/v1/users/${owner.id}/personal-access-tokens/${pat.id}`, { disabled: true }],
      ['POST', `/api/v1/users/${owner.id}/personal-access-tokens/${pat.id}/rotate`, {}],
      ['DELETE', `/api/v1/users/${owner.id}/personal-access-tokens/${pat.id}`, undefined],
      ['PATCH', `/api/v1/api-keys/${key.id}`, { disabled: true }],
      ['POST', `/api/v1/api-keys/${key.id}/secret`, {}],
      ['DELETE', `/api/v1/api-keys/${key.id}`, undefined],
    ];
    for (const [method, path, body] of attempts) {
      const res = await t.http.request(method, path, { basic: attacker.basic, body });
      expect([method, path, [403, 404].includes(res.status)]).toEqual([method, path, true]);
    }
    // The owner may not manage their own API key either: that is an admin's.
    for (const [method, path] of [
      ['PATCH', `/api/v1/api-keys/${key.id}`],
      ['POST', `/api/v1/api-keys/${key.id}/secret`],
    ] as const) {
      const res = await t.http.request(method, path, { basic: owner.basic, body: {} });
      expect([403, 400]).toContain(res.status);
    }
    expect((await t.http.get(ME, { bearer: pat.token })).status).toBe(200);
    expect((await t.http.get(ME, { authorization: tokenHeader(key) })).status).toBe(200);
  });

  it('an API key may rotate its own secret only within its own scopes, and then its old secret stops', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const key = await createApiKey(t, admin, ['admin:credentials', 'tokens:read']);
    const broader = await createApiKey(t, admin, ['admin:credentials', 'users:write']);
    const foreign = await t.http.post(`/api/v1/api-keys/${broader.id}/secret`, {
      authorization: tokenHeader(key),
      body: {},
    });
    expect(foreign.status).toBe(403);
    const own = await t.http.post(`/api/v1/api-keys/${key.id}/secret`, {
      authorization: tokenHeader(key),
      body: {},
    });
    expect(own.status).toBe(200);
    expect(
      (await t.http.get('/api/v1/personal-access-tokens', { authorization: tokenHeader(key) }))
        .status,
    ).toBe(401);
    const fresh = { apiKey: key.apiKey, apiSecret: own.body.apiSecret as string };
    expect(
      (await t.http.get('/api/v1/personal-access-tokens', { authorization: tokenHeader(fresh) }))
        .status,
    ).toBe(200);
  });
});

describe('guessing through the public endpoints', () => {
  const t = useTestApp({
    AUTH_CREDENTIAL_MAX_FAILURES: '3',
    AUTH_CREDENTIAL_IP_MAX_FAILURES: '50',
  });

  it('X-Forwarded-For does not spoof around the per-IP leak-report limit (TRUST_PROXY off)', async () => {
    for (let report = 0; report < 20; report += 1) {
      const res = await t.http.post(REVOKE, {
        body: { credentials: ['x'] },
        headers: { 'x-forwarded-for': `10.1.${report}.1` },
      });
      expect(res.status).toBe(202);
    }
    const spoofed = await t.http.post(REVOKE, {
      body: { credentials: ['x'] },
      headers: { 'x-forwarded-for': '10.200.0.1', 'x-real-ip': '10.200.0.2' },
    });
    expect(spoofed.status).toBe(429);
  });
});

describe('leak reports answer alike whatever they find', () => {
  // Each report from an address of its own, so the per-IP limit never mixes in.
  const t = useTestApp({ TRUST_PROXY: 'true' });
  let lastIp = 0;
  const report = (credentials: unknown[]) => {
    lastIp += 1;
    return t.http.post(REVOKE, {
      body: { credentials },
      headers: { 'x-forwarded-for': `10.4.${Math.floor(lastIp / 250)}.${(lastIp % 250) + 1}` },
    });
  };

  /** The parts of an answer that could tell a hit from a miss. */
  function shapeOf(res: TestResponse) {
    const headers = [...res.headers.entries()]
      .filter(([name]) => !['date', 'x-request-id', 'content-length'].includes(name))
      .sort();
    return { status: res.status, body: res.text, headers };
  }

  it('a live, a revoked, a disabled and an unknown credential get the same answer', async () => {
    const owner = await createUser(t);
    const live = await createPat(t, owner, ['profile:read']);
    const revoked = await createPat(t, owner, ['profile:read']);
    const disabled = await createPat(t, owner, ['profile:read']);
    await t.http.delete(`/api/v1/personal-access-tokens/${revoked.id}`, { basic: owner.basic });
    await t.http.patch(`/api/v1/personal-access-tokens/${disabled.id}`, {
      basic: owner.basic,
      body: { disabled: true },
    });
    const key = await createApiKey(t, owner, ['profile:read']);
    const answers = [];
    for (const credential of [
      live.token,
      revoked.token,
      disabled.token,
      `${live.token.slice(0, -2)}AA`,
      `${key.apiKey}:${key.apiSecret}`,
      `${key.apiKey}:${wrongSecret()}`,
      'unknown',
    ]) {
      answers.push(shapeOf(await report([credential])));
    }
    for (const answer of answers) expect(answer).toEqual(answers[answers.length - 1]);
    expect(answers[0]?.status).toBe(202);
    // The revoked one keeps its own reason; the disabled one was revoked as leaked.
    const rows = await t.sql<{ id: string; revoked_reason: string }>(
      'SELECT id, revoked_reason FROM credentials WHERE id = ANY($1)',
      [[live.id, revoked.id, disabled.id]],
    );
    expect(Object.fromEntries(rows.map((row) => [row.id, row.revoked_reason]))).toEqual({
      [live.id]: 'leaked',
      [revoked.id]: 'revoked',
      [disabled.id]: 'leaked',
    });
  });

  it('a report never revokes what it did not carry: fast-check over near-misses of real credentials', async () => {
    const bystander = await createUser(t);
    const c = await everything(t, bystander);
    const held = [c.pat, c.account, c.pair, c.opaque, c.exchanged, c.access, c.refresh];
    const nearMiss = fc.oneof(
      fc.constantFrom(
        c.key.apiKey,
        `${c.key.apiKey}:`,
        `${c.key.apiKey}:${c.key.apiKey}`,
        `${c.key.apiKey.toUpperCase()}:${c.key.apiSecret}`,
        `:${c.key.apiSecret}`,
        c.patId,
      ),
      fc
        .tuple(fc.constantFrom(...held), fc.nat(), fc.constantFrom(...'AZaz09_-.:'))
        .map(([token, at, char]) => {
          // Not the last character: in a JWT's signature its spare bits decode to the same bytes.
          const index = at % (token.length - 1);
          const next = token.slice(0, index) + char + token.slice(index + 1);
          return next === token ? `${token}x` : next;
        }),
      fc.constantFrom(...held).map((token) => token.slice(0, -1)),
      fc.constantFrom(...held).map((token) => `${token}\0`),
      fc.constantFrom(...held).map((token) => token.split('.').slice(0, 2).join('.') + '.'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(nearMiss, { minLength: 1, maxLength: 8 }), async (credentials) => {
        const res = await report(credentials);
        expectNo5xx(res);
        expect([202, 400]).toContain(res.status);
      }),
      { numRuns: 60 },
    );
    for (const [slot, options] of Object.entries(usualSlots(c))) {
      expect([slot, (await t.http.get(ME, options)).status]).toEqual([slot, 200]);
    }
    expect((await c.session.refresh()).status).toBe(200);
  });
});

describe('/oauth/revoke still counts wrong API secrets as failures', () => {
  const t = useTestApp({
    TRUST_PROXY: 'true',
    AUTH_CREDENTIAL_MAX_FAILURES: '3',
    AUTH_CREDENTIAL_IP_MAX_FAILURES: '50',
  });

  it("three wrong secrets for a key refuse that client's next wrong one, each is audited, the right one still works", async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user, ['profile:read']);
    const attacker = { 'x-forwarded-for': '10.7.0.1' };
    for (let i = 0; i < 3; i += 1) {
      const res = await t.http.post('/api/v1/oauth/revoke', {
        ...form({ token: `${key.apiKey}:${wrongSecret()}` }),
        headers: attacker,
      });
      expect(res.status).toBe(200);
    }
    const locked = await t.http.post('/api/v1/oauth/revoke', {
      ...form({ token: `${key.apiKey}:${wrongSecret()}` }),
      headers: attacker,
    });
    expect(locked.status).toBe(429);
    expect((await t.http.get(ME, { authorization: tokenHeader(key) })).status).toBe(200);
    // The right secret verifies, whatever failed before from that client: the key is revoked.
    const revoked = await t.http.post('/api/v1/oauth/revoke', {
      ...form({ token: `${key.apiKey}:${key.apiSecret}` }),
      headers: attacker,
    });
    expect(revoked.status).toBe(200);
    expect((await t.http.get(ME, { authorization: tokenHeader(key) })).status).toBe(401);
    const failed = await t.sql<{ details: { channel: string; id: string } }>(
      "SELECT details FROM audit_events WHERE type = 'credential.failed' AND subject_id = $1",
      [user.id],
    );
    expect(failed.map((row) => row.details)).toEqual(
      Array(3).fill(expect.objectContaining({ channel: 'revoke', id: key.id })),
    );
  });
});

describe('replays', () => {
  const t = useTestApp();

  it('a rotated PAT after its overlap, also when introspected', async () => {
    const user = await createUser(t);
    const pat = await createPat(t, user, ['profile:read']);
    const rotated = await t.http.post(`/api/v1/personal-access-tokens/${pat.id}/rotate`, {
      basic: user.basic,
      body: { overlapSeconds: 1 },
    });
    expect(rotated.status).toBe(201);
    await Promise.all(Array.from({ length: 10 }, () => t.http.get(ME, { bearer: pat.token })));
    await sleep(1500);
    await expectAllRefused(() => t.http.get(ME, { bearer: pat.token }));
    const introspected = await t.http.post('/api/v1/oauth/introspect', {
      basic: ADMIN,
      ...form({ token: pat.token }),
    });
    expect(introspected.body).toEqual({ active: false });
    // Nor can the outgoing token be rotated or reported back to life.
    const again = await t.http.post(`/api/v1/personal-access-tokens/${pat.id}/rotate`, {
      basic: user.basic,
      body: {},
    });
    expect(again.status).toBe(404);
  });

  it('a token exchanged with the old API secret during its overlap ends with the overlap', async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user, ['profile:read']);
    const rotated = await t.http.post(`/api/v1/api-keys/${key.id}/secret`, {
      basic: ADMIN,
      body: { overlapSeconds: 1 },
    });
    expect(rotated.status).toBe(200);
    const fresh = { apiKey: key.apiKey, apiSecret: rotated.body.apiSecret as string };
    // During the overlap the old secret still mints: a session token and an OAuth one.
    const withOld = await exchangeApiKey(t, key);
    const oauth = await t.http.post('/api/v1/oauth/token', {
      ...form({
        grant_type: 'client_credentials',
        client_id: key.apiKey,
        client_secret: key.apiSecret,
      }),
    });
    expect(oauth.status).toBe(200);
    const withNew = await exchangeApiKey(t, fresh);
    for (const token of [withOld, oauth.body.access_token, withNew]) {
      expect((await t.http.get(ME, { bearer: token })).status).toBe(200);
    }
    await sleep(1500);
    // What the old secret minted stops with it; what the new one minted keeps working.
    await expectAllRefused(() => t.http.get(ME, { bearer: withOld }));
    await expectAllRefused(() => t.http.get(ME, { bearer: oauth.body.access_token }));
    expect((await t.http.get(ME, { bearer: withNew })).status).toBe(200);
    const introspected = await t.http.post('/api/v1/oauth/introspect', {
      basic: ADMIN,
      ...form({ token: withOld }),
    });
    expect(introspected.body).toEqual({ active: false });
  });

  it('an outgoing PAT in its overlap stops at once when revoked or reported, not at the overlap’s end', async () => {
    const user = await createUser(t);
    for (const stop of ['revoke', 'report'] as const) {
      const pat = await createPat(t, user, ['profile:read']);
      const rotated = await t.http.post(`/api/v1/personal-access-tokens/${pat.id}/rotate`, {
        basic: user.basic,
        body: { overlapSeconds: 3600 },
      });
      expect(rotated.status).toBe(201);
      const call = () => t.http.get(ME, { bearer: pat.token });
      expect((await call()).status).toBe(200);
      await changeUnderLoad(call, () =>
        stop === 'revoke'
          ? t.http.delete(`/api/v1/personal-access-tokens/${pat.id}`, { basic: user.basic })
          : t.http.post(REVOKE, { body: { credentials: [pat.token] } }),
      );
      await expectAllRefused(call);
      const [row] = await t.sql<{ revoked_reason: string; past: boolean }>(
        'SELECT revoked_reason, revoked_at <= now() AS past FROM credentials WHERE id = $1',
        [pat.id],
      );
      expect(row).toEqual({
        revoked_reason: stop === 'revoke' ? 'revoked' : 'leaked',
        past: true,
      });
      // Its successor was not reported and keeps working.
      expect((await t.http.get(ME, { bearer: rotated.body.token })).status).toBe(200);
    }
  });

  it('a refresh token after a leak report of it, or of its session’s access token', async () => {
    const user = await createUser(t);
    const first = new BrowserSession(t);
    expect((await first.login(user)).status).toBe(200);
    const report = await t.http.post(REVOKE, {
      body: { credentials: [decodeURIComponent(first.refreshToken)] },
    });
    expect(report.status).toBe(202);
    expect((await first.refresh()).status).toBe(401);
    expect((await first.me()).status).toBe(401);
    const second = new BrowserSession(t);
    expect((await second.login(user)).status).toBe(200);
    const refresh = second.refreshToken;
    await t.http.post(REVOKE, { body: { credentials: [second.accessToken] } });
    expect((await second.refresh(refresh)).status).toBe(401);
  });

  it('a leaked refresh token that was already spent still ends its session', async () => {
    const user = await createUser(t);
    const session = new BrowserSession(t);
    expect((await session.login(user)).status).toBe(200);
    const spent = decodeURIComponent(session.refreshToken);
    expect((await session.refresh()).status).toBe(200);
    await t.http.post(REVOKE, { body: { credentials: [spent] } });
    expect((await session.me()).status).toBe(401);
    expect((await session.refresh()).status).toBe(401);
  });
});

describe('strange bytes in lifecycle inputs', () => {
  const t = useTestApp({ TRUST_PROXY: 'true' });

  const strange = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('\0', '\uD800', '\uDFFF', 'lk_\0:lks_\0', 'lkt_\uD800', 'a'.repeat(8192)),
    fc.string({
      unit: fc.constantFrom('\0', '\uD800', 'é', ':', '.', 'l', 'k', '_'),
      maxLength: 20,
    }),
  );
  const json: fc.Arbitrary<unknown> = fc.oneof(
    strange,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom('5', '-1', '1.5', '1e308', 'Infinity', 'NaN', 0, -1, 1.5, 1e308, 2 ** 53, -0),
  );
  /** A query value as raw bytes on the wire: any string's UTF-8, or percent-escapes that are not. */
  const rawQueryValue = fc.oneof(
    strange.map((value) =>
      [...Buffer.from(value, 'utf8')]
        .map((byte) => `%${byte.toString(16).padStart(2, '0')}`)
        .join(''),
    ),
    fc.constantFrom(
      '%ED%A0%80',
      '%00',
      '%',
      '%zz',
      'active&state=all',
      'active%00',
      'ALL',
      '%C0%80',
    ),
  );
  const rateLimit = fc.oneof(
    json,
    fc.record({ requests: json, perSeconds: json }, { requiredKeys: [] }),
    fc.constant({ requests: 0, perSeconds: 60 }),
  );

  it('POST /credentials/revoke: never a 5xx for any body', async () => {
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ credentials: fc.array(strange, { maxLength: 5 }) }),
          fc.record({ credentials: json }),
          json,
        ),
        async (body) => {
          sent += 1;
          const res = await t.http.post(REVOKE, {
            rawBody: JSON.stringify(body) ?? 'null',
            headers: { 'x-forwarded-for': `10.3.${Math.floor(sent / 250)}.${(sent % 250) + 1}` },
          });
          expectNo5xx(res);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('PATCH and rotate bodies and ?state: never a 5xx; every refusal leaves the token as it was', async () => {
    // Session access tokens: no argon2id per request, so many runs fit in the test's time.
    const user = await createUser(t);
    const userSession = new BrowserSession(t);
    expect((await userSession.login(user)).status).toBe(200);
    // A PAT that never expires is minted by a re-authenticated session only (step-up).
    await userSession.reauthenticate();
    const adminSession = new BrowserSession(t);
    expect((await adminSession.login({ login: ADMIN[0], password: ADMIN[1] })).status).toBe(200);
    const asUser = { bearer: userSession.accessToken };
    const asAdmin = { bearer: adminSession.accessToken };
    const newPat = async () => {
      const res = await t.http.post('/api/v1/personal-access-tokens', {
        ...asUser,
        body: { name: 'fuzzed', scopes: ['profile:read'], expiresAt: null },
      });
      expect(res.status).toBe(201);
      return { id: res.body.id as string, token: res.body.token as string };
    };
    const pat = await newPat();
    const key = await createApiKey(t, user, ['profile:read']);
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          { name: json, disabled: json, rateLimit, expiresAt: json, scopes: json },
          { requiredKeys: [] },
        ),
        async (body) => {
          const res = await t.http.patch(`/api/v1/personal-access-tokens/${pat.id}`, {
            ...asUser,
            body,
          });
          expectNo5xx(res);
          const keyRes = await t.http.patch(`/api/v1/api-keys/${key.id}`, { ...asAdmin, body });
          expectNo5xx(keyRes);
        },
      ),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({ overlapSeconds: json, expiresAt: json }, { requiredKeys: [] }),
        async (body) => {
          const target = await newPat();
          const res = await t.http.post(`/api/v1/personal-access-tokens/${target.id}/rotate`, {
            ...asUser,
            body,
          });
          expectNo5xx(res);
          if (res.status !== 201) {
            expect((await t.http.get(ME, { bearer: target.token })).status).toBe(200);
          }
          const secret = await t.http.post(`/api/v1/api-keys/${key.id}/secret`, {
            ...asAdmin,
            body: { overlapSeconds: body.overlapSeconds },
          });
          expectNo5xx(secret);
        },
      ),
      { numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(rawQueryValue, async (state) => {
        const res = await t.http.get(`/api/v1/personal-access-tokens?state=${state}`, asUser);
        expectNo5xx(res);
        // 431: an 8 KB value written as percent-escapes is a request line too long to read.
        expect([200, 400, 431]).toContain(res.status);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses numbers as strings, negative, fractional, huge and zero limits and overlaps with 400', async () => {
    const user = await createUser(t);
    const pat = await createPat(t, user, ['profile:read', 'tokens:write']);
    for (const rateLimit of [
      { requests: '5', perSeconds: 60 },
      { requests: 5, perSeconds: '60' },
      { requests: 0, perSeconds: 60 },
      { requests: -1, perSeconds: 60 },
      { requests: 1.5, perSeconds: 60 },
      { requests: 1e308, perSeconds: 60 },
      { requests: 5, perSeconds: 0 },
      { requests: 5 },
      [],
      'none',
    ]) {
      const res = await t.http.patch(`/api/v1/personal-access-tokens/${pat.id}`, {
        basic: user.basic,
        body: { rateLimit },
      });
      expect([JSON.stringify(rateLimit), res.status]).toEqual([JSON.stringify(rateLimit), 400]);
    }
    for (const overlapSeconds of ['10', -1, 1.5, 1e308, 604_801, null, true]) {
      const res = await t.http.post(`/api/v1/personal-access-tokens/${pat.id}/rotate`, {
        basic: user.basic,
        body: { overlapSeconds },
      });
      expect([overlapSeconds, res.status]).toEqual([overlapSeconds, 400]);
    }
    expect((await t.http.get(ME, { bearer: pat.token })).status).toBe(200);
  });

  it('a body over 1 MiB (1000 credentials of 8 KB) is 413, not 500; 1000 of 1 KB are taken', async () => {
    const big = await t.http.post(REVOKE, {
      body: { credentials: Array.from({ length: 1000 }, (_, i) => `${i}`.padEnd(8192, 'x')) },
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toContain('application/problem+json');
    const many = await t.http.post(REVOKE, {
      body: { credentials: Array.from({ length: 1000 }, (_, i) => `${i}`.padEnd(1000, 'x')) },
    });
    expect(many.status).toBe(202);
    const nul = await t.http.post(REVOKE, {
      body: { credentials: ['lkt_\0', '\uD800', 'lkr_\0'] },
    });
    expectNo5xx(nul);
  });
});

/** Every line the app writes, as its operators would read it. */
class CapturedLog extends Writable {
  text = '';

  override _write(chunk: unknown, _encoding: BufferEncoding, done: () => void): void {
    this.text += String(chunk);
    done();
  }
}

describe('no presented credential reaches the log', () => {
  const log = new CapturedLog();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'trace' }, { logDestination: log });
  });
  afterAll(() => t.close());

  it('from leak reports (valid, refused and too large) nor from rotation answers', async () => {
    const user = await createUser(t);
    const c = await everything(t, user);
    const rotated = await t.http.post(`/api/v1/personal-access-tokens/${c.patId}/rotate`, {
      basic: user.basic,
      body: { overlapSeconds: 60 },
    });
    expect(rotated.status).toBe(201);
    const secret = await t.http.post(`/api/v1/api-keys/${c.key.id}/secret`, {
      basic: ADMIN,
      body: { overlapSeconds: 60 },
    });
    expect(secret.status).toBe(200);
    const secrets = [
      c.pat,
      c.account,
      c.key.apiSecret,
      c.opaque,
      c.exchanged,
      c.access,
      c.refresh,
      rotated.body.token as string,
      secret.body.apiSecret as string,
    ];
    const refused = await t.http.post(REVOKE, {
      body: { credentials: [...secrets, ...Array.from({ length: 1000 }, () => 'x')] },
    });
    expect(refused.status).toBe(400);
    expect(refused.text).not.toContain(c.key.apiSecret);
    const wrongType = await t.http.post(REVOKE, { body: { credentials: [c.pat, 5] } });
    expect(wrongType.status).toBe(400);
    const form400 = await t.http.post(REVOKE, {
      rawBody: new URLSearchParams({ credentials: c.opaque }).toString(),
      contentType: 'application/x-www-form-urlencoded',
    });
    expectNo5xx(form400);
    const taken = await t.http.post(REVOKE, {
      body: { credentials: [...secrets, `${c.key.apiKey}:${c.key.apiSecret}`] },
    });
    expect(taken.status).toBe(202);
    expect(log.text.length).toBeGreaterThan(0);
    for (const value of secrets) {
      expect(log.text).not.toContain(value);
      expect(log.text).not.toContain(value.slice(-16));
    }
    // A token refused because of a header or query slot is not logged either.
    await t.http.get(`${ME}?auth_token=${encodeURIComponent(c.opaque)}`, {
      headers: { authorization: basicHeader(c.key.apiKey, c.key.apiSecret) },
    });
    for (const value of secrets) expect(log.text).not.toContain(value);
  });
});
