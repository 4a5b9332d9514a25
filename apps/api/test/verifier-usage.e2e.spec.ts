import { CredentialVerifier } from '../src/modules/credentials/credential-verifier.js';
import { createPat } from './factories/credentials.js';
import { createUser } from './factories/users.js';
import { useTestApp, type TestApp } from './support/test-app.js';

async function lastUseOf(t: TestApp, id: string) {
  await t.app.get(CredentialVerifier).flushUsage();
  const [row] = await t.sql<{ last_used_at: Date | null; last_used_ip: string | null }>(
    'SELECT last_used_at, last_used_ip FROM credentials WHERE id = $1',
    [id],
  );
  return row;
}

/**
 * A check by another service is use of the token: forward-auth from a trusted proxy records the
 * client the proxy forwards for, never the proxy; introspection records no address, as the
 * caller is the service the token was presented to, not its holder.
 */
describe('use of a token checked by another service', () => {
  const t = useTestApp({ TRUST_PROXY: 'true' });

  it('records a forward-auth check with the forwarded client address', async () => {
    const user = await createUser(t);
    const pat = await createPat(t, user, ['profile:read']);
    const res = await t.http.get('/api/v1/auth/verify', {
      bearer: pat.token,
      headers: { 'x-forwarded-for': '203.0.113.7' },
    });
    expect(res.status).toBe(200);
    expect(await lastUseOf(t, pat.id)).toEqual({
      last_used_at: expect.any(Date),
      last_used_ip: '203.0.113.7',
    });
  });

  it('records an introspection as use from no known address', async () => {
    const user = await createUser(t);
    const pat = await createPat(t, user, ['profile:read']);
    const service = await createPat(t, await createUser(t, { roles: ['admin'] }), [
      'tokens:introspect',
    ]);
    const res = await t.http.post('/api/v1/oauth/introspect', {
      bearer: service.token,
      headers: { 'x-forwarded-for': '198.51.100.9' },
      body: { token: pat.token },
    });
    expect(res.body).toMatchObject({ active: true, sub: user.id });
    expect(await lastUseOf(t, pat.id)).toEqual({
      last_used_at: expect.any(Date),
      last_used_ip: null,
    });
  });
});
