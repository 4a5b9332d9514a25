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

describe('compressed JSON', () => {
  const t = useTestApp();

  async function raw(path: string, acceptEncoding: string) {
    const response = await fetch(`${t.http.baseUrl}${path}`, {
      headers: { 'accept-encoding': acceptEncoding },
    });
    const body = await response.text();
    return { status: response.status, encoding: response.headers.get('content-encoding'), body };
  }

  it('compresses a large JSON answer with the encoding the client accepts', async () => {
    const br = await raw('/api/v1/openapi.json', 'br, gzip');
    expect(br.status).toBe(200);
    expect(br.encoding).toBe('br');
    expect(JSON.parse(br.body)).toHaveProperty('openapi');
    expect((await raw('/api/v1/openapi.json', 'gzip')).encoding).toBe('gzip');
    expect((await raw('/api/v1/openapi.json', 'identity')).encoding).toBeNull();
  });

  it('sends small answers as they are: compressing them costs more than it saves', async () => {
    const small = await raw('/healthz', 'br, gzip');
    expect(small.status).toBe(200);
    expect(small.encoding).toBeNull();
  });
});
