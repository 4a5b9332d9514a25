import { Controller, Delete, Get, HttpCode, Inject, Put, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  apiTokenCreatedSchema,
  apiTokenStateSchema,
  type ApiTokenCreated,
  type ApiTokenState,
  type UsageQuery,
  type UsageSeries,
  usageQuerySchema,
} from '@latchkey/contracts';
import { actingFor } from '../../common/auth/acting.js';
import { OnOthersRequireScopes, RequireScopes } from '../../common/auth/auth.decorators.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { Principal } from '../../common/auth/principal.js';
import { SelfOrAdminUserId } from '../../common/auth/user-id-param.js';
import { responseSchema } from '../../common/openapi/json-schema.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { toApiTokenState } from '../credentials/credentials.mapper.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { ApiUsage, USAGE_DESCRIPTION } from '../usage/usage-docs.js';
import { UsageService } from '../usage/usage.service.js';
import { StepUpService } from '../step-up/step-up.service.js';
import { UsersService } from '../users/users.service.js';

const KIND = 'account_token';

/** The account API token (Survey Solutions style): one per user, until disabled or regenerated. */
@ApiTags('Account API token')
@Controller('users/:id/api-token')
@ApiParam({ name: 'id', description: 'A user id, or `me`' })
export class AccountTokenController {
  constructor(
    @Inject(CredentialsService) private readonly credentials: CredentialsService,
    @Inject(StepUpService) private readonly stepUp: StepUpService,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(UsageService) private readonly usage: UsageService,
  ) {}

  @Get()
  @RequireScopes('tokens:read')
  @OnOthersRequireScopes('admin:credentials')
  @ApiOperation({
    summary: "Whether the user's account API token is enabled (self or admin)",
  })
  @ApiResponse({ status: 200, schema: responseSchema(apiTokenStateSchema) })
  async state(@SelfOrAdminUserId() userId: string): Promise<ApiTokenState> {
    await this.users.get(userId);
    return toApiTokenState(await this.credentials.current(userId, KIND));
  }

  @Get('usage')
  @RequireScopes('tokens:read')
  @OnOthersRequireScopes('admin:credentials')
  @ApiOperation({
    summary:
      "How often the user's account API token was used, across regenerations (self or admin)",
    description: USAGE_DESCRIPTION,
  })
  @ApiUsage()
  async usageOf(
    @SelfOrAdminUserId() userId: string,
    @Query(new ZodValidationPipe(usageQuerySchema)) query: UsageQuery,
  ): Promise<UsageSeries> {
    await this.users.get(userId);
    return this.usage.credentialSeries(await this.credentials.idsOfUser(userId, KIND), query);
  }

  @Put()
  @RequireScopes('tokens:write')
  @OnOthersRequireScopes('admin:credentials')
  @ApiOperation({
    summary: 'Enable or regenerate the account API token (self or admin)',
    description:
      'The token carries every permission of its user, so this needs a browser session or Basic login:password, never another token (403). The token is shown only in this answer; any earlier one stops working at once.',
  })
  @ApiResponse({ status: 200, schema: responseSchema(apiTokenCreatedSchema) })
  async regenerate(
    @CurrentPrincipal() principal: Principal,
    @SelfOrAdminUserId() userId: string,
    @Req() request: FastifyRequest,
  ): Promise<ApiTokenCreated> {
    const user = await this.users.get(userId);
    const { entity, secret } = await this.credentials.issue(
      KIND,
      { id: user.id, login: user.login, roles: user.roles },
      { name: 'Account API token', scopes: null, expiresAt: null },
      await this.stepUp.minterOf(principal),
      actingFor(principal, request),
    );
    return { token: secret, createdAt: entity.createdAt.toISOString() };
  }

  @Delete()
  @HttpCode(204)
  @RequireScopes('tokens:write')
  @OnOthersRequireScopes('admin:credentials')
  @ApiOperation({
    summary: 'Disable the account API token; it stops working at once (self or admin)',
  })
  @ApiResponse({ status: 204 })
  async disable(
    @CurrentPrincipal() principal: Principal,
    @SelfOrAdminUserId() userId: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.users.get(userId);
    await this.credentials.revokeAllOfKind(userId, KIND, actingFor(principal, request));
  }
}
