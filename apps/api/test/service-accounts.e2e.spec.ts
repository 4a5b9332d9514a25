import { createApiKey, exchangeApiKey, form, tokenHeader } from './factories/credentials.js';
import { createUser } from './factories/users.js';
import { basicHeader } from './support/http-client.js';
import { ADMIN, useTestApp } from './support/test-app.js';

describe('service accounts', () => {
  const t = useTestApp();

  async function createAccount(login = `svc-${Date.now().toString(36)}`) {
    const res = await t.http.post('/api/v1/service-accounts', { basic: ADMIN, body: { login } });
    expect(res.status).toBe(201);
    return res.body as { id: string; login: string; kind: string; roles: string[] };
  }

  it('is created by an admin with the verifier role, and listed apart from people', async () => {
    const account = await createAccount();
    expect(account).toMatchObject({ kind: 'service', roles: ['verifier'], mfaEnabled: false });
    const [row] = await t.sql<{ kind: string }>('SELECT kind FROM users WHERE id = $1', [
      account.id,
    ]);
    expect(row?.kind).toBe('service');

    const people = await t.http.get('/api/v1/users?pageSize=100', { basic: ADMIN });
    expect(people.body.items.map((user: { id: string }) => user.id)).not.toContain(account.id);
    expect(people.body.items.every((user: { kind: string }) => user.kind === 'user')).toBe(true);
    for (const kind of ['service', 'all']) {
      const res = await t.http.get(`/api/v1/users?kind=${kind}&pageSize=100`, { basic: ADMIN });
      expect(res.body.items.map((user: { id: string }) => user.id)).toContain(account.id);
    }
    const listed = await t.http.get('/api/v1/service-accounts', { basic: ADMIN });
    expect(listed.body.items.map((user: { id: string }) => user.id)).toEqual(
      expect.arrayContaining([account.id]),
    );
    expect(listed.body.items.every((user: { kind: string }) => user.kind === 'service')).toBe(true);
  });

  it.each([
    [
      'a password sign-in',
      (login: string) =>
        t.http.post('/api/v1/auth/login', { body: { login, password: 'any password at all' } }),
    ],
    [
      'Basic login:password',
      (login: string) =>
        t.http.get('/api/v1/users/me', {
          authorization: basicHeader(login, 'any password at all'),
        }),
    ],
  ])('refuses %s', async (_name, attempt) => {
    const account = await createAccount();
    expect((await attempt(account.login)).status).toBe(401);
  });

  it('cannot be given a password', async () => {
    const account = await createAccount();
    const res = await t.http.post(`/api/v1/users/${account.id}/password`, {
      basic: ADMIN,
      body: { newPassword: 'a long enough new password 1' },
    });
    expect(res.status).toBe(409);
  });

  it('verifies credentials and reads security events with an API key, and is no admin', async () => {
    const account = await createAccount();
    const key = await createApiKey(t, { id: account.id } as never, [
      'tokens:introspect',
      'events:read',
    ]);
    const user = await createUser(t);
    const token = await exchangeApiKey(t, await createApiKey(t, user));
    const introspected = await t.http.post('/api/v1/oauth/introspect', {
      authorization: tokenHeader(key),
      ...form({ token }),
    });
    expect(introspected.status).toBe(200);
    expect(introspected.body).toMatchObject({ active: true, sub: user.id });
    const poll = await t.http.post('/api/v1/events/poll', {
      authorization: tokenHeader(key),
      body: { returnImmediately: true },
    });
    expect(poll.status).toBe(200);
    expect((await t.http.get('/api/v1/users', { authorization: tokenHeader(key) })).status).toBe(
      403,
    );
  });

  it('stops its credentials when disabled, and is gone when deleted', async () => {
    const account = await createAccount();
    const key = await createApiKey(t, { id: account.id } as never, ['events:read']);
    const disabled = await t.http.patch(`/api/v1/service-accounts/${account.id}`, {
      basic: ADMIN,
      body: { disabled: true },
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);
    const refused = await t.http.post('/api/v1/events/poll', {
      authorization: tokenHeader(key),
      body: { returnImmediately: true },
    });
    expect(refused.status).toBe(401);

    expect(
      (await t.http.delete(`/api/v1/service-accounts/${account.id}`, { basic: ADMIN })).status,
    ).toBe(204);
    expect(
      (await t.http.get(`/api/v1/service-accounts/${account.id}`, { basic: ADMIN })).status,
    ).toBe(404);
    expect(await t.sql('SELECT 1 FROM users WHERE id = $1', [account.id])).toEqual([]);
  });

  it("is no person's account: a user's id is not found here", async () => {
    const user = await createUser(t);
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await t.http.request(method, `/api/v1/service-accounts/${user.id}`, {
        basic: ADMIN,
      });
      expect(res.status).toBe(404);
    }
    expect(await t.sql('SELECT 1 FROM users WHERE id = $1', [user.id])).toHaveLength(1);
  });

  it('is managed by admins only', async () => {
    const user = await createUser(t);
    const res = await t.http.post('/api/v1/service-accounts', {
      basic: user.basic,
      body: { login: 'svc-not-allowed' },
    });
    expect(res.status).toBe(403);
    expect(await t.sql("SELECT 1 FROM users WHERE login = 'svc-not-allowed'")).toEqual([]);
  });
});
