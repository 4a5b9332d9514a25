import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, parseConfig } from './config.js';
import { renderEnvExample } from './env-example.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env, '/srv/latchkey');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('has a default for everything a first start needs', () => {
    const config = parseConfig({}, '/srv/latchkey');
    expect(config.PORT).toBe(3000);
    expect(config.DATA_DIR).toBe('/srv/latchkey/.data');
    expect(config.PUBLIC_URL).toBe('http://localhost:3000');
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.COOKIE_SECURE).toBe(true);
    expect(config.AUTH_LOGIN_FAILURE_WINDOW).toBe(900);
  });

  it('resolves COOKIE_SECURE=auto against PUBLIC_URL: Secure except plain http on a non-loopback host', () => {
    const secure = (env: Record<string, string>) => parseConfig(env).COOKIE_SECURE;
    expect(secure({})).toBe(true);
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'app.localhost']) {
      expect(secure({ PUBLIC_URL: `http://${host}:3000` })).toBe(true);
    }
    expect(secure({ PUBLIC_URL: 'https://auth.example.com' })).toBe(true);
    expect(secure({ PUBLIC_URL: 'http://auth.example.com' })).toBe(false);
    expect(secure({ PUBLIC_URL: 'http://192.168.1.20:3000' })).toBe(false);
    expect(secure({ PUBLIC_URL: 'http://auth.example.com', COOKIE_SECURE: 'true' })).toBe(true);
    expect(secure({ PUBLIC_URL: 'https://auth.example.com', COOKIE_SECURE: 'false' })).toBe(false);
    expect(problemsOf({ COOKIE_SECURE: 'sometimes' })[0]).toMatch(
      /^COOKIE_SECURE: expected auto, true or false/,
    );
  });

  it('names the variable and what it allows when a value is bad', () => {
    const [problem] = problemsOf({ PORT: 'abc' });
    expect(problem).toMatch(/^PORT: expected a port number/);
    expect(problem).toContain('(got "abc")');
  });

  it('refuses a short JWT_SECRET without echoing it', () => {
    const [problem] = problemsOf({ JWT_SECRET: 'short' });
    expect(problem).toMatch(/^JWT_SECRET: must be at least 16 characters/);
    expect(problem).not.toContain('"short"');
  });

  it('reports every bad variable at once', () => {
    expect(
      problemsOf({ PORT: '70000', HTTPS_REDIRECT: 'maybe', DATABASE_URL: 'mysql://x' }),
    ).toHaveLength(3);
  });

  it('reads durations with units and lists with commas', () => {
    const config = parseConfig({
      AUTH_LOGIN_FAILURE_WINDOW: '2h',
      CORS_ORIGINS: 'https://a.example, https://b.example/',
    });
    expect(config.AUTH_LOGIN_FAILURE_WINDOW).toBe(7200);
    expect(config.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
  });

  it('binds passkeys to the host of PUBLIC_URL, or to a parent domain of it', () => {
    expect(parseConfig({ PUBLIC_URL: 'https://auth.example.com/' }).WEBAUTHN_RP_ID).toBe(
      'auth.example.com',
    );
    expect(
      parseConfig({ PUBLIC_URL: 'https://auth.example.com', WEBAUTHN_RP_ID: 'Example.com' })
        .WEBAUTHN_RP_ID,
    ).toBe('example.com');
    expect(parseConfig({}).WEBAUTHN_RP_NAME).toBe('Latchkey');
    const [elsewhere] = problemsOf({
      PUBLIC_URL: 'https://auth.example.com',
      WEBAUTHN_RP_ID: 'ample.com',
    });
    expect(elsewhere).toMatch(/^WEBAUTHN_RP_ID: "ample.com" is neither the host of PUBLIC_URL/);
    const [url] = problemsOf({ WEBAUTHN_RP_ID: 'https://example.com' });
    expect(url).toMatch(/^WEBAUTHN_RP_ID: expected a domain name/);
  });

  it('reads TRUST_PROXY as a flag, a hop count or addresses', () => {
    expect(parseConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(parseConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(parseConfig({ TRUST_PROXY: '10.0.0.1, 10.0.0.2' }).TRUST_PROXY).toEqual([
      '10.0.0.1',
      '10.0.0.2',
    ]);
  });

  it('keeps .env.example in step with the schema', () => {
    const file = readFileSync(join(import.meta.dirname, '../../../../.env.example'), 'utf8');
    expect(file).toBe(renderEnvExample());
  });
});
