import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { basicHeader } from './support/http-client.js';
import { createFreshDatabase } from './support/database-urls.js';
import { startServer, stopServer } from './support/server-process.js';

const ADMIN: [string, string] = ['admin', 'shutdown-test-admin-password'];

describe('stopping the server with SIGTERM', () => {
  let dataDir: string;
  let database: Awaited<ReturnType<typeof createFreshDatabase>>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'latchkey-shutdown-'));
    database = await createFreshDatabase();
  });
  afterAll(async () => {
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes the last-used times it still holds before it exits', async () => {
    const server = await startServer(dataDir, {
      DATABASE_URL: database.url,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN[1],
      LOG_LEVEL: 'warn',
    });
    const me = await server.http.get('/api/v1/users/me', { basic: ADMIN });
    const pat = await server.http.post('/api/v1/personal-access-tokens', {
      basic: ADMIN,
      body: { name: 'shutdown', scopes: ['profile:read'], expiresAt: null },
    });
    const key = await server.http.post(`/api/v1/users/${me.body.id}/api-keys`, {
      basic: ADMIN,
      body: { name: 'shutdown', scopes: ['profile:read'] },
    });
    const opaque = await server.http.get('/api/v1/auth/token', { basic: ADMIN });
    for (const authorization of [
      `Bearer ${pat.body.token}`,
      basicHeader(key.body.apiKey, key.body.apiSecret),
      `Bearer ${opaque.body.access_token}`,
    ]) {
      expect((await server.http.get('/api/v1/users/me', { authorization })).status).toBe(200);
    }

    // At once: the batches are written every few seconds, so these uses are still in memory.
    expect(await stopServer(server)).toBe(0);

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ kind: string; used: boolean }>(
        `SELECT 'pat' AS kind, last_used_at IS NOT NULL AS used FROM credentials WHERE id = $1
         UNION ALL SELECT 'api key', last_used_at IS NOT NULL FROM credentials WHERE id = $2
         UNION ALL SELECT 'opaque', last_used_at IS NOT NULL FROM credentials WHERE user_id = $3 AND kind = 'opaque_token'`,
        [pat.body.id, key.body.id, me.body.id],
      );
      expect(rows).toEqual([
        { kind: 'pat', used: true },
        { kind: 'api key', used: true },
        { kind: 'opaque', used: true },
      ]);
    } finally {
      await client.end();
    }
  }, 60_000);
});
