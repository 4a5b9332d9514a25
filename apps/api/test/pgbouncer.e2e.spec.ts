import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app.factory.js';
import { parseConfig } from '../src/config/config.js';
import { findFreePort } from '../src/database/embedded-postgres.js';
import { createPat } from './factories/credentials.js';
import { createUser } from './factories/users.js';
import { databaseUrlFor, serverUrl } from './support/database-urls.js';
import { HttpClient } from './support/http-client.js';
import { installed, startDaemon, waitForPort, type Daemon } from './support/reverse-proxy.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Latchkey with DATABASE_URL through Debian's PgBouncer in transaction mode (started by this
 * test), and the revocation feed on DATABASE_LISTEN_URL, a direct connection: LISTEN does not
 * survive a transaction-mode pooler, and Latchkey must notice at start-up.
 */
let t: TestApp;
let pgbouncer: Daemon;
let workDir: string;
let pooledUrl: string;
let directUrl: string;
const started: NestFastifyApplication[] = [];

beforeAll(async () => {
  t = await startTestApp();
  const server = new URL(serverUrl());
  const port = await findFreePort();
  workDir = mkdtempSync(join(tmpdir(), 'latchkey-pgbouncer-'));
  chmodSync(workDir, 0o777);
  writeFileSync(
    join(workDir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432} user=${decodeURIComponent(server.username) || 'postgres'}${server.password ? ` password=${decodeURIComponent(server.password)}` : ''}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'auth_type = any',
      'pool_mode = transaction',
      'max_client_conn = 100',
      'default_pool_size = 5',
      `unix_socket_dir =`,
      'ignore_startup_parameters = extra_float_digits,options,application_name',
      `logfile = ${join(workDir, 'pgbouncer.log')}`,
      `pidfile = ${join(workDir, 'pgbouncer.pid')}`,
    ].join('\n'),
  );
  chmodSync(join(workDir, 'pgbouncer.ini'), 0o644);
  const asRoot = process.getuid?.() === 0 ? ['-u', 'postgres'] : [];
  pgbouncer = startDaemon(installed('pgbouncer'), [...asRoot, join(workDir, 'pgbouncer.ini')]);
  await waitForPort(port, pgbouncer.output);
  directUrl = databaseUrlFor(serverUrl(), t.databaseName);
  const pooled = new URL(directUrl);
  pooled.host = `127.0.0.1:${port}`;
  pooledUrl = pooled.toString();
});

afterAll(async () => {
  for (const app of started) await app.close();
  await t?.close();
  await pgbouncer?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

async function instance(env: Record<string, string>): Promise<HttpClient> {
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    ENCRYPTION_KEY: t.config.ENCRYPTION_KEY,
    DATABASE_URL: pooledUrl,
    ...env,
  });
  const app = await createApp({ config, databaseUrl: pooledUrl });
  started.push(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return new HttpClient(
    `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`,
  );
}

describe('PgBouncer in transaction mode', () => {
  it('refuses to start when the revocation feed would listen through it, naming DATABASE_LISTEN_URL', async () => {
    await expect(instance({})).rejects.toThrow(/DATABASE_LISTEN_URL/);
  });

  it('with DATABASE_LISTEN_URL direct: revocation checks pass, and a revocation reaches a second instance', async () => {
    const first = await instance({ DATABASE_LISTEN_URL: directUrl });
    const second = await instance({ DATABASE_LISTEN_URL: directUrl });
    const user = await createUser(t);
    const pat = await createPat(t, user, ['profile:read']);
    // Both instances verify the PAT (its revocation checked through the pooler) and cache it.
    for (const http of [first, second, first, second]) {
      expect((await http.get('/api/v1/users/me', { bearer: pat.token })).status).toBe(200);
    }
    const revoked = await first.request('DELETE', `/api/v1/personal-access-tokens/${pat.id}`, {
      basic: user.basic,
    });
    expect(revoked.status).toBe(204);
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < 1000) {
      status = (await second.get('/api/v1/users/me', { bearer: pat.token })).status;
    }
    expect(status).toBe(401);
  });
});
