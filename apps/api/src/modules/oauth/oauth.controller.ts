import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  clientCredentialsRequestSchema,
  introspectionResponseSchema,
  sessionExchangeSchema,
  tokenRequestSchema,
  tokenResponseSchema,
  type IntrospectionResponse,
  type SessionExchangeInput,
  type TokenRequest,
  type TokenResponse,
} from '@latchkey/contracts';
import { Public, RequireScopes } from '../../common/auth/auth.decorators.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { Principal } from '../../common/auth/principal.js';
import { requestContext } from '../../common/auth/request-context.js';
import { requestSchema, responseSchema } from '../../common/openapi/json-schema.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { clientAuthenticationOf } from './client-credentials.js';
import { AMBIGUOUS_CLIENT, oauthError } from './oauth-errors.js';
import { TokenExchangeService } from './token-exchange.service.js';
import { TokenInspectorService } from './token-inspector.service.js';

const FORM_OR_JSON = ['application/x-www-form-urlencoded', 'application/json'];

@ApiTags('Token exchange and verification')
@Controller()
export class OAuthController {
  constructor(
    @Inject(TokenExchangeService) private readonly exchange: TokenExchangeService,
    @Inject(TokenInspectorService) private readonly inspector: TokenInspectorService,
  ) {}

  @Post('sessions')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Exchange an API key + secret for a short-lived Bearer JWT (400 invalid_grant when wrong)',
  })
  @ApiBody({ schema: requestSchema(sessionExchangeSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(tokenResponseSchema) })
  createSession(
    @Body(new ZodValidationPipe(sessionExchangeSchema)) body: SessionExchangeInput,
    @Req() request: FastifyRequest,
  ): Promise<TokenResponse> {
    return this.exchange.exchange(
      body.key,
      body.secret,
      undefined,
      requestContext(request),
      'sessions',
    );
  }

  @Post('oauth/token')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'OAuth 2.0 client_credentials grant (RFC 6749 §4.4) for an API key + secret',
    description:
      'The client authenticates with Basic client_id:client_secret or with client_id and client_secret in the body; `scope` narrows the token. Errors carry RFC 6749 `error` and `error_description` beside the problem fields.',
  })
  @ApiConsumes(...FORM_OR_JSON)
  @ApiBody({ schema: requestSchema(clientCredentialsRequestSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(tokenResponseSchema) })
  token(@Body() body: unknown, @Req() request: FastifyRequest): Promise<TokenResponse> {
    const parsed = clientCredentialsRequestSchema.safeParse(body ?? {});
    if (!parsed.success) {
      throw oauthError('invalid_request', 'The token request has a malformed or repeated field.');
    }
    const { grant_type: grantType, scope } = parsed.data;
    if (!grantType) throw oauthError('invalid_request', 'grant_type is required.');
    if (grantType !== 'client_credentials') {
      throw oauthError(
        'unsupported_grant_type',
        'Only grant_type=client_credentials is supported.',
      );
    }
    const client = clientAuthenticationOf(request.headers.authorization, parsed.data);
    if ('error' in client) {
      throw oauthError(
        client.error === 'ambiguous' ? 'invalid_request' : 'invalid_client',
        client.error === 'ambiguous'
          ? AMBIGUOUS_CLIENT
          : 'Authenticate with the API key and secret (Basic, or client_id and client_secret).',
      );
    }
    const { clientId, clientSecret } = client.credentials;
    return this.exchange.exchange(
      clientId,
      clientSecret,
      scope,
      requestContext(request),
      'oauth_token',
    );
  }

  @Post('oauth/introspect')
  @HttpCode(200)
  @RequireScopes('tokens:introspect')
  @ApiOperation({
    summary: 'Token introspection (RFC 7662) for every kind of Latchkey token',
    description:
      'Accepts JWTs of every kind, opaque lkt_ tokens and API key pairs written key:secret. Unknown, expired or revoked: {"active": false}.',
  })
  @ApiConsumes(...FORM_OR_JSON)
  @ApiBody({ schema: requestSchema(tokenRequestSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(introspectionResponseSchema) })
  introspect(
    @CurrentPrincipal() caller: Principal,
    @Body(new ZodValidationPipe(tokenRequestSchema)) body: TokenRequest,
    @Req() request: FastifyRequest,
  ): Promise<IntrospectionResponse> {
    return this.inspector.introspect(body.token, request, caller);
  }

  @Post('oauth/revoke')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Token revocation (RFC 7009): 200 whatever the token',
    description:
      'Holding a token is enough to revoke it, as for a leaked token. A client that authenticates (client_secret_basic or client_secret_post) must do so rightly: a wrong one is refused with invalid_client. Revoking an access token ends its session; an API key pair (key:secret) revokes the key.',
  })
  @ApiConsumes(...FORM_OR_JSON)
  @ApiBody({ schema: requestSchema(tokenRequestSchema) })
  @ApiResponse({ status: 200 })
  async revoke(
    @Body(new ZodValidationPipe(tokenRequestSchema)) body: TokenRequest,
    @Req() request: FastifyRequest,
  ): Promise<Record<string, never>> {
    const client = clientAuthenticationOf(request.headers.authorization, request.body);
    if ('error' in client && client.error === 'ambiguous') {
      throw oauthError('invalid_request', AMBIGUOUS_CLIENT);
    }
    if ('credentials' in client) {
      await this.exchange.authenticateClient(client.credentials, requestContext(request), 'revoke');
    }
    await this.inspector.revoke(body.token, { actor: null, context: requestContext(request) });
    return {};
  }
}
