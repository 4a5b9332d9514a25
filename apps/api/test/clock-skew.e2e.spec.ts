import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { Secret, TOTP } from 'otpauth';
import { SigningKeysService } from '../src/modules/signing-keys/signing-keys.service.js';
import { createUser } from './factories/users.js';
import { BrowserSession } from './support/browser.js';
import { useTestApp } from './support/test-app.js';

/** This instance's clock runs ten minutes behind the true time (and behind other issuers). */
const OFFSET_MS = -10 * 60_000;

describe('an instance whose clock is behind (CLOCK_OFFSET_MS)', () => {
  const t = useTestApp({ CLOCK_OFFSET_MS: String(OFFSET_MS) });

  /** Seconds since the epoch by this instance's clock. */
  const instanceNow = () => Math.floor((Date.now() + OFFSET_MS) / 1000);

  /** An access token for a real session, signed with Latchkey's key at the given times. */
  async function accessTokenIssuedAt(iat: number): Promise<string> {
    const user = await createUser(t);
    const browser = new BrowserSession(t);
    await browser.login(user);
    const [, payload] = browser.accessToken.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const { kid, alg, key } = t.app.get(SigningKeysService).signingKey();
    return new SignJWT({ ...claims, jti: randomUUID(), iat, exp: iat + 900 })
      .setProtectedHeader({ alg, kid, typ: 'at+jwt' })
      .sign(key);
  }

  const me = (token: string) => t.http.get('/api/v1/users/me', { bearer: token });

  it('issues tokens by its own clock and accepts them', async () => {
    const user = await createUser(t);
    const browser = new BrowserSession(t);
    await browser.login(user);
    const [, payload] = browser.accessToken.split('.') as [string, string];
    const { iat } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iat: number };
    expect(Math.abs(iat - instanceNow())).toBeLessThanOrEqual(2);
    expect((await browser.me()).status).toBe(200);
  });

  it('accepts a token issued within the 5 s leeway ahead of its clock', async () => {
    expect((await me(await accessTokenIssuedAt(instanceNow() + 3))).status).toBe(200);
  });

  it('refuses a token issued beyond the leeway ahead of its clock (an issuer whose clock is ahead)', async () => {
    const res = await me(await accessTokenIssuedAt(instanceNow() - OFFSET_MS / 1000));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_credentials');
    expect((await me(await accessTokenIssuedAt(instanceNow() + 30))).status).toBe(401);
  });

  it('checks TOTP codes against its own clock', async () => {
    const user = await createUser(t);
    const setup = await t.http.post('/api/v1/auth/mfa/totp/setup', { basic: user.basic });
    expect(setup.status).toBe(200);
    const totp = new TOTP({ secret: Secret.fromBase32(setup.body.secret), digits: 6, period: 30 });
    const enable = (timestamp: number) =>
      t.http.post('/api/v1/auth/mfa/totp/enable', {
        basic: user.basic,
        body: { code: totp.generate({ timestamp }) },
      });
    expect((await enable(Date.now())).status).toBe(400);
    expect((await enable(Date.now() + OFFSET_MS)).status).toBe(200);
    const [row] = await t.sql<{ enabled: boolean }>(
      'SELECT totp_enabled_at IS NOT NULL AS enabled FROM users WHERE id = $1',
      [user.id],
    );
    expect(row?.enabled).toBe(true);
  });
});
