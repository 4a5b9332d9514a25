import { createUser, type TestUser } from './factories/users.js';
import { BrowserSession, refreshCookieOf } from './support/browser.js';
import type { TestResponse } from './support/http-client.js';
import { SoftAuthenticator, type CeremonyOverrides } from './support/soft-authenticator.js';
import { ADMIN, useTestApp, type TestApp } from './support/test-app.js';

const ORIGIN = 'https://auth.example.test';
const RP_ID = 'example.test';

/** A user signed in through the SPA's endpoints, holding one passkey registered by `device`. */
async function withPasskey(t: TestApp, name = 'Laptop') {
  const user = await createUser(t);
  const browser = new BrowserSession(t);
  await browser.login(user);
  const device = new SoftAuthenticator(ORIGIN, RP_ID);
  const registered = await register(t, browser, device, name);
  expect(registered.status).toBe(201);
  return { user, browser, device, passkeyId: registered.body.id as string };
}

async function register(
  t: TestApp,
  browser: BrowserSession,
  device: SoftAuthenticator,
  name: string,
  overrides: CeremonyOverrides = {},
): Promise<TestResponse> {
  await browser.reauthenticate();
  const options = await t.http.post('/api/v1/auth/passkeys/registration-options', {
    bearer: browser.accessToken,
  });
  expect(options.status).toBe(200);
  return t.http.post('/api/v1/auth/passkeys', {
    bearer: browser.accessToken,
    body: { name, response: device.register(options.body, overrides) },
  });
}

async function loginOptions(t: TestApp, login?: string) {
  const res = await t.http.post('/api/v1/auth/login/passkey-options', {
    body: login ? { login } : {},
  });
  expect(res.status).toBe(200);
  return res.body;
}

async function passwordless(
  t: TestApp,
  device: SoftAuthenticator,
  overrides: CeremonyOverrides = {},
): Promise<TestResponse> {
  const options = await loginOptions(t);
  return t.http.post('/api/v1/auth/login/passkey', {
    body: { response: device.assert(options, overrides) },
  });
}

async function auditTypes(t: TestApp, user: TestUser): Promise<string[]> {
  const rows = await t.sql<{ type: string }>(
    'SELECT type FROM audit_events WHERE subject_id = $1 ORDER BY created_at',
    [user.id],
  );
  return rows.map((row) => row.type);
}

describe('passkeys (WebAuthn)', () => {
  const t = useTestApp({
    PUBLIC_URL: ORIGIN,
    WEBAUTHN_RP_ID: RP_ID,
    WEBAUTHN_RP_NAME: 'Latchkey Test',
    AUTH_LOGIN_MAX_FAILURES: '50',
  });

  it('registers a passkey from an attestation, stores its public key and audits it', async () => {
    const user = await createUser(t);
    const browser = new BrowserSession(t);
    await browser.login(user);
    await browser.reauthenticate();
    const options = await t.http.post('/api/v1/auth/passkeys/registration-options', {
      bearer: browser.accessToken,
    });
    expect(options.status).toBe(200);
    expect(options.headers.get('cache-control')).toBe('no-store');
    expect(options.body).toMatchObject({
      rp: { id: RP_ID, name: 'Latchkey Test' },
      user: { name: user.login },
      authenticatorSelection: { residentKey: 'required' },
      attestation: 'none',
    });
    const device = new SoftAuthenticator(ORIGIN, RP_ID);
    const res = await t.http.post('/api/v1/auth/passkeys', {
      bearer: browser.accessToken,
      body: { name: '  Work laptop ', response: device.register(options.body) },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Work laptop',
      createdAt: expect.any(String),
      lastUsedAt: null,
      backedUp: false,
    });
    const [row] = await t.sql<{
      user_id: string;
      credential_id: string;
      counter: string;
      transports: string[];
      public_key: Buffer;
    }>('SELECT * FROM passkeys WHERE id = $1', [res.body.id]);
    expect(row).toMatchObject({
      user_id: user.id,
      credential_id: device.id,
      counter: '0',
      transports: ['internal'],
    });
    expect(row?.public_key.length).toBeGreaterThan(64);
    expect(await auditTypes(t, user)).toContain('passkey.registered');
    const challenges = await t.sql('SELECT 1 FROM webauthn_challenges WHERE challenge = $1', [
      options.body.challenge,
    ]);
    expect(challenges).toEqual([]);

    const list = await t.http.get('/api/v1/auth/passkeys', { bearer: browser.accessToken });
    expect(list.body.items).toEqual([res.body]);
    // The same registration, presented again, meets a spent challenge.
    const again = await t.http.post('/api/v1/auth/passkeys', {
      bearer: browser.accessToken,
      body: { name: 'Again', response: device.register(options.body) },
    });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('validation_failed');
  });

  it('refuses a registration made for another origin or RP ID, or by another user', async () => {
    const user = await createUser(t);
    const browser = new BrowserSession(t);
    await browser.login(user);
    const device = new SoftAuthenticator(ORIGIN, RP_ID);
    for (const overrides of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }]) {
      const res = await register(t, browser, device, 'Phished', overrides);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    const other = new BrowserSession(t);
    await other.login(await createUser(t));
    // Both re-authenticated: the challenge's owner alone is what refuses the registration.
    await other.reauthenticate();
    const options = await t.http.post('/api/v1/auth/passkeys/registration-options', {
      bearer: browser.accessToken,
    });
    const stolen = await t.http.post('/api/v1/auth/passkeys', {
      bearer: other.accessToken,
      body: { name: 'Stolen', response: device.register(options.body) },
    });
    expect(stolen.status).toBe(400);
    expect(await t.sql('SELECT 1 FROM passkeys WHERE credential_id = $1', [device.id])).toEqual([]);
  });

  it('signs in without a password with a user-verified passkey, seen in sessions and audit', async () => {
    const { user, device, passkeyId } = await withPasskey(t);
    const options = await loginOptions(t);
    expect(options).toMatchObject({ rpId: RP_ID, userVerification: 'required' });
    expect(options.allowCredentials ?? []).toEqual([]);
    const res = await t.http.post('/api/v1/auth/login/passkey', {
      body: { response: device.assert(options) },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    expect(res.body).toMatchObject({ token_type: 'Bearer', user: { id: user.id } });
    expect(refreshCookieOf(res)?.value).toMatch(/^lkr_/);
    const browser = new BrowserSession(t);
    browser.take(res);
    expect((await browser.me()).body).toMatchObject({ id: user.id, authMethod: 'session' });

    const sessions = await t.http.get('/api/v1/auth/sessions', { bearer: browser.accessToken });
    const current = sessions.body.items.find((session: { current: boolean }) => session.current);
    expect(current.signInMethods).toEqual(['passkey']);
    const [event] = await t.sql<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_events WHERE subject_id = $1 AND type = 'login.succeeded'
       ORDER BY created_at DESC LIMIT 1`,
      [user.id],
    );
    expect(event?.details).toMatchObject({ methods: ['passkey'], passkeyId });
    const [row] = await t.sql<{ counter: string; last_used_at: Date | null }>(
      'SELECT counter, last_used_at FROM passkeys WHERE id = $1',
      [passkeyId],
    );
    expect(row?.counter).toBe('1');
    expect(row?.last_used_at).not.toBeNull();
  });

  it('lists the passkeys of a given login, and takes only theirs', async () => {
    const { user, device } = await withPasskey(t);
    const other = await withPasskey(t);
    const options = await loginOptions(t, user.login);
    expect(options.allowCredentials).toEqual([
      expect.objectContaining({ id: device.id, type: 'public-key' }),
    ]);
    const wrong = await t.http.post('/api/v1/auth/login/passkey', {
      body: { response: other.device.assert(options) },
    });
    expect(wrong.status).toBe(401);
  });

  it('refuses passwordless sign-in without user verification, which a second factor needs not', async () => {
    const { user, device } = await withPasskey(t);
    const res = await passwordless(t, device, { userVerified: false });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_credentials');
    expect(refreshCookieOf(res)).toBeUndefined();

    const step = await t.http.post('/api/v1/auth/login', {
      body: { login: user.login, password: user.password },
    });
    const options = await t.http.post('/api/v1/auth/login/mfa/passkey-options', {
      body: { mfa_token: step.body.mfa_token },
    });
    const second = await t.http.post('/api/v1/auth/login/mfa', {
      body: {
        mfa_token: step.body.mfa_token,
        passkey: device.assert(options.body, { userVerified: false }),
      },
    });
    expect(second.status).toBe(200);
  });

  it('refuses an assertion for another origin or another RP ID', async () => {
    const { user, device } = await withPasskey(t);
    const phished = await passwordless(t, device, { origin: 'https://auth.example.test.evil' });
    expect(phished.status).toBe(401);
    const otherRp = await passwordless(t, device, { rpId: 'evil.test' });
    expect(otherRp.status).toBe(401);
    const failed = await t.sql<{ details: { reason: string } }>(
      `SELECT details FROM audit_events WHERE subject_id = $1 AND type = 'login.failed'`,
      [user.id],
    );
    expect(failed.map((event) => event.details.reason)).toEqual(['signature', 'signature']);
    expect((await passwordless(t, device)).status).toBe(200);
  });

  it('takes each challenge once: a replayed assertion is refused', async () => {
    const { device } = await withPasskey(t);
    const options = await loginOptions(t);
    const assertion = device.assert(options);
    const first = await t.http.post('/api/v1/auth/login/passkey', {
      body: { response: assertion },
    });
    expect(first.status).toBe(200);
    const replay = await t.http.post('/api/v1/auth/login/passkey', {
      body: { response: assertion },
    });
    expect(replay.status).toBe(401);
    // A fresh signature over the spent challenge is refused too.
    const resigned = await t.http.post('/api/v1/auth/login/passkey', {
      body: { response: device.assert(options) },
    });
    expect(resigned.status).toBe(401);
    // So is a challenge that was never issued.
    const invented = await t.http.post('/api/v1/auth/login/passkey', {
      body: { response: device.assert({ challenge: 'bm90LWlzc3VlZC1oZXJl', rpId: RP_ID }) },
    });
    expect(invented.status).toBe(401);
  });

  it('refuses and audits a signature counter that went backwards (a cloned authenticator)', async () => {
    const { user, device, passkeyId } = await withPasskey(t);
    expect((await passwordless(t, device, { counter: 7 })).status).toBe(200);
    const cloned = await passwordless(t, device, { counter: 5 });
    expect(cloned.status).toBe(401);
    const same = await passwordless(t, device, { counter: 7 });
    expect(same.status).toBe(401);
    const [row] = await t.sql<{ counter: string }>('SELECT counter FROM passkeys WHERE id = $1', [
      passkeyId,
    ]);
    expect(row?.counter).toBe('7');
    const events = await t.sql<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_events WHERE subject_id = $1 AND type = 'passkey.counter_regressed'
       ORDER BY created_at`,
      [user.id],
    );
    expect(events.map((event) => event.details)).toEqual([
      expect.objectContaining({ passkeyId, stored: 7, presented: 5 }),
      expect.objectContaining({ passkeyId, stored: 7, presented: 7 }),
    ]);
    expect((await passwordless(t, device, { counter: 8 })).status).toBe(200);
  });

  it('stops a removed passkey, and removal needs a session or the password', async () => {
    const { user, browser, device, passkeyId } = await withPasskey(t);
    const pat = await t.http.post('/api/v1/personal-access-tokens', {
      bearer: browser.accessToken,
      body: { name: 'script', scopes: ['profile:read', 'tokens:write'], expiresAt: null },
    });
    expect(pat.status).toBe(201);
    const byToken = await t.http.delete(`/api/v1/auth/passkeys/${passkeyId}`, {
      bearer: pat.body.token,
    });
    expect(byToken.status).toBe(403);
    expect(
      (await t.http.get('/api/v1/auth/passkeys', { bearer: pat.body.token })).body.items,
    ).toHaveLength(1);

    const removed = await t.http.delete(`/api/v1/auth/passkeys/${passkeyId}`, {
      bearer: browser.accessToken,
    });
    expect(removed.status).toBe(204);
    expect(await t.sql('SELECT 1 FROM passkeys WHERE id = $1', [passkeyId])).toEqual([]);
    expect(await auditTypes(t, user)).toContain('passkey.removed');
    expect((await passwordless(t, device)).status).toBe(401);
    const again = await t.http.delete(`/api/v1/auth/passkeys/${passkeyId}`, {
      bearer: browser.accessToken,
    });
    expect(again.status).toBe(404);
  });

  it('refuses the passkey of a disabled user', async () => {
    const { user, device } = await withPasskey(t);
    const disable = await t.http.patch(`/api/v1/users/${user.id}`, {
      basic: ADMIN,
      body: { disabled: true },
    });
    expect(disable.status).toBe(200);
    const res = await passwordless(t, device);
    expect(res.status).toBe(401);
    expect(refreshCookieOf(res)).toBeUndefined();
    const sessions = await t.sql(
      'SELECT 1 FROM sessions WHERE user_id = $1 AND revoked_at IS NULL',
      [user.id],
    );
    expect(sessions).toEqual([]);
  });

  it('is the second factor after a password, once per mfa_token', async () => {
    const { user, device, passkeyId } = await withPasskey(t);
    const basic = await t.http.get('/api/v1/users/me', { basic: user.basic });
    expect(basic.status).toBe(401);

    const step = await t.http.post('/api/v1/auth/login', {
      body: { login: user.login, password: user.password },
    });
    expect(step.status).toBe(200);
    expect(step.body).toEqual({
      mfa_required: true,
      mfa_token: expect.any(String),
      expires_in: 300,
      methods: ['passkey'],
    });
    const options = await t.http.post('/api/v1/auth/login/mfa/passkey-options', {
      body: { mfa_token: step.body.mfa_token },
    });
    expect(options.status).toBe(200);
    expect(options.body.allowCredentials).toEqual([expect.objectContaining({ id: device.id })]);
    // A passwordless challenge is no good for the MFA step, nor the other way round.
    const crossed = await t.http.post('/api/v1/auth/login/mfa', {
      body: { mfa_token: step.body.mfa_token, passkey: device.assert(await loginOptions(t)) },
    });
    expect(crossed.status).toBe(401);

    const done = await t.http.post('/api/v1/auth/login/mfa', {
      body: { mfa_token: step.body.mfa_token, passkey: device.assert(options.body) },
    });
    expect(done.status).toBe(200);
    expect(done.headers.get('cache-control')).toBe('no-store');
    expect(refreshCookieOf(done)?.value).toMatch(/^lkr_/);
    const [session] = await t.sql<{ sign_in_methods: string[] }>(
      `SELECT sign_in_methods FROM sessions WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [user.id],
    );
    expect(session?.sign_in_methods).toEqual(['password', 'passkey']);
    const [event] = await t.sql<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_events WHERE subject_id = $1 AND type = 'login.succeeded'
       ORDER BY created_at DESC LIMIT 1`,
      [user.id],
    );
    expect(event?.details).toMatchObject({ methods: ['password', 'passkey'], passkeyId });

    const reuseOptions = await t.http.post('/api/v1/auth/login/mfa/passkey-options', {
      body: { mfa_token: step.body.mfa_token },
    });
    expect(reuseOptions.status).toBe(401);
    const fresh = await t.http.post('/api/v1/auth/login/mfa/passkey-options', {
      body: {
        mfa_token: (
          await t.http.post('/api/v1/auth/login', {
            body: { login: user.login, password: user.password },
          })
        ).body.mfa_token,
      },
    });
    const reuse = await t.http.post('/api/v1/auth/login/mfa', {
      body: { mfa_token: step.body.mfa_token, passkey: device.assert(fresh.body) },
    });
    expect(reuse.status).toBe(401);
    const [count] = await t.sql<{ count: number }>(
      'SELECT count(*)::int AS count FROM sessions WHERE user_id = $1',
      [user.id],
    );
    expect(count?.count).toBe(2);
  });

  it('does not take a passkey of another user as the second factor', async () => {
    const { user } = await withPasskey(t);
    const other = await withPasskey(t);
    const step = await t.http.post('/api/v1/auth/login', {
      body: { login: user.login, password: user.password },
    });
    const options = await t.http.post('/api/v1/auth/login/mfa/passkey-options', {
      body: { mfa_token: step.body.mfa_token },
    });
    const res = await t.http.post('/api/v1/auth/login/mfa', {
      body: { mfa_token: step.body.mfa_token, passkey: other.device.assert(options.body) },
    });
    expect(res.status).toBe(401);
  });

  it('renames a passkey, and lets an admin list and remove the passkeys of a user', async () => {
    const { user, browser, passkeyId } = await withPasskey(t);
    const renamed = await t.http.patch(`/api/v1/auth/passkeys/${passkeyId}`, {
      bearer: browser.accessToken,
      body: { name: 'Phone' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Phone');
    const empty = await t.http.patch(`/api/v1/auth/passkeys/${passkeyId}`, {
      bearer: browser.accessToken,
      body: { name: ' ' },
    });
    expect(empty.status).toBe(400);

    const asUser = await t.http.get(`/api/v1/users/${user.id}/passkeys`, {
      bearer: browser.accessToken,
    });
    expect(asUser.status).toBe(403);
    const listed = await t.http.get(`/api/v1/users/${user.id}/passkeys`, { basic: ADMIN });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: passkeyId, name: 'Phone' })]);
    const removed = await t.http.delete(`/api/v1/users/${user.id}/passkeys/${passkeyId}`, {
      basic: ADMIN,
    });
    expect(removed.status).toBe(204);
    const [event] = await t.sql<{ actor_login: string }>(
      `SELECT actor_login FROM audit_events WHERE subject_id = $1 AND type = 'passkey.removed'`,
      [user.id],
    );
    expect(event?.actor_login).toBe('admin');
    // No second factor left: the password alone signs in again.
    expect((await t.http.get('/api/v1/users/me', { basic: user.basic })).status).toBe(200);
  });

  it('answers malformed responses with 400 or 401, never 500', async () => {
    const { device } = await withPasskey(t);
    const options = await loginOptions(t);
    const good = device.assert(options);
    const bodies = [
      {},
      { response: {} },
      { response: { ...good, response: { ...good.response, clientDataJSON: 'bm90IGpzb24' } } },
      { response: { ...good, response: { ...good.response, clientDataJSON: 'e30' } } },
      { response: { ...good, response: { ...good.response, authenticatorData: 'AAAA' } } },
      { response: { ...good, response: { ...good.response, signature: '' } } },
      { response: { ...good, id: 'bm8\u0000' } },
      { response: { ...good, type: 'password' } },
    ];
    for (const body of bodies) {
      const res = await t.http.post('/api/v1/auth/login/passkey', { body });
      expect([400, 401]).toContain(res.status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const nulLogin = await t.http.post('/api/v1/auth/login/passkey-options', {
      body: { login: 'admin\u0000' },
    });
    expect(nulLogin.status).toBe(400);
    const browser = new BrowserSession(t);
    await browser.login(await createUser(t));
    const nulName = await register(t, browser, new SoftAuthenticator(ORIGIN, RP_ID), 'a\u0000b');
    expect(nulName.status).toBe(400);
  });
});
