import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKEN_PREFIXES } from '@latchkey/contracts';
import { formatToken } from '../src/common/crypto/token-format.js';
import { findFreePort } from '../src/database/embedded-postgres.js';
import {
  createApiKey,
  createOpaqueToken,
  createPat,
  exchangeApiKey,
} from './factories/credentials.js';
import { createUser, type TestUser } from './factories/users.js';
import { basicHeader } from './support/http-client.js';
import {
  getFrom,
  installed,
  readmeBlock,
  startDaemon,
  startEchoApp,
  waitForPort,
  type Daemon,
} from './support/reverse-proxy.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * The README's nginx block, as printed there, in Debian's nginx (started by this test) between
 * an app that echoes what it receives and Latchkey: only the two addresses are filled in.
 */
const IDENTITY = [
  'x-auth-user-id',
  'x-auth-login',
  'x-auth-roles',
  'x-auth-scopes',
  'x-auth-method',
];
const IP_MAX_FAILURES = 5;

let t: TestApp;
let app: { server: Server; port: number };
let nginx: Daemon;
let nginxPort: number;
let workDir: string;
let user: TestUser;

beforeAll(async () => {
  t = await startTestApp({
    TRUST_PROXY: '127.0.0.1',
    AUTH_CREDENTIAL_IP_MAX_FAILURES: String(IP_MAX_FAILURES),
  });
  app = await startEchoApp();
  nginxPort = await findFreePort();
  workDir = mkdtempSync(join(tmpdir(), 'latchkey-nginx-'));
  const block = readmeBlock('nginx `auth_request` in front of an app', 'nginx')
    .replaceAll('http://app:8080', `http://127.0.0.1:${app.port}`)
    .replaceAll('http://latchkey:3000', t.http.baseUrl);
  const temp = (name: string) => `${name}_temp_path ${join(workDir, name)};`;
  writeFileSync(
    join(workDir, 'nginx.conf'),
    [
      process.getuid?.() === 0 ? 'user root;' : '',
      'daemon off;',
      'worker_processes 1;',
      `pid ${join(workDir, 'nginx.pid')};`,
      `error_log ${join(workDir, 'error.log')} warn;`,
      'events { worker_connections 64; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `  ${temp(name)}`),
      `  server {`,
      `    listen 127.0.0.1:${nginxPort};`,
      block,
      '  }',
      '}',
    ].join('\n'),
  );
  nginx = startDaemon(installed('nginx'), [
    '-p',
    workDir,
    '-c',
    join(workDir, 'nginx.conf'),
    '-e',
    join(workDir, 'error.log'),
  ]);
  await waitForPort(nginxPort, nginx.output);
  user = await createUser(t);
}, 120_000);

afterAll(async () => {
  await nginx?.stop();
  await new Promise((resolve) => app?.server.close(resolve));
  await t?.close();
  rmSync(workDir, { recursive: true, force: true });
});

const CLIENT = '127.0.0.7';

/** What the app received through nginx, or nginx's own answer. */
async function throughNginx(
  path: string,
  headers: Record<string, string>,
  from = CLIENT,
): Promise<{ status: number; headers: Record<string, string> }> {
  const res = await getFrom(from, nginxPort, path, headers);
  if (res.status !== 200) return { status: res.status, headers: {} };
  return { status: 200, headers: JSON.parse(res.text).headers };
}

describe('the README nginx block', () => {
  it('passes every credential kind on, with all five identity headers', async () => {
    const pat = await createPat(t, user, ['profile:read']);
    const key = await createApiKey(t, user, ['profile:read']);
    const account = await t.http.request('PUT', '/api/v1/users/me/api-token', {
      basic: user.basic,
    });
    const opaque = await createOpaqueToken(t, user);
    const kinds: [string, string, Record<string, string>, string][] = [
      ['login:password', '/', { authorization: basicHeader(...user.basic) }, 'basic'],
      ['PAT', '/', { authorization: `Bearer ${pat.token}` }, 'personal_access_token'],
      ['account token', '/', { authorization: `Bearer ${account.body.token}` }, 'api_token'],
      [
        'token key:secret',
        '/',
        { authorization: `token ${key.apiKey}:${key.apiSecret}` },
        'api_key',
      ],
      [
        'Basic key:secret',
        '/',
        { authorization: basicHeader(key.apiKey, key.apiSecret) },
        'api_key',
      ],
      ['exchanged', '/', { authorization: `Bearer ${await exchangeApiKey(t, key)}` }, 'exchanged'],
      ['X-Auth-Token', '/', { 'x-auth-token': opaque }, 'opaque'],
      ['?auth_token=', `/orders?auth_token=${opaque}`, {}, 'opaque'],
    ];
    for (const [name, path, headers, method] of kinds) {
      const res = await throughNginx(path, headers);
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
      expect(res.headers).toMatchObject({
        'x-auth-user-id': user.id,
        'x-auth-login': user.login,
        'x-auth-roles': 'user',
        'x-auth-method': method,
        'x-forwarded-for': CLIENT,
      });
    }
  });

  it('refuses a request without a credential before it reaches the app', async () => {
    const res = await getFrom(CLIENT, nginxPort, '/', {});
    expect(res.status).toBe(401);
    expect(res.text).not.toContain('"headers"');
  });

  it('never lets a spoofed identity header reach the app', async () => {
    const pat = await createPat(t, user, ['profile:read']);
    const spoofed = Object.fromEntries(IDENTITY.map((name) => [name, 'spoofed']));
    const res = await throughNginx('/', {
      ...spoofed,
      authorization: `Bearer ${pat.token}`,
      'x-forwarded-for': '203.0.113.9',
    });
    expect(res.status).toBe(200);
    expect(Object.fromEntries(IDENTITY.map((name) => [name, res.headers[name]]))).toEqual({
      'x-auth-user-id': user.id,
      'x-auth-login': user.login,
      'x-auth-roles': 'user',
      'x-auth-scopes': 'profile:read',
      'x-auth-method': 'personal_access_token',
    });
    expect(res.headers['x-forwarded-for']).toBe(CLIENT);
  });

  it('passes a 429 on with its Retry-After, and one client guessing tokens does not lock out another', async () => {
    const guesser = '127.0.0.2';
    const statuses: number[] = [];
    let limited = await getFrom(guesser, nginxPort, '/', {});
    for (let i = 0; i <= IP_MAX_FAILURES; i += 1) {
      limited = await getFrom(guesser, nginxPort, '/', {
        'x-auth-token': formatToken(TOKEN_PREFIXES.opaque, randomBytes(32)),
      });
      statuses.push(limited.status);
    }
    expect(statuses).toEqual([...Array(IP_MAX_FAILURES).fill(401), 429]);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Latchkey saw the guesser's own address (X-Forwarded-For), not nginx's: another client of
    // the same nginx still gets in with its own valid credential.
    const owner = await createOpaqueToken(t, user);
    const res = await throughNginx('/', { 'x-auth-token': owner }, '127.0.0.3');
    expect(res.status).toBe(200);
    // Its use was recorded with its own address too (written in batches, every few seconds).
    let recorded: { last_used_ip: string }[] = [];
    for (let attempt = 0; attempt < 40 && recorded.length === 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      recorded = await t.sql<{ last_used_ip: string }>(
        "SELECT last_used_ip FROM credentials WHERE user_id = $1 AND kind = 'opaque_token' AND last_used_ip = '127.0.0.3'",
        [user.id],
      );
    }
    expect(recorded).toEqual([{ last_used_ip: '127.0.0.3' }]);
  });
});

/** The README's Caddy block in Debian's caddy, between the same app and Latchkey. */
describe('the README Caddy block', () => {
  let caddy: Daemon;
  let caddyPort: number;
  let caddyDir: string;

  beforeAll(async () => {
    caddyPort = await findFreePort();
    caddyDir = mkdtempSync(join(tmpdir(), 'latchkey-caddy-'));
    const block = readmeBlock("Caddy (Debian's `caddy`", '')
      .replace('app.example.com', `http://127.0.0.1:${caddyPort}`)
      .replace('latchkey:3000', t.http.baseUrl.replace('http://', ''))
      .replace('app:8080', `127.0.0.1:${app.port}`);
    writeFileSync(join(caddyDir, 'Caddyfile'), `{\n  admin off\n}\n\n${block}`);
    caddy = startDaemon(
      installed('caddy'),
      ['run', '--config', join(caddyDir, 'Caddyfile'), '--adapter', 'caddyfile'],
      { ...process.env, XDG_DATA_HOME: caddyDir, XDG_CONFIG_HOME: caddyDir, HOME: caddyDir },
    );
    await waitForPort(caddyPort, caddy.output);
  }, 60_000);

  afterAll(async () => {
    await caddy?.stop();
    rmSync(caddyDir, { recursive: true, force: true });
  });

  it('sets the five identity headers over spoofed ones, and the client address', async () => {
    const pat = await createPat(t, user, ['profile:read']);
    const spoofed = Object.fromEntries(IDENTITY.map((name) => [name, 'spoofed']));
    const res = await getFrom('127.0.0.5', caddyPort, '/', {
      ...spoofed,
      authorization: `Bearer ${pat.token}`,
    });
    expect(res.status).toBe(200);
    const received = JSON.parse(res.text).headers as Record<string, string>;
    expect(Object.fromEntries(IDENTITY.map((name) => [name, received[name]]))).toEqual({
      'x-auth-user-id': user.id,
      'x-auth-login': user.login,
      'x-auth-roles': 'user',
      'x-auth-scopes': 'profile:read',
      'x-auth-method': 'personal_access_token',
    });
    expect(received['x-forwarded-for']).toBe('127.0.0.5');
  });

  it('passes a refusal on as it is, a 429 with its Retry-After included', async () => {
    expect((await getFrom('127.0.0.6', caddyPort, '/', {})).status).toBe(401);
    let limited = await getFrom('127.0.0.6', caddyPort, '/', {});
    for (let i = 0; i <= IP_MAX_FAILURES && limited.status !== 429; i += 1) {
      limited = await getFrom('127.0.0.6', caddyPort, '/', {
        'x-auth-token': formatToken(TOKEN_PREFIXES.opaque, randomBytes(32)),
      });
    }
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});
