import { Secret, TOTP } from 'otpauth';
import { UsersService } from '../src/modules/users/users.service.js';
import { createPat } from './factories/credentials.js';
import { createUser } from './factories/users.js';
import { BrowserSession } from './support/browser.js';
import { ADMIN, TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD, useTestApp } from './support/test-app.js';

describe('users', () => {
  const t = useTestApp();

  describe('the first admin', () => {
    it('is created on the first start with the configured login and role', async () => {
      const rows = await t.sql<{ login: string; roles: string[]; password_hash: string }>(
        'SELECT login, roles, password_hash FROM users WHERE login = $1',
        [TEST_ADMIN_LOGIN],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]?.roles).toEqual(['admin']);
      expect(rows[0]?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(rows[0]?.password_hash).not.toContain(TEST_ADMIN_PASSWORD);
    });
  });

  describe('GET /users/me', () => {
    it('returns the caller with the method it authenticated with', async () => {
      const res = await t.http.get('/api/v1/users/me', { basic: ADMIN });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        login: TEST_ADMIN_LOGIN,
        roles: ['admin'],
        mfaEnabled: false,
        authMethod: 'basic',
      });
      expect(res.body).not.toHaveProperty('passwordHash');
    });
  });

  describe('GET /users/me from memory', () => {
    it('reads no table per request, and shows every change made through the API at once', async () => {
      const user = await createUser(t);
      const { token } = await createPat(t, user, ['profile:read']);
      const me = async () => {
        const res = await t.http.get('/api/v1/users/me', { bearer: token });
        expect(res.status).toBe(200);
        return res.body;
      };
      expect(await me()).toMatchObject({ displayName: user.login, lastLoginAt: null });
      // A write behind the server's back (announced to nobody) is not seen: the answer is cached.
      await t.sql("UPDATE users SET display_name = 'Behind Its Back' WHERE id = $1", [user.id]);
      expect((await me()).displayName).toBe(user.login);

      const profile = await t.http.patch('/api/v1/users/me', {
        basic: user.basic,
        body: { displayName: 'Shown At Once', email: `shown-${user.email}` },
      });
      expect(profile.status).toBe(200);
      expect(await me()).toMatchObject({
        displayName: 'Shown At Once',
        email: `shown-${user.email}`,
      });

      const roles = await t.http.patch(`/api/v1/users/${user.id}`, {
        basic: ADMIN,
        body: { roles: ['user', 'admin'] },
      });
      expect(roles.status).toBe(200);
      expect((await me()).roles).toEqual(['user', 'admin']);

      await new BrowserSession(t).login(user);
      expect((await me()).lastLoginAt).toEqual(expect.any(String));

      const temporary = 'a temporary pass phrase from the admin';
      const reset = await t.http.post(`/api/v1/users/${user.id}/password`, {
        basic: ADMIN,
        // The PAT that watches the user's state must outlive the reset and the change.
        body: { newPassword: temporary, mustChange: true, revokeCredentials: false },
      });
      expect(reset.status).toBe(204);
      expect((await me()).passwordChangeRequired).toBe(true);
      const chosen = 'the pass phrase the user chose';
      const change = await t.http.post('/api/v1/users/me/password', {
        basic: [user.login, temporary],
        body: { currentPassword: temporary, newPassword: chosen, revokeCredentials: false },
      });
      expect(change.status).toBe(204);
      expect((await me()).passwordChangeRequired).toBe(false);

      const setup = await t.http.post('/api/v1/auth/mfa/totp/setup', {
        basic: [user.login, chosen],
      });
      const totp = new TOTP({
        secret: Secret.fromBase32(setup.body.secret),
        digits: 6,
        period: 30,
      });
      const enable = await t.http.post('/api/v1/auth/mfa/totp/enable', {
        basic: [user.login, chosen],
        body: { code: totp.generate() },
      });
      expect(enable.status).toBe(200);
      expect((await me()).mfaEnabled).toBe(true);

      await t.http.patch(`/api/v1/users/${user.id}`, { basic: ADMIN, body: { disabled: true } });
      expect((await t.http.get('/api/v1/users/me', { bearer: token })).status).toBe(401);
    });

    it('loads a user without the sealed TOTP secrets', async () => {
      const user = await createUser(t);
      await t.sql(
        "UPDATE users SET totp_pending_secret_sealed = 'sealed-pending', totp_secret_sealed = 'sealed' WHERE id = $1",
        [user.id],
      );
      const users = t.app.get(UsersService);
      for (const loaded of [await users.findById(user.id), await users.findByLogin(user.login)]) {
        expect(loaded?.id).toBe(user.id);
        expect(loaded).not.toHaveProperty('totpSecretSealed');
        expect(loaded).not.toHaveProperty('totpPendingSecretSealed');
      }
    });
  });

  describe('ADMIN CRUD', () => {
    it('creates a user, stores only an argon2id hash, and shows it once in the list', async () => {
      const res = await t.http.post('/api/v1/users', {
        basic: ADMIN,
        body: {
          login: 'Carol',
          email: 'carol@example.test',
          displayName: 'Carol C',
          password: 'a long enough pass phrase',
        },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        login: 'Carol',
        email: 'carol@example.test',
        roles: ['user'],
        disabled: false,
      });
      const [row] = await t.sql<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE id = $1',
        [res.body.id],
      );
      expect(row?.password_hash).toMatch(/^\$argon2id\$/);

      const list = await t.http.get('/api/v1/users?q=caro', { basic: ADMIN });
      expect(list.status).toBe(200);
      expect(list.body.total).toBe(1);
      expect(list.body.items[0].id).toBe(res.body.id);
    });

    it('treats logins as case-insensitive: a second "carol" conflicts', async () => {
      const res = await t.http.post('/api/v1/users', {
        basic: ADMIN,
        body: {
          login: 'CAROL',
          email: 'carol2@example.test',
          password: 'another long pass phrase',
        },
      });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'conflict', status: 409 });
      expect(
        await t.sql('SELECT 1 FROM users WHERE email = $1', ['carol2@example.test']),
      ).toHaveLength(0);
    });

    it('refuses a common password, a short one and an lk_ login, naming the fields', async () => {
      const common = await t.http.post('/api/v1/users', {
        basic: ADMIN,
        body: { login: 'dave', email: 'dave@example.test', password: 'password1234' },
      });
      expect(common.status).toBe(400);
      expect(common.body.code).toBe('validation_failed');
      expect(common.body.errors).toEqual([
        { field: 'password', message: expect.stringMatching(/commonly used/) },
      ]);

      const short = await t.http.post('/api/v1/users', {
        basic: ADMIN,
        body: { login: 'lk_dave', email: 'dave@example.test', password: 'short' },
      });
      expect(short.status).toBe(400);
      expect(short.body.errors.map((e: { field: string }) => e.field)).toEqual(['login']);
      expect(
        await t.sql('SELECT 1 FROM users WHERE email = $1', ['dave@example.test']),
      ).toHaveLength(0);
    });

    it('paginates the list', async () => {
      for (let i = 0; i < 3; i++) await createUser(t, { login: `page-${i}` });
      const res = await t.http.get('/api/v1/users?q=page-&page=2&pageSize=2', { basic: ADMIN });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ page: 2, pageSize: 2, total: 3 });
      expect(res.body.items.map((u: { login: string }) => u.login)).toEqual(['page-2']);
    });

    it('reads, changes roles and deletes a user', async () => {
      const user = await createUser(t);
      expect((await t.http.get(`/api/v1/users/${user.id}`, { basic: ADMIN })).body.login).toBe(
        user.login,
      );

      const promoted = await t.http.patch(`/api/v1/users/${user.id}`, {
        basic: ADMIN,
        body: { roles: ['admin', 'user'] },
      });
      expect(promoted.status).toBe(200);
      expect(promoted.body.roles).toEqual(['admin', 'user']);

      expect((await t.http.delete(`/api/v1/users/${user.id}`, { basic: ADMIN })).status).toBe(204);
      expect(await t.sql('SELECT 1 FROM users WHERE id = $1', [user.id])).toHaveLength(0);
      expect((await t.http.get(`/api/v1/users/${user.id}`, { basic: ADMIN })).status).toBe(404);
    });

    it('answers 404 for an id that is not a UUID', async () => {
      const res = await t.http.get('/api/v1/users/not-a-uuid', { basic: ADMIN });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
    });

    it('disabling a user stops their password at once, and enabling restores it', async () => {
      const user = await createUser(t);
      expect((await t.http.get('/api/v1/users/me', { basic: user.basic })).status).toBe(200);

      const res = await t.http.patch(`/api/v1/users/${user.id}`, {
        basic: ADMIN,
        body: { disabled: true },
      });
      expect(res.status).toBe(200);
      expect(res.body.disabled).toBe(true);
      const [row] = await t.sql<{ disabled_at: Date | null }>(
        'SELECT disabled_at FROM users WHERE id = $1',
        [user.id],
      );
      expect(row?.disabled_at).toBeInstanceOf(Date);
      expect((await t.http.get('/api/v1/users/me', { basic: user.basic })).status).toBe(401);

      await t.http.patch(`/api/v1/users/${user.id}`, { basic: ADMIN, body: { disabled: false } });
      expect((await t.http.get('/api/v1/users/me', { basic: user.basic })).status).toBe(200);
    });

    it('will not let an ADMIN disable or delete themselves', async () => {
      const [me] = await t.sql<{ id: string }>('SELECT id FROM users WHERE login = $1', [
        TEST_ADMIN_LOGIN,
      ]);
      const disable = await t.http.patch(`/api/v1/users/${me?.id}`, {
        basic: ADMIN,
        body: { disabled: true },
      });
      expect(disable.status).toBe(409);
      const remove = await t.http.delete(`/api/v1/users/${me?.id}`, { basic: ADMIN });
      expect(remove.status).toBe(409);
      expect(
        await t.sql('SELECT 1 FROM users WHERE id = $1 AND disabled_at IS NULL', [me?.id]),
      ).toHaveLength(1);
    });

    it('refuses unknown fields and wrong types', async () => {
      const user = await createUser(t);
      const res = await t.http.patch(`/api/v1/users/${user.id}`, {
        basic: ADMIN,
        body: { disabled: 'yes', admin: true },
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    });

    it('is closed to plain users: 403 forbidden', async () => {
      const user = await createUser(t);
      const res = await t.http.get('/api/v1/users', { basic: user.basic });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
      const create = await t.http.post('/api/v1/users', {
        basic: user.basic,
        body: { login: 'mallory', email: 'mallory@example.test', password: 'mallory pass phrase' },
      });
      expect(create.status).toBe(403);
      expect(await t.sql('SELECT 1 FROM users WHERE login = $1', ['mallory'])).toHaveLength(0);
    });
  });

  describe('self service', () => {
    it('changes the own display name and email', async () => {
      const user = await createUser(t);
      const res = await t.http.patch('/api/v1/users/me', {
        basic: user.basic,
        body: { displayName: 'New Name', email: `new-${user.email}` },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ displayName: 'New Name', email: `new-${user.email}` });
      const [row] = await t.sql<{ display_name: string }>(
        'SELECT display_name FROM users WHERE id = $1',
        [user.id],
      );
      expect(row?.display_name).toBe('New Name');
    });

    it('will not take roles through PATCH /users/me', async () => {
      const user = await createUser(t);
      const res = await t.http.patch('/api/v1/users/me', {
        basic: user.basic,
        body: { roles: ['admin'] },
      });
      expect(res.status).toBe(400);
      const [row] = await t.sql<{ roles: string[] }>('SELECT roles FROM users WHERE id = $1', [
        user.id,
      ]);
      expect(row?.roles).toEqual(['user']);
    });

    it('changes the password: the old one stops working, the new one works', async () => {
      const user = await createUser(t);
      const newPassword = 'a brand new pass phrase';
      const res = await t.http.post('/api/v1/users/me/password', {
        basic: user.basic,
        body: { currentPassword: user.password, newPassword },
      });
      expect(res.status).toBe(204);
      expect((await t.http.get('/api/v1/users/me', { basic: user.basic })).status).toBe(401);
      expect(
        (await t.http.get('/api/v1/users/me', { basic: [user.login, newPassword] })).status,
      ).toBe(200);
    });

    it('refuses a password change with a wrong current password or a weak new one', async () => {
      const user = await createUser(t);
      const wrong = await t.http.post('/api/v1/users/me/password', {
        basic: user.basic,
        body: { currentPassword: 'not my password at all', newPassword: 'a brand new pass phrase' },
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body.errors).toEqual([
        { field: 'currentPassword', message: expect.any(String) },
      ]);

      const weak = await t.http.post('/api/v1/users/me/password', {
        basic: user.basic,
        body: { currentPassword: user.password, newPassword: '1qaz2wsx3edc' },
      });
      expect(weak.status).toBe(400);
      expect(weak.body.errors[0].field).toBe('newPassword');
      expect((await t.http.get('/api/v1/users/me', { basic: user.basic })).status).toBe(200);
    });
  });
});
