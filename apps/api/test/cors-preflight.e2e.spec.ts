import { useTestApp } from './support/test-app.js';

/** A browser app at an origin in CORS_ORIGINS can use every method the API has. */
const APP_ORIGIN = 'https://app.example.test';

describe('CORS preflight', () => {
  const t = useTestApp({ CORS_ORIGINS: APP_ORIGIN });

  it.each(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])(
    'allows %s from an origin in CORS_ORIGINS',
    async (method) => {
      const res = await t.http.request('OPTIONS', '/api/v1/users/me', {
        headers: {
          origin: APP_ORIGIN,
          'access-control-request-method': method,
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
      expect(res.headers.get('access-control-allow-methods')?.split(/,\s*/)).toContain(method);
    },
  );

  it('allows nothing to a foreign origin', async () => {
    const res = await t.http.request('OPTIONS', '/api/v1/users/me', {
      headers: { origin: 'https://evil.example.test', 'access-control-request-method': 'DELETE' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each([
    ['no Origin', { 'access-control-request-method': 'GET' }],
    ['no Access-Control-Request-Method', { origin: APP_ORIGIN }],
  ])('answers a malformed preflight (%s) with a problem+json 400', async (_case, headers) => {
    const res = await t.http.request('OPTIONS', '/api/v1/users/me', { headers });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: 'invalid_request' });
  });
});
