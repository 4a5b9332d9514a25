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
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  createServiceAccountSchema,
  listUsersQuerySchema,
  updateServiceAccountSchema,
  userPageSchema,
  userSchema,
  type ListUsersQuery,
  type UpdateServiceAccountInput,
  type User,
  type UserPage,
} from '@latchkey/contracts';
import type { z } from 'zod';
import { RequireScopes, Roles } from '../../common/auth/auth.decorators.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { Principal } from '../../common/auth/principal.js';
import { requestContext } from '../../common/auth/request-context.js';
import { requestSchema, responseSchema } from '../../common/openapi/json-schema.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { UuidParamPipe } from '../../common/validation/uuid-param.pipe.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { AuditService } from '../audit/audit.service.js';
import type { UserEntity } from './user.entity.js';
import { toUser } from './users.mapper.js';
import { UsersService } from './users.service.js';

/**
 * Service accounts (admin): users of kind `service`. Their credentials live under
 * /users/{id}/… as every user's do; disabling or deleting one goes through the user's lifecycle.
 */
@ApiTags('Service accounts')
@Controller('service-accounts')
export class ServiceAccountsController {
  constructor(
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  @Get()
  @Roles('admin')
  @RequireScopes('users:read')
  @ApiOperation({ summary: 'List service accounts (admin)' })
  @ApiResponse({ status: 200, schema: responseSchema(userPageSchema) })
  async list(
    @Query(new ZodValidationPipe(listUsersQuerySchema.omit({ kind: true })))
    query: Omit<ListUsersQuery, 'kind'>,
  ): Promise<UserPage> {
    const [items, total] = await this.users.list({ ...query, kind: 'service' });
    return { items: items.map(toUser), page: query.page, pageSize: query.pageSize, total };
  }

  @Post()
  @Roles('admin')
  @RequireScopes('users:write')
  @ApiOperation({
    summary: 'Create a service account (admin): no password, no browser sign-in, no MFA',
    description:
      'Roles default to `verifier` (profile:read, tokens:introspect, events:read): what a service that verifies Latchkey credentials needs. Give it an API key or a PAT under /users/{id}/….',
  })
  @ApiBody({ schema: requestSchema(createServiceAccountSchema) })
  @ApiResponse({ status: 201, schema: responseSchema(userSchema) })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(createServiceAccountSchema))
    body: z.output<typeof createServiceAccountSchema>,
    @Req() request: FastifyRequest,
  ): Promise<User> {
    const account = await this.users.createServiceAccount(body);
    await this.audit.record('user.created', {
      actor: principal.user,
      subject: account,
      context: requestContext(request),
      details: { kind: 'service', roles: account.roles },
    });
    return toUser(account);
  }

  @Get(':id')
  @Roles('admin')
  @RequireScopes('users:read')
  @ApiOperation({ summary: 'Read a service account (admin)' })
  @ApiResponse({ status: 200, schema: responseSchema(userSchema) })
  async get(@Param('id', UuidParamPipe) id: string): Promise<User> {
    return toUser(await this.account(id));
  }

  @Patch(':id')
  @Roles('admin')
  @RequireScopes('users:write')
  @ApiOperation({ summary: 'Change a service account: display name, roles, disabled (admin)' })
  @ApiBody({ schema: requestSchema(updateServiceAccountSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(userSchema) })
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Body(new ZodValidationPipe(updateServiceAccountSchema)) body: UpdateServiceAccountInput,
    @Req() request: FastifyRequest,
  ): Promise<User> {
    await this.account(id);
    const account = await this.users.update(id, body, principal.user.id);
    const type =
      body.disabled === true
        ? 'user.disabled'
        : body.disabled === false
          ? 'user.enabled'
          : 'user.updated';
    await this.audit.record(type, {
      actor: principal.user,
      subject: account,
      context: requestContext(request),
      details: { kind: 'service', fields: Object.keys(body) },
    });
    return toUser(account);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  @RequireScopes('users:write')
  @ApiOperation({ summary: 'Delete a service account and its credentials (admin)' })
  @ApiResponse({ status: 204 })
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.account(id);
    const account = await this.users.remove(id, principal.user.id);
    await this.audit.record('user.deleted', {
      actor: principal.user,
      context: requestContext(request),
      details: { userId: account.id, login: account.login, kind: 'service' },
    });
  }

  /** The service account with this id; a person's id is no service account (404). */
  private async account(id: string): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user || user.kind !== 'service')
      throw Problems.notFound('No service account has this id.');
    return user;
  }
}
