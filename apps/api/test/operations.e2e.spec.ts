import { Writable } from 'node:stream';
import { BrowserSession } from './support/browser.js';
import { ADMIN, startTestApp, useTestApp } from './support/test-app.js';

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

describe('POST /users with a generated or temporary password', () => {
  const t = useTestApp();
  const suffix = () => Math.random().toString(36).slice(2, 8);

  it('generates a password, shows it once with no-store, and makes it temporary with mustChange', async () => {
    const login = `gen-${suffix()}`;
    const res = await t.http.post('/api/v1/users', {
      basic: ADMIN,
      body: { login, email: `${login}@example.test`, generatePassword: true, mustChange: true },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ login, passwordChangeRequired: true });
    expect(res.body.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const signIn = await new BrowserSession(t).login({ login, password: res.body.password });
    expect(signIn.status).toBe(200);
    expect(signIn.body.password_change_required).toBe(true);
    const [row] = await t.sql<{ password_must_change: boolean; password_hash: string }>(
      'SELECT password_must_change, password_hash FROM users WHERE login = $1',
      [login],
    );
    expect(row?.password_must_change).toBe(true);
    expect(row?.password_hash).not.toContain(res.body.password);
    const read = await t.http.get(`/api/v1/users/${res.body.id}`, { basic: ADMIN });
    expect(read.body.password).toBeUndefined();
  });

  it('takes a chosen password as before, and never echoes it', async () => {
    const login = `own-${suffix()}`;
    const res = await t.http.post('/api/v1/users', {
      basic: ADMIN,
      body: { login, email: `${login}@example.test`, password: 'a long enough passphrase' },
    });
    expect(res.status).toBe(201);
    expect(res.body.password).toBeUndefined();
    expect(res.body.passwordChangeRequired).toBe(false);
  });

  it.each([
    [
      'both a password and generatePassword',
      { password: 'a long enough passphrase', generatePassword: true },
    ],
    ['neither a password nor generatePassword', {}],
  ])('refuses %s with 400', async (_case, fields) => {
    const login = `bad-${suffix()}`;
    const res = await t.http.post('/api/v1/users', {
      basic: ADMIN,
      body: { login, email: `${login}@example.test`, ...fields },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });
});

describe('start-up warnings', () => {
  it('names localhost as the way out when PUBLIC_URL is at an IP address (WebAuthn refuses IP addresses)', async () => {
    let log = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        log += String(chunk);
        done();
      },
    });
    const app = await startTestApp(
      { PUBLIC_URL: 'http://192.168.1.20:3000', LOG_LEVEL: 'warn' },
      { logDestination: sink },
    );
    await app.close();
    expect(log).toContain('192.168.1.20 is an IP address');
    expect(log).toContain('http://localhost:3000');
  });
});
