import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  apiKeyCreatedSchema,
  apiKeyListSchema,
  apiKeySecretSchema,
  createApiKeySchema,
  type ApiKeyCreated,
  type ApiKeyList,
  type ApiKeySecret,
} from '@latchkey/contracts';
import type { z } from 'zod';
import { actingFor } from '../../common/auth/acting.js';
import { minterOf } from '../../common/auth/permission-ceiling.js';
import { RequireScopes, Roles } from '../../common/auth/auth.decorators.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { Principal } from '../../common/auth/principal.js';
import { SelfOrAdminUserId } from '../../common/auth/user-id-param.js';
import { requestSchema, responseSchema } from '../../common/openapi/json-schema.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { UuidParamPipe } from '../../common/validation/uuid-param.pipe.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { UsersService } from '../users/users.service.js';
import { toApiKey } from './api-keys.mapper.js';
import { ApiKeysService } from './api-keys.service.js';

@ApiTags('API keys')
@Controller()
export class ApiKeysController {
  constructor(
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
    @Inject(UsersService) private readonly users: UsersService,
  ) {}

  @Post('users/:id/api-keys')
  @HttpCode(201)
  @Roles('admin')
  @RequireScopes('tokens:write')
  @ApiOperation({
    summary: 'Create an API key + secret for a user (admin); the secret is shown only here',
    description:
      "Scopes cannot go beyond the user's roles nor the calling credential's own permissions (the permission ceiling). Send the pair as `Authorization: token <apiKey>:<apiSecret>`.",
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
    const { entity, apiSecret } = await this.keys.create(
      owner,
      body,
      minterOf(principal),
      actingFor(principal, request),
    );
    return {
      id: entity.id,
      name: entity.name,
      apiKey: entity.apiKey,
      apiSecret,
      scopes: entity.scopes,
      createdAt: entity.createdAt.toISOString(),
    };
  }

  @Get('users/:id/api-keys')
  @RequireScopes('tokens:read')
  @ApiOperation({ summary: "A user's API keys, without secrets (self or admin)" })
  @ApiParam({ name: 'id', description: 'A user id, or `me`' })
  @ApiResponse({ status: 200, schema: responseSchema(apiKeyListSchema) })
  async list(@SelfOrAdminUserId() userId: string): Promise<ApiKeyList> {
    await this.users.get(userId);
    return { items: (await this.keys.list(userId)).map(toApiKey) };
  }

  @Post('api-keys/:id/secret')
  @HttpCode(200)
  @Roles('admin')
  @RequireScopes('tokens:write')
  @ApiOperation({
    summary: 'Rotate the secret of an API key (admin)',
    description:
      'The key stays; the old secret and the tokens exchanged with it stop working at once. The calling credential must hold every scope the key has (403 otherwise).',
  })
  @ApiResponse({ status: 200, schema: responseSchema(apiKeySecretSchema) })
  rotate(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Req() request: FastifyRequest,
  ): Promise<ApiKeySecret> {
    return this.keys.rotateSecret(id, minterOf(principal), actingFor(principal, request));
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  @RequireScopes('tokens:write')
  @ApiOperation({ summary: 'Revoke an API key and its exchanged tokens (its user or an admin)' })
  @ApiResponse({ status: 204 })
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const key = await this.keys.get(id);
    // Someone else's key is as good as unknown to a non-admin.
    if (key.userId !== principal.user.id && !principal.user.roles.includes('admin')) {
      throw Problems.notFound('No API key has this id.');
    }
    await this.keys.revoke(key.id, actingFor(principal, request));
  }
}
