import { createPat } from './factories/credentials.js';
import { createUser, type TestUser } from './factories/users.js';
import { ADMIN, useTestApp, type TestApp } from './support/test-app.js';

const ME = '/api/v1/users/me';

interface Restrictions {
  disabled_at: Date | null;
  disabled_by: string | null;
  rate_limit_requests: number | null;
  rate_limit_per_seconds: number | null;
  rate_limit_set_by: string | null;
}

async function restrictionsOf(t: TestApp, id: string): Promise<Restrictions | undefined> {
  const [row] = await t.sql<Restrictions>(
    `SELECT disabled_at, disabled_by, rate_limit_requests, rate_limit_per_seconds, rate_limit_set_by
       FROM credentials WHERE id = $1`,
    [id],
  );
  return row;
}

/** The owner's PAT and the paths the owner and an admin change it by. */
async function ownedPat(t: TestApp): Promise<{
  owner: TestUser;
  pat: { id: string; token: string };
  ownPath: string;
  adminPath: string;
}> {
  const owner = await createUser(t);
  const pat = await createPat(t, owner, ['profile:read', 'tokens:read', 'tokens:write']);
  return {
    owner,
    pat,
    ownPath: `/api/v1/personal-access-tokens/${pat.id}`,
    adminPath: `/api/v1/users/${owner.id}/personal-access-tokens/${pat.id}`,
  };
}

/**
 * A restriction an admin put on a credential (disabled, a rate limit) sticks: its owner cannot
 * lift it by enabling, changing the limit, or rotating to a successor.
 */
describe('restrictions an admin put on a credential', () => {
  const t = useTestApp();

  it.each([
    ['enabling it', { disabled: false }],
    ['enabling and renaming it', { disabled: false, name: 'back' }],
  ])('refuses its owner %s after an admin disabled it', async (_, body) => {
    const { owner, pat, ownPath, adminPath } = await ownedPat(t);
    const disabled = await t.http.patch(adminPath, { basic: ADMIN, body: { disabled: true } });
    expect(disabled.status).toBe(200);
    const before = await restrictionsOf(t, pat.id);
    expect(before).toMatchObject({ disabled_by: 'admin' });

    const res = await t.http.patch(ownPath, { basic: owner.basic, body });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'restricted_by_admin' });
    expect(await restrictionsOf(t, pat.id)).toEqual(before);
    expect((await t.http.get(ME, { bearer: pat.token })).status).toBe(401);

    const byAdmin = await t.http.patch(adminPath, { basic: ADMIN, body: { disabled: false } });
    expect(byAdmin.status).toBe(200);
    expect(await restrictionsOf(t, pat.id)).toMatchObject({ disabled_at: null, disabled_by: null });
    expect((await t.http.get(ME, { bearer: pat.token })).status).toBe(200);
  });

  it('lets its owner lift a restriction the owner set', async () => {
    const { owner, pat, ownPath } = await ownedPat(t);
    const off = await t.http.patch(ownPath, {
      basic: owner.basic,
      body: { disabled: true, rateLimit: { requests: 5, perSeconds: 60 } },
    });
    expect(off.status).toBe(200);
    expect(await restrictionsOf(t, pat.id)).toMatchObject({
      disabled_by: 'owner',
      rate_limit_set_by: 'owner',
    });
    const on = await t.http.patch(ownPath, {
      basic: owner.basic,
      body: { disabled: false, rateLimit: null },
    });
    expect(on.status).toBe(200);
    expect(await restrictionsOf(t, pat.id)).toEqual({
      disabled_at: null,
      disabled_by: null,
      rate_limit_requests: null,
      rate_limit_per_seconds: null,
      rate_limit_set_by: null,
    });
  });

  it.each([
    ['removing it', { rateLimit: null }],
    ['raising it', { rateLimit: { requests: 1000, perSeconds: 60 } }],
    ['widening its window', { rateLimit: { requests: 2, perSeconds: 1 } }],
  ])('refuses its owner %s after an admin set a rate limit', async (_, body) => {
    const { owner, pat, ownPath, adminPath } = await ownedPat(t);
    const limited = await t.http.patch(adminPath, {
      basic: ADMIN,
      body: { rateLimit: { requests: 2, perSeconds: 60 } },
    });
    expect(limited.status).toBe(200);
    const before = await restrictionsOf(t, pat.id);
    expect(before).toMatchObject({ rate_limit_requests: 2, rate_limit_set_by: 'admin' });

    const res = await t.http.patch(ownPath, { basic: owner.basic, body });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'restricted_by_admin' });
    expect(await restrictionsOf(t, pat.id)).toEqual(before);
  });

  it('lets its owner rename a token under an admin’s limit, sending the limit unchanged', async () => {
    const { owner, pat, ownPath, adminPath } = await ownedPat(t);
    const limit = { requests: 2, perSeconds: 60 };
    await t.http.patch(adminPath, { basic: ADMIN, body: { rateLimit: limit } });
    const res = await t.http.patch(ownPath, {
      basic: owner.basic,
      body: { name: 'renamed', rateLimit: limit },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'renamed', rateLimit: limit });
    expect(await restrictionsOf(t, pat.id)).toMatchObject({ rate_limit_set_by: 'admin' });
  });

  it('gives a token an admin disabled and limited a disabled, limited successor when its owner rotates it', async () => {
    const { owner, pat, ownPath, adminPath } = await ownedPat(t);
    await t.http.patch(adminPath, {
      basic: ADMIN,
      body: { disabled: true, rateLimit: { requests: 2, perSeconds: 60 } },
    });
    const rotated = await t.http.post(`${ownPath}/rotate`, { basic: owner.basic, body: {} });
    expect(rotated.status).toBe(201);
    expect(await restrictionsOf(t, rotated.body.id as string)).toMatchObject({
      disabled_by: 'admin',
      rate_limit_requests: 2,
      rate_limit_set_by: 'admin',
    });
    expect((await t.http.get(ME, { bearer: rotated.body.token as string })).status).toBe(401);
    expect((await t.http.get(ME, { bearer: pat.token })).status).toBe(401);
    const enable = await t.http.patch(`/api/v1/personal-access-tokens/${rotated.body.id}`, {
      basic: owner.basic,
      body: { disabled: false },
    });
    expect(enable.status).toBe(403);
  });

  it('keeps the requests already counted when a limit changes', async () => {
    const { owner, pat, ownPath } = await ownedPat(t);
    await t.http.patch(ownPath, {
      basic: owner.basic,
      body: { rateLimit: { requests: 5, perSeconds: 600 } },
    });
    for (let i = 0; i < 3; i++) {
      expect((await t.http.get(ME, { bearer: pat.token })).status).toBe(200);
    }
    const lowered = await t.http.patch(ownPath, {
      basic: owner.basic,
      body: { rateLimit: { requests: 3, perSeconds: 600 } },
    });
    expect(lowered.status).toBe(200);
    const over = await t.http.get(ME, { bearer: pat.token });
    expect(over.status).toBe(429);
    expect(over.headers.get('ratelimit')).toContain('r=0');
  });
});
