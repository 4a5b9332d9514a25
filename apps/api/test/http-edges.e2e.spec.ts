import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { basicHeader } from './support/http-client.js';
import { ADMIN, startTestApp, useTestApp, type TestApp } from './support/test-app.js';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One request written byte for byte, as fetch cannot (repeated headers, bad bytes, huge lines). */
function rawRequest(t: TestApp, head: string, body = ''): Promise<RawResponse> {
  const { port } = new URL(t.http.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += String(chunk)));
    socket.on('error', reject);
    socket.on('close', () => {
      const [top = '', ...rest] = received.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = top.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    // Written, not ended: the server closes the connection once it has answered.
    socket.write(`${head}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n${body}`);
  });
}

const SECRET = 'lkt_QuotedNowhere0123456789';

describe('HTTP edges', () => {
  const t = useTestApp();

  it('refuses two Authorization headers, or two X-Auth-Token headers, with 400', async () => {
    const bearer = `Authorization: ${basicHeader(...ADMIN)}`;
    const twice = await rawRequest(t, `GET /api/v1/users/me HTTP/1.1\r\n${bearer}\r\n${bearer}`);
    expect(twice.status).toBe(400);
    expect(twice.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(twice.body)).toMatchObject({ code: 'invalid_request' });
    const tokens = await rawRequest(
      t,
      'GET /api/v1/users/me HTTP/1.1\r\nX-Auth-Token: lkt_a\r\nx-auth-token: lkt_b',
    );
    expect(tokens.status).toBe(400);
    // The check skips requests without a credential header, never ones whose first one is empty,
    // nor public routes.
    for (const head of [
      'GET /api/v1/users/me HTTP/1.1\r\nAuthorization:\r\nAuthorization: Bearer b',
      'GET /healthz HTTP/1.1\r\nx-auth-token: lkt_a\r\nX-AUTH-TOKEN: lkt_b',
    ]) {
      expect([head, (await rawRequest(t, head)).status]).toEqual([head, 400]);
    }
    expect((await rawRequest(t, 'GET /healthz HTTP/1.1')).status).toBe(200);
    const once = await rawRequest(t, `GET /api/v1/users/me HTTP/1.1\r\n${bearer}`);
    expect(once.status).toBe(200);
  });

  it.each<[string, () => Promise<RawResponse>, number]>([
    [
      'headers too large (431)',
      () =>
        rawRequest(
          t,
          `GET /healthz?auth_token=${SECRET} HTTP/1.1\r\nX-Filler: ${'a'.repeat(20_000)}${SECRET}`,
        ),
      431,
    ],
    [
      'a malformed percent-encoding in the path',
      () => rawRequest(t, `GET /api/v1/users/%E0%A4%A?auth_token=${SECRET} HTTP/1.1`),
      400,
    ],
    ['a bare % in the path', () => rawRequest(t, `GET /%?auth_token=${SECRET} HTTP/1.1`), 400],
    [
      'a path segment beyond the router’s limit',
      () => rawRequest(t, `GET /api/v1/users/${SECRET}${'x'.repeat(300)} HTTP/1.1`),
      414,
    ],
    [
      'a control character in a header',
      () => rawRequest(t, `GET /healthz HTTP/1.1\r\nX-Note: a\u0001${SECRET}`),
      400,
    ],
    ['not HTTP at all', () => rawRequest(t, `${SECRET} nonsense`), 400],
    [
      'JSON that does not parse',
      () => {
        const body = `{"login": ${SECRET}}`;
        return rawRequest(
          t,
          `POST /api/v1/auth/login HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}`,
          body,
        );
      },
      400,
    ],
    [
      'an unsupported media type',
      () => {
        const body = `<login>${SECRET}</login>`;
        return rawRequest(
          t,
          `POST /api/v1/auth/login HTTP/1.1\r\nContent-Type: text/xml; x=${SECRET}\r\nContent-Length: ${body.length}`,
          body,
        );
      },
      415,
    ],
    [
      'a body beyond the limit',
      () => {
        const body = JSON.stringify({ login: SECRET, filler: 'a'.repeat(1_100_000) });
        return rawRequest(
          t,
          `POST /api/v1/auth/login HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}`,
          body,
        );
      },
      413,
    ],
  ])('answers %s with problem+json quoting nothing sent', async (_, send, status) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(body).toMatchObject({ status, code: 'invalid_request' });
    expect(res.body).not.toContain('QuotedNowhere');
    expect(res.body).not.toContain('auth_token');
  });
});

describe('HTTPS_REDIRECT', () => {
  let log = '';
  let t: TestApp;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        log += String(chunk);
        done();
      },
    });
    t = await startTestApp(
      { HTTPS_REDIRECT: 'true', PUBLIC_URL: 'https://auth.example.test', LOG_LEVEL: 'warn' },
      { logDestination: sink },
    );
  });
  afterAll(() => t.close());

  it('warns at start-up that it loops behind a TLS proxy unless TRUST_PROXY is set', () => {
    expect(log).toContain('HTTPS_REDIRECT is on while TRUST_PROXY is not set');
  });

  it('answers GET and HEAD with 301, and other methods with 308 so a POST stays a POST', async () => {
    for (const [method, status] of [
      ['GET', 301],
      ['HEAD', 301],
      ['POST', 308],
      ['PUT', 308],
      ['DELETE', 308],
    ] as const) {
      const res = await t.http.request(method, '/api/v1/users/me?x=1');
      expect({ method, status: res.status, location: res.headers.get('location') }).toEqual({
        method,
        status,
        location: 'https://auth.example.test/api/v1/users/me?x=1',
      });
    }
  });
});

describe('TRUST_PROXY=true', () => {
  let log = '';
  let t: TestApp;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        log += String(chunk);
        done();
      },
    });
    t = await startTestApp({ TRUST_PROXY: 'true', LOG_LEVEL: 'warn' }, { logDestination: sink });
  });
  afterAll(() => t.close());

  it('warns at start-up that clients can write their own address, and recommends a hop count', () => {
    expect(log).toContain('TRUST_PROXY=true takes the leftmost X-Forwarded-For address');
    expect(log).toContain('a hop count, e.g. TRUST_PROXY=1');
  });
});
