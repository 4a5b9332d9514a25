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
  apiKeyCreatedSchema,
  apiKeyListSchema,
  apiKeySchema,
  apiKeySecretSchema,
  createApiKeySchema,
  credentialListQuerySchema,
  rotateApiKeySecretSchema,
  updateCredentialSchema,
  type ApiKey,
  type ApiKeyCreated,
  type ApiKeyList,
  type ApiKeySecret,
  type CredentialListQuery,
  type UpdateCredentialInput,
  type UsageQuery,
  type UsageSeries,
  usageQuerySchema,
} from '@latchkey/contracts';
import type { z } from 'zod';
import { actingFor } from '../../common/auth/acting.js';
import { OnOthersRequireScopes, RequireScopes, Roles } from '../../common/auth/auth.decorators.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { Principal } from '../../common/auth/principal.js';
import { assertMayActOnCredentialsOf, SelfOrAdminUserId } from '../../common/auth/user-id-param.js';
import { requestSchema, responseSchema } from '../../common/openapi/json-schema.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { UuidParamPipe } from '../../common/validation/uuid-param.pipe.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { rateLimitOf, toApiKey } from '../credentials/credentials.mapper.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { StepUpService } from '../step-up/step-up.service.js';
import { ApiUsage, USAGE_DESCRIPTION } from '../usage/usage-docs.js';
import { UsageService } from '../usage/usage.service.js';
import { UsersService } from '../users/users.service.js';

const KIND = 'api_key';

@ApiTags('API keys')
@Controller()
export class ApiKeysController {
  constructor(
    @Inject(CredentialsService) private readonly credentials: CredentialsService,
    @Inject(StepUpService) private readonly stepUp: StepUpService,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(UsageService) private readonly usage: UsageService,
  ) {}

  @Post('users/:id/api-keys')
  @HttpCode(201)
  @Roles('admin')
  @RequireScopes('admin:credentials')
  @ApiOperation({
    summary: 'Create an API key + secret for a user (admin); the secret is shown only here',
    description:
      "Scopes cannot go beyond the user's roles nor the calling credential's own permissions (the permission ceiling). Send the pair as `Authorization: token <apiKey>:<apiSecret>`. rateLimit caps its requests per window (429 beyond it).",
  })
  @ApiParam({ name: 'id', description: 'A user id, or `me`' })
  @ApiBody({ schema: requestSchema(createApiKeySchema) })
  @ApiResponse({ status: 201, schema: responseSchema(apiKeyCreatedSchema) })
  async create(
    @CurrentPrincipal() principal: Principal,
    @SelfOrAdminUserId() userId: string,
    @Body(new ZodValidationPipe(createApiKeySchema)) body: z.output<typeof createApiKeySchema>,
    @Req() request: FastifyRequest,
  ): Promise<ApiKeyCreated> {
    const owner = await this.users.get(userId);
    const { entity, secret } = await this.credentials.issue(
      KIND,
      owner,
      { ...body, expiresAt: null },
      await this.stepUp.minterOf(principal),
      actingFor(principal, request),
    );
    return {
      id: entity.id,
      name: entity.name,
      apiKey: entity.lookup,
      apiSecret: secret,
      scopes: entity.scopes ?? [],
      createdAt: entity.createdAt.toISOString(),
      rateLimit: rateLimitOf(entity),
    };
  }

  @Get('users/:id/api-keys')
  @RequireScopes('tokens:read')
  @OnOthersRequireScopes('admin:credentials')
  @ApiOperation({
    summary: "A user's API keys, without secrets (self or admin)",
  })
  @ApiParam({ name: 'id', description: 'A user id, or `me`' })
  @ApiCredentialListQuery()
  @ApiResponse({ status: 200, schema: responseSchema(apiKeyListSchema) })
  async list(
    @SelfOrAdminUserId() userId: string,
    @Query(new ZodValidationPipe(credentialListQuerySchema)) query: CredentialListQuery,
  ): Promise<ApiKeyList> {
    await this.users.get(userId);
    const { items, total } = await this.credentials.list(userId, KIND, query);
    return { items: items.map(toApiKey), total, page: query.page, pageSize: query.pageSize };
  }

  @Get('api-keys/:id/usage')
  @RequireScopes('tokens:read')
  @OnOthersRequireScopes('admin:credentials')
  @ApiOperation({
    summary: 'How often an API key was used, its exchanged tokens included (its user or an admin)',
    description: USAGE_DESCRIPTION,
  })
  @ApiUsage()
  async usageOf(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Query(new ZodValidationPipe(usageQuerySchema)) query: UsageQuery,
    @Req() request: FastifyRequest,
  ): Promise<UsageSeries> {
    const key = await this.credentials.find(KIND, id);
    // Someone else's key is as good as unknown to a non-admin.
    if (key.userId !== principal.user.id && !principal.user.roles.includes('admin')) {
      throw Problems.notFound('No API key has this id.');
    }
    assertMayActOnCredentialsOf(request, key.userId);
    return this.usage.credentialSeries([id], query);
  }

  @Patch('api-keys/:id')
  @Roles('admin')
  @RequireScopes('admin:credentials')
  @ApiOperation({
    summary: 'Rename, disable or enable, or rate-limit an API key (admin)',
    description:
      'Enabling a disabled key needs a calling credential that holds every scope the key has (403 otherwise).',
  })
  @ApiBody({ schema: requestSchema(updateCredentialSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(apiKeySchema) })
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Body(new ZodValidationPipe(updateCredentialSchema)) body: UpdateCredentialInput,
    @Req() request: FastifyRequest,
  ): Promise<ApiKey> {
    const key = await this.credentials.findLive(KIND, id);
    const view = await this.credentials.update(
      key.userId,
      KIND,
      id,
      body,
      await this.stepUp.minterOf(principal),
      actingFor(principal, request),
    );
    return toApiKey(view);
  }

  @Post('api-keys/:id/secret')
  @HttpCode(200)
  @Roles('admin')
  @RequireScopes('admin:credentials')
  @ApiOperation({
    summary: 'Rotate the secret of an API key (admin)',
    description:
      'The key stays; the old secret and the tokens exchanged with it stop at once, or after overlapSeconds (at most 7 days). The calling credential must hold every scope the key has (403 otherwise).',
  })
  @ApiBody({ schema: requestSchema(rotateApiKeySecretSchema), required: false })
  @ApiResponse({ status: 200, schema: responseSchema(apiKeySecretSchema) })
  async rotate(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Body(new ZodValidationPipe(rotateApiKeySecretSchema))
    body: z.output<typeof rotateApiKeySecretSchema>,
    @Req() request: FastifyRequest,
  ): Promise<ApiKeySecret> {
    return this.credentials.rotateSecret(
      id,
      body.overlapSeconds,
      await this.stepUp.minterOf(principal),
      actingFor(principal, request),
    );
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  @RequireScopes('tokens:write')
  @OnOthersRequireScopes('admin:credentials')
  @ApiOperation({
    summary: 'Revoke an API key and its exchanged tokens (its user, or an admin)',
  })
  @ApiResponse({ status: 204 })
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const key = await this.credentials.findLive(KIND, id);
    // Someone else's key is as good as unknown to a non-admin.
    if (key.userId !== principal.user.id && !principal.user.roles.includes('admin')) {
      throw Problems.notFound('No API key has this id.');
    }
    assertMayActOnCredentialsOf(request, key.userId);
    await this.credentials.revokeOfUser(key.userId, KIND, id, actingFor(principal, request));
  }
}
