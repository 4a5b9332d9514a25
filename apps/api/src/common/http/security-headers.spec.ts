import type { FastifyReply, FastifyRequest } from 'fastify';
import { pageSecurityHeaders } from './security-headers.js';

/** The directives of a Content-Security-Policy value, by name. */
function directives(policy: string | undefined): Map<string, string[]> {
  return new Map(
    (policy ?? '')
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name = '', ...values]) => [name, values]),
  );
}

/** The headers the hook sets on an HTML response to `url`. */
async function htmlHeaders(url: string, publicUrl = 'http://localhost:3000') {
  const hook = await pageSecurityHeaders({ PUBLIC_URL: publicUrl, TRUST_PROXY: false });
  const set: Record<string, string> = {};
  const reply = {
    getHeader: (name: string) => (name === 'content-type' ? 'text/html; charset=utf-8' : undefined),
    headers: (values: Record<string, string>) => Object.assign(set, values),
    header: (name: string, value: string) => (set[name] = value),
  } as unknown as FastifyReply;
  await new Promise<void>((resolve) =>
    hook({ url, protocol: 'http' } as FastifyRequest, reply, '', () => resolve()),
  );
  return set;
}

describe('the security headers of a page', () => {
  it('gives the admin SPA a strict CSP: scripts from its own origin only, no inline script', async () => {
    for (const url of ['/', '/admin/users', '/login?next=%2Ftokens']) {
      const csp = directives((await htmlHeaders(url))['content-security-policy']);
      expect(csp.get('script-src')).toEqual(["'self'"]);
      expect(csp.get('script-src-attr')).toEqual(["'none'"]);
      expect(csp.get('object-src')).toEqual(["'none'"]);
      expect(csp.get('base-uri')).toEqual(["'none'"]);
      expect(csp.get('default-src')).toEqual(["'self'"]);
    }
  });

  it('lets Swagger UI at /api/docs run its inline initializer, and nothing else', async () => {
    for (const url of ['/api/docs', '/api/docs/', '/api/docs/swagger-ui-init.js']) {
      const csp = directives((await htmlHeaders(url))['content-security-policy']);
      expect(csp.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    }
  });

  it('asks browsers to upgrade requests only when PUBLIC_URL is https', async () => {
    const plain = directives((await htmlHeaders('/'))['content-security-policy']);
    expect(plain.has('upgrade-insecure-requests')).toBe(false);
    const secure = directives(
      (await htmlHeaders('/', 'https://auth.example.test'))['content-security-policy'],
    );
    expect(secure.has('upgrade-insecure-requests')).toBe(true);
  });
});
