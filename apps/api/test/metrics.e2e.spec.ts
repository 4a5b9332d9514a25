import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createPat } from './factories/credentials.js';
import { createUser } from './factories/users.js';
import { EventStream } from './support/event-stream.js';
import { basicHeader } from './support/http-client.js';
import { ADMIN, startTestApp, useTestApp, type TestApp } from './support/test-app.js';
import { PasswordHasher } from '../src/modules/users/password-hasher.js';

/** A port nothing listens on now, for METRICS_PORT. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One sample's value from a Prometheus text exposition; 0 when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '').split(',');
    if (wanted.every((label) => have.includes(label))) return Number(match[3]);
  }
  return 0;
}

/** The sum of every sample of a series, whatever its labels. */
function total(text: string, name: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

describe('/metrics on METRICS_PORT', () => {
  let metricsPort: number;
  let t: TestApp;
  beforeAll(async () => {
    metricsPort = await freePort();
    t = await startTestApp({ HOST: '127.0.0.1', METRICS_PORT: String(metricsPort) });
  });
  afterAll(() => t.close());

  async function scrape(): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  }

  it('counts requests by route and status', async () => {
    const series = { method: 'GET', route: '/healthz', status: '200' };
    const before = sample(await scrape(), 'latchkey_http_requests_total', series);
    await t.http.get('/healthz');
    await t.http.get('/healthz');
    expect(sample(await scrape(), 'latchkey_http_requests_total', series)).toBe(before + 2);
  });

  it('counts verifications by kind and result, and the verified-credentials cache hits and misses', async () => {
    const user = await createUser(t);
    const pat = await createPat(t, user);
    const success = { kind: 'personal_access_token', result: 'success' };
    const failure = { kind: 'jwt', result: 'failure' };
    const before = await scrape();
    await t.http.get('/api/v1/users/me', { bearer: pat.token });
    await t.http.get('/api/v1/users/me', { bearer: pat.token });
    await t.http.get('/api/v1/users/me', { bearer: 'eyJhbGciOiJub25lIn0.e30.' });
    const after = await scrape();
    const moved = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(moved('latchkey_verifications_total', success)).toBe(2);
    expect(moved('latchkey_verifications_total', failure)).toBe(1);
    expect(moved('latchkey_verified_credentials_cache_lookups_total', { result: 'hit' })).toBe(1);
    expect(
      moved('latchkey_verified_credentials_cache_lookups_total', { result: 'miss' }),
    ).toBeGreaterThanOrEqual(2);
  });

  it('counts refusals by a failure limit', async () => {
    const user = await createUser(t);
    const before = total(await scrape(), 'latchkey_failure_limit_refusals_total');
    let refused = 0;
    for (let i = 0; i < 12 && refused === 0; i += 1) {
      const res = await t.http.get('/api/v1/users/me', { basic: [user.login, `wrong ${i}`] });
      if (res.status === 429) refused += 1;
    }
    expect(refused).toBe(1);
    const after = total(await scrape(), 'latchkey_failure_limit_refusals_total');
    expect(after).toBe(before + 1);
  });

  it('observes the change-feed lag when a revocation travels over LISTEN/NOTIFY', async () => {
    const user = await createUser(t);
    const pat = await createPat(t, user);
    const before = sample(await scrape(), 'latchkey_change_feed_lag_seconds_count');
    await t.http.request('DELETE', `/api/v1/personal-access-tokens/${pat.id}`, {
      basic: user.basic,
    });
    let after = before;
    for (let i = 0; i < 50 && after === before; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = sample(await scrape(), 'latchkey_change_feed_lag_seconds_count');
    }
    expect(after).toBeGreaterThan(before);
  });

  it('counts the clients of the security event stream', async () => {
    const subscribers = async () => sample(await scrape(), 'latchkey_event_stream_subscribers');
    const reader = await createUser(t, { roles: ['admin'] });
    const stream = await EventStream.open(t.http.baseUrl, basicHeader(...reader.basic));
    expect(stream.status).toBe(200);
    expect(await subscribers()).toBe(1);
    stream.close();
    let after = 1;
    for (let i = 0; i < 50 && after !== 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await subscribers();
    }
    expect(after).toBe(0);
  });

  it('reads the password-hash queue depth at each scrape', async () => {
    const hasher = t.app.get(PasswordHasher);
    const hashes = Array.from({ length: 6 }, (_, i) => hasher.hash(`queue depth probe ${i}`));
    const during = sample(await scrape(), 'latchkey_password_hash_queue_depth');
    await Promise.all(hashes);
    expect(during).toBeGreaterThan(0);
    expect(sample(await scrape(), 'latchkey_password_hash_queue_depth')).toBe(0);
  });

  it('answers nothing else on the metrics port', async () => {
    expect((await fetch(`http://127.0.0.1:${metricsPort}/api/v1/users`)).status).toBe(404);
  });
});

describe('GET /metrics on the API port', () => {
  const t = useTestApp();

  it('is never public: 401 without a credential, 403 without metrics:read, 200 with it', async () => {
    expect((await t.http.get('/metrics')).status).toBe(401);
    const user = await createUser(t);
    expect((await t.http.get('/metrics', { basic: user.basic })).status).toBe(403);
    const scraper = await t.http.post('/api/v1/personal-access-tokens', {
      basic: ADMIN,
      body: { name: 'prometheus', scopes: ['metrics:read'], expiresAt: null },
    });
    const res = await t.http.get('/metrics', { bearer: scraper.body.token });
    expect(res.status).toBe(200);
    expect(res.text).toContain('# TYPE latchkey_http_requests_total counter');
    expect(res.text).toContain('latchkey_password_hash_queue_depth');

    // The Grafana dashboard in docs/ reads only series the server exports.
    const dashboard = readFileSync(
      join(import.meta.dirname, '../../../docs/grafana-dashboard.json'),
      'utf8',
    );
    const read = new Set(
      [...dashboard.matchAll(/latchkey_[a-z_]+/g)].map(([name]) =>
        name.replace(/_(bucket|count|sum)$/, ''),
      ),
    );
    expect(read.size).toBeGreaterThanOrEqual(7);
    for (const name of read) expect(res.text).toContain(`# TYPE ${name} `);
  });
});
