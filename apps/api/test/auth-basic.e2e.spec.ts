import { createUser } from './factories/users.js';
import { basicHeader } from './support/http-client.js';
import { useTestApp } from './support/test-app.js';

function expectUnauthorizedProblem(res: { status: number; headers: Headers; body: any }) {
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.headers.get('www-authenticate')).toContain(
    'Bearer realm="latchkey", error="invalid_token"',
  );
  expect(res.headers.get('www-authenticate')).toContain('Basic realm="latchkey"');
  expect(res.body).toMatchObject({
    status: 401,
    code: 'invalid_credentials',
    type: expect.any(String),
    title: expect.any(String),
  });
}

describe('HTTP Basic login:password', () => {
  const t = useTestApp({ AUTH_LOGIN_MAX_FAILURES: '3', AUTH_LOGIN_FAILURE_WINDOW: '2s' });

  it('authenticates with the scheme in any casing', async () => {
    const user = await createUser(t);
    const header = basicHeader(...user.basic).replace('Basic', 'bAsIc');
    const res = await t.http.get('/api/v1/users/me', { authorization: header });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, authMethod: 'basic' });
  });

  it('accepts a password that contains colons', async () => {
    const user = await createUser(t, { password: 'with:colons:inside:it' });
    expect((await t.http.get('/api/v1/users/me', { basic: user.basic })).status).toBe(200);
    expect((await t.http.get('/api/v1/users/me', { basic: [user.login, 'with'] })).status).toBe(
      401,
    );
  });

  it('finds the login whatever its casing', async () => {
    const user = await createUser(t);
    expect(
      (await t.http.get('/api/v1/users/me', { basic: [user.login.toUpperCase(), user.password] }))
        .status,
    ).toBe(200);
  });

  it('gives the same answer for an unknown login and a wrong password', async () => {
    const user = await createUser(t);
    const unknown = await t.http.get('/api/v1/users/me', {
      basic: ['nobody-at-all', 'whatever password'],
    });
    const wrong = await t.http.get('/api/v1/users/me', { basic: [user.login, 'not the password'] });
    expectUnauthorizedProblem(unknown);
    expectUnauthorizedProblem(wrong);
    expect(unknown.text).toBe(wrong.text);
  });

  it('answers 401 with challenges when no credential is sent, or a malformed one', async () => {
    // Nothing sent: the Bearer challenge carries no error code (RFC 6750 §3.1).
    const none = await t.http.get('/api/v1/users/me');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe(
      'Bearer realm="latchkey", Basic realm="latchkey", charset="UTF-8"',
    );
    expectUnauthorizedProblem(await t.http.get('/api/v1/users/me', { authorization: 'Basic !!!' }));
    expectUnauthorizedProblem(await t.http.get('/api/v1/users/me', { authorization: 'Basic' }));
    expectUnauthorizedProblem(
      await t.http.get('/api/v1/users/me', { authorization: 'Digest abc' }),
    );
  });

  it('refuses a disabled user with a plain 401', async () => {
    const user = await createUser(t);
    await t.sql('UPDATE users SET disabled_at = now() WHERE id = $1', [user.id]);
    expectUnauthorizedProblem(await t.http.get('/api/v1/users/me', { basic: user.basic }));
  });

  it('throttles a login after repeated failures with 429 and Retry-After, then lets the owner back in', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 3; i++) {
      expect(
        (await t.http.get('/api/v1/users/me', { basic: [user.login, `guess ${i}`] })).status,
      ).toBe(401);
    }
    const blocked = await t.http.get('/api/v1/users/me', { basic: user.basic });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('rate_limited');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const other = await createUser(t);
    expect((await t.http.get('/api/v1/users/me', { basic: other.basic })).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await t.http.get('/api/v1/users/me', { basic: user.basic })).status).toBe(200);
  });
});

describe('HTTP Basic switched off', () => {
  const t = useTestApp({ AUTH_BASIC_PASSWORD_ENABLED: 'false' });

  it('answers 401 as for an unknown credential, without a Basic challenge', async () => {
    const user = await createUser(t);
    const res = await t.http.get('/api/v1/users/me', { basic: user.basic });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_credentials');
    expect(res.headers.get('www-authenticate')).not.toContain('Basic');
  });
});
