import { createUser, type TestUser } from './factories/users.js';
import { ADMIN, useTestApp, type TestApp } from './support/test-app.js';

/** A JWT's payload, read without checking it (the server checked it when it signed it). */
function claimsOf(token: string): Record<string, unknown> {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

interface AuditRow {
  type: string;
  actor_id: string | null;
  subject_id: string | null;
  details: Record<string, unknown>;
}

function auditOf(t: TestApp, subjectId: string): Promise<AuditRow[]> {
  return t.sql<AuditRow>(
    `SELECT type, actor_id, subject_id, details FROM audit_events
      WHERE subject_id = $1 ORDER BY created_at, id`,
    [subjectId],
  );
}

async function accountTokenOf(t: TestApp, by: TestUser, user: TestUser) {
  return t.http.request('PUT', `/api/v1/users/${user.id}/api-token`, { basic: by.basic });
}

/**
 * An admin who mints another user's account token acts as that user: the token carries the
 * admin as `act` (RFC 8693), and everything done with it is audited with the admin as actor.
 */
describe('an admin acting through a user’s account token', () => {
  const t = useTestApp();

  it('carries the admin as act in the token, in introspection and in the audit of its minting', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const user = await createUser(t);
    const minted = await accountTokenOf(t, admin, user);
    expect(minted.status).toBe(200);
    const token = minted.body.token as string;
    expect(claimsOf(token)).toMatchObject({ sub: user.id, act: { sub: admin.id } });

    const introspected = await t.http.post('/api/v1/oauth/introspect', {
      basic: ADMIN,
      body: { token },
    });
    expect(introspected.body).toMatchObject({ active: true, sub: user.id, act: { sub: admin.id } });

    const [created] = (await auditOf(t, user.id)).filter((row) => row.type === 'token.created');
    expect(created).toMatchObject({
      actor_id: admin.id,
      subject_id: user.id,
      details: { kind: 'account_token', act: { sub: admin.id } },
    });
  });

  it('records the admin as actor of everything done with it, and passes act on to what it mints', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const user = await createUser(t);
    const token = (await accountTokenOf(t, admin, user)).body.token as string;
    const before = (await auditOf(t, user.id)).length;

    const pat = await t.http.post('/api/v1/personal-access-tokens', {
      bearer: token,
      body: { name: 'made as the user', scopes: ['profile:read', 'tokens:write'], expiresAt: null },
    });
    expect(pat.status).toBe(201);
    expect(claimsOf(pat.body.token as string)).toMatchObject({
      sub: user.id,
      act: { sub: admin.id },
    });
    const disabled = await t.http.patch(`/api/v1/personal-access-tokens/${pat.body.id}`, {
      bearer: pat.body.token as string,
      body: { disabled: true },
    });
    expect(disabled.status).toBe(200);
    // Disabled by the admin, so the user cannot enable it again.
    const [row] = await t.sql<{ disabled_by: string }>(
      'SELECT disabled_by FROM credentials WHERE id = $1',
      [pat.body.id],
    );
    expect(row?.disabled_by).toBe('admin');

    const done = (await auditOf(t, user.id)).slice(before);
    expect(done.map((event) => event.type)).toEqual(['token.created', 'token.updated']);
    for (const event of done) {
      expect(event).toMatchObject({
        actor_id: admin.id,
        subject_id: user.id,
        details: { onBehalfOf: { id: user.id, login: user.login } },
      });
    }
  });

  it('gives the user’s own account token no act, and audits the user as actor', async () => {
    const user = await createUser(t);
    const minted = await accountTokenOf(t, user, user);
    expect(minted.status).toBe(200);
    expect(claimsOf(minted.body.token as string)).not.toHaveProperty('act');
    const [created] = (await auditOf(t, user.id)).filter((row) => row.type === 'token.created');
    expect(created).toMatchObject({ actor_id: user.id, subject_id: user.id });
    expect(created?.details).not.toHaveProperty('act');
  });

  it.each([
    [
      'an account token',
      (t: TestApp, admin: TestUser, peer: TestUser) => accountTokenOf(t, admin, peer),
    ],
    [
      'a rotated personal access token',
      async (t: TestApp, admin: TestUser, peer: TestUser) => {
        const own = await t.http.post('/api/v1/personal-access-tokens', {
          basic: peer.basic,
          body: { name: 'peer', scopes: ['profile:read'], expiresAt: null },
        });
        return t.http.post(
          `/api/v1/users/${peer.id}/personal-access-tokens/${own.body.id}/rotate`,
          { basic: admin.basic, body: {} },
        );
      },
    ],
  ])('refuses an admin %s of another admin (403), minting nothing', async (_, mint) => {
    const admin = await createUser(t, { roles: ['admin'] });
    const peer = await createUser(t, { roles: ['admin'] });
    const res = await mint(t, admin, peer);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'forbidden' });
    expect(res.body).not.toHaveProperty('token');
    // Nothing minted, nothing stopped: at most the peer's own PAT, still live.
    const held = await t.sql<{ kind: string; revoked_at: Date | null }>(
      'SELECT kind, revoked_at FROM credentials WHERE user_id = $1',
      [peer.id],
    );
    expect(held.every((row) => row.kind === 'personal_access_token' && !row.revoked_at)).toBe(true);
    expect(held.length).toBeLessThanOrEqual(1);
  });

  it('stops working once the admin acting through it is no longer an admin', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const user = await createUser(t);
    const token = (await accountTokenOf(t, admin, user)).body.token as string;
    expect((await t.http.get('/api/v1/users/me', { bearer: token })).status).toBe(200);
    const demoted = await t.http.patch(`/api/v1/users/${admin.id}`, {
      basic: ADMIN,
      body: { roles: ['user'] },
    });
    expect(demoted.status).toBe(200);
    expect((await t.http.get('/api/v1/users/me', { bearer: token })).status).toBe(401);
  });
});
