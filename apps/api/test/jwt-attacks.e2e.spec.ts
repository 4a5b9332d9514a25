import { createPublicKey, createSecretKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT, type JWK, type JWTHeaderParameters } from 'jose';
import { InvalidJwt, JwtService } from '../src/modules/signing-keys/jwt.service.js';
import { SigningKeysService } from '../src/modules/signing-keys/signing-keys.service.js';
import { createUser, type TestUser } from './factories/users.js';
import { BrowserSession } from './support/browser.js';
import { ADMIN, useTestApp } from './support/test-app.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function decode(token: string) {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
    signature,
  };
}

describe('access token verification against forged and altered JWTs', () => {
  const t = useTestApp();
  let user: TestUser;
  let valid: string;

  beforeAll(async () => {
    user = await createUser(t);
    const browser = new BrowserSession(t);
    await browser.login(user);
    valid = browser.accessToken;
  });

  const me = (token: string) => t.http.get('/api/v1/users/me', { bearer: token });

  /** A token signed with Latchkey's real private key, claims and header as given. */
  async function signedByLatchkey(
    claims: Record<string, unknown>,
    header: Partial<JWTHeaderParameters> = {},
  ): Promise<string> {
    const { kid, alg, key } = t.app.get(SigningKeysService).signingKey();
    const { payload } = decode(valid);
    return new SignJWT({ ...payload, ...claims })
      .setProtectedHeader({ alg, kid, typ: 'at+jwt', ...header })
      .sign(key);
  }

  it('accepts a token forged with the real key and the right claims (the harness works)', async () => {
    expect((await me(valid)).status).toBe(200);
    expect((await me(await signedByLatchkey({ jti: randomUUID() }))).status).toBe(200);
  });

  it.each(['none', 'None', 'NONE', 'nOnE'])('refuses alg %s', async (alg) => {
    const { header, payload } = decode(valid);
    expect((await me(`${b64({ ...header, alg })}.${b64(payload)}.`)).status).toBe(401);
  });

  it('refuses a tampered payload, a stripped signature and a wrong signature', async () => {
    const admin = await t.sql<{ id: string }>("SELECT id FROM users WHERE login = 'admin'");
    const [header, , signature] = valid.split('.');
    const { payload } = decode(valid);
    const tampered = `${header}.${b64({ ...payload, sub: admin[0]?.id })}.${signature}`;
    const other = await new BrowserSession(t).login(await createUser(t));
    const wrongSignature = `${valid.split('.').slice(0, 2).join('.')}.${other.body.access_token.split('.')[2]}`;
    for (const token of [tampered, `${header}.${valid.split('.')[1]}.`, wrongSignature]) {
      const res = await me(token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
  });

  it('refuses HS256 signed with the public key (algorithm confusion)', async () => {
    const jwks = (await t.http.get('/.well-known/jwks.json')).body.keys as JWK[];
    const pem = createPublicKey({ key: jwks[0] as JWK & { kty: string }, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const { header, payload } = decode(valid);
    const token = await new SignJWT(payload)
      .setProtectedHeader({ ...header, alg: 'HS256' } as JWTHeaderParameters)
      .sign(createSecretKey(Buffer.from(pem)));
    expect((await me(token)).status).toBe(401);
  });

  it('refuses a token that brings its own key through jwk, jku, x5u or an unknown kid', async () => {
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const attackerJwk = attacker.publicKey.export({ format: 'jwk' });
    const { payload } = decode(valid);
    const forged = (header: Record<string, unknown>) =>
      new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', ...header })
        .sign(attacker.privateKey);
    const tokens = [
      await forged({ jwk: attackerJwk }),
      await forged({ jku: 'https://attacker.example.test/jwks.json', kid: 'attacker' }),
      await forged({ x5u: 'https://attacker.example.test/cert.pem' }),
      await forged({ kid: '../../../../dev/null' }),
      await forged({ kid: "' OR '1'='1" }),
      await signedByLatchkey({}, { jku: 'https://attacker.example.test/jwks.json' }),
    ];
    for (const token of tokens) expect((await me(token)).status).toBe(401);
  });

  it('refuses an expired token and one not valid before a future time', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await me(await signedByLatchkey({ iat: now - 1000, exp: now - 60 }))).status).toBe(401);
    expect((await me(await signedByLatchkey({ nbf: now + 600 }))).status).toBe(401);
  });

  it('refuses the wrong audience or issuer', async () => {
    expect((await me(await signedByLatchkey({ aud: 'another-api' }))).status).toBe(401);
    expect((await me(await signedByLatchkey({ iss: 'https://evil.example.test' }))).status).toBe(
      401,
    );
  });

  it('refuses another typ, or none, even with a valid signature and claims', async () => {
    for (const typ of [
      'JWT',
      'lk-pat+jwt',
      'lk-mfa+jwt',
      'lk-exchange+jwt',
      'application/at+jwt',
    ]) {
      expect((await me(await signedByLatchkey({}, { typ }))).status).toBe(401);
    }
    const { kid, alg, key } = t.app.get(SigningKeysService).signingKey();
    const { payload } = decode(valid);
    const untyped = await new SignJWT(payload)
      .setProtectedHeader({ alg, kid: kid as string })
      .sign(key);
    expect((await me(untyped)).status).toBe(401);
  });

  it('refuses a token without a required claim', async () => {
    const { kid, alg, key } = t.app.get(SigningKeysService).signingKey();
    const { payload } = decode(valid);
    for (const claim of ['sub', 'jti', 'exp', 'iat', 'sid']) {
      const claims = { ...payload };
      delete claims[claim];
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg, kid: kid as string, typ: 'at+jwt' })
        .sign(key);
      expect((await me(token)).status).toBe(401);
    }
  });

  it('verifies by one rule: JwtService.verify (introspection, revocation, MFA) refuses what Bearer refuses', async () => {
    const jwt = t.app.get(JwtService);
    const { header, payload } = decode(valid);
    const jwks = (await t.http.get('/.well-known/jwks.json')).body.keys as JWK[];
    const pem = createPublicKey({ key: jwks[0] as JWK & { kty: string }, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forgeries: Record<string, string> = {
      'alg none': `${b64({ ...header, alg: 'none' })}.${b64(payload)}.`,
      'HS256 with the public key': await new SignJWT(payload)
        .setProtectedHeader({ ...header, alg: 'HS256' } as JWTHeaderParameters)
        .sign(createSecretKey(Buffer.from(pem))),
      'an unknown kid': await new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: randomUUID() })
        .sign(attacker.privateKey),
      'the typ of another kind': await signedByLatchkey({}, { typ: 'lk-pat+jwt' }),
      'an expired token': await signedByLatchkey({ exp: Math.floor(Date.now() / 1000) - 60 }),
    };
    expect((await jwt.verify(valid, 'access')).sub).toBe(user.id);
    for (const [name, token] of Object.entries(forgeries)) {
      expect([name, (await me(token)).status]).toEqual([name, 401]);
      await expect(jwt.verify(token, 'access')).rejects.toBeInstanceOf(InvalidJwt);
      const introspection = await t.http.post('/api/v1/oauth/introspect', {
        basic: ADMIN,
        body: { token },
      });
      expect([name, introspection.body]).toEqual([name, { active: false }]);
    }
    // A kind's typ is never accepted for another, whichever way round.
    const patTyped = forgeries['the typ of another kind'] as string;
    await expect(jwt.verify(valid, 'personalAccessToken')).rejects.toBeInstanceOf(InvalidJwt);
    await expect(jwt.verify(patTyped, 'personalAccessToken')).resolves.toMatchObject({
      sub: user.id,
    });
  });

  it('refuses a token for a session that does not exist', async () => {
    expect((await me(await signedByLatchkey({ sid: randomUUID() }))).status).toBe(401);
  });
});

describe('HS256 with JWT_SECRET', () => {
  const t = useTestApp({ JWT_SECRET: 'a shared secret of 32 characters' });

  it('signs access tokens with HS256, publishes no keys, and refuses other algorithms', async () => {
    const user = await createUser(t);
    const browser = new BrowserSession(t);
    await browser.login(user);
    expect(decode(browser.accessToken).header).toMatchObject({ alg: 'HS256', typ: 'at+jwt' });
    expect((await browser.me()).status).toBe(200);
    expect((await t.http.get('/.well-known/jwks.json')).body).toEqual({ keys: [] });

    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const es256 = await new SignJWT(decode(browser.accessToken).payload)
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .sign(attacker.privateKey);
    expect((await t.http.get('/api/v1/users/me', { bearer: es256 })).status).toBe(401);
    const otherSecret = await new SignJWT(decode(browser.accessToken).payload)
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .sign(createSecretKey(Buffer.from('another secret of 32 characters!')));
    expect((await t.http.get('/api/v1/users/me', { bearer: otherSecret })).status).toBe(401);
  });

  it('has no signing keys to rotate', async () => {
    const res = await t.http.post('/api/v1/signing-keys/rotate', {
      basic: ADMIN,
    });
    expect(res.status).toBe(409);
  });
});
