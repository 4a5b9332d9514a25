import { Inject, Injectable } from '@nestjs/common';
import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, type JWTPayload, type JWTHeaderParameters } from 'jose';
import type { Algorithm, Jwt, JwtPayload, VerifyErrors } from 'jsonwebtoken';
import { Strategy as JwtStrategy } from 'passport-jwt';
import { NEVER_EXPIRES_SECONDS } from '../../common/auth/permission-ceiling.js';
import { CLOCK_TOLERANCE_SECONDS, Clock } from '../../common/clock/clock.js';
import { findUnstorable } from '../../common/validation/storable-text.js';
import { isUuid } from '../../common/validation/uuid-param.pipe.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { JWT_KINDS, type JwtKind } from './jwt-kinds.js';
import { SigningKeysService } from './signing-keys.service.js';

/** Header parameters that would let the token choose its own key: never honoured. */
const KEY_CHOOSING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'] as const;
const REQUIRED_CLAIMS = ['iss', 'aud', 'sub', 'iat', 'exp', 'jti'] as const;

/**
 * What passport-jwt hands to jsonwebtoken besides its own four options: the whole token (so the
 * verified `typ` header can be checked), and times left to `accept`, which reads them by the
 * instance's Clock (CLOCK_OFFSET_MS) where jsonwebtoken would read the process clock.
 */
export const JSONWEBTOKEN_OPTIONS = { complete: true, ignoreNotBefore: true } as const;

/** The options passport-jwt takes for jsonwebtoken (it copies these four over `jsonWebTokenOptions`). */
export interface JwtVerifyOptions {
  algorithms: Algorithm[];
  issuer: string;
  audience: string;
  ignoreExpiration: true;
}

/** passport-jwt's secretOrKeyProvider, typed for the KeyObjects it passes on to jsonwebtoken. */
export type JwtKeyProvider = (
  request: unknown,
  rawJwtToken: string,
  done: (error: unknown, key?: KeyObject) => void,
) => void;

type JwtVerifier = (
  token: string,
  key: KeyObject,
  options: JwtVerifyOptions & typeof JSONWEBTOKEN_OPTIONS,
  callback: (error: VerifyErrors | null, decoded: Jwt | undefined) => void,
) => void;

/**
 * The function passport-jwt's Strategy verifies with (jsonwebtoken's verify): JwtService.verify
 * calls the very same one, so a JWT is checked by one rule whichever path it takes.
 */
const verifyWithJsonwebtoken = (JwtStrategy as unknown as { JwtVerifier: JwtVerifier }).JwtVerifier;

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
 * Signs (jose) and verifies every JWT Latchkey issues. Verification is passport-jwt's: its
 * Strategy for `Authorization: Bearer` (BearerJwtStrategy) and `verify` here for introspection,
 * revocation and the MFA step both run jsonwebtoken with the options of `verifyOptions`, the key
 * of `keyProvider` and the checks of `accept`. That pins the algorithm, the issuer, the audience
 * and the kind (typ), takes the key only from Latchkey's own set by kid (a KeyObject, never a
 * string), and allows five seconds of clock skew either way: a token that expired or was issued
 * (by the issuer's clock) further from now than that is refused.
 */
@Injectable()
export class JwtService {
  private readonly options: Record<JwtKind, JwtVerifyOptions>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SigningKeysService) private readonly keys: SigningKeysService,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    const optionsOf = (kind: JwtKind): JwtVerifyOptions => ({
      algorithms: [this.keys.algorithm as Algorithm],
      issuer: this.issuer,
      audience: this.audience(kind),
      ignoreExpiration: true,
    });
    this.options = {
      access: optionsOf('access'),
      mfa: optionsOf('mfa'),
      personalAccessToken: optionsOf('personalAccessToken'),
      accountToken: optionsOf('accountToken'),
      exchanged: optionsOf('exchanged'),
    };
  }

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

  /**
   * jsonwebtoken's options for a kind: the one algorithm of the signing keys, the issuer, and the
   * audience (the MFA step's own; every kind accepted as Bearer shares the API's).
   */
  verifyOptions(kind: JwtKind): JwtVerifyOptions {
    return this.options[kind];
  }

  /**
   * The key a token's kid names, among the published ones (passport-jwt's secretOrKeyProvider).
   * A token that brings its own key (jwk, jku, x5u, x5c, x5t) or critical extensions, names an
   * unknown or retired kid, or is no JWT, gets no key and so fails.
   */
  readonly keyProvider: JwtKeyProvider = (request, rawJwtToken, done) => {
    this.keyFor(rawJwtToken).then(
      (key) => done(null, key),
      (error: unknown) => {
        // passport-jwt makes any key error a plain failure (401): an outage (the keys could not
        // be reloaded) is kept on the request, so the guard answers 503 rather than "wrong".
        if (!(error instanceof InvalidJwt) && request) {
          (request as { verificationError?: unknown }).verificationError = error;
        }
        done(error);
      },
    );
  };

  /**
   * The checks jsonwebtoken does not make, on a token it has verified: the typ of the kind, the
   * required claims, and expiry, issue time and not-before by this instance's clock.
   */
  accept(decoded: Jwt, kind: JwtKind): VerifiedJwt {
    const { header } = decoded;
    if (header.typ !== JWT_KINDS[kind]) throw new InvalidJwt('The token is of another kind');
    const payload = decoded.payload as JwtPayload;
    if (
      typeof payload !== 'object' ||
      REQUIRED_CLAIMS.some((claim) => payload[claim] === undefined)
    )
      throw new InvalidJwt('The token lacks a required claim');
    const { sub, jti, iat, exp, nbf } = payload;
    // Claims are decoded past the edge's check of the request, so they are checked here before
    // any lookup: every token Latchkey issues names a user id and its own id (UUIDs), and no
    // claim the database could not store or compare (NUL, a lone surrogate) is taken.
    if (typeof sub !== 'string' || typeof jti !== 'string' || !isUuid(sub) || !isUuid(jti))
      throw new InvalidJwt('Malformed claims');
    if (findUnstorable(payload, 'claims') ?? findUnstorable(header, 'header'))
      throw new InvalidJwt('Claims that are not valid Unicode');
    if (typeof iat !== 'number' || typeof exp !== 'number') throw new InvalidJwt('Malformed times');
    const now = this.clock.nowSeconds();
    if (exp <= now - CLOCK_TOLERANCE_SECONDS) throw new InvalidJwt('The token has expired');
    // A token from the future means clocks (or the issuer) are off by more than the leeway, so
    // it is refused like an expired one.
    if (iat > now + CLOCK_TOLERANCE_SECONDS)
      throw new InvalidJwt('The token was issued in the future');
    if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + CLOCK_TOLERANCE_SECONDS))
      throw new InvalidJwt('The token is not valid yet');
    return {
      sub,
      jti,
      iat,
      exp,
      kid: header.kid,
      claims: payload as VerifiedJwt['claims'],
    };
  }

  /** The token's claims if it is a valid, unexpired JWT of this kind; InvalidJwt otherwise. */
  async verify(token: string, kind: JwtKind): Promise<VerifiedJwt> {
    const key = await this.keyFor(token);
    const decoded = await new Promise<Jwt>((resolve, reject) =>
      verifyWithJsonwebtoken(
        token,
        key,
        { ...JSONWEBTOKEN_OPTIONS, ...this.verifyOptions(kind) },
        (error, result) =>
          error || !result
            ? reject(new InvalidJwt(error?.message ?? 'Invalid token'))
            : resolve(result),
      ),
    );
    return this.accept(decoded, kind);
  }

  /** The kind a compact JWT claims to be, read without trusting it; null if it is no JWT. */
  peekKind(token: string): JwtKind | null {
    const typ = unverifiedHeader(token)?.typ;
    const entry = Object.entries(JWT_KINDS).find(([, value]) => value === typ);
    return entry ? (entry[0] as JwtKind) : null;
  }

  private async keyFor(token: string): Promise<KeyObject> {
    const header = unverifiedHeader(token);
    if (!header) throw new InvalidJwt('Not a JWT');
    if (KEY_CHOOSING_HEADERS.some((name) => name in header) || header.crit !== undefined) {
      throw new InvalidJwt('The token names its own key');
    }
    const key = await this.keys.verificationKey(
      typeof header.kid === 'string' ? header.kid : undefined,
    );
    if (!key) throw new InvalidJwt('Unknown signing key');
    return key;
  }

  /** The MFA step token is addressed to the MFA endpoint only; every other kind to the API. */
  private audience(kind: JwtKind): string {
    return kind === 'mfa' ? `${this.issuer}/api/v1/auth/login/mfa` : this.config.JWT_AUDIENCE;
  }
}

/** A compact JWT's header, read without trusting it; undefined if the string is no JWT. */
function unverifiedHeader(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[0]) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && !Array.isArray(header)
      ? (header as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
