import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiCredentialListQuery } from '../../common/openapi/credential-list-query.js';
import type { FastifyRequest } from 'fastify';
import {
  credentialListQuerySchema,
  createPersonalAccessTokenSchema,
  personalAccessTokenCreatedSchema,
  personalAccessTokenListSchema,
  personalAccessTokenSchema,
  rotatePersonalAccessTokenSchema,
  updateCredentialSchema,
  type CredentialListQuery,
  type PersonalAccessToken,
  type PersonalAccessTokenCreated,
  type PersonalAccessTokenList,
  type UpdateCredentialInput,
  type UsageQuery,
  type UsageSeries,
  usageQuerySchema,
} from '@latchkey/contracts';
import type { z } from 'zod';
import { actingFor } from '../../common/auth/acting.js';
import { RequireScopes, Roles } from '../../common/auth/auth.decorators.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { Principal } from '../../common/auth/principal.js';
import { SelfOrAdminUserId } from '../../common/auth/user-id-param.js';
import { requestSchema, responseSchema } from '../../common/openapi/json-schema.js';
import { UuidParamPipe } from '../../common/validation/uuid-param.pipe.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { toPersonalAccessToken } from '../credentials/credentials.mapper.js';
import { CredentialsService, type Issued } from '../credentials/credentials.service.js';
import { ApiUsage, USAGE_DESCRIPTION } from '../usage/usage-docs.js';
import { UsageService } from '../usage/usage.service.js';
import { StepUpService } from '../step-up/step-up.service.js';
import { UsersService } from '../users/users.service.js';

const USER_ID = { name: 'id', description: 'A user id, or `me`' };
const KIND = 'personal_access_token';
const ENABLE_NEEDS_EVERY_SCOPE =
  'Enabling a disabled token needs a calling credential that holds every scope it has (403 otherwise).';

type RotateInput = z.output<typeof rotatePersonalAccessTokenSchema>;

function created({ entity, secret }: Issued): PersonalAccessTokenCreated {
  const { id, name, scopes, expiresAt, createdAt, rateLimit } = toPersonalAccessToken({
    entity,
    disabled: entity.disabledAt !== null,
    revokedAt: null,
    revokedReason: null,
  });
  return { id, name, scopes, expiresAt, createdAt, rateLimit, token: secret };
}

/**
 * Personal access tokens: yours under /personal-access-tokens, any user's under
 * /users/{id}/personal-access-tokens for admins.
 */
@ApiTags('Personal access tokens')
@Controller()
export class PersonalAccessTokensController {
  constructor(
    @Inject(CredentialsService) private readonly credentials: CredentialsService,
    @Inject(StepUpService) private readonly stepUp: StepUpService,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(UsageService) private readonly usage: UsageService,
  ) {}

  @Post('personal-access-tokens')
  @HttpCode(201)
  @RequireScopes('tokens:write')
  @ApiOperation({
    summary: 'Create a personal access token for yourself; the token is shown only in this answer',
    description:
      'Scopes cannot go beyond those of the calling credential. PAT_MAX_LIFETIME_DAYS caps expiresAt (400 beyond it). rateLimit caps its requests per window (429 beyond it).',
  })
  @ApiBody({ schema: requestSchema(createPersonalAccessTokenSchema) })
  @ApiResponse({ status: 201, schema: responseSchema(personalAccessTokenCreatedSchema) })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(createPersonalAccessTokenSchema))
    body: z.output<typeof createPersonalAccessTokenSchema>,
    @Req() request: FastifyRequest,
  ): Promise<PersonalAccessTokenCreated> {
    const issued = await this.credentials.issue(
      KIND,
      principal.user,
      { ...body, expiresAt: body.expiresAt === null ? null : new Date(body.expiresAt) },
      await this.stepUp.minterOf(principal),
      actingFor(principal, request),
    );
    return created(issued);
  }

  @Get('personal-access-tokens')
  @RequireScopes('tokens:read')
  @ApiOperation({ summary: 'Your personal access tokens, newest first (never the tokens)' })
  @ApiCredentialListQuery()
  @ApiResponse({ status: 200, schema: responseSchema(personalAccessTokenListSchema) })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(credentialListQuerySchema)) query: CredentialListQuery,
  ): Promise<PersonalAccessTokenList> {
    return this.listOf(principal.user.id, query);
  }

  @Get('personal-access-tokens/:id')
  @RequireScopes('tokens:read')
  @ApiOperation({ summary: 'One of your personal access tokens, in any state' })
  @ApiResponse({ status: 200, schema: responseSchema(personalAccessTokenSchema) })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<PersonalAccessToken> {
    return toPersonalAccessToken(await this.credentials.get(principal.user.id, KIND, id));
  }

  @Get('personal-access-tokens/:id/usage')
  @RequireScopes('tokens:read')
  @ApiOperation({
    summary: 'How often one of your tokens was used',
    description: USAGE_DESCRIPTION,
  })
  @ApiUsage()
  async usageOf(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Query(new ZodValidationPipe(usageQuerySchema)) query: UsageQuery,
  ): Promise<UsageSeries> {
    await this.credentials.get(principal.user.id, KIND, id);
    return this.usage.credentialSeries([id], query);
  }

  @Patch('personal-access-tokens/:id')
  @RequireScopes('tokens:write')
  @ApiOperation({
    summary: 'Rename, disable or enable, or rate-limit one of your tokens',
    description: ENABLE_NEEDS_EVERY_SCOPE,
  })
  @ApiBody({ schema: requestSchema(updateCredentialSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(personalAccessTokenSchema) })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Body(new ZodValidationPipe(updateCredentialSchema)) body: UpdateCredentialInput,
    @Req() request: FastifyRequest,
  ): Promise<PersonalAccessToken> {
    return this.updateOf(principal, principal.user.id, id, body, request);
  }

  @Post('personal-access-tokens/:id/rotate')
  @HttpCode(201)
  @RequireScopes('tokens:write')
  @ApiOperation({
    summary: 'Rotate one of your tokens: a new one with the same name and scopes, shown once',
    description:
      'The old token stops at once, or after overlapSeconds (at most 7 days). Without expiresAt the new token lives as long as the old one did.',
  })
  @ApiBody({ schema: requestSchema(rotatePersonalAccessTokenSchema) })
  @ApiResponse({ status: 201, schema: responseSchema(personalAccessTokenCreatedSchema) })
  rotate(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Body(new ZodValidationPipe(rotatePersonalAccessTokenSchema)) body: RotateInput,
    @Req() request: FastifyRequest,
  ): Promise<PersonalAccessTokenCreated> {
    return this.rotateOf(principal, principal.user.id, id, body, request);
  }

  @Delete('personal-access-tokens/:id')
  @HttpCode(204)
  @RequireScopes('tokens:write')
  @ApiOperation({ summary: 'Revoke one of your personal access tokens; it stops working at once' })
  @ApiResponse({ status: 204 })
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.credentials.revokeOfUser(principal.user.id, KIND, id, actingFor(principal, request));
  }

  @Get('users/:id/personal-access-tokens')
  @Roles('admin')
  @RequireScopes('admin:credentials')
  @ApiOperation({ summary: "A user's personal access tokens (admin)" })
  @ApiParam(USER_ID)
  @ApiCredentialListQuery()
  @ApiResponse({ status: 200, schema: responseSchema(personalAccessTokenListSchema) })
  async listOfUser(
    @SelfOrAdminUserId() userId: string,
    @Query(new ZodValidationPipe(credentialListQuerySchema)) query: CredentialListQuery,
  ): Promise<PersonalAccessTokenList> {
    await this.users.get(userId);
    return this.listOf(userId, query);
  }

  @Get('users/:id/personal-access-tokens/:tid')
  @Roles('admin')
  @RequireScopes('admin:credentials')
  @ApiOperation({ summary: "One of a user's personal access tokens (admin)" })
  @ApiParam(USER_ID)
  @ApiResponse({ status: 200, schema: responseSchema(personalAccessTokenSchema) })
  async getOfUser(
    @SelfOrAdminUserId() userId: string,
    @Param('tid', UuidParamPipe) id: string,
  ): Promise<PersonalAccessToken> {
    return toPersonalAccessToken(await this.credentials.get(userId, KIND, id));
  }

  @Get('users/:id/personal-access-tokens/:tid/usage')
  @Roles('admin')
  @RequireScopes('admin:credentials')
  @ApiOperation({
    summary: "How often a user's personal access token was used (admin)",
    description: USAGE_DESCRIPTION,
  })
  @ApiParam(USER_ID)
  @ApiUsage()
  async usageOfUser(
    @SelfOrAdminUserId() userId: string,
    @Param('tid', UuidParamPipe) id: string,
    @Query(new ZodValidationPipe(usageQuerySchema)) query: UsageQuery,
  ): Promise<UsageSeries> {
    await this.credentials.get(userId, KIND, id);
    return this.usage.credentialSeries([id], query);
  }

  @Patch('users/:id/personal-access-tokens/:tid')
  @Roles('admin')
  @RequireScopes('admin:credentials')
  @ApiOperation({
    summary: "Rename, disable or enable, or rate-limit a user's token (admin)",
    description: ENABLE_NEEDS_EVERY_SCOPE,
  })
  @ApiParam(USER_ID)
  @ApiBody({ schema: requestSchema(updateCredentialSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(personalAccessTokenSchema) })
  updateOfUser(
    @CurrentPrincipal() principal: Principal,
    @SelfOrAdminUserId() userId: string,
    @Param('tid', UuidParamPipe) id: string,
    @Body(new ZodValidationPipe(updateCredentialSchema)) body: UpdateCredentialInput,
    @Req() request: FastifyRequest,
  ): Promise<PersonalAccessToken> {
    return this.updateOf(principal, userId, id, body, request);
  }

  @Post('users/:id/personal-access-tokens/:tid/rotate')
  @HttpCode(201)
  @Roles('admin')
  @RequireScopes('admin:credentials')
  @ApiOperation({
    summary: "Rotate a user's personal access token (admin); the new token is shown once",
  })
  @ApiParam(USER_ID)
  @ApiBody({ schema: requestSchema(rotatePersonalAccessTokenSchema) })
  @ApiResponse({ status: 201, schema: responseSchema(personalAccessTokenCreatedSchema) })
  rotateOfUser(
    @CurrentPrincipal() principal: Principal,
    @SelfOrAdminUserId() userId: string,
    @Param('tid', UuidParamPipe) id: string,
    @Body(new ZodValidationPipe(rotatePersonalAccessTokenSchema)) body: RotateInput,
    @Req() request: FastifyRequest,
  ): Promise<PersonalAccessTokenCreated> {
    return this.rotateOf(principal, userId, id, body, request);
  }

  @Delete('users/:id/personal-access-tokens/:tid')
  @HttpCode(204)
  @Roles('admin')
  @RequireScopes('admin:credentials')
  @ApiOperation({ summary: "Revoke a user's personal access token (admin)" })
  @ApiParam(USER_ID)
  @ApiResponse({ status: 204 })
  async revokeOfUser(
    @CurrentPrincipal() principal: Principal,
    @SelfOrAdminUserId() userId: string,
    @Param('tid', UuidParamPipe) id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.credentials.revokeOfUser(userId, KIND, id, actingFor(principal, request));
  }

  private async listOf(
    userId: string,
    query: CredentialListQuery,
  ): Promise<PersonalAccessTokenList> {
    const { items, total } = await this.credentials.list(userId, KIND, query);
    return {
      items: items.map(toPersonalAccessToken),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  private async updateOf(
    principal: Principal,
    userId: string,
    id: string,
    body: UpdateCredentialInput,
    request: FastifyRequest,
  ): Promise<PersonalAccessToken> {
    const view = await this.credentials.update(
      userId,
      KIND,
      id,
      body,
      await this.stepUp.minterOf(principal),
      actingFor(principal, request),
    );
    return toPersonalAccessToken(view);
  }

  private async rotateOf(
    principal: Principal,
    userId: string,
    id: string,
    body: RotateInput,
    request: FastifyRequest,
  ): Promise<PersonalAccessTokenCreated> {
    const issued = await this.credentials.rotate(
      userId,
      id,
      body,
      await this.stepUp.minterOf(principal),
      actingFor(principal, request),
    );
    return created(issued);
  }
}
