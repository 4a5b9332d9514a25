import { createApp } from '../src/app.factory.js';
import { ChangeFeed } from '../src/common/events/change-feed.js';
import { InvalidJwt, JwtService } from '../src/modules/signing-keys/jwt.service.js';
import { createUser } from './factories/users.js';
import { BrowserSession } from './support/browser.js';
import { databaseUrlFor, serverUrl } from './support/database-urls.js';
import { HttpClient } from './support/http-client.js';
import { ADMIN, useTestApp } from './support/test-app.js';

const kidOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid as string;

describe('signing keys and discovery', () => {
  const t = useTestApp();

  it('publishes one ES256 public key with a kid, its private half sealed in the database', async () => {
    const res = await t.http.get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    const [key] = res.body.keys;
    expect(key).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      use: 'sig',
      kid: expect.any(String),
    });
    expect(key).not.toHaveProperty('d');
    const [row] = await t.sql<{ private_key_sealed: string }>(
      'SELECT private_key_sealed FROM signing_keys WHERE kid = $1',
      [key.kid],
    );
    expect(row?.private_key_sealed).toMatch(/^v1\./);
    expect(row?.private_key_sealed).not.toContain('PRIVATE KEY');
  });

  it('serves RFC 8414 metadata that points at the real endpoints', async () => {
    const res = await t.http.get('/.well-known/oauth-authorization-server');
    expect(res.status).toBe(200);
    const base = t.config.PUBLIC_URL;
    expect(res.body).toMatchObject({
      issuer: base,
      jwks_uri: `${base}/.well-known/jwks.json`,
      token_endpoint: `${base}/api/v1/oauth/token`,
      introspection_endpoint: `${base}/api/v1/oauth/introspect`,
      revocation_endpoint: `${base}/api/v1/oauth/revoke`,
      grant_types_supported: ['client_credentials'],
    });
  });

  it('rotates: new tokens carry the new kid, old tokens stay valid while the old key is published', async () => {
    const user = await createUser(t);
    const before = new BrowserSession(t);
    await before.login(user);
    const oldKid = kidOf(before.accessToken);

    const user403 = await t.http.post('/api/v1/signing-keys/rotate', {
      bearer: before.accessToken,
    });
    expect(user403.status).toBe(403);
    const rotate = await t.http.post('/api/v1/signing-keys/rotate', { basic: ADMIN });
    expect(rotate.status).toBe(201);
    expect(rotate.body).toMatchObject({ alg: 'ES256', state: 'active', retiredAt: null });
    const newKid = rotate.body.kid;
    expect(newKid).not.toBe(oldKid);

    const jwks = (await t.http.get('/.well-known/jwks.json')).body.keys.map(
      (key: { kid: string }) => key.kid,
    );
    expect(jwks).toEqual(expect.arrayContaining([oldKid, newKid]));
    expect((await before.me()).status).toBe(200);
    const after = new BrowserSession(t);
    await after.login(user);
    expect(kidOf(after.accessToken)).toBe(newKid);

    const list = await t.http.get('/api/v1/signing-keys', { basic: ADMIN });
    expect(
      list.body.items.map((key: { kid: string; state: string }) => [key.kid, key.state]),
    ).toEqual(
      expect.arrayContaining([
        [newKid, 'active'],
        [oldKid, 'retired'],
      ]),
    );
    const retired = list.body.items.find((key: { kid: string }) => key.kid === oldKid);
    expect(new Date(retired.publishedUntil).getTime()).toBeGreaterThan(Date.now() + 15 * 60_000);
    const audit = await t.sql<{ details: { kid: string } }>(
      "SELECT details FROM audit_events WHERE type = 'signing_key.rotated'",
    );
    expect(audit.map((event) => event.details.kid)).toContain(newKid);

    await t.sql(
      "UPDATE signing_keys SET published_until = now() - interval '1 second' WHERE kid = $1",
      [oldKid],
    );
    await t.app.get(ChangeFeed).publish('signing-keys', '*');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const gone = (await t.http.get('/.well-known/jwks.json')).body.keys.map(
      (key: { kid: string }) => key.kid,
    );
    expect(gone).toEqual([newKid]);
    expect((await before.me()).status).toBe(401);
    // The retired key's kid is unknown to introspection's path too.
    await expect(t.app.get(JwtService).verify(before.accessToken, 'access')).rejects.toBeInstanceOf(
      InvalidJwt,
    );
    expect((await after.me()).status).toBe(200);
  });
  // Last: passport keeps strategies in a process-wide registry, so once the second app has
  // closed, the first one's strategies are gone for the rest of this file.
  it('keeps sessions valid across a restart: the keys persist', async () => {
    const user = await createUser(t);
    const browser = new BrowserSession(t);
    await browser.login(user);
    const second = await createApp({
      config: t.config,
      databaseUrl: databaseUrlFor(serverUrl(), t.databaseName),
    });
    try {
      await second.listen({ port: 0, host: '127.0.0.1' });
      const { port } = second.getHttpServer().address() as { port: number };
      const http = new HttpClient(`http://127.0.0.1:${port}`);
      const res = await http.get('/api/v1/users/me', { bearer: browser.accessToken });
      expect(res.status).toBe(200);
      expect((await http.get('/.well-known/jwks.json')).body).toEqual(
        (await t.http.get('/.well-known/jwks.json')).body,
      );
    } finally {
      await second.close();
    }
  });
});
