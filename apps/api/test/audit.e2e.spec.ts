import { createUser } from './factories/users.js';
import { BrowserSession } from './support/browser.js';
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
