import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { effectiveScopes, isScope, type Scope, type TokenResponse } from '@latchkey/contracts';
import type { Acting } from '../../common/auth/acting.js';
import { assertWithinCeiling, type Grant } from '../../common/auth/permission-ceiling.js';
import type { RequestContext } from '../../common/auth/request-context.js';
import { principalFor, type Principal } from '../../common/auth/principal.js';
import { ChangeFeed } from '../../common/events/change-feed.js';
import type { CredentialCache } from '../../common/events/credential-cache.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { ApiKeysService, type ApiKeyChannel } from '../api-keys/api-keys.service.js';
import { AuditService } from '../audit/audit.service.js';
import { JwtResolvers } from '../auth/jwt-resolvers.js';
import { JwtService, type VerifiedJwt } from '../signing-keys/jwt.service.js';
import { UsersService } from '../users/users.service.js';
import { oauthError, WRONG_CLIENT } from './oauth-errors.js';
import { RevokedJwtsRepository } from './revoked-jwts.repository.js';

export const REVOKED_JWT_TOPIC = 'revoked-jwt';

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
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(JwtResolvers) private readonly resolvers: JwtResolvers,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(RevokedJwtsRepository) private readonly revokedJwts: RevokedJwtsRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(ChangeFeed) private readonly feed: ChangeFeed,
  ) {
    this.revoked = feed.cache(REVOKED_JWT_TOPIC, { ttlMs: 60_000, maxEntries: 100_000 });
  }

  onModuleInit(): void {
    this.resolvers.register('exchanged', (jwt, request) => this.resolve(jwt, request.ip));
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
    if (!this.config.AUTH_API_KEY_ENABLED) throw oauthError('invalid_client', WRONG_CLIENT);
    const key = await this.keys.authenticate(apiKey, apiSecret, context, channel);
    const user = key ? await this.users.findActive(key.userId) : null;
    if (!key || !user) throw oauthError('invalid_client', WRONG_CLIENT);
    // The key + secret mint the token: it may do at most what the key may, narrowed by `scope`.
    const minter = { scopes: effectiveScopes(user.roles, key.scopes), interactive: false };
    const scopes = assertWithinCeiling(minter, user, grantOf(minter.scopes, scope), {
      refuseRequested: (refused) =>
        oauthError('invalid_scope', `This key does not hold the scope ${refused.join(' ')}.`),
    });
    const expiresIn = this.config.AUTH_EXCHANGE_TOKEN_TTL;
    const claims: ExchangeClaims = {
      scope: scopes.join(' '),
      client_id: key.apiKey,
      akid: key.id,
      sv: key.secretVersion,
    };
    const { token } = await this.jwt.sign('exchanged', {
      subject: user.id,
      expiresIn,
      claims: { ...claims },
    });
    this.keys.touch(key.id, context.ip);
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: expiresIn,
      scope: claims.scope,
    };
  }

  /** Stops one exchanged token before it expires (RFC 7009); false when it already was. */
  async revoke(jwt: VerifiedJwt, acting: Acting): Promise<boolean> {
    if (!(await this.revokedJwts.revoke(jwt.jti, new Date(jwt.exp * 1000)))) return false;
    await this.feed.publish(REVOKED_JWT_TOPIC, jwt.jti);
    await this.audit.record('token.revoked', {
      ...acting,
      subject: await this.users.findById(jwt.sub),
      details: { kind: 'exchanged', jti: jwt.jti, apiKey: jwt.claims.client_id },
    });
    return true;
  }

  private async resolve(jwt: VerifiedJwt, ip: string): Promise<Principal | null> {
    if (!this.config.AUTH_BEARER_ENABLED || !this.config.AUTH_API_KEY_ENABLED) return null;
    const claims = exchangeClaimsOf(jwt);
    if (!claims) return null;
    const key = await this.keys.findLive(claims.client_id);
    if (!key || key.id !== claims.akid || key.secretVersion !== claims.sv) return null;
    if (key.userId !== jwt.sub) return null;
    const { revoked } = (await this.revoked.get(jwt.jti, async () => ({
      revoked: await this.revokedJwts.isRevoked(jwt.jti),
    }))) ?? { revoked: true };
    if (revoked) return null;
    const user = await this.users.findActive(key.userId);
    if (!user) return null;
    this.keys.touch(key.id, ip);
    const tokenScopes = claims.scope.split(' ');
    return principalFor(user, 'exchanged', {
      granted: key.scopes.filter((scope) => tokenScopes.includes(scope)),
      credentialId: key.id,
    });
  }
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
