import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  createPersonalAccessTokenSchema,
  personalAccessTokenCreatedSchema,
  personalAccessTokenListSchema,
  personalAccessTokenSchema,
  type PersonalAccessToken,
  type PersonalAccessTokenCreated,
  type PersonalAccessTokenList,
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
import { UsersService } from '../users/users.service.js';
import {
  toPersonalAccessToken,
  toPersonalAccessTokenCreated,
} from './personal-access-tokens.mapper.js';
import { PersonalAccessTokensService } from './personal-access-tokens.service.js';

const USER_ID = { name: 'id', description: 'A user id, or `me`' };

@ApiTags('Personal access tokens')
@Controller()
export class PersonalAccessTokensController {
  constructor(
    @Inject(PersonalAccessTokensService) private readonly tokens: PersonalAccessTokensService,
    @Inject(UsersService) private readonly users: UsersService,
  ) {}

  @Post('personal-access-tokens')
  @HttpCode(201)
  @RequireScopes('tokens:write')
  @ApiOperation({
    summary: 'Create a personal access token for yourself; the token is shown only in this answer',
    description:
      'Scopes cannot go beyond those of the calling credential. PAT_MAX_LIFETIME_DAYS caps expiresAt (400 beyond it).',
  })
  @ApiBody({ schema: requestSchema(createPersonalAccessTokenSchema) })
  @ApiResponse({ status: 201, schema: responseSchema(personalAccessTokenCreatedSchema) })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(createPersonalAccessTokenSchema))
    body: z.output<typeof createPersonalAccessTokenSchema>,
    @Req() request: FastifyRequest,
  ): Promise<PersonalAccessTokenCreated> {
    const { entity, token } = await this.tokens.create(
      principal,
      body,
      actingFor(principal, request),
    );
    return toPersonalAccessTokenCreated(entity, token);
  }

  @Get('personal-access-tokens')
  @RequireScopes('tokens:read')
  @ApiOperation({ summary: 'Your personal access tokens, newest first (never the tokens)' })
  @ApiResponse({ status: 200, schema: responseSchema(personalAccessTokenListSchema) })
  async list(@CurrentPrincipal() principal: Principal): Promise<PersonalAccessTokenList> {
    return { items: (await this.tokens.list(principal.user.id)).map(toPersonalAccessToken) };
  }

  @Get('personal-access-tokens/:id')
  @RequireScopes('tokens:read')
  @ApiOperation({ summary: 'One of your personal access tokens' })
  @ApiResponse({ status: 200, schema: responseSchema(personalAccessTokenSchema) })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<PersonalAccessToken> {
    return toPersonalAccessToken(await this.tokens.get(principal.user.id, id));
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
    await this.tokens.revokeOwn(principal.user.id, id, actingFor(principal, request));
  }

  @Get('users/:id/personal-access-tokens')
  @Roles('admin')
  @RequireScopes('tokens:read')
  @ApiOperation({ summary: "A user's personal access tokens (admin)" })
  @ApiParam(USER_ID)
  @ApiResponse({ status: 200, schema: responseSchema(personalAccessTokenListSchema) })
  async listOfUser(@SelfOrAdminUserId() userId: string): Promise<PersonalAccessTokenList> {
    await this.users.get(userId);
    return { items: (await this.tokens.list(userId)).map(toPersonalAccessToken) };
  }

  @Get('users/:id/personal-access-tokens/:tid')
  @Roles('admin')
  @RequireScopes('tokens:read')
  @ApiOperation({ summary: "One of a user's personal access tokens (admin)" })
  @ApiParam(USER_ID)
  @ApiResponse({ status: 200, schema: responseSchema(personalAccessTokenSchema) })
  async getOfUser(
    @SelfOrAdminUserId() userId: string,
    @Param('tid', UuidParamPipe) id: string,
  ): Promise<PersonalAccessToken> {
    return toPersonalAccessToken(await this.tokens.get(userId, id));
  }

  @Delete('users/:id/personal-access-tokens/:tid')
  @HttpCode(204)
  @Roles('admin')
  @RequireScopes('tokens:write')
  @ApiOperation({ summary: "Revoke a user's personal access token (admin)" })
  @ApiParam(USER_ID)
  @ApiResponse({ status: 204 })
  async revokeOfUser(
    @CurrentPrincipal() principal: Principal,
    @SelfOrAdminUserId() userId: string,
    @Param('tid', UuidParamPipe) id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.tokens.revokeOwn(userId, id, actingFor(principal, request));
  }
}
