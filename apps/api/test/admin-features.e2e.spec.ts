import { createUser } from './factories/users.js';
import { BrowserSession } from './support/browser.js';
import { ADMIN, useTestApp, type TestApp } from './support/test-app.js';

async function sessionsOf(t: TestApp, userId: string) {
  return t.sql<{ id: string; revoked_reason: string | null }>(
    'SELECT id, revoked_reason FROM sessions WHERE user_id = $1 ORDER BY created_at',
    [userId],
  );
}

async function userRow(t: TestApp, userId: string) {
  const [row] = await t.sql<{ password_must_change: boolean; last_login_at: Date | null }>(
    'SELECT password_must_change, last_login_at FROM users WHERE id = $1',
    [userId],
  );
  return row;
}

describe('admin features', () => {
  const t = useTestApp();

  describe('POST /users with optional fields', () => {
    it('creates a user whose name is left empty, naming them by login', async () => {
      const res = await t.http.post('/api/v1/users', {
        basic: ADMIN,
        body: {
          login: 'nameless',
          email: 'nameless@example.test',
          displayName: '  ',
          password: 'a long enough pass phrase',
        },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ login: 'nameless', displayName: 'nameless' });
      const [row] = await t.sql<{ display_name: string }>(
        'SELECT display_name FROM users WHERE id = $1',
        [res.body.id],
      );
      expect(row?.display_name).toBe('nameless');
    });

    it('says an empty email is required, not that it is malformed', async () => {
      const res = await t.http.post('/api/v1/users', {
        basic: ADMIN,
        body: { login: 'noemail', email: '', password: 'a long enough pass phrase' },
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'email', message: 'Email is required' }]);
      expect(await t.sql('SELECT 1 FROM users WHERE login = $1', ['noemail'])).toHaveLength(0);
    });
  });

  describe('POST /users/{id}/password', () => {
    it('sets the password and ends every session of the user', async () => {
      const user = await createUser(t);
      const browser = new BrowserSession(t);
      await browser.login(user);
      const newPassword = 'set by the admin today';
      const res = await t.http.post(`/api/v1/users/${user.id}/password`, {
        basic: ADMIN,
        body: { newPassword },
      });
      expect(res.status).toBe(204);
      expect((await browser.me()).status).toBe(401);
      expect((await browser.refresh()).status).toBe(401);
      expect(await sessionsOf(t, user.id)).toEqual([
        { id: expect.any(String), revoked_reason: 'password_reset' },
      ]);
      expect((await t.http.get('/api/v1/users/me', { basic: user.basic })).status).toBe(401);
      const me = await t.http.get('/api/v1/users/me', { basic: [user.login, newPassword] });
      expect(me.status).toBe(200);
      expect(me.body.passwordChangeRequired).toBe(false);
      const [audit] = await t.sql<{ actor_id: string; details: object }>(
        "SELECT actor_id, details FROM audit_events WHERE type = 'password.changed' AND subject_id = $1",
        [user.id],
      );
      expect(audit?.details).toEqual({ reset: true, mustChange: false, revokeCredentials: true });
    });

    it('with mustChange, lets the next sign-in do nothing but change the password', async () => {
      const user = await createUser(t);
      const temporary = 'temporary pass phrase 1';
      const reset = await t.http.post(`/api/v1/users/${user.id}/password`, {
        basic: ADMIN,
        body: { newPassword: temporary, mustChange: true },
      });
      expect(reset.status).toBe(204);
      expect(await userRow(t, user.id)).toMatchObject({ password_must_change: true });

      const browser = new BrowserSession(t);
      const login = await browser.login({ login: user.login, password: temporary });
      expect(login.status).toBe(200);
      expect(login.body.password_change_required).toBe(true);
      expect(login.body.user.passwordChangeRequired).toBe(true);
      expect((await browser.me()).status).toBe(200);
      const refreshed = await browser.refresh();
      expect(refreshed.body.password_change_required).toBe(true);

      const blocked = await t.http.get('/api/v1/personal-access-tokens', {
        bearer: browser.accessToken,
      });
      expect(blocked.status).toBe(403);
      expect(blocked.body.detail).toMatch(/change it/);
      const mint = await t.http.post('/api/v1/personal-access-tokens', {
        bearer: browser.accessToken,
        body: { name: 'escape', scopes: ['profile:read'], expiresAt: null },
      });
      expect(mint.status).toBe(403);
      expect(
        (await t.http.get('/api/v1/auth/token', { basic: [user.login, temporary] })).status,
      ).toBe(403);
      expect(
        await t.sql(
          "SELECT 1 FROM credentials WHERE user_id = $1 AND kind IN ('personal_access_token', 'account_token')",
          [user.id],
        ),
      ).toHaveLength(0);

      const change = await t.http.post('/api/v1/users/me/password', {
        bearer: browser.accessToken,
        body: { currentPassword: temporary, newPassword: 'my own pass phrase now' },
      });
      expect(change.status).toBe(204);
      expect(await userRow(t, user.id)).toMatchObject({ password_must_change: false });
      const after = await t.http.get('/api/v1/personal-access-tokens', {
        bearer: browser.accessToken,
      });
      expect(after.status).toBe(200);
      expect((await browser.refresh()).body.password_change_required).toBeUndefined();
    });

    it('refuses plain users, the admin themselves, weak passwords and unknown users', async () => {
      const user = await createUser(t);
      const other = await createUser(t);
      const plain = await t.http.post(`/api/v1/users/${other.id}/password`, {
        basic: user.basic,
        body: { newPassword: 'set by the wrong person' },
      });
      expect(plain.status).toBe(403);
      expect((await t.http.get('/api/v1/users/me', { basic: other.basic })).status).toBe(200);

      const me = await t.http.get('/api/v1/users/me', { basic: ADMIN });
      const self = await t.http.post(`/api/v1/users/${me.body.id}/password`, {
        basic: ADMIN,
        body: { newPassword: 'my own new pass phrase' },
      });
      expect(self.status).toBe(409);

      const weak = await t.http.post(`/api/v1/users/${other.id}/password`, {
        basic: ADMIN,
        body: { newPassword: 'short' },
      });
      expect(weak.status).toBe(400);
      expect(weak.body.errors[0].field).toBe('newPassword');

      const wrongType = await t.http.post(`/api/v1/users/${other.id}/password`, {
        basic: ADMIN,
        body: { newPassword: 'a long enough pass phrase', mustChange: 'yes' },
      });
      expect(wrongType.status).toBe(400);

      const unknown = await t.http.post(
        '/api/v1/users/00000000-0000-4000-8000-000000000000/password',
        { basic: ADMIN, body: { newPassword: 'a long enough pass phrase' } },
      );
      expect(unknown.status).toBe(404);
    });
  });

  describe('POST /auth/sessions/revoke-others', () => {
    it('ends every other session of the caller and keeps the calling one', async () => {
      const user = await createUser(t);
      const stranger = await createUser(t);
      const here = new BrowserSession(t);
      const phone = new BrowserSession(t);
      const laptop = new BrowserSession(t);
      const theirs = new BrowserSession(t);
      await here.login(user);
      await phone.login(user);
      await laptop.login(user);
      await theirs.login(stranger);

      const res = await t.http.post('/api/v1/auth/sessions/revoke-others', {
        bearer: here.accessToken,
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ revoked: 2 });
      expect((await here.me()).status).toBe(200);
      expect((await phone.me()).status).toBe(401);
      expect((await laptop.refresh()).status).toBe(401);
      expect((await theirs.me()).status).toBe(200);
      const reasons = (await sessionsOf(t, user.id)).map((session) => session.revoked_reason);
      expect(reasons.sort()).toEqual([null, 'revoked', 'revoked'].sort());

      const again = await t.http.post('/api/v1/auth/sessions/revoke-others', {
        bearer: here.accessToken,
      });
      expect(again.body).toEqual({ revoked: 0 });
    });

    it('needs sessions:write', async () => {
      const user = await createUser(t);
      const browser = new BrowserSession(t);
      await browser.login(user);
      // A PAT that never expires is minted by a re-authenticated session only (step-up).
      await browser.reauthenticate();
      const pat = await t.http.post('/api/v1/personal-access-tokens', {
        bearer: browser.accessToken,
        body: { name: 'read only', scopes: ['sessions:read'], expiresAt: null },
      });
      const res = await t.http.post('/api/v1/auth/sessions/revoke-others', {
        bearer: pat.body.token,
      });
      expect(res.status).toBe(403);
      expect((await browser.me()).status).toBe(200);
    });
  });

  describe('GET /users: last sign-in, filters and sorting', () => {
    it('records the last interactive sign-in', async () => {
      const user = await createUser(t);
      expect((await userRow(t, user.id))?.last_login_at).toBeNull();
      await new BrowserSession(t).login(user);
      const row = await userRow(t, user.id);
      expect(row?.last_login_at).toBeInstanceOf(Date);
      const res = await t.http.get(`/api/v1/users/${user.id}`, { basic: ADMIN });
      expect(res.body.lastLoginAt).toBe(row?.last_login_at?.toISOString());
    });

    it('filters by role and state and sorts by the chosen column', async () => {
      const tag = `filt${Date.now().toString(36)}`;
      const a = await createUser(t, { login: `${tag}-a`, roles: ['admin', 'user'] });
      const b = await createUser(t, { login: `${tag}-b` });
      const c = await createUser(t, { login: `${tag}-c` });
      await t.http.patch(`/api/v1/users/${c.id}`, { basic: ADMIN, body: { disabled: true } });
      await new BrowserSession(t).login(b);

      const list = async (query: string) => {
        const res = await t.http.get(`/api/v1/users?q=${tag}&${query}`, { basic: ADMIN });
        expect(res.status).toBe(200);
        return res.body.items.map((user: { login: string }) => user.login);
      };
      expect(await list('role=admin')).toEqual([a.login]);
      expect(await list('disabled=true')).toEqual([c.login]);
      expect(await list('disabled=false&sort=-login')).toEqual([b.login, a.login]);
      expect(await list('sort=-lastLoginAt')).toEqual([b.login, a.login, c.login]);
      expect(await list('sort=-createdAt')).toEqual([c.login, b.login, a.login]);

      for (const bad of ['sort=password', 'role=root', 'disabled=maybe']) {
        const res = await t.http.get(`/api/v1/users?${bad}`, { basic: ADMIN });
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('validation_failed');
      }
    });
  });

  describe('GET /signing-keys', () => {
    it('tells how long a retired key stays published for the long-lived tokens it signed', async () => {
      const user = await createUser(t);
      const browser = new BrowserSession(t);
      await browser.login(user);
      // A PAT outliving the session's access token is minted after re-authentication only.
      await browser.reauthenticate();
      const expiresAt = new Date(Date.now() + 30 * 86_400_000);
      expiresAt.setMilliseconds(0);
      const pat = await t.http.post('/api/v1/personal-access-tokens', {
        bearer: browser.accessToken,
        body: { name: 'monthly', scopes: ['profile:read'], expiresAt: expiresAt.toISOString() },
      });
      expect(pat.status).toBe(201);
      const before = await t.http.get('/api/v1/signing-keys', { basic: ADMIN });
      const signer = before.body.items.find((key: { state: string }) => key.state === 'active');
      expect(signer.liveTokens.count).toBeGreaterThanOrEqual(1);

      expect((await t.http.post('/api/v1/signing-keys/rotate', { basic: ADMIN })).status).toBe(201);
      const after = await t.http.get('/api/v1/signing-keys', { basic: ADMIN });
      const retired = after.body.items.find((key: { kid: string }) => key.kid === signer.kid);
      expect(retired.state).toBe('retired');
      expect(retired.liveTokens).toEqual({
        count: signer.liveTokens.count,
        withoutExpiry: signer.liveTokens.withoutExpiry,
        lastExpiresAt: expect.any(String),
      });
      expect(new Date(retired.liveTokens.lastExpiresAt).getTime()).toBeGreaterThanOrEqual(
        expiresAt.getTime(),
      );
      expect(new Date(retired.publishedUntil).getTime()).toBeLessThan(expiresAt.getTime());
      const jwks = await t.http.get('/.well-known/jwks.json');
      expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toContain(signer.kid);
    });
  });
});
