import { ADMIN, useTestApp } from './support/test-app.js';

describe('401 challenges (RFC 6750 §3.1)', () => {
  const t = useTestApp();

  it('leaves error="invalid_token" out when no credential was sent at all', async () => {
    const res = await t.http.get('/api/v1/users/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="latchkey", Basic realm="latchkey", charset="UTF-8"',
    );
    expect(res.body.code).toBe('invalid_credentials');
  });

  it('names invalid_token when a credential was sent and refused', async () => {
    const res = await t.http.get('/api/v1/users/me', { bearer: 'lkt_not-a-token' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain(
      'Bearer realm="latchkey", error="invalid_token"',
    );
    const wrong = await t.http.get('/api/v1/users/me', { basic: [ADMIN[0], 'wrong password'] });
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});
