import { createUser } from './factories/users.js';
import { BrowserSession } from './support/browser.js';
import { basicHeader } from './support/http-client.js';
import { ADMIN, useTestApp } from './support/test-app.js';

describe('GET /audit-events', () => {
  const t = useTestApp();

  it('lists events newest first with actor, subject, IP and user agent, never a secret', async () => {
    const user = await createUser(t);
    await t.http.post('/api/v1/auth/login', {
      body: { login: user.login, password: 'a wrong password here' },
      headers: { 'user-agent': 'audit-test/1.0' },
    });
    const browser = new BrowserSession(t);
    await browser.login(user);

    const res = await t.http.get(`/api/v1/audit-events?userId=${user.id}`, { basic: ADMIN });
    expect(res.status).toBe(200);
    expect(res.body.items.map((event: { type: string }) => event.type)).toEqual([
      'login.succeeded',
      'login.failed',
    ]);
    expect(res.body.items[0]).toMatchObject({
      actorId: user.id,
      actorLogin: user.login,
      subjectId: user.id,
      subjectLogin: user.login,
      ip: '127.0.0.1',
      createdAt: expect.any(String),
    });
    const failed = await t.http.get('/api/v1/audit-events?type=login.failed', { basic: ADMIN });
    const mine = failed.body.items.filter(
      (event: { details: { login?: string } }) => event.details.login === user.login,
    );
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ userAgent: 'audit-test/1.0', ip: '127.0.0.1' });

    const everything = await t.sql<{ row: unknown }>(
      'SELECT to_jsonb(a) AS row FROM audit_events a',
    );
    const text = JSON.stringify(everything);
    expect(text).not.toContain(user.password);
    expect(text).not.toContain('a wrong password here');
    expect(text).not.toContain(browser.refreshToken);
    expect(text).not.toContain(browser.accessToken);
  });

  it('pages backwards with before/nextBefore', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 5; i += 1) {
      await t.http.post('/api/v1/auth/login', {
        body: { login: user.login, password: `wrong password ${i}` },
      });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const first = await t.http.get('/api/v1/audit-events?type=login.failed&limit=3', {
      basic: ADMIN,
    });
    expect(first.body.items).toHaveLength(3);
    expect(first.body.nextBefore).toBe(first.body.items[2].createdAt);
    const second = await t.http.get(
      `/api/v1/audit-events?type=login.failed&limit=3&before=${encodeURIComponent(first.body.nextBefore)}`,
      { basic: ADMIN },
    );
    const times = [...first.body.items, ...second.body.items].map((event: { createdAt: string }) =>
      Date.parse(event.createdAt),
    );
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const ids = new Set(
      [...first.body.items, ...second.body.items].map((event: { id: string }) => event.id),
    );
    expect(ids.size).toBe(first.body.items.length + second.body.items.length);
  });

  it('is for admins only, and refuses bad filters with 400', async () => {
    const user = await createUser(t);
    expect((await t.http.get('/api/v1/audit-events', { basic: user.basic })).status).toBe(403);
    for (const query of ['type=nope', 'userId=12', 'before=yesterday', 'limit=0', 'limit=201']) {
      const res = await t.http.get(`/api/v1/audit-events?${query}`, { basic: ADMIN });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
  });

  it('records user administration', async () => {
    const created = await t.http.post('/api/v1/users', {
      basic: ADMIN,
      body: {
        login: 'audited-user',
        email: 'audited@example.test',
        password: 'a long enough passphrase',
        roles: ['user'],
      },
    });
    expect(created.status).toBe(201);
    await t.http.patch(`/api/v1/users/${created.body.id}`, {
      basic: ADMIN,
      body: { disabled: true },
    });
    const res = await t.http.get(`/api/v1/audit-events?userId=${created.body.id}`, {
      basic: ADMIN,
    });
    expect(res.body.items.map((event: { type: string }) => event.type)).toEqual([
      'user.disabled',
      'user.created',
    ]);
    expect(res.body.items[1]).toMatchObject({ actorLogin: 'admin', subjectLogin: 'audited-user' });
  });
});

describe('audit log filters and export', () => {
  const t = useTestApp();
  const HOUR = 3_600_000;

  /** Events written straight into the table, at chosen times and addresses. */
  async function seed(rows: { type: string; actor?: string; ip?: string; hoursAgo: number }[]) {
    for (const row of rows) {
      await t.sql(
        `INSERT INTO audit_events (type, actor_id, ip, details, created_at)
         VALUES ($1, $2, $3, '{}', now() - make_interval(secs => $4))`,
        [row.type, row.actor ?? null, row.ip ?? null, row.hoursAgo * 3600],
      );
    }
  }

  async function download(
    path: string,
  ): Promise<{ status: number; text: string; headers: Headers }> {
    const response = await fetch(`${t.http.baseUrl}${path}`, {
      headers: { authorization: basicHeader(...ADMIN) },
    });
    return { status: response.status, text: await response.text(), headers: response.headers };
  }

  it('narrows by time, actor and IP, with a chosen limit', async () => {
    const actor = await createUser(t);
    await seed([
      { type: 'mfa.enabled', actor: actor.id, ip: '203.0.113.7', hoursAgo: 30 },
      { type: 'mfa.enabled', actor: actor.id, ip: '203.0.113.7', hoursAgo: 5 },
      { type: 'mfa.enabled', actor: actor.id, ip: '198.51.100.1', hoursAgo: 4 },
      { type: 'mfa.enabled', ip: '203.0.113.7', hoursAgo: 3 },
    ]);
    const iso = (hoursAgo: number) =>
      encodeURIComponent(new Date(Date.now() - hoursAgo * HOUR).toISOString());
    const query = async (filters: string) => {
      const res = await t.http.get(`/api/v1/audit-events?type=mfa.enabled&${filters}`, {
        basic: ADMIN,
      });
      expect(res.status).toBe(200);
      return res.body.items.map((event: { ip: string; actorId: string | null }) => [
        event.ip,
        event.actorId,
      ]);
    };
    expect(await query(`actorId=${actor.id}`)).toEqual([
      ['198.51.100.1', actor.id],
      ['203.0.113.7', actor.id],
      ['203.0.113.7', actor.id],
    ]);
    expect(await query('ip=203.0.113.7')).toEqual([
      ['203.0.113.7', null],
      ['203.0.113.7', actor.id],
      ['203.0.113.7', actor.id],
    ]);
    expect(await query(`from=${iso(6)}&to=${iso(3.5)}`)).toEqual([
      ['198.51.100.1', actor.id],
      ['203.0.113.7', actor.id],
    ]);
    expect(await query(`ip=203.0.113.7&actorId=${actor.id}&limit=1`)).toEqual([
      ['203.0.113.7', actor.id],
    ]);
  });

  it.each([
    ['a from that is no date', 'from=last-week'],
    ['a to that is no date', 'to=now'],
    ['an actorId that is no UUID', 'actorId=admin'],
    ['an unknown export format', 'format=xlsx'],
  ])('refuses %s with 400', async (_case, query) => {
    const path = query.startsWith('format')
      ? '/api/v1/audit-events/export'
      : '/api/v1/audit-events';
    const res = await t.http.get(`${path}?${query}`, { basic: ADMIN });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it('streams any range as CSV or NDJSON, oldest first, every event once', async () => {
    // More than one batch, many of them written in the same microsecond: the cursor must not skip or repeat.
    await t.sql(
      `INSERT INTO audit_events (type, ip, details, created_at)
       SELECT 'user.updated', '192.0.2.44', jsonb_build_object('n', n), now() - interval '2 hours' + (n % 3) * interval '1 second'
       FROM generate_series(1, 2500) AS n`,
    );
    const ndjson = await download('/api/v1/audit-events/export?ip=192.0.2.44&format=ndjson');
    expect(ndjson.status).toBe(200);
    expect(ndjson.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(ndjson.headers.get('content-disposition')).toBe(
      'attachment; filename="audit-events.ndjson"',
    );
    const events = ndjson.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; createdAt: string; details: { n: number } });
    expect(events).toHaveLength(2500);
    expect(new Set(events.map((event) => event.id)).size).toBe(2500);
    const times = events.map((event) => Date.parse(event.createdAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const csv = await download('/api/v1/audit-events/export?ip=192.0.2.44');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,createdAt,type,actorId,actorLogin,subjectId,subjectLogin,ip,userAgent,details',
    );
    expect(lines).toHaveLength(2501);
    expect(lines[1]).toMatch(/,user\.updated,,,,,192\.0\.2\.44,,"\{""n"":\d+\}"$/);
  });

  it('is for admins only', async () => {
    const user = await createUser(t);
    const res = await t.http.get('/api/v1/audit-events/export', { basic: user.basic });
    expect(res.status).toBe(403);
  });
});
