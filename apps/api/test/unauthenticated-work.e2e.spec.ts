import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { REFRESH_COOKIE, TOKEN_PREFIXES } from '@latchkey/contracts';
import { formatToken } from '../src/common/crypto/token-format.js';
import { createApiKey, createOpaqueToken, createPat } from './factories/credentials.js';
import { createUser } from './factories/users.js';
import { BrowserSession } from './support/browser.js';
import { useTestApp, type TestApp } from './support/test-app.js';

/** Counts the SQL statements the app sends while `work` runs. */
async function queriesDuring(t: TestApp, work: () => Promise<unknown>): Promise<number> {
  const logger = t.app.get(DataSource).logger;
  const spy = jest.spyOn(logger, 'logQuery');
  try {
    await work();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

const madeUp = (prefix: string) => formatToken(prefix, randomBytes(32));

describe('work anyone can ask for without a credential is bounded', () => {
  const t = useTestApp({
    TRUST_PROXY: 'true',
    WEBAUTHN_MAX_PENDING_CHALLENGES: '25',
  });

  it('a leak report of 1,000 made-up entries costs a few queries, and still revokes the real ones', async () => {
    const user = await createUser(t);
    const pat = await createPat(t, user, ['profile:read']);
    const opaque = await createOpaqueToken(t, user);
    const key = await createApiKey(t, user);
    const browser = new BrowserSession(t);
    await browser.login(user);
    const garbage = Array.from({ length: 996 }, (_, i) => {
      switch (i % 4) {
        case 0:
          return madeUp(TOKEN_PREFIXES.opaque);
        case 1:
          return madeUp(TOKEN_PREFIXES.refresh);
        case 2:
          return madeUp(TOKEN_PREFIXES.apiSecret);
        default:
          return `${madeUp(TOKEN_PREFIXES.apiKey)}:${madeUp(TOKEN_PREFIXES.apiSecret)}`;
      }
    });
    const credentials = [...garbage, pat.token, opaque, key.apiSecret, browser.refreshToken];
    let status = 0;
    const queries = await queriesDuring(t, async () => {
      const res = await t.http.post('/api/v1/credentials/revoke', {
        body: { credentials },
        headers: { 'x-forwarded-for': '10.14.0.1' },
      });
      status = res.status;
    });
    expect(status).toBe(202);
    // One lookup per table for the 996 made-up entries, then the work of the four real ones.
    expect(queries).toBeLessThan(60);
    const revoked = await t.sql<{ kind: string; revoked_reason: string }>(
      'SELECT kind, revoked_reason FROM credentials WHERE user_id = $1 ORDER BY kind',
      [user.id],
    );
    expect(revoked).toEqual([
      { kind: 'api_key', revoked_reason: 'leaked' },
      { kind: 'opaque_token', revoked_reason: 'leaked' },
      { kind: 'personal_access_token', revoked_reason: 'leaked' },
    ]);
    const sessions = await t.sql<{ revoked_at: Date | null }>(
      'SELECT revoked_at FROM sessions WHERE user_id = $1',
      [user.id],
    );
    expect(sessions.map((row) => row.revoked_at)).toEqual([expect.any(Date)]);
    const refreshed = await t.http.post('/api/v1/auth/refresh', {
      headers: { origin: browser.origin, cookie: `${REFRESH_COOKIE}=${browser.refreshToken}` },
    });
    expect(refreshed.status).toBe(401);
  });

  it('limits passkey sign-in options per client IP', async () => {
    const ip = '10.14.1.1';
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1) {
      const res = await t.http.post('/api/v1/auth/login/passkey-options', {
        body: {},
        headers: { 'x-forwarded-for': ip },
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(200));
    expect(statuses[30]).toBe(429);
    // Another address is not affected.
    const other = await t.http.post('/api/v1/auth/login/passkey-options', {
      body: {},
      headers: { 'x-forwarded-for': '10.14.1.2' },
    });
    expect(other.status).toBe(200);
  });

  it('keeps at most WEBAUTHN_MAX_PENDING_CHALLENGES unused challenges, the newest, and drops expired ones', async () => {
    await t.sql(
      `INSERT INTO webauthn_challenges (challenge, purpose, user_id, expires_at)
       VALUES ('expired-challenge', 'login', NULL, now() - interval '1 minute')`,
    );
    const issued: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const res = await t.http.post('/api/v1/auth/login/passkey-options', {
        body: {},
        headers: { 'x-forwarded-for': `10.14.2.${i + 1}` },
      });
      expect(res.status).toBe(200);
      issued.push(res.body.challenge);
    }
    const stored = await t.sql<{ challenge: string }>('SELECT challenge FROM webauthn_challenges');
    expect(stored).toHaveLength(25);
    expect(stored.map((row) => row.challenge).sort()).toEqual(issued.slice(-25).sort());
  });
});
