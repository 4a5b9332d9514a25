import { Secret, TOTP } from 'otpauth';
import { createUser, type TestUser } from './factories/users.js';
import { BrowserSession, refreshCookieOf } from './support/browser.js';
import { ADMIN, useTestApp, type TestApp } from './support/test-app.js';

/** The code an authenticator app shows `offsetSteps` periods from now. */
function codeFor(secret: string, offsetSteps = 0): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

/** Enrols TOTP for the user through the API; returns the secret and the recovery codes. */
async function enrol(t: TestApp, user: TestUser) {
  const setup = await t.http.post('/api/v1/auth/mfa/totp/setup', { basic: user.basic });
  expect(setup.status).toBe(200);
  const enable = await t.http.post('/api/v1/auth/mfa/totp/enable', {
    basic: user.basic,
    body: { code: codeFor(setup.body.secret) },
  });
  expect(enable.status).toBe(200);
  return {
    secret: setup.body.secret as string,
    recoveryCodes: enable.body.recoveryCodes as string[],
  };
}

async function passwordStep(t: TestApp, user: TestUser) {
  return t.http.post('/api/v1/auth/login', {
    body: { login: user.login, password: user.password },
  });
}

describe('TOTP multi-factor authentication', () => {
  const t = useTestApp({ AUTH_LOGIN_MAX_FAILURES: '3', AUTH_LOGIN_FAILURE_WINDOW: '1m' });

  it('sets up a secret sealed at rest that is not active until a code confirms it', async () => {
    const user = await createUser(t);
    const setup = await t.http.post('/api/v1/auth/mfa/totp/setup', { basic: user.basic });
    expect(setup.status).toBe(200);
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.body.otpauthUri).toMatch(
      new RegExp(`^otpauth://totp/Latchkey:${user.login}\\?.*secret=${setup.body.secret}`),
    );
    const [row] = await t.sql<{ totp_pending_secret_sealed: string; totp_enabled_at: Date | null }>(
      'SELECT totp_pending_secret_sealed, totp_enabled_at FROM users WHERE id = $1',
      [user.id],
    );
    expect(row?.totp_pending_secret_sealed).toMatch(/^v1\./);
    expect(row?.totp_pending_secret_sealed).not.toContain(setup.body.secret);
    expect(row?.totp_enabled_at).toBeNull();
    const me = await t.http.get('/api/v1/users/me', { basic: user.basic });
    expect(me.body.mfaEnabled).toBe(false);
  });

  it('enables TOTP with a right code only, returning 10 recovery codes stored as MACs', async () => {
    const user = await createUser(t);
    const setup = await t.http.post('/api/v1/auth/mfa/totp/setup', { basic: user.basic });
    const wrong = await t.http.post('/api/v1/auth/mfa/totp/enable', {
      basic: user.basic,
      body: { code: '000000' === codeFor(setup.body.secret) ? '111111' : '000000' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('validation_failed');

    const enable = await t.http.post('/api/v1/auth/mfa/totp/enable', {
      basic: user.basic,
      body: { code: codeFor(setup.body.secret) },
    });
    expect(enable.status).toBe(200);
    expect(enable.body.recoveryCodes).toHaveLength(10);
    expect(new Set(enable.body.recoveryCodes).size).toBe(10);
    const stored = await t.sql<{ code_mac: string }>(
      'SELECT code_mac FROM mfa_recovery_codes WHERE user_id = $1',
      [user.id],
    );
    expect(stored).toHaveLength(10);
    for (const code of enable.body.recoveryCodes) {
      expect(JSON.stringify(stored)).not.toContain(code);
    }
    const events = await t.sql<{ type: string }>(
      'SELECT type FROM audit_events WHERE subject_id = $1',
      [user.id],
    );
    expect(events.map((event) => event.type)).toContain('mfa.enabled');
  });

  it('asks for the second factor at login, and completes it with a code once', async () => {
    const user = await createUser(t);
    const { secret } = await enrol(t, user);

    const first = await passwordStep(t, user);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      mfa_required: true,
      mfa_token: expect.any(String),
      expires_in: 300,
      methods: ['totp', 'recovery_code'],
    });
    expect(refreshCookieOf(first)).toBeUndefined();

    // The enrolment used the current step; the app's next code is within the window.
    const code = codeFor(secret, 1);
    const second = await t.http.post('/api/v1/auth/login/mfa', {
      body: { mfa_token: first.body.mfa_token, code },
    });
    expect(second.status).toBe(200);
    expect(second.body.user).toMatchObject({ id: user.id, mfaEnabled: true });
    expect(refreshCookieOf(second)?.value).toMatch(/^lkr_/);
    const browser = new BrowserSession(t);
    browser.take(second);
    expect((await browser.me()).body.authMethod).toBe('session');

    const replay = await t.http.post('/api/v1/auth/login/mfa', {
      body: { mfa_token: (await passwordStep(t, user)).body.mfa_token, code },
    });
    expect(replay.status).toBe(401);
  });

  it('takes an mfa_token once: a second use gives no second session', async () => {
    const user = await createUser(t);
    const { recoveryCodes } = await enrol(t, user);
    const { body } = await passwordStep(t, user);
    const first = await t.http.post('/api/v1/auth/login/mfa', {
      body: { mfa_token: body.mfa_token, code: recoveryCodes[0] },
    });
    expect(first.status).toBe(200);
    const again = await t.http.post('/api/v1/auth/login/mfa', {
      body: { mfa_token: body.mfa_token, code: recoveryCodes[1] },
    });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('invalid_credentials');
    expect(refreshCookieOf(again)).toBeUndefined();
    const sessions = await t.sql<{ count: number }>(
      'SELECT count(*)::int AS count FROM sessions WHERE user_id = $1',
      [user.id],
    );
    expect(sessions[0]?.count).toBe(1);
    const [spent] = await t.sql<{ count: number }>(
      'SELECT count(*)::int AS count FROM spent_mfa_tokens WHERE expires_at > now()',
    );
    expect(spent?.count).toBeGreaterThanOrEqual(1);
  });

  it('never takes the mfa_token as an access token', async () => {
    const user = await createUser(t);
    await enrol(t, user);
    const { body } = await passwordStep(t, user);
    const res = await t.http.get('/api/v1/users/me', { bearer: body.mfa_token });
    expect(res.status).toBe(401);
  });

  it('accepts each recovery code once', async () => {
    const user = await createUser(t);
    const { recoveryCodes } = await enrol(t, user);
    const recovery = recoveryCodes[0] as string;
    const first = await t.http.post('/api/v1/auth/login/mfa', {
      body: {
        mfa_token: (await passwordStep(t, user)).body.mfa_token,
        code: recovery.toUpperCase(),
      },
    });
    expect(first.status).toBe(200);
    const again = await t.http.post('/api/v1/auth/login/mfa', {
      body: { mfa_token: (await passwordStep(t, user)).body.mfa_token, code: recovery },
    });
    expect(again.status).toBe(401);
    const [row] = await t.sql<{ used: number }>(
      'SELECT count(*)::int AS used FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NOT NULL',
      [user.id],
    );
    expect(row?.used).toBe(1);
  });

  it('refuses Basic login:password for an account with MFA', async () => {
    const user = await createUser(t);
    expect((await t.http.get('/api/v1/users/me', { basic: user.basic })).status).toBe(200);
    await enrol(t, user);
    const res = await t.http.get('/api/v1/users/me', { basic: user.basic });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_credentials');
  });

  it('throttles wrong codes with 429 and Retry-After', async () => {
    const user = await createUser(t);
    await enrol(t, user);
    const { body } = await passwordStep(t, user);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const res = await t.http.post('/api/v1/auth/login/mfa', {
        body: { mfa_token: body.mfa_token, code: 'wrong-code1' },
      });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('disables TOTP with the password only, and lets an admin reset it', async () => {
    const user = await createUser(t);
    const { secret } = await enrol(t, user);
    const { body } = await passwordStep(t, user);
    const login = await t.http.post('/api/v1/auth/login/mfa', {
      body: { mfa_token: body.mfa_token, code: codeFor(secret, 1) },
    });
    const browser = new BrowserSession(t);
    browser.take(login);

    const wrong = await t.http.delete('/api/v1/auth/mfa/totp', {
      bearer: browser.accessToken,
      body: { password: 'not my password' },
    });
    expect(wrong.status).toBe(400);
    const off = await t.http.delete('/api/v1/auth/mfa/totp', {
      bearer: browser.accessToken,
      body: { password: user.password },
    });
    expect(off.status).toBe(204);
    expect((await t.http.get('/api/v1/users/me', { basic: user.basic })).status).toBe(200);

    await enrol(t, user);
    expect(
      (await t.http.delete(`/api/v1/users/${user.id}/mfa`, { bearer: browser.accessToken })).status,
    ).toBe(403);
    const reset = await t.http.delete(`/api/v1/users/${user.id}/mfa`, { basic: ADMIN });
    expect(reset.status).toBe(204);
    const [row] = await t.sql<{ totp_secret_sealed: string | null }>(
      'SELECT totp_secret_sealed FROM users WHERE id = $1',
      [user.id],
    );
    expect(row?.totp_secret_sealed).toBeNull();
    expect((await t.http.get('/api/v1/users/me', { basic: user.basic })).body.mfaEnabled).toBe(
      false,
    );
    const types = await t.sql<{ type: string }>(
      'SELECT type FROM audit_events WHERE subject_id = $1 ORDER BY created_at',
      [user.id],
    );
    expect(types.map((event) => event.type)).toEqual(
      expect.arrayContaining(['mfa.enabled', 'mfa.disabled', 'mfa.reset']),
    );
  });

  it('will not enable TOTP without a setup, nor set it up twice', async () => {
    const user = await createUser(t);
    const early = await t.http.post('/api/v1/auth/mfa/totp/enable', {
      basic: user.basic,
      body: { code: '123456' },
    });
    expect(early.status).toBe(409);
    const { secret } = await enrol(t, user);
    expect(secret).toBeTruthy();
    const login = await t.http.post('/api/v1/auth/login/mfa', {
      body: { mfa_token: (await passwordStep(t, user)).body.mfa_token, code: codeFor(secret, 1) },
    });
    const reauthenticated = await t.http.post('/api/v1/auth/reauthenticate', {
      bearer: login.body.access_token,
      body: { password: user.password },
    });
    expect(reauthenticated.status).toBe(200);
    const again = await t.http.post('/api/v1/auth/mfa/totp/setup', {
      bearer: login.body.access_token,
    });
    expect(again.status).toBe(409);
  });
});
