import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { isScope, type Scope, type TokenResponse } from '@latchkey/contracts';
import type { Acting } from '../../common/auth/acting.js';
import {
  assertWithinCeiling,
  lifetimeWithinCeiling,
  minterOf,
  type Grant,
} from '../../common/auth/permission-ceiling.js';
import type { RequestContext } from '../../common/auth/request-context.js';
import type { Principal } from '../../common/auth/principal.js';
import { Clock } from '../../common/clock/clock.js';
import { ChangeFeed } from '../../common/events/change-feed.js';
import type { CredentialCache } from '../../common/events/credential-cache.js';
import { REVOKED_JWT_TOPIC } from '../../common/events/topics.js';
import { JwtResolvers } from '../../common/auth/jwt-resolvers.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { AuditService } from '../audit/audit.service.js';
import type { CredentialEntity } from '../credentials/credential.entity.js';
import {
  CredentialVerifier,
  type ApiKeyChannel,
  type Verified,
} from '../credentials/credential-verifier.js';
import { JwtService, type VerifiedJwt } from '../signing-keys/jwt.service.js';
import { UsersService } from '../users/users.service.js';
import type { ClientCredentials } from './client-credentials.js';
import { oauthError, WRONG_CLIENT } from './oauth-errors.js';
import { RevokedJwtsRepository } from './revoked-jwts.repository.js';

/** Claims an exchanged token carries besides the registered ones. */
interface ExchangeClaims {
  scope: string;
  /** The API key (lk_…) it was exchanged for, as RFC 7662 names it. */
  client_id: string;
  /** The key's id and secret version: rotating the secret ends the tokens of the old one. */
  akid: string;
  sv: number;
}

/**
 * Trades an API key + secret for a short-lived JWT (typ lk-exchange+jwt), as POST /sessions
 * (Didomi style) and POST /oauth/token (client_credentials) do, and accepts those JWTs while
 * their key, its secret and its user are still good.
 */
@Injectable()
export class TokenExchangeService implements OnModuleInit {
  private readonly revoked: CredentialCache<{ revoked: boolean }>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CredentialVerifier) private readonly credentials: CredentialVerifier,
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(JwtResolvers) private readonly resolvers: JwtResolvers,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(RevokedJwtsRepository) private readonly revokedJwts: RevokedJwtsRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(ChangeFeed) private readonly feed: ChangeFeed,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    this.revoked = feed.cache(REVOKED_JWT_TOPIC, { ttlMs: 60_000, maxEntries: 100_000 });
  }

  onModuleInit(): void {
    this.resolvers.register('exchanged', (jwt) => this.resolve(jwt));
  }

  /**
   * The API key a client authenticated as (RFC 6749 §2.3), counted as a failure when wrong. A
   * wrong key or secret, a revoked key or a disabled user all give the same invalid_client.
   */
  async authenticateClient(
    { clientId, clientSecret }: ClientCredentials,
    context: RequestContext,
    channel: ApiKeyChannel,
  ): Promise<Verified> {
    if (!this.config.AUTH_API_KEY_ENABLED) throw oauthError('invalid_client', WRONG_CLIENT);
    const verified = await this.credentials.authenticate(
      'api_key',
      `${clientId}:${clientSecret}`,
      context,
      channel,
    );
    if (!verified) throw oauthError('invalid_client', WRONG_CLIENT);
    return verified;
  }

  /**
   * A token for the key, narrowed to `scope` (space-separated) when given. A wrong key or
   * secret, a revoked key or a disabled user all give the same invalid_client answer.
   */
  async exchange(
    apiKey: string,
    apiSecret: string,
    scope: string | undefined,
    context: RequestContext,
    channel: ApiKeyChannel,
  ): Promise<TokenResponse> {
    const verified = await this.authenticateClient(
      { clientId: apiKey, clientSecret: apiSecret },
      context,
      channel,
    );
    const { row: key, principal } = verified;
    const user = principal.user;
    // The key + secret mint the token: it may do at most what the key may, narrowed by `scope`.
    const minter = minterOf(principal);
    const scopes = assertWithinCeiling(minter, user, grantOf(principal.scopes, scope), {
      refuseRequested: (refused) =>
        oauthError('invalid_scope', `This key does not hold the scope ${refused.join(' ')}.`),
    });
    // No longer than the secret it was exchanged with, during a rotation's overlap.
    const now = this.clock.now();
    const ends = lifetimeWithinCeiling(minter, {
      fixed: now + this.config.AUTH_EXCHANGE_TOKEN_TTL * 1000,
    });
    const expiresIn = Math.max(1, Math.floor(((ends ?? now) - now) / 1000));
    const claims: ExchangeClaims = {
      scope: scopes.join(' '),
      client_id: key.lookup,
      akid: key.id,
      // The secret it was exchanged with: one before a rotation stops its tokens with it.
      sv: verified.secretVersion ?? key.secretVersion,
    };
    const { token } = await this.jwt.sign('exchanged', {
      subject: user.id,
      expiresIn,
      claims: { ...claims },
    });
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: expiresIn,
      scope: claims.scope,
    };
  }

  /** Stops one exchanged token before it expires (RFC 7009); false when it already was. */
  async revoke(
    jwt: VerifiedJwt,
    acting: Acting,
    reason: 'revoked' | 'leaked' = 'revoked',
  ): Promise<boolean> {
    if (!(await this.revokedJwts.revoke(jwt.jti, new Date(jwt.exp * 1000)))) return false;
    await this.feed.publish(REVOKED_JWT_TOPIC, jwt.jti);
    await this.audit.record(reason === 'leaked' ? 'credential.leaked' : 'token.revoked', {
      ...acting,
      subject: await this.users.findById(jwt.sub),
      details: { kind: 'exchanged', jti: jwt.jti, apiKey: jwt.claims.client_id },
    });
    return true;
  }

  /**
   * The caller of an exchanged token while its key is usable and the secret it was exchanged
   * with still works (the current one, or the one before it during a rotation's overlap).
   */
  private async resolve(jwt: VerifiedJwt): Promise<Principal | null> {
    if (!this.config.AUTH_BEARER_ENABLED) return null;
    const claims = exchangeClaimsOf(jwt);
    if (!claims) return null;
    const key = await this.credentials.liveApiKey(claims.client_id);
    if (!key || key.row.id !== claims.akid || key.row.userId !== jwt.sub) return null;
    const secretEnds = secretEndOf(key.row, claims.sv, this.clock.now());
    if (secretEnds === null) return null;
    const { revoked } = (await this.revoked.get(jwt.jti, async () => ({
      revoked: await this.revokedJwts.isRevoked(jwt.jti),
    }))) ?? { revoked: true };
    if (revoked) return null;
    const tokenScopes = claims.scope.split(' ');
    const { principal } = key;
    const ends = Math.min(principal.credential?.expiresAt ?? Infinity, secretEnds);
    return {
      ...principal,
      method: 'exchanged',
      scopes: principal.scopes.filter((scope) => tokenScopes.includes(scope)),
      credential: {
        ...principal.credential,
        ...(Number.isFinite(ends) ? { expiresAt: ends } : {}),
      },
    };
  }
}

/** Until when the secret of version `version` works: Infinity (current), its overlap end, or null. */
function secretEndOf(key: CredentialEntity, version: number, now: number): number | null {
  if (version === key.secretVersion) return Infinity;
  const overlapEnds = key.previousSecretExpiresAt?.getTime() ?? 0;
  return version === key.secretVersion - 1 && overlapEnds > now ? overlapEnds : null;
}

/** What a token request asks for: the key's own scopes, or those `scope` names (RFC 6749 §3.3). */
function grantOf(held: Scope[], scope: string | undefined): Grant {
  if (scope === undefined) return { kept: held };
  const requested = scope.split(' ').filter(Boolean);
  const unknown = requested.filter((name) => !isScope(name));
  if (requested.length === 0 || unknown.length > 0) {
    throw oauthError(
      'invalid_scope',
      requested.length === 0 ? 'scope is empty.' : `There is no scope ${unknown.join(' ')}.`,
    );
  }
  return { requested: requested.filter(isScope) };
}

function exchangeClaimsOf(jwt: VerifiedJwt): ExchangeClaims | null {
  const { scope, client_id, akid, sv } = jwt.claims;
  if (typeof scope !== 'string' || typeof client_id !== 'string') return null;
  if (typeof akid !== 'string' || typeof sv !== 'number') return null;
  return { scope, client_id, akid, sv };
}
