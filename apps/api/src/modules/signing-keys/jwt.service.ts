import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  SignJWT,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
  type JWTHeaderParameters,
} from 'jose';
import { CLOCK_TOLERANCE_SECONDS, Clock } from '../../common/clock/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { JWT_KINDS, type JwtKind } from './jwt-kinds.js';
import { SigningKeysService } from './signing-keys.service.js';

/** `exp` of the tokens that never expire: every JWT carries one all the same. */
const NEVER_EXPIRES_SECONDS = 100 * 365 * 86400;
/** Header parameters that would let the token choose its own key: never honoured. */
const KEY_CHOOSING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'] as const;
const REQUIRED_CLAIMS = ['iss', 'aud', 'sub', 'iat', 'exp', 'jti'];

export interface VerifiedJwt {
  sub: string;
  jti: string;
  iat: number;
  exp: number;
  kid: string | undefined;
  claims: JWTPayload & Record<string, unknown>;
}

export interface SignOptions {
  subject: string;
  /** Seconds from now; null for a token that lasts until revoked. */
  expiresIn: number | null;
  claims?: Record<string, unknown>;
  jti?: string;
}

export class InvalidJwt extends Error {}

/**
 * Signs and verifies every JWT Latchkey issues. Verification pins the algorithm, the issuer, the
 * audience and the kind (typ), takes the key only from Latchkey's own set by kid, and allows
 * five seconds of clock skew either way: a token that expired or was issued (by the issuer's
 * clock) further from now than that is refused.
 */
@Injectable()
export class JwtService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SigningKeysService) private readonly keys: SigningKeysService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  get issuer(): string {
    return this.config.PUBLIC_URL;
  }

  async sign(
    kind: JwtKind,
    { subject, expiresIn, claims = {}, jti = randomUUID() }: SignOptions,
  ): Promise<{ token: string; jti: string; expiresAt: Date | null }> {
    const { kid, alg, key } = this.keys.signingKey();
    const now = this.clock.nowSeconds();
    const exp = now + (expiresIn ?? NEVER_EXPIRES_SECONDS);
    const header: JWTHeaderParameters = { alg, typ: JWT_KINDS[kind] };
    if (kid) header.kid = kid;
    const token = await new SignJWT(claims)
      .setProtectedHeader(header)
      .setIssuer(this.issuer)
      .setAudience(this.audience(kind))
      .setSubject(subject)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(jti)
      .sign(key);
    return { token, jti, expiresAt: expiresIn === null ? null : new Date(exp * 1000) };
  }

  /** The token's claims if it is a valid, unexpired JWT of this kind; InvalidJwt otherwise. */
  async verify(token: string, kind: JwtKind): Promise<VerifiedJwt> {
    try {
      const { payload, protectedHeader } = await jwtVerify(
        token,
        async (header) => {
          if (KEY_CHOOSING_HEADERS.some((name) => name in header) || header.crit) {
            throw new InvalidJwt('The token names its own key');
          }
          const key = await this.keys.verificationKey(header.kid);
          if (!key) throw new InvalidJwt('Unknown signing key');
          return key;
        },
        {
          algorithms: [this.keys.algorithm],
          issuer: this.issuer,
          audience: this.audience(kind),
          typ: JWT_KINDS[kind],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: this.clock.date(),
          requiredClaims: REQUIRED_CLAIMS,
        },
      );
      // jose checks iat only with maxTokenAge; a token from the future means clocks (or the
      // issuer) are off by more than the leeway, so it is refused like an expired one.
      if ((payload.iat as number) > this.clock.nowSeconds() + CLOCK_TOLERANCE_SECONDS) {
        throw new InvalidJwt('The token was issued in the future');
      }
      return {
        sub: payload.sub as string,
        jti: payload.jti as string,
        iat: payload.iat as number,
        exp: payload.exp as number,
        kid: protectedHeader.kid,
        claims: payload as VerifiedJwt['claims'],
      };
    } catch (error) {
      if (error instanceof InvalidJwt) throw error;
      if (error instanceof joseErrors.JOSEError || error instanceof TypeError) {
        throw new InvalidJwt(error.message);
      }
      throw error;
    }
  }

  /** The kind a compact JWT claims to be, read without trusting it; null if it is no JWT. */
  peekKind(token: string): JwtKind | null {
    const [encodedHeader] = token.split('.');
    if (!encodedHeader || token.split('.').length !== 3) return null;
    try {
      const header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')) as {
        typ?: unknown;
      };
      const entry = Object.entries(JWT_KINDS).find(([, typ]) => typ === header.typ);
      return entry ? (entry[0] as JwtKind) : null;
    } catch {
      return null;
    }
  }

  /** The MFA step token is addressed to the MFA endpoint only; every other kind to the API. */
  private audience(kind: JwtKind): string {
    return kind === 'mfa' ? `${this.issuer}/api/v1/auth/login/mfa` : this.config.JWT_AUDIENCE;
  }
}
