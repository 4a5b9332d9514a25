import { cutDatabase } from './support/database-urls.js';
import { ADMIN, useTestApp } from './support/test-app.js';

describe('platform', () => {
  const t = useTestApp({ CORS_ORIGINS: 'https://app.example.test' });

  it('answers /healthz and /readyz without credentials', async () => {
    expect((await t.http.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await t.http.get('/readyz')).body).toEqual({ status: 'ok', database: 'ok' });
  });

  it('answers unknown routes with a problem+json 404, under /api/v1 and outside', async () => {
    for (const path of ['/api/v1/nothing-here', '/nothing-here']) {
      const res = await t.http.get(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 404, code: 'not_found' });
    }
  });

  it('answers malformed JSON with 400, never 500', async () => {
    const res = await t.http.post('/api/v1/users', { basic: ADMIN, rawBody: '{"login": ' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('invalid_request');
  });

  it('answers a body of the wrong shape with 400 listing the fields', async () => {
    const res = await t.http.post('/api/v1/users', { basic: ADMIN, body: [1, 2, 3] });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.length).toBeGreaterThan(0);
  });

  it('answers an oversized body with 413 and huge headers with 431', async () => {
    const big = await t.http.post('/api/v1/users', {
      basic: ADMIN,
      rawBody: JSON.stringify({ x: 'a'.repeat(2_000_000) }),
    });
    expect(big.status).toBe(413);
    const headers = await t.http.get('/healthz', { headers: { 'x-filler': 'a'.repeat(20_000) } });
    expect(headers.status).toBe(431);
  });

  it('sends helmet security headers, the document-only ones (CSP) with HTML only', async () => {
    for (const path of ['/healthz', '/api/v1/nothing-here', '/api/v1/openapi.json']) {
      const json = await t.http.get(path);
      expect(json.headers.get('content-type')).toMatch(/json/);
      expect(json.headers.get('x-content-type-options')).toBe('nosniff');
      expect(json.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(json.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(json.headers.get('content-security-policy')).toBeNull();
      expect(json.headers.get('x-xss-protection')).toBeNull();
    }
    const docs = await t.http.get('/api/docs');
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
    expect(docs.headers.get('content-security-policy')).toContain("default-src 'self'");
    // Swagger UI's initializer is the one inline script Latchkey serves: its own policy allows it.
    expect(docs.headers.get('content-security-policy')).toContain(
      "script-src 'self' 'unsafe-inline'",
    );
    expect(docs.headers.get('content-security-policy')).toContain("base-uri 'none'");
    expect(docs.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(docs.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  });

  it('allows CORS only from PUBLIC_URL and CORS_ORIGINS', async () => {
    const allowed = await t.http.get('/healthz', {
      headers: { origin: 'https://app.example.test' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.test');
    const refused = await t.http.get('/healthz', {
      headers: { origin: 'https://evil.example.test' },
    });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('publishes an OpenAPI 3.1 document that states every route’s auth', async () => {
    const res = await t.http.get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.paths['/healthz'].get.security).toEqual([]);
    expect(res.body.paths['/api/v1/users/me'].get.security).toEqual([
      { bearer: [] },
      { basic: [] },
      { apiKeyToken: [] },
      { opaqueHeader: [] },
      { opaqueQuery: [] },
    ]);
    expect(res.body.paths['/api/v1/users'].post['x-required-scopes']).toEqual(['users:write']);
    for (const [path, operations] of Object.entries<Record<string, { security?: unknown }>>(
      res.body.paths,
    )) {
      for (const [method, operation] of Object.entries(operations)) {
        expect({ path, method, security: Array.isArray(operation.security) }).toEqual({
          path,
          method,
          security: true,
        });
      }
    }
    expect((await t.http.get('/api/docs')).status).toBe(200);
  });

  it('answers 503 while the database is away, never accepting an unchecked credential, and recovers', async () => {
    const restore = await cutDatabase(t.databaseName);
    try {
      const ready = await t.http.get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.code).toBe('unavailable');
      const me = await t.http.get('/api/v1/users/me', { basic: ADMIN });
      expect(me.status).toBe(503);
      expect(me.body.code).toBe('unavailable');
    } finally {
      await restore();
    }
    expect((await t.http.get('/readyz')).status).toBe(200);
    expect((await t.http.get('/api/v1/users/me', { basic: ADMIN })).status).toBe(200);
  });
});

describe('Strict-Transport-Security only over HTTPS (RFC 6797 §7.2)', () => {
  const HTTP_PATHS = ['/healthz', '/api/v1/users/me', '/api/docs'];

  describe('PUBLIC_URL http://localhost:3000 (plain HTTP)', () => {
    const t = useTestApp({ PUBLIC_URL: 'http://localhost:3000' });

    it.each(HTTP_PATHS)('sends no HSTS on %s', async (path) => {
      const res = await t.http.get(path);
      expect(res.headers.get('strict-transport-security')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    });
  });

  describe('behind a TLS proxy (TRUST_PROXY=true, PUBLIC_URL https)', () => {
    const t = useTestApp({ PUBLIC_URL: 'https://auth.example.test', TRUST_PROXY: 'true' });

    it.each(HTTP_PATHS)('sends HSTS on %s only when the proxy says HTTPS', async (path) => {
      const https = await t.http.get(path, { headers: { 'x-forwarded-proto': 'https' } });
      expect(https.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
      const plain = await t.http.get(path, { headers: { 'x-forwarded-proto': 'http' } });
      expect(plain.headers.get('strict-transport-security')).toBeNull();
    });
  });

  describe('PUBLIC_URL https without TRUST_PROXY (the scheme of a request is not known)', () => {
    const t = useTestApp({ PUBLIC_URL: 'https://auth.example.test' });

    it('sends HSTS: the public address is HTTPS', async () => {
      const res = await t.http.get('/healthz');
      expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    });
  });
});
