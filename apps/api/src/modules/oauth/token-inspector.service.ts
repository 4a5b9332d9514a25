import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { TOKEN_PREFIXES, type IntrospectionResponse } from '@latchkey/contracts';
import type { Acting } from '../../common/auth/acting.js';
import { principalFor, type Principal } from '../../common/auth/principal.js';
import { requestContext } from '../../common/auth/request-context.js';
import { introspectionKeys } from '../../common/limits/failure-keys.js';
import { FailureLimiter } from '../../common/limits/failure-limiter.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { splitKeyAndSecret } from '../api-keys/api-key-credentials.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { JwtResolvers } from '../auth/jwt-resolvers.js';
import { OpaqueTokensService } from '../opaque-tokens/opaque-tokens.service.js';
import { PersonalAccessTokensService } from '../personal-access-tokens/personal-access-tokens.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { InvalidJwt, JwtService, type VerifiedJwt } from '../signing-keys/jwt.service.js';
import type { JwtKind } from '../signing-keys/jwt-kinds.js';
import { UsersService } from '../users/users.service.js';
import { TokenExchangeService } from './token-exchange.service.js';

interface Inspected {
  principal: Principal;
  iat?: number;
  exp?: number;
  clientId?: string;
}

const INACTIVE: IntrospectionResponse = { active: false };

/** Signed tokens cannot be guessed: an inactive JWT (expired, say) is no failed guess. */
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * Introspection (RFC 7662) and revocation (RFC 7009) of every token Latchkey issues: JWTs of
 * each kind, opaque lkt_ tokens, and API key pairs written `key:secret`.
 */
@Injectable()
export class TokenInspectorService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(JwtResolvers) private readonly resolvers: JwtResolvers,
    @Inject(OpaqueTokensService) private readonly opaque: OpaqueTokensService,
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
    @Inject(PersonalAccessTokensService) private readonly pats: PersonalAccessTokensService,
    @Inject(TokenExchangeService) private readonly exchange: TokenExchangeService,
    @Inject(SessionsService) private readonly sessions: SessionsService,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(FailureLimiter) private readonly limiter: FailureLimiter,
  ) {}

  /**
   * `{active: true, …}` exactly when the token would authenticate a request now. Inactive answers
   * for tokens that could be guessed (anything but a JWT) count as the caller's failures.
   */
  async introspect(
    token: string,
    request: FastifyRequest,
    caller: Principal,
  ): Promise<IntrospectionResponse> {
    const context = requestContext(request);
    const found = await this.limiter.attempt(
      {
        keys: introspectionKeys(caller.credentialId ?? caller.user.id, context.ip),
        context,
        kind: 'introspection',
        subject: caller.user,
      },
      () => this.inspect(token, request),
      (inspected) => !inspected && !JWT_SHAPE.test(token),
    );
    if (!found) return INACTIVE;
    const { principal, iat, exp, clientId } = found;
    return {
      active: true,
      sub: principal.user.id,
      username: principal.user.login,
      scope: principal.scopes.join(' '),
      ...(exp !== undefined ? { exp } : {}),
      ...(iat !== undefined ? { iat } : {}),
      token_type: principal.method === 'api_key' ? 'api_key' : 'Bearer',
      ...(clientId ? { client_id: clientId } : {}),
      auth_method: principal.method,
    };
  }

  /**
   * Revokes the token if it is one of ours and still live; true when something was revoked.
   * Anything else is quietly ignored, as RFC 7009 §2.2 asks.
   */
  async revoke(token: string, acting: Acting): Promise<boolean> {
    if (token.startsWith(TOKEN_PREFIXES.opaque)) return this.opaque.revoke({ token }, acting);
    const pair = splitKeyAndSecret(token);
    if (pair) {
      const key = acting.context
        ? await this.keys.authenticate(pair.key, pair.secret, acting.context, 'revoke')
        : await this.keys.verify(pair.key, pair.secret);
      return key ? this.keys.revoke(key.id, acting) : false;
    }
    const verified = await this.verifiedJwt(token);
    if (!verified) return false;
    const { kind, jwt } = verified;
    switch (kind) {
      case 'personalAccessToken':
      case 'accountToken':
        return (await this.pats.revoke({ jti: jwt.jti }, acting)) !== null;
      case 'exchanged':
        return this.exchange.revoke(jwt, acting);
      case 'access':
        return typeof jwt.claims.sid === 'string'
          ? this.sessions.revoke(jwt.claims.sid, 'revoked', jwt.sub)
          : false;
      default:
        return false;
    }
  }

  private async inspect(token: string, request: FastifyRequest): Promise<Inspected | null> {
    if (token.startsWith(TOKEN_PREFIXES.opaque)) {
      if (!this.config.AUTH_OPAQUE_TOKEN_ENABLED) return null;
      const resolved = await this.opaque.resolve(token, null);
      return resolved
        ? {
            principal: resolved.principal,
            iat: seconds(resolved.issuedAt),
            exp: seconds(resolved.expiresAt),
          }
        : null;
    }
    const pair = splitKeyAndSecret(token);
    if (pair) {
      if (!this.config.AUTH_API_KEY_ENABLED) return null;
      const key = await this.keys.verify(pair.key, pair.secret);
      const user = key ? await this.users.findActive(key.userId) : null;
      if (!key || !user) return null;
      return {
        principal: principalFor(user, 'api_key', { granted: key.scopes, credentialId: key.id }),
        clientId: key.apiKey,
      };
    }
    const verified = await this.verifiedJwt(token);
    const resolver = verified ? this.resolvers.get(verified.kind) : undefined;
    if (!verified || !resolver) return null;
    const principal = await resolver(verified.jwt, request);
    if (!principal) return null;
    const clientId = verified.jwt.claims.client_id;
    return {
      principal,
      iat: verified.jwt.iat,
      exp: verified.jwt.exp,
      ...(typeof clientId === 'string' ? { clientId } : {}),
    };
  }

  /** A JWT Latchkey signed, of the kind its typ names, unexpired; null for anything else. */
  private async verifiedJwt(token: string): Promise<{ kind: JwtKind; jwt: VerifiedJwt } | null> {
    const kind = this.jwt.peekKind(token);
    if (!kind || kind === 'mfa') return null;
    try {
      return { kind, jwt: await this.jwt.verify(token, kind) };
    } catch (error) {
      if (error instanceof InvalidJwt) return null;
      throw error;
    }
  }
}

function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
