import { connect, createServer, type Server, type Socket } from 'node:net';
import { ChangeFeed } from '../src/common/events/change-feed.js';
import { createApp } from '../src/app.factory.js';
import { parseConfig } from '../src/config/config.js';
import { createUser } from './factories/users.js';
import { BrowserSession } from './support/browser.js';
import { createFreshDatabase } from './support/database-urls.js';
import { HttpClient } from './support/http-client.js';
import { ADMIN, TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD, type TestApp } from './support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await condition())) await sleep(100);
}

/**
 * A TCP relay to PostgreSQL that can go silent without closing anything, as a frozen server or a
 * network partition does: while frozen, bytes and new connections are held, not refused.
 */
class SilentRelay {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly held: (() => void)[] = [];
  private frozen = false;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => this.relay(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    for (const release of this.held.splice(0)) release();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private relay(client: Socket): void {
    this.sockets.add(client);
    const start = () => {
      const upstream = connect(this.target.port, this.target.host);
      this.sockets.add(upstream);
      this.forward(client, upstream);
      this.forward(upstream, client);
    };
    if (this.frozen) this.held.push(start);
    else start();
  }

  private forward(from: Socket, to: Socket): void {
    from.on('data', (chunk) => {
      if (this.frozen) this.held.push(() => to.write(chunk));
      else to.write(chunk);
    });
    from.on('error', () => to.destroy());
    from.on('close', () => to.destroy());
  }
}

describe('a database that stops answering without closing the connection', () => {
  const t = {} as TestApp;
  let relay: SilentRelay;

  beforeAll(async () => {
    const database = await createFreshDatabase();
    const url = new URL(database.url);
    relay = new SilentRelay({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(await relay.listen());
    const config = parseConfig({
      LOG_LEVEL: 'silent',
      ENCRYPTION_KEY: 'test-encryption-key-of-at-least-32-chars',
      BOOTSTRAP_ADMIN_LOGIN: TEST_ADMIN_LOGIN,
      BOOTSTRAP_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      DATABASE_QUERY_TIMEOUT: '2s',
    });
    const app = await createApp({ config, databaseUrl: url.toString() });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.getHttpServer().address() as { port: number };
    Object.assign(t, {
      app,
      config,
      http: new HttpClient(`http://127.0.0.1:${port}`, config.PUBLIC_URL),
      databaseName: database.name,
      close: async () => {
        relay.thaw();
        await app.close();
        await relay.close();
        await database.drop();
      },
    });
  });
  afterAll(() => t.close());

  it('answers 503 within bounded time, never serving a cached credential, and recovers by itself', async () => {
    const browser = new BrowserSession(t);
    await browser.login(await createUser(t));
    const verify = () => t.http.get('/api/v1/auth/verify', { bearer: browser.accessToken });
    expect((await verify()).status).toBe(200);
    const feed = t.app.get(ChangeFeed);
    expect(feed.healthy).toBe(true);

    relay.freeze();
    // The heartbeat notices the silence and drops every cache.
    await until(() => !feed.healthy);
    const [cached, basic, ready, live] = await Promise.all([
      verify(),
      t.http.get('/api/v1/auth/verify', { basic: ADMIN }),
      t.http.get('/readyz'),
      t.http.get('/healthz'),
    ]);
    expect(cached.status).toBe(503);
    expect(cached.body.code).toBe('unavailable');
    expect(basic.status).toBe(503);
    expect(ready.status).toBe(503);
    expect(live.status).toBe(200);

    relay.thaw();
    await until(async () => (await t.http.get('/readyz')).status === 200);
    await until(() => feed.healthy);
    expect((await verify()).status).toBe(200);
  }, 90_000);
});
