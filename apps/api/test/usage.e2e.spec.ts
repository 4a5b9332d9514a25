import { createApiKey, createPat, tokenHeader } from './factories/credentials.js';
import { createUser } from './factories/users.js';
import { BrowserSession } from './support/browser.js';
import { ADMIN, useTestApp, type TestApp } from './support/test-app.js';
import { CredentialVerifier } from '../src/modules/credentials/credential-verifier.js';
import { UsageService } from '../src/modules/usage/usage.service.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function flush(t: TestApp): Promise<void> {
  return t.app.get(CredentialVerifier).flushUsage();
}

function hourAgo(hours: number): Date {
  return new Date(Math.floor((Date.now() - hours * HOUR) / HOUR) * HOUR);
}

describe('usage per credential', () => {
  const t = useTestApp();

  it('counts verifications per hour in memory and writes them in one batch, not per request', async () => {
    const user = await createUser(t);
    const pat = await createPat(t, user);
    for (let i = 0; i < 3; i += 1) {
      expect((await t.http.get('/api/v1/users/me', { bearer: pat.token })).status).toBe(200);
    }
    const before = await t.sql('SELECT * FROM credential_usage WHERE credential_id = $1', [pat.id]);
    expect(before).toEqual([]);
    await flush(t);
    const rows = await t.sql<{ hour: Date; count: string }>(
      'SELECT hour, count FROM credential_usage WHERE credential_id = $1',
      [pat.id],
    );
    expect(rows).toEqual([{ hour: hourAgo(0), count: '3' }]);

    const from = new Date(Date.now() - 2 * HOUR).toISOString();
    const res = await t.http.get(
      `/api/v1/personal-access-tokens/${pat.id}/usage?from=${encodeURIComponent(from)}`,
      { bearer: pat.token },
    );
    expect(res.status).toBe(200);
    expect(res.body.bucket).toBe('hour');
    expect(res.body.points).toHaveLength(3);
    expect(res.body.points.map((point: { count: number }) => point.count)).toEqual([0, 0, 3]);
    expect(res.body.points[2].at).toBe(hourAgo(0).toISOString());
    expect(res.body.from).toBe(res.body.points[0].at);
  });

  it('defaults to the last 7 days by day, zero-filled, and sums hours into days', async () => {
    const user = await createUser(t);
    const pat = await createPat(t, user);
    await t.sql(
      'INSERT INTO credential_usage (credential_id, hour, count) VALUES ($1, $2, 5), ($1, $3, 2)',
      [pat.id, hourAgo(3 * 24), hourAgo(3 * 24 + 1)],
    );
    const res = await t.http.get(`/api/v1/personal-access-tokens/${pat.id}/usage`, {
      basic: user.basic,
    });
    expect(res.status).toBe(200);
    expect(res.body.bucket).toBe('day');
    expect(res.body.points).toHaveLength(8);
    for (const point of res.body.points) expect(Date.parse(point.at) % DAY).toBe(0);
    const counts = res.body.points.map((point: { count: number }) => point.count);
    expect(counts.reduce((a: number, b: number) => a + b, 0)).toBe(7);
    expect(counts.filter((count: number) => count > 0).length).toBeLessThanOrEqual(2);

    const hourly = await t.http.get(
      `/api/v1/personal-access-tokens/${pat.id}/usage?bucket=hour&from=${encodeURIComponent(hourAgo(3 * 24 + 1).toISOString())}&to=${encodeURIComponent(hourAgo(3 * 24 - 1).toISOString())}`,
      { basic: user.basic },
    );
    expect(hourly.body.points.map((point: { count: number }) => point.count)).toEqual([2, 5]);
  });

  it.each([
    ['a range beyond 90 days', `from=${new Date(Date.now() - 91 * DAY).toISOString()}`],
    [
      'from after to',
      `from=${new Date().toISOString()}&to=${new Date(Date.now() - DAY).toISOString()}`,
    ],
    ['an unknown bucket', 'bucket=week'],
    ['a from that is no date', 'from=yesterday'],
  ])('refuses %s with 400', async (_case, query) => {
    const user = await createUser(t);
    const pat = await createPat(t, user);
    const res = await t.http.get(`/api/v1/personal-access-tokens/${pat.id}/usage?${query}`, {
      basic: user.basic,
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it("shows a token's usage to its owner and admins only", async () => {
    const owner = await createUser(t);
    const other = await createUser(t);
    const pat = await createPat(t, owner);
    const key = await createApiKey(t, owner);
    expect(
      (await t.http.get(`/api/v1/personal-access-tokens/${pat.id}/usage`, { basic: other.basic }))
        .status,
    ).toBe(404);
    expect(
      (await t.http.get(`/api/v1/api-keys/${key.id}/usage`, { basic: other.basic })).status,
    ).toBe(404);
    expect(
      (
        await t.http.get(`/api/v1/users/${owner.id}/personal-access-tokens/${pat.id}/usage`, {
          basic: other.basic,
        })
      ).status,
    ).toBe(403);
    const admin = await t.http.get(
      `/api/v1/users/${owner.id}/personal-access-tokens/${pat.id}/usage`,
      { basic: ADMIN },
    );
    expect(admin.status).toBe(200);
    expect(admin.body.points.length).toBeGreaterThan(0);
  });

  it('counts API key and account token use, the account token across regenerations', async () => {
    const user = await createUser(t);
    const key = await createApiKey(t, user);
    for (let i = 0; i < 2; i += 1) {
      await t.http.get('/api/v1/users/me', { authorization: tokenHeader(key) });
    }
    const first = await t.http.request('PUT', '/api/v1/users/me/api-token', { basic: user.basic });
    await t.http.get('/api/v1/users/me', { bearer: first.body.token });
    const second = await t.http.request('PUT', '/api/v1/users/me/api-token', { basic: user.basic });
    await t.http.get('/api/v1/users/me', { bearer: second.body.token });
    await t.http.get('/api/v1/users/me', { bearer: second.body.token });
    await flush(t);

    const keyUsage = await t.http.get(`/api/v1/api-keys/${key.id}/usage?bucket=hour`, {
      basic: user.basic,
    });
    expect(keyUsage.status).toBe(200);
    expect(keyUsage.body.points.at(-1).count).toBe(2);
    const tokenUsage = await t.http.get(`/api/v1/users/${user.id}/api-token/usage?bucket=day`, {
      basic: ADMIN,
    });
    expect(tokenUsage.status).toBe(200);
    expect(tokenUsage.body.points.at(-1).count).toBe(3);
  });

  it('prunes hourly rows older than USAGE_RETENTION_DAYS (90)', async () => {
    const user = await createUser(t);
    const pat = await createPat(t, user);
    await t.sql(
      'INSERT INTO credential_usage (credential_id, hour, count) VALUES ($1, $2, 1), ($1, $3, 1)',
      [pat.id, hourAgo(91 * 24), hourAgo(89 * 24)],
    );
    await t.sql(
      "INSERT INTO usage_counters (hour, metric, kind, count) VALUES ($1, 'sign_in', '', 1)",
      [hourAgo(91 * 24)],
    );
    await t.app.get(UsageService).prune();
    const rows = await t.sql<{ hour: Date }>(
      'SELECT hour FROM credential_usage WHERE credential_id = $1',
      [pat.id],
    );
    expect(rows).toEqual([{ hour: hourAgo(89 * 24) }]);
    expect(await t.sql('SELECT * FROM usage_counters WHERE hour < $1', [hourAgo(90 * 24)])).toEqual(
      [],
    );
  });
});

describe('GET /overview', () => {
  const t = useTestApp();

  it('counts sign-ins, failures, refusals and verifications by kind per hour, and credentials worth a look', async () => {
    const user = await createUser(t);
    await new BrowserSession(t).login(user);
    for (const password of ['wrong password one', 'wrong password two']) {
      await t.http.post('/api/v1/auth/login', { body: { login: user.login, password } });
    }
    const limited = await t.http.post('/api/v1/personal-access-tokens', {
      basic: user.basic,
      body: {
        name: 'limited',
        scopes: ['profile:read'],
        expiresAt: new Date(Date.now() + 3 * DAY).toISOString(),
        rateLimit: { requests: 1, perSeconds: 60 },
      },
    });
    expect((await t.http.get('/api/v1/users/me', { bearer: limited.body.token })).status).toBe(200);
    expect((await t.http.get('/api/v1/users/me', { bearer: limited.body.token })).status).toBe(429);
    const old = await createPat(t, user);
    await t.sql(`UPDATE credentials SET created_at = now() - interval '100 days' WHERE id = $1`, [
      old.id,
    ]);
    await flush(t);

    const res = await t.http.get('/api/v1/overview?range=24h', { basic: ADMIN });
    expect(res.status).toBe(200);
    expect(res.body.range).toBe('24h');
    expect(res.body.bucket).toBe('hour');
    expect(res.body.series).toHaveLength(24);
    const now = res.body.series.at(-1);
    expect(now.at).toBe(hourAgo(0).toISOString());
    expect(now).toMatchObject({ signIns: 1, failedSignIns: 2, rateLimited: 1 });
    expect(now.verifications.personal_access_token).toBe(2);
    expect(now.verifications.basic).toBeGreaterThanOrEqual(2);
    expect(res.body.series[0]).toEqual({
      at: hourAgo(23).toISOString(),
      signIns: 0,
      failedSignIns: 0,
      rateLimited: 0,
      verifications: {},
    });
    expect(res.body.counts).toEqual({
      liveByKind: { personal_access_token: 2, account_token: 0, api_key: 0, opaque_token: 0 },
      expiringWithin7Days: 1,
      neverExpiring: 1,
      unusedFor90Days: 1,
      securityEvents24h: 2,
    });

    const week = await t.http.get('/api/v1/overview?range=7d', { basic: ADMIN });
    expect(week.body.bucket).toBe('day');
    expect(week.body.series).toHaveLength(7);
    expect(week.body.series.at(-1).failedSignIns).toBe(2);
  });

  it('is for admins only and refuses an unknown range', async () => {
    const user = await createUser(t);
    expect((await t.http.get('/api/v1/overview', { basic: user.basic })).status).toBe(403);
    const res = await t.http.get('/api/v1/overview?range=1y', { basic: ADMIN });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });
});
