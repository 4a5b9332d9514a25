import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser } from './factories/users.js';
import { BrowserSession } from './support/browser.js';
import { databaseUrlFor, serverUrl } from './support/database-urls.js';
import { startServer, stopServer, type Server } from './support/server-process.js';
import { ADMIN, useTestApp } from './support/test-app.js';

/** Polls until `check` holds; returns how long it took, or throws after `limitMs`. */
async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if (await check()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`not within ${limitMs} ms`);
}

describe('two instances on one database', () => {
  const t = useTestApp();
  let other: Server;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'latchkey-instance-'));
    other = await startServer(dataDir, {
      DATABASE_URL: databaseUrlFor(serverUrl(), t.databaseName),
      ENCRYPTION_KEY: t.config.ENCRYPTION_KEY as string,
      PUBLIC_URL: t.config.PUBLIC_URL,
      LOG_LEVEL: 'warn',
    });
  });
  afterAll(async () => {
    await stopServer(other);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('share signing keys: a token from one is good on the other', async () => {
    const user = await createUser(t);
    const browser = new BrowserSession(t);
    await browser.login(user);
    const res = await other.http.get('/api/v1/users/me', { bearer: browser.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.authMethod).toBe('session');
  });

  it('a session revoked on one instance stops its access token on the other within a second', async () => {
    const user = await createUser(t);
    const browser = new BrowserSession(t);
    await browser.login(user);
    // Twice, so the other instance answers from its cache.
    for (let i = 0; i < 2; i += 1) {
      expect(
        (await other.http.get('/api/v1/users/me', { bearer: browser.accessToken })).status,
      ).toBe(200);
    }
    expect((await browser.logout()).status).toBe(204);
    await within(
      1000,
      async () =>
        (await other.http.get('/api/v1/users/me', { bearer: browser.accessToken })).status === 401,
    );
  });

  it('a user disabled on one instance is refused on the other within a second', async () => {
    const user = await createUser(t);
    const browser = new BrowserSession(t);
    await browser.login(user);
    expect((await other.http.get('/api/v1/users/me', { bearer: browser.accessToken })).status).toBe(
      200,
    );
    const demote = await t.http.patch(`/api/v1/users/${user.id}`, {
      basic: ADMIN,
      body: { roles: ['user'], displayName: 'Renamed' },
    });
    expect(demote.status).toBe(200);
    expect(
      (await t.http.patch(`/api/v1/users/${user.id}`, { basic: ADMIN, body: { disabled: true } }))
        .status,
    ).toBe(200);
    await within(
      1000,
      async () =>
        (await other.http.get('/api/v1/users/me', { bearer: browser.accessToken })).status === 401,
    );
  });
});
