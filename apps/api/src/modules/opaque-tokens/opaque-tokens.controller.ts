import { Controller, Delete, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { tokenResponseSchema, type TokenResponse } from '@latchkey/contracts';
import { actingFor } from '../../common/auth/acting.js';
import { InteractiveOnly } from '../../common/auth/auth.decorators.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { Principal } from '../../common/auth/principal.js';
import { responseSchema } from '../../common/openapi/json-schema.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { Clock } from '../../common/clock/clock.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { StepUpService } from '../step-up/step-up.service.js';

const ISSUE_SUMMARY =
  'Trade Basic login:password for an opaque lkt_ token (send it as X-Auth-Token, ?auth_token= or Bearer)';

@ApiTags('Opaque tokens')
@Controller('auth/token')
export class OpaqueTokensController {
  constructor(
    @Inject(CredentialsService) private readonly credentials: CredentialsService,
    @Inject(StepUpService) private readonly stepUp: StepUpService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get()
  @InteractiveOnly()
  @ApiOperation({ summary: ISSUE_SUMMARY })
  @ApiResponse({ status: 200, schema: responseSchema(tokenResponseSchema) })
  issueByGet(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<TokenResponse> {
    return this.issue(principal, request);
  }

  @Post()
  @HttpCode(200)
  @InteractiveOnly()
  @ApiOperation({ summary: ISSUE_SUMMARY })
  @ApiResponse({ status: 200, schema: responseSchema(tokenResponseSchema) })
  issueByPost(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<TokenResponse> {
    return this.issue(principal, request);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke the opaque token this request is authenticated with' })
  @ApiResponse({ status: 204 })
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    if (principal.method !== 'opaque' || !principal.credentialId) {
      throw Problems.invalidRequest(
        'DELETE /auth/token revokes the opaque token the request is authenticated with; send one.',
      );
    }
    await this.credentials.revokeById(
      ['opaque_token'],
      principal.credentialId,
      actingFor(principal, request),
    );
  }

  private async issue(principal: Principal, request: FastifyRequest): Promise<TokenResponse> {
    const { entity, secret } = await this.credentials.issue(
      'opaque_token',
      principal.user,
      { name: '', scopes: null, expiresAt: null },
      await this.stepUp.minterOf(principal),
      actingFor(principal, request),
    );
    return {
      access_token: secret,
      token_type: 'Bearer',
      // The TTL, or less when the session minting it ends sooner (the permission ceiling).
      expires_in: Math.max(
        0,
        Math.round(((entity.expiresAt?.getTime() ?? 0) - this.clock.now()) / 1000),
      ),
    };
  }
}
