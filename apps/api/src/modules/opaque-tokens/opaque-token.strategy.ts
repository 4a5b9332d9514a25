import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../common/auth/principal.js';
import { requestContext } from '../../common/auth/request-context.js';
import { RequestStrategy } from '../../common/auth/request-strategy.js';
import { tokenKeys } from '../../common/limits/failure-keys.js';
import { FailureLimiter } from '../../common/limits/failure-limiter.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { authTokenOfUri, pickOpaqueToken } from './opaque-token-credentials.js';
import { OpaqueTokensService } from './opaque-tokens.service.js';

/** Forward-auth requests carry the original URI, whose ?auth_token= the proxy cannot pass on. */
const FORWARD_AUTH_PATH = '/api/v1/auth/verify';

/** Opaque lkt_ tokens: `?auth_token=`, `X-Auth-Token` or `Authorization: Bearer`. */
@Injectable()
export class OpaqueTokenStrategy extends PassportStrategy(RequestStrategy, 'opaque-token') {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OpaqueTokensService) private readonly tokens: OpaqueTokensService,
    @Inject(FailureLimiter) private readonly limiter: FailureLimiter,
  ) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Principal | false> {
    if (!this.config.AUTH_OPAQUE_TOKEN_ENABLED) return false;
    const token = pickOpaqueToken(
      {
        query: this.queryToken(request),
        xAuthToken: request.headers['x-auth-token'],
        authorization: request.headers.authorization,
      },
      this.config.AUTH_QUERY_TOKEN_ENABLED,
    );
    if (!token) return false;
    const context = requestContext(request);
    const resolved = await this.limiter.attempt(
      { keys: tokenKeys(context.ip), context, kind: 'opaque_token' },
      () => this.tokens.resolve(token, context.ip),
    );
    return resolved?.principal ?? false;
  }

  private queryToken(request: FastifyRequest): unknown {
    const own = (request.query as Record<string, unknown> | undefined)?.auth_token;
    if (own !== undefined || request.url.split('?')[0] !== FORWARD_AUTH_PATH) return own;
    return (
      authTokenOfUri(request.headers['x-forwarded-uri']) ??
      authTokenOfUri(request.headers['x-original-uri'])
    );
  }
}
