import { REFRESH_COOKIE } from '@latchkey/contracts';
import { createUser } from './factories/users.js';
import { BrowserSession, refreshCookieOf } from './support/browser.js';
import { ADMIN, useTestApp, type TestApp } from './support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function liveRefreshTokens(t: TestApp, sessionId: string): Promise<number> {
  const [row] = await t.sql<{ count: number }>(
    'SELECT count(*)::int AS count FROM refresh_tokens WHERE session_id = $1 AND spent_at IS NULL',
    [sessionId],
  );
  return row?.count ?? -1;
}

async function sessionOf(t: TestApp, userId: string) {
  return t.sql<{ id: string; revoked_at: Date | null; revoked_reason: string | null }>(
    'SELECT id, revoked_at, revoked_reason FROM sessions WHERE user_id = $1 ORDER BY created_at',
    [userId],
  );
}

async function auditTypes(t: TestApp, userId: string): Promise<string[]> {
  const rows = await t.sql<{ type: string }>(
    'SELECT type FROM audit_events WHERE subject_id = $1 ORDER BY created_at',
    [userId],
  );
  return rows.map((row) => row.type);
}

describe('SPA sessions', () => {
  const t = useTestApp({
    AUTH_REFRESH_REUSE_GRACE: '2s',
    CORS_ORIGINS: 'https://spa.example.test',
  });

  describe('POST /auth/login', () => {
    it('issues an access token and the lk_refresh cookie with every protective attribute', async () => {
      const user = await createUser(t);
      const browser = new BrowserSession(t);
      const res = await browser.login(user);

      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toMatchObject({
        token_type: 'Bearer',
        expires_in: 900,
        user: { id: user.id, login: user.login, mfaEnabled: false },
      });
      const cookie = refreshCookieOf(res);
      expect(cookie?.value).toMatch(/^lkr_[0-9A-Za-z]{46}$/);
      expect(cookie?.attributes).toMatchObject({
        path: '/api/v1/auth',
        httponly: true,
        secure: true,
        samesite: 'Strict',
      });
      expect(Number(cookie?.attributes['max-age'])).toBe(30 * 86400);

      const me = await browser.me();
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: user.id, authMethod: 'session' });

      const [session] = await sessionOf(t, user.id);
      const stored = await t.sql<{ token_hash: Buffer }>(
        'SELECT token_hash FROM refresh_tokens WHERE session_id = $1',
        [session?.id],
      );
      expect(stored).toHaveLength(1);
      expect(stored[0]?.token_hash.toString('utf8')).not.toContain(browser.refreshToken);
      expect(await auditTypes(t, user.id)).toEqual(['login.succeeded']);
    });

    it('gives the same 401 for an unknown login and a wrong password, and audits the failure', async () => {
      const user = await createUser(t);
      const wrong = await t.http.post('/api/v1/auth/login', {
        body: { login: user.login, password: 'not the password at all' },
      });
      const unknown = await t.http.post('/api/v1/auth/login', {
        body: { login: 'nobody-here', password: 'not the password at all' },
      });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
      // No Basic challenge: a browser would answer it with its own login dialog.
      expect(wrong.headers.get('www-authenticate')).toBe(
        'Bearer realm="latchkey", error="invalid_token"',
      );
      expect(refreshCookieOf(wrong)).toBeUndefined();
      const failed = await t.sql<{ details: { login: string } }>(
        `SELECT details FROM audit_events WHERE type = 'login.failed' AND details->>'login' = $1`,
        [user.login],
      );
      expect(failed).toHaveLength(1);
      expect(JSON.stringify(failed)).not.toContain('not the password');
    });

    it('refuses a malformed body with 400', async () => {
      const res = await t.http.post('/api/v1/auth/login', { body: { login: 'x' } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    });
  });

  describe('POST /auth/refresh', () => {
    it('rotates the refresh token: a new cookie and access token, the old token spent', async () => {
      const user = await createUser(t);
      const browser = new BrowserSession(t);
      await browser.login(user);
      const first = browser.refreshToken;

      const res = await browser.refresh();
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(browser.refreshToken).not.toBe(first);
      expect((await browser.me()).status).toBe(200);

      const [session] = await sessionOf(t, user.id);
      const rows = await t.sql<{ spent_at: Date | null }>(
        'SELECT spent_at FROM refresh_tokens WHERE session_id = $1 ORDER BY created_at',
        [session?.id],
      );
      expect(rows.map((row) => row.spent_at !== null)).toEqual([true, false]);
    });

    it('hands the same live token to a tab that presents the spent one within the grace', async () => {
      const user = await createUser(t);
      const tabA = new BrowserSession(t);
      await tabA.login(user);
      const spent = tabA.refreshToken;
      await tabA.refresh();
      const tabB = new BrowserSession(t);
      const res = await tabB.refresh(spent);
      expect(res.status).toBe(200);
      expect(tabB.refreshToken).toBe(tabA.refreshToken);
      const [session] = await sessionOf(t, user.id);
      expect(await liveRefreshTokens(t, session?.id as string)).toBe(1);
      expect(session?.revoked_at).toBeNull();
    });

    it('revokes the whole session when a spent token comes back after the grace', async () => {
      const user = await createUser(t);
      const browser = new BrowserSession(t);
      await browser.login(user);
      const stolen = browser.refreshToken;
      await browser.refresh();
      await sleep(2500);

      const reuse = await new BrowserSession(t).refresh(stolen);
      expect(reuse.status).toBe(401);
      expect(reuse.body.code).toBe('invalid_credentials');
      expect(refreshCookieOf(reuse)?.value).toBe('');

      const [session] = await sessionOf(t, user.id);
      expect(session).toMatchObject({ revoked_reason: 'refresh_reuse' });
      expect(await auditTypes(t, user.id)).toContain('refresh.reuse_detected');
      expect((await browser.refresh()).status).toBe(401);
      expect((await browser.me()).status).toBe(401);
    });

    it('answers 403 without an Origin or Referer of this site, and accepts CORS_ORIGINS', async () => {
      const user = await createUser(t);
      const browser = new BrowserSession(t);
      await browser.login(user);
      const cookie = `${REFRESH_COOKIE}=${browser.refreshToken}`;

      const none = await t.http.post('/api/v1/auth/refresh', { origin: null, headers: { cookie } });
      const foreign = await t.http.post('/api/v1/auth/refresh', {
        headers: { cookie, origin: 'https://evil.example.test' },
      });
      const badReferer = await t.http.post('/api/v1/auth/refresh', {
        origin: null,
        headers: { cookie, referer: 'https://evil.example.test/page' },
      });
      for (const res of [none, foreign, badReferer]) {
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
      const referer = await t.http.post('/api/v1/auth/refresh', {
        origin: null,
        headers: { cookie, referer: `${t.config.PUBLIC_URL}/sessions` },
      });
      expect(referer.status).toBe(200);
      const spa = new BrowserSession(t, 'https://spa.example.test');
      expect((await spa.refresh(refreshCookieOf(referer)?.value)).status).toBe(200);
    });

    it('answers 401 without a cookie or with a made-up one', async () => {
      const browser = new BrowserSession(t);
      const none = await browser.refresh('');
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).not.toContain('Basic');
      expect((await browser.refresh('lkr_made-up')).status).toBe(401);
    });
  });

  describe('logout and revocation', () => {
    it('logs out: 204, the cookie cleared, the session revoked with its access tokens', async () => {
      const user = await createUser(t);
      const browser = new BrowserSession(t);
      await browser.login(user);

      const res = await browser.logout();
      expect(res.status).toBe(204);
      expect(refreshCookieOf(res)).toMatchObject({ value: '' });
      const [session] = await sessionOf(t, user.id);
      expect(session).toMatchObject({ revoked_reason: 'logout' });
      expect((await browser.me()).status).toBe(401);
      expect((await browser.refresh()).status).toBe(401);
      expect(await auditTypes(t, user.id)).toEqual(['login.succeeded', 'session.revoked']);
    });

    it('lists the own sessions with the current one marked, and revokes another', async () => {
      const user = await createUser(t);
      const laptop = new BrowserSession(t);
      const phone = new BrowserSession(t);
      await laptop.login(user);
      await phone.login(user);

      const list = await t.http.get('/api/v1/auth/sessions', { bearer: laptop.accessToken });
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(2);
      const current = list.body.items.find((item: { current: boolean }) => item.current);
      const other = list.body.items.find((item: { current: boolean }) => !item.current);
      expect(current).toMatchObject({ ip: '127.0.0.1', lastUsedAt: expect.any(String) });

      const revoke = await t.http.delete(`/api/v1/auth/sessions/${other.id}`, {
        bearer: laptop.accessToken,
      });
      expect(revoke.status).toBe(204);
      expect((await phone.me()).status).toBe(401);
      expect((await phone.refresh()).status).toBe(401);
      expect((await laptop.me()).status).toBe(200);
      const again = await t.http.delete(`/api/v1/auth/sessions/${other.id}`, {
        bearer: laptop.accessToken,
      });
      expect(again.status).toBe(404);
    });

    it("will not revoke another user's session through /auth/sessions", async () => {
      const alice = await createUser(t);
      const bob = await createUser(t);
      const aliceBrowser = new BrowserSession(t);
      const bobBrowser = new BrowserSession(t);
      await aliceBrowser.login(alice);
      await bobBrowser.login(bob);
      const [bobSession] = await sessionOf(t, bob.id);
      const res = await t.http.delete(`/api/v1/auth/sessions/${bobSession?.id}`, {
        bearer: aliceBrowser.accessToken,
      });
      expect(res.status).toBe(404);
      expect((await bobBrowser.me()).status).toBe(200);
    });

    it('lets an admin list and revoke the sessions of a user', async () => {
      const user = await createUser(t);
      const browser = new BrowserSession(t);
      await browser.login(user);
      const list = await t.http.get(`/api/v1/users/${user.id}/sessions`, { basic: ADMIN });
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(1);
      const userList = await t.http.get(`/api/v1/users/${user.id}/sessions`, {
        bearer: browser.accessToken,
      });
      expect(userList.status).toBe(403);

      const one = await t.http.delete(
        `/api/v1/users/${user.id}/sessions/${list.body.items[0].id}`,
        {
          basic: ADMIN,
        },
      );
      expect(one.status).toBe(204);
      expect((await browser.me()).status).toBe(401);

      await browser.login(user);
      expect(
        (await t.http.delete(`/api/v1/users/${user.id}/sessions`, { basic: ADMIN })).status,
      ).toBe(204);
      expect((await browser.me()).status).toBe(401);
      const unknown = await t.http.get(
        '/api/v1/users/00000000-0000-4000-8000-000000000000/sessions',
        { basic: ADMIN },
      );
      expect(unknown.status).toBe(404);
    });

    it('revokes every other session when the password changes, keeping the one that changed it', async () => {
      const user = await createUser(t);
      const here = new BrowserSession(t);
      const elsewhere = new BrowserSession(t);
      await here.login(user);
      await elsewhere.login(user);
      const res = await t.http.post('/api/v1/users/me/password', {
        bearer: here.accessToken,
        body: { currentPassword: user.password, newPassword: 'a brand new pass phrase' },
      });
      expect(res.status).toBe(204);
      expect((await here.me()).status).toBe(200);
      expect((await elsewhere.me()).status).toBe(401);
      expect((await elsewhere.refresh()).status).toBe(401);
      expect(await auditTypes(t, user.id)).toContain('password.changed');
    });

    it('stops the sessions of a user an admin disables', async () => {
      const user = await createUser(t);
      const browser = new BrowserSession(t);
      await browser.login(user);
      const res = await t.http.patch(`/api/v1/users/${user.id}`, {
        basic: ADMIN,
        body: { disabled: true },
      });
      expect(res.status).toBe(200);
      expect((await browser.me()).status).toBe(401);
      expect((await browser.refresh()).status).toBe(401);
      const [session] = await sessionOf(t, user.id);
      expect(session).toMatchObject({ revoked_reason: 'user_disabled' });
      expect(await auditTypes(t, user.id)).toContain('user.disabled');
    });
  });
});

describe('the change channel', () => {
  const t = useTestApp();

  it('drops cached sessions when the LISTEN connection is lost, so a revocation it missed still counts', async () => {
    const user = await createUser(t);
    const browser = new BrowserSession(t);
    await browser.login(user);
    expect((await browser.me()).status).toBe(200);

    await t.sql(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE application_name = 'latchkey-changes' AND datname = current_database()`,
    );
    // Revoked behind the app's back: no notification is sent.
    await t.sql('UPDATE sessions SET revoked_at = now() WHERE user_id = $1', [user.id]);
    await sleep(100);
    expect((await browser.me()).status).toBe(401);
    await sleep(1500);
    const [listener] = await t.sql<{ count: number }>(
      `SELECT count(*)::int AS count FROM pg_stat_activity
       WHERE application_name = 'latchkey-changes' AND datname = current_database()`,
    );
    expect(listener?.count).toBe(1);
  });
});

describe('session lifetimes', () => {
  const t = useTestApp({ AUTH_REFRESH_TOKEN_TTL: '1s' });

  it('ends a session left idle longer than AUTH_REFRESH_TOKEN_TTL', async () => {
    const user = await createUser(t);
    const browser = new BrowserSession(t);
    const login = await browser.login(user);
    expect(refreshCookieOf(login)?.attributes['max-age']).toBe('1');
    await sleep(1500);
    expect((await browser.refresh()).status).toBe(401);
    const sessions = await t.http.get('/api/v1/auth/sessions', { basic: user.basic });
    expect(sessions.body.items).toEqual([]);
  });
});

describe('absolute session lifetime', () => {
  const t = useTestApp({ AUTH_SESSION_MAX_LIFETIME: '2s' });

  it('ends a session at AUTH_SESSION_MAX_LIFETIME however often it is refreshed', async () => {
    const user = await createUser(t);
    const browser = new BrowserSession(t);
    await browser.login(user);
    await sleep(1000);
    const refreshed = await browser.refresh();
    expect(refreshed.status).toBe(200);
    expect(Number(refreshCookieOf(refreshed)?.attributes['max-age'])).toBeLessThanOrEqual(1);
    await sleep(1500);
    expect((await browser.refresh()).status).toBe(401);
    expect((await browser.me()).status).toBe(401);
  });
});

describe('concurrent refreshes', () => {
  // The grace here only has to outlast 50 requests on a loaded machine: what is tested is the
  // compare-and-swap, not the grace (the 2 s grace above is for the reuse tests).
  const t = useTestApp({ AUTH_REFRESH_REUSE_GRACE: '60s' });

  it('survives 50 concurrent refreshes of one token: no 5xx, one live token, session intact', async () => {
    const user = await createUser(t);
    const browser = new BrowserSession(t);
    await browser.login(user);
    const token = browser.refreshToken;

    const results = await Promise.all(
      Array.from({ length: 50 }, () => new BrowserSession(t).refresh(token)),
    );
    expect(results.filter((res) => res.status >= 500)).toEqual([]);
    expect(results.every((res) => res.status === 200)).toBe(true);
    const cookies = new Set(results.map((res) => refreshCookieOf(res)?.value));
    expect(cookies.size).toBe(1);

    const [session] = await sessionOf(t, user.id);
    expect(session?.revoked_at).toBeNull();
    expect(await liveRefreshTokens(t, session?.id as string)).toBe(1);
    const next = await browser.refresh([...cookies][0]);
    expect(next.status).toBe(200);
  });
});
