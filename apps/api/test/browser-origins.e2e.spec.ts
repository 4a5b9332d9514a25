import { createUser } from './factories/users.js';
import { BrowserSession, refreshCookieOf } from './support/browser.js';
import { useTestApp, type TestApp } from './support/test-app.js';

async function liveSessions(t: TestApp, userId: string): Promise<number> {
  const [row] = await t.sql<{ count: number }>(
    'SELECT count(*)::int AS count FROM sessions WHERE user_id = $1 AND revoked_at IS NULL',
    [userId],
  );
  return row?.count ?? -1;
}

describe('browser sessions under loopback names (PUBLIC_URL http://localhost:3000)', () => {
  const t = useTestApp({ PUBLIC_URL: 'http://localhost:3000' });

  it('refreshes and signs out a page opened at 127.0.0.1 or [::1] on the same port', async () => {
    const user = await createUser(t);
    for (const origin of ['http://127.0.0.1:3000', 'http://[::1]:3000']) {
      const tab = new BrowserSession(t, origin);
      expect((await tab.login(user)).status).toBe(200);
      const refreshed = await tab.refresh();
      expect(refreshed.status).toBe(200);
      expect(refreshCookieOf(refreshed)?.attributes.secure).toBe(true);
      expect((await tab.me()).status).toBe(200);
      expect((await tab.logout()).status).toBe(204);
    }
    expect(await liveSessions(t, user.id)).toBe(0);
  });

  it('refuses another port or scheme with a 403 that names both addresses, and keeps the session', async () => {
    const user = await createUser(t);
    const tab = new BrowserSession(t, 'http://127.0.0.1:3001');
    await tab.login(user);
    const refused = await tab.refresh();
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      code: 'forbidden',
      detail:
        'This page was opened at http://127.0.0.1:3001, but PUBLIC_URL is http://localhost:3000: ' +
        'open it at http://localhost:3000, or add http://127.0.0.1:3001 to CORS_ORIGINS.',
    });
    expect((await tab.logout()).status).toBe(403);
    expect(await liveSessions(t, user.id)).toBe(1);
  });
});

describe('COOKIE_SECURE=auto with a plain-http PUBLIC_URL on a real host name', () => {
  const t = useTestApp({ PUBLIC_URL: 'http://auth.example.test:8080' });

  it('drops Secure from the refresh cookie, which browsers would otherwise discard', async () => {
    const user = await createUser(t);
    const tab = new BrowserSession(t);
    const res = await tab.login(user);
    expect(res.status).toBe(200);
    const cookie = refreshCookieOf(res);
    expect(cookie?.attributes).toMatchObject({ httponly: true, samesite: 'Strict' });
    expect(cookie?.attributes.secure).toBeUndefined();
    // The same origin rule still applies: a loopback name is not this site here.
    const loopback = new BrowserSession(t, 'http://localhost:8080');
    expect((await loopback.refresh(tab.refreshToken)).status).toBe(403);
    expect((await tab.refresh()).status).toBe(200);
  });
});
