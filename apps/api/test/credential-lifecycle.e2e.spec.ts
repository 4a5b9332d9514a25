import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Scope } from '@latchkey/contracts';
import { CredentialVerifier } from '../src/modules/credentials/credential-verifier.js';
import {
  createApiKey,
  createOpaqueToken,
  createPat,
  tokenHeader,
} from './factories/credentials.js';
import { createUser, type TestUser } from './factories/users.js';
import { databaseUrlFor, serverUrl } from './support/database-urls.js';
import type { HttpClient, RequestOptions, TestResponse } from './support/http-client.js';
import { startServer, stopServer } from './support/server-process.js';
import { ADMIN, useTestApp, type TestApp } from './support/test-app.js';

/** One stored credential in hand. */
interface Held {
  id: string;
  /** The string its holder presents, as a leak report would carry it. */
  presented: string;
  /** Sends a request with it, in its usual slot. */
  call(
    on: { http: HttpClient },
    method: string,
    path: string,
    options?: RequestOptions,
  ): Promise<TestResponse>;
}

interface IssueOptions {
  scopes?: Scope[];
  rateLimit?: { requests: number; perSeconds: number };
}

/** Every stored credential kind, and how a test gets, revokes and (where it can) manages one. */
interface StoredKind {
  name: string;
  kind: string;
  switchName: string;
  narrowable: boolean;
  issue(t: TestApp, user: TestUser, options?: IssueOptions): Promise<Held>;
  revoke(t: TestApp, user: TestUser, held: Held): Promise<TestResponse>;
  /** PATCH {name?, disabled?, rateLimit?} as its owner or an admin may. */
  patch?(t: TestApp, user: TestUser, held: Held, body: object): Promise<TestResponse>;
  /** Its list, as the owner sees it. */
  list?(t: TestApp, user: TestUser, state: string): Promise<TestResponse>;
}

const bearer =
  (token: string): Held['call'] =>
  (t, method, path, options = {}) =>
    t.http.request(method, path, { ...options, bearer: token });

const KINDS: StoredKind[] = [
  {
    name: 'personal access token',
    kind: 'personal_access_token',
    switchName: 'AUTH_PAT_ENABLED',
    narrowable: true,
    async issue(t, user, { scopes = ['profile:read', 'tokens:read'], rateLimit } = {}) {
      const res = await t.http.post('/api/v1/personal-access-tokens', {
        basic: user.basic,
        body: { name: 'lifecycle', scopes, expiresAt: null, ...(rateLimit ? { rateLimit } : {}) },
      });
      expect(res.status).toBe(201);
      return { id: res.body.id, presented: res.body.token, call: bearer(res.body.token) };
    },
    revoke: (t, user, held) =>
      t.http.delete(`/api/v1/personal-access-tokens/${held.id}`, { basic: user.basic }),
    patch: (t, user, held, body) =>
      t.http.request('PATCH', `/api/v1/personal-access-tokens/${held.id}`, {
        basic: user.basic,
        body,
      }),
    list: (t, user, state) =>
      t.http.get(`/api/v1/personal-access-tokens?state=${state}`, { basic: user.basic }),
  },
  {
    name: 'account token',
    kind: 'account_token',
    switchName: 'AUTH_PAT_ENABLED',
    narrowable: false,
    async issue(t, user) {
      const res = await t.http.request('PUT', '/api/v1/users/me/api-token', { basic: user.basic });
      expect(res.status).toBe(200);
      const [row] = await t.sql<{ id: string }>(
        "SELECT id FROM credentials WHERE user_id = $1 AND kind = 'account_token' AND revoked_at IS NULL",
        [user.id],
      );
      return { id: row?.id as string, presented: res.body.token, call: bearer(res.body.token) };
    },
    revoke: (t, user) => t.http.delete('/api/v1/users/me/api-token', { basic: user.basic }),
  },
  {
    name: 'API key',
    kind: 'api_key',
    switchName: 'AUTH_API_KEY_ENABLED',
    narrowable: true,
    async issue(t, user, { scopes = ['profile:read', 'tokens:read'], rateLimit } = {}) {
      const res = await t.http.post(`/api/v1/users/${user.id}/api-keys`, {
        basic: ADMIN,
        body: { name: 'lifecycle', scopes, ...(rateLimit ? { rateLimit } : {}) },
      });
      expect(res.status).toBe(201);
      const header = tokenHeader(res.body);
      return {
        id: res.body.id,
        presented: `${res.body.apiKey}:${res.body.apiSecret}`,
        call: (t2, method, path, options = {}) =>
          t2.http.request(method, path, { ...options, authorization: header }),
      };
    },
    revoke: (t, user, held) => t.http.delete(`/api/v1/api-keys/${held.id}`, { basic: user.basic }),
    patch: (t, _user, held, body) =>
      t.http.request('PATCH', `/api/v1/api-keys/${held.id}`, { basic: ADMIN, body }),
    list: (t, user, state) =>
      t.http.get(`/api/v1/users/${user.id}/api-keys?state=${state}`, { basic: user.basic }),
  },
  {
    name: 'opaque token',
    kind: 'opaque_token',
    switchName: 'AUTH_OPAQUE_TOKEN_ENABLED',
    narrowable: false,
    async issue(t, user) {
      const token = await createOpaqueToken(t, user);
      const [row] = await t.sql<{ id: string }>(
        "SELECT id FROM credentials WHERE user_id = $1 AND kind = 'opaque_token' ORDER BY created_at DESC LIMIT 1",
        [user.id],
      );
      return {
        id: row?.id as string,
        presented: token,
        call: (t2, method, path, options = {}) =>
          t2.http.request(method, path, {
            ...options,
            headers: { ...options.headers, 'x-auth-token': token },
          }),
      };
    },
    revoke: (t, _user, held) => held.call(t, 'DELETE', '/api/v1/auth/token'),
  },
];

const ME = '/api/v1/users/me';

async function stateOf(t: TestApp, id: string) {
  const [row] = await t.sql<{
    revoked_at: Date | null;
    revoked_reason: string | null;
    last_used_at: Date | null;
  }>('SELECT revoked_at, revoked_reason, last_used_at FROM credentials WHERE id = $1', [id]);
  return row;
}

describe.each(KINDS)('$name: one lifecycle for every stored kind', (kind) => {
  const t = useTestApp();

  it('works, and is refused while its user is disabled, then works again', async () => {
    const user = await createUser(t);
    const held = await kind.issue(t, user);
    expect((await held.call(t, 'GET', ME)).status).toBe(200);
    const disable = (disabled: boolean) =>
      t.http.request('PATCH', `/api/v1/users/${user.id}`, { basic: ADMIN, body: { disabled } });
    expect((await disable(true)).status).toBe(200);
    expect((await held.call(t, 'GET', ME)).status).toBe(401);
    expect((await disable(false)).status).toBe(200);
    expect((await held.call(t, 'GET', ME)).status).toBe(200);
  });

  it('is refused at once when revoked, and the database says so', async () => {
    const user = await createUser(t);
    const held = await kind.issue(t, user);
    expect((await held.call(t, 'GET', ME)).status).toBe(200);
    expect((await kind.revoke(t, user, held)).status).toBe(204);
    const after = await held.call(t, 'GET', ME);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('invalid_credentials');
    expect(await stateOf(t, held.id)).toMatchObject({ revoked_reason: 'revoked' });
  });

  it('is refused at once when reported leaked, shows "leaked" and is audited for its owner', async () => {
    const user = await createUser(t);
    const held = await kind.issue(t, user);
    expect((await held.call(t, 'GET', ME)).status).toBe(200);
    const report = await t.http.post('/api/v1/credentials/revoke', {
      body: { credentials: [held.presented] },
    });
    expect(report.status).toBe(202);
    expect(report.body).toEqual({});
    expect((await held.call(t, 'GET', ME)).status).toBe(401);
    expect(await stateOf(t, held.id)).toMatchObject({ revoked_reason: 'leaked' });
    const audit = await t.sql<{ details: { id: string; kind: string } }>(
      "SELECT details FROM audit_events WHERE type = 'credential.leaked' AND subject_id = $1",
      [user.id],
    );
    expect(audit.map((event) => event.details)).toEqual([
      expect.objectContaining({ id: held.id, kind: kind.kind }),
    ]);
  });

  it('counts an introspection and a forward-auth check as use, written in a batch, never its minting', async () => {
    const user = await createUser(t);
    const held = await kind.issue(t, user);
    const verifier = t.app.get(CredentialVerifier);
    await verifier.flushUsage();
    expect((await stateOf(t, held.id))?.last_used_at).toBeNull();

    const introspector = await createPat(t, await createUser(t, { roles: ['admin'] }), [
      'tokens:introspect',
    ]);
    const introspected = await t.http.post('/api/v1/oauth/introspect', {
      bearer: introspector.token,
      body: { token: held.presented },
    });
    expect(introspected.body).toMatchObject({ active: true, sub: user.id });
    // Not a write per request: nothing until the buffer is flushed.
    expect((await stateOf(t, held.id))?.last_used_at).toBeNull();
    await verifier.flushUsage();
    expect((await stateOf(t, held.id))?.last_used_at).toBeInstanceOf(Date);

    await t.sql('UPDATE credentials SET last_used_at = NULL WHERE id = $1', [held.id]);
    expect((await held.call(t, 'GET', '/api/v1/auth/verify')).status).toBe(200);
    await verifier.flushUsage();
    expect((await stateOf(t, held.id))?.last_used_at).toBeInstanceOf(Date);
  });

  it('is refused by an instance where its kind is switched off', async () => {
    const user = await createUser(t);
    const held = await kind.issue(t, user);
    const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-switched-off-'));
    const off = await startServer(dataDir, {
      DATABASE_URL: databaseUrlFor(serverUrl(), t.databaseName),
      ENCRYPTION_KEY: t.config.ENCRYPTION_KEY as string,
      PUBLIC_URL: t.config.PUBLIC_URL,
      LOG_LEVEL: 'warn',
      [kind.switchName]: 'false',
    });
    try {
      expect((await held.call(off, 'GET', ME)).status).toBe(401);
      expect((await held.call(t, 'GET', ME)).status).toBe(200);
    } finally {
      await stopServer(off);
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  if (kind.narrowable) {
    it('may do only what its scopes allow', async () => {
      const user = await createUser(t);
      const held = await kind.issue(t, user, { scopes: ['profile:read'] });
      expect((await held.call(t, 'GET', ME)).status).toBe(200);
      const beyond = await held.call(t, 'GET', '/api/v1/personal-access-tokens');
      expect(beyond.status).toBe(403);
      expect(beyond.body.code).toBe('insufficient_scope');
    });
  }

  const { patch, list } = kind;
  if (patch && list) {
    it('is refused while disabled and works again when enabled, without being deleted', async () => {
      const user = await createUser(t);
      const held = await kind.issue(t, user);
      expect((await held.call(t, 'GET', ME)).status).toBe(200);
      const disabled = await patch(t, user, held, { disabled: true });
      expect(disabled.status).toBe(200);
      expect(disabled.body).toMatchObject({ id: held.id, disabled: true, revokedAt: null });
      expect((await held.call(t, 'GET', ME)).status).toBe(401);
      expect((await list(t, user, 'active')).body.items).toEqual([
        expect.objectContaining({ id: held.id, disabled: true }),
      ]);
      expect((await patch(t, user, held, { disabled: false })).body.disabled).toBe(false);
      expect((await held.call(t, 'GET', ME)).status).toBe(200);
    });

    it('answers 429 with Retry-After and RateLimit headers over its rate limit', async () => {
      const user = await createUser(t);
      const held = await kind.issue(t, user, { rateLimit: { requests: 3, perSeconds: 60 } });
      for (let used = 1; used <= 3; used += 1) {
        const ok = await held.call(t, 'GET', ME, { headers: { origin: t.config.PUBLIC_URL } });
        // A browser script may read them too.
        expect(ok.headers.get('access-control-expose-headers')).toContain('RateLimit-Policy');
        expect(ok.status).toBe(200);
        expect(ok.headers.get('ratelimit-policy')).toBe('"credential";q=3;w=60');
        expect(ok.headers.get('ratelimit')).toMatch(
          new RegExp(`^"credential";r=${3 - used};t=\\d+$`),
        );
      }
      const over = await held.call(t, 'GET', ME);
      expect(over.status).toBe(429);
      expect(over.headers.get('content-type')).toContain('application/problem+json');
      expect(over.body.code).toBe('rate_limited');
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(over.headers.get('ratelimit')).toMatch(/^"credential";r=0;t=\d+$/);
      // Lifting the limit lets it in again.
      expect((await patch(t, user, held, { rateLimit: null })).status).toBe(200);
      expect((await held.call(t, 'GET', ME)).status).toBe(200);
    });

    it('stays visible when inactive: ?state=inactive and all, with revokedAt and revokedReason', async () => {
      const user = await createUser(t);
      const kept = await kind.issue(t, user);
      const gone = await kind.issue(t, user);
      expect((await kind.revoke(t, user, gone)).status).toBe(204);
      const ids = async (state: string) =>
        ((await list(t, user, state)).body.items as { id: string }[]).map((item) => item.id);
      expect(await ids('active')).toEqual([kept.id]);
      expect(await ids('inactive')).toEqual([gone.id]);
      expect((await ids('all')).sort()).toEqual([kept.id, gone.id].sort());
      const [inactive] = (await list(t, user, 'inactive')).body.items;
      expect(inactive).toMatchObject({ revokedAt: expect.any(String), revokedReason: 'revoked' });
      expect((await list(t, user, 'sideways')).status).toBe(400);
    });
  }
});

describe('rotation with an overlap', () => {
  const t = useTestApp();

  it('PAT: the old token stops at once without an overlap', async () => {
    const user = await createUser(t);
    const old = await createPat(t, user, ['profile:read']);
    const rotated = await t.http.post(`/api/v1/personal-access-tokens/${old.id}/rotate`, {
      basic: user.basic,
      body: {},
    });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ name: 'pat profile:read', scopes: ['profile:read'] });
    expect(rotated.body.id).not.toBe(old.id);
    expect((await t.http.get(ME, { bearer: old.token })).status).toBe(401);
    expect((await t.http.get(ME, { bearer: rotated.body.token })).status).toBe(200);
    expect(await stateOf(t, old.id)).toMatchObject({ revoked_reason: 'rotated' });
    const events = await t.sql(
      "SELECT 1 FROM audit_events WHERE type = 'token.rotated' AND subject_id = $1",
      [user.id],
    );
    expect(events).toHaveLength(1);
  });

  it('PAT: the old token works during the overlap and is refused once it is past', async () => {
    const user = await createUser(t);
    const old = await createPat(t, user, ['profile:read']);
    expect((await t.http.get(ME, { bearer: old.token })).status).toBe(200);
    const rotated = await t.http.post(`/api/v1/personal-access-tokens/${old.id}/rotate`, {
      basic: user.basic,
      body: { overlapSeconds: 1 },
    });
    expect(rotated.status).toBe(201);
    expect((await t.http.get(ME, { bearer: old.token })).status).toBe(200);
    expect((await t.http.get(ME, { bearer: rotated.body.token })).status).toBe(200);
    // Still active, and it says when it stops.
    const active = await t.http.get('/api/v1/personal-access-tokens', { basic: user.basic });
    const outgoing = active.body.items.find((item: { id: string }) => item.id === old.id);
    expect(outgoing).toMatchObject({ revokedReason: 'rotated' });
    expect(new Date(outgoing.revokedAt).getTime()).toBeGreaterThan(Date.now());
    // Rotating the outgoing token again is refused: its successor is the one to rotate.
    const again = await t.http.post(`/api/v1/personal-access-tokens/${old.id}/rotate`, {
      basic: user.basic,
      body: {},
    });
    expect(again.status).toBe(409);
    await sleep(1500);
    // No notification: the cached verification itself ends with the overlap.
    expect((await t.http.get(ME, { bearer: old.token })).status).toBe(401);
    expect((await t.http.get(ME, { bearer: rotated.body.token })).status).toBe(200);
  });

  it('PAT: keeps the lifetime length, refuses an overlap beyond 7 days and others’ tokens', async () => {
    const user = await createUser(t);
    const expiresAt = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const old = await createPat(t, user, ['profile:read'], expiresAt);
    const tooLong = await t.http.post(`/api/v1/personal-access-tokens/${old.id}/rotate`, {
      basic: user.basic,
      body: { overlapSeconds: 604_801 },
    });
    expect(tooLong.status).toBe(400);
    const stranger = await createUser(t);
    const foreign = await t.http.post(`/api/v1/personal-access-tokens/${old.id}/rotate`, {
      basic: stranger.basic,
      body: {},
    });
    expect(foreign.status).toBe(404);
    const rotated = await t.http.post(`/api/v1/personal-access-tokens/${old.id}/rotate`, {
      basic: user.basic,
      body: {},
    });
    const lifetime = new Date(rotated.body.expiresAt).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(9.9 * 86_400_000);
    expect(lifetime).toBeLessThanOrEqual(10 * 86_400_000);
  });

  it('PAT: an admin rotates a user’s token; a non-admin cannot reach that route', async () => {
    const user = await createUser(t);
    const old = await createPat(t, user, ['profile:read']);
    const byUser = await t.http.post(
      `/api/v1/users/${user.id}/personal-access-tokens/${old.id}/rotate`,
      { basic: user.basic, body: {} },
    );
    expect(byUser.status).toBe(403);
    const byAdmin = await t.http.post(
      `/api/v1/users/${user.id}/personal-access-tokens/${old.id}/rotate`,
      { basic: ADMIN, body: {} },
    );
    expect(byAdmin.status).toBe(201);
    expect((await t.http.get(ME, { bearer: byAdmin.body.token })).body.id).toBe(user.id);
  });

  it('API key: the old secret keeps working for the overlap, then only the new one', async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user, ['profile:read']);
    const exchanged = await t.http.post('/api/v1/sessions', {
      body: { type: 'api-key', key: key.apiKey, secret: key.apiSecret },
    });
    const rotated = await t.http.post(`/api/v1/api-keys/${key.id}/secret`, {
      basic: ADMIN,
      body: { overlapSeconds: 1 },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.apiKey).toBe(key.apiKey);
    const fresh = { apiKey: key.apiKey, apiSecret: rotated.body.apiSecret as string };
    expect((await t.http.get(ME, { authorization: tokenHeader(key) })).status).toBe(200);
    expect((await t.http.get(ME, { bearer: exchanged.body.access_token })).status).toBe(200);
    expect((await t.http.get(ME, { authorization: tokenHeader(fresh) })).status).toBe(200);
    const listed = await t.http.get(`/api/v1/users/${user.id}/api-keys`, { basic: ADMIN });
    expect(listed.body.items[0].previousSecretExpiresAt).toEqual(expect.any(String));
    await sleep(1500);
    expect((await t.http.get(ME, { authorization: tokenHeader(key) })).status).toBe(401);
    expect((await t.http.get(ME, { bearer: exchanged.body.access_token })).status).toBe(401);
    expect((await t.http.get(ME, { authorization: tokenHeader(fresh) })).status).toBe(200);
  });

  it('API key: without an overlap the old secret stops at once', async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user, ['profile:read']);
    expect((await t.http.get(ME, { authorization: tokenHeader(key) })).status).toBe(200);
    const rotated = await t.http.post(`/api/v1/api-keys/${key.id}/secret`, { basic: ADMIN });
    expect(rotated.status).toBe(200);
    expect((await t.http.get(ME, { authorization: tokenHeader(key) })).status).toBe(401);
  });
});

describe('POST /credentials/revoke', () => {
  const t = useTestApp();

  it('stops session, refresh, exchanged tokens and an API secret alone; always 202 {}', async () => {
    const user = await createUser(t);
    const login = await t.http.post('/api/v1/auth/login', {
      body: { login: user.login, password: user.password },
    });
    const refresh = /lk_refresh=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
    const second = await t.http.post('/api/v1/auth/login', {
      body: { login: user.login, password: user.password },
    });
    const key = await createApiKey(t, user, ['profile:read']);
    const exchanged = await t.http.post('/api/v1/sessions', {
      body: { type: 'api-key', key: key.apiKey, secret: key.apiSecret },
    });
    const other = await createApiKey(t, user, ['profile:read']);
    const report = await t.http.post('/api/v1/credentials/revoke', {
      body: {
        credentials: [
          second.body.access_token,
          decodeURIComponent(refresh ?? ''),
          exchanged.body.access_token,
          other.apiSecret,
          'not a credential at all',
          'lkt_000000000000000000000000000000000000000000000a',
        ],
      },
    });
    expect(report.status).toBe(202);
    expect(report.body).toEqual({});
    expect((await t.http.get(ME, { bearer: second.body.access_token })).status).toBe(401);
    expect((await t.http.get(ME, { bearer: login.body.access_token })).status).toBe(401);
    expect((await t.http.get(ME, { bearer: exchanged.body.access_token })).status).toBe(401);
    expect((await t.http.get(ME, { authorization: tokenHeader(other) })).status).toBe(401);
    // The key whose exchanged token leaked keeps working: only that token was reported.
    expect((await t.http.get(ME, { authorization: tokenHeader(key) })).status).toBe(200);
    const sessions = await t.sql<{ revoked_reason: string }>(
      'SELECT revoked_reason FROM sessions WHERE user_id = $1',
      [user.id],
    );
    expect(sessions.map((row) => row.revoked_reason)).toEqual(['leaked', 'leaked']);
    const leaked = await t.sql(
      "SELECT 1 FROM audit_events WHERE type = 'credential.leaked' AND subject_id = $1",
      [user.id],
    );
    expect(leaked).toHaveLength(4);
  });

  it('answers the same for garbage, and refuses a body it cannot take with 400', async () => {
    const garbage = await t.http.post('/api/v1/credentials/revoke', {
      body: { credentials: ['x', 'eyJ.eyJ.sig', 'lk_abc:lks_def'] },
    });
    expect(garbage.status).toBe(202);
    const empty = await t.http.post('/api/v1/credentials/revoke', { body: { credentials: [] } });
    expect(empty.status).toBe(400);
    const tooMany = await t.http.post('/api/v1/credentials/revoke', {
      body: { credentials: Array.from({ length: 1001 }, (_, i) => `x${i}`) },
    });
    expect(tooMany.status).toBe(400);
  });
});

describe('POST /credentials/revoke is limited per client IP', () => {
  const t = useTestApp();

  it('answers 429 with Retry-After after 20 reports a minute', async () => {
    for (let report = 0; report < 20; report += 1) {
      const res = await t.http.post('/api/v1/credentials/revoke', { body: { credentials: ['x'] } });
      expect(res.status).toBe(202);
    }
    const over = await t.http.post('/api/v1/credentials/revoke', { body: { credentials: ['x'] } });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
