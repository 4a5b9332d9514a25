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
import type { FastifyRequest } from 'fastify';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  changePasswordSchema,
  createUserSchema,
  listUsersQuerySchema,
  meSchema,
  resetPasswordSchema,
  userCreatedSchema,
  updateMeSchema,
  updateUserSchema,
  userPageSchema,
  userSchema,
  type ChangePasswordInput,
  type ListUsersQuery,
  type Me,
  type ResetPasswordInput,
  type UpdateMeInput,
  type UpdateUserInput,
  type User,
  type UserCreated,
  type UserPage,
} from '@latchkey/contracts';
import type { z } from 'zod';
import {
  AllowedWhilePasswordChangeRequired,
  InteractiveOnly,
  RequireRecentAuth,
  RequireScopes,
  Roles,
} from '../../common/auth/auth.decorators.js';
import { actingFor } from '../../common/auth/acting.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { Principal } from '../../common/auth/principal.js';
import { requestContext } from '../../common/auth/request-context.js';
import { secondFactorKeys } from '../../common/limits/failure-keys.js';
import { FailureLimiter } from '../../common/limits/failure-limiter.js';
import { requestSchema, responseSchema } from '../../common/openapi/json-schema.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { UuidParamPipe } from '../../common/validation/uuid-param.pipe.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { AuditService } from '../audit/audit.service.js';
import { toMe, toUser } from './users.mapper.js';
import { generatePassword, UsersService } from './users.service.js';

@ApiTags('Users')
@Controller('users')
export class UsersController {
  constructor(
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(FailureLimiter) private readonly limiter: FailureLimiter,
  ) {}

  @Get('me')
  @RequireScopes('profile:read')
  @AllowedWhilePasswordChangeRequired()
  @ApiOperation({ summary: 'The calling user, with the method it authenticated with' })
  @ApiResponse({ status: 200, schema: responseSchema(meSchema) })
  async me(@CurrentPrincipal() principal: Principal): Promise<Me> {
    // From the active-user cache the credential check filled: no read of the users table.
    const active = await this.users.findActive(principal.user.id);
    if (!active) throw Problems.invalidCredentials();
    return { ...active.profile, authMethod: principal.method };
  }

  @Patch('me')
  @InteractiveOnly()
  @ApiOperation({ summary: 'Change your display name or email' })
  @ApiBody({ schema: requestSchema(updateMeSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(meSchema) })
  async updateMe(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(updateMeSchema)) body: UpdateMeInput,
  ): Promise<Me> {
    return toMe(await this.users.updateMe(principal.user.id, body), principal.method);
  }

  @Post('me/password')
  @HttpCode(204)
  @InteractiveOnly()
  @AllowedWhilePasswordChangeRequired()
  @RequireRecentAuth({ passwordField: 'currentPassword' })
  @ApiOperation({
    summary: 'Change your password; every other session of yours is revoked',
    description:
      'currentPassword is the proof of recent authentication. With revokeCredentials (default true) every PAT, account token, API key (with its exchanged tokens) and opaque token of yours stops too.',
  })
  @ApiBody({ schema: requestSchema(changePasswordSchema) })
  @ApiResponse({ status: 204 })
  async changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(changePasswordSchema)) body: ChangePasswordInput,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const context = requestContext(request);
    // The current password is guessable: counted as the second-factor checks are (per user and
    // per IP, before it is checked), so a stolen session cannot try passwords here.
    const changed = await this.limiter.attempt(
      {
        keys: secondFactorKeys(principal.user.id, context.ip),
        context,
        kind: 'current_password',
        subject: principal.user,
      },
      () =>
        this.users.changePassword(
          principal.user.id,
          body,
          actingFor(principal, request),
          principal.sessionId,
        ),
    );
    if (!changed) {
      throw Problems.validation(
        [{ field: 'currentPassword', message: 'Current password is not correct' }],
        'The current password is not correct.',
      );
    }
    await this.audit.record('password.changed', {
      actor: principal.user,
      subject: principal.user,
      context,
      details: { revokeCredentials: body.revokeCredentials ?? true },
    });
  }

  @Get()
  @Roles('admin')
  @RequireScopes('users:read')
  @ApiOperation({ summary: 'Search users (admin)' })
  @ApiResponse({ status: 200, schema: responseSchema(userPageSchema) })
  async list(
    @Query(new ZodValidationPipe(listUsersQuerySchema)) query: ListUsersQuery,
  ): Promise<UserPage> {
    const [users, total] = await this.users.list(query);
    return { items: users.map(toUser), page: query.page, pageSize: query.pageSize, total };
  }

  @Post()
  @Roles('admin')
  @RequireScopes('users:write')
  @ApiOperation({
    summary: 'Create a user (admin)',
    description:
      'With generatePassword: true the server makes the password and returns it once, in this answer (Cache-Control: no-store). mustChange makes the user replace it at the first sign-in.',
  })
  @ApiBody({ schema: requestSchema(createUserSchema) })
  @ApiResponse({ status: 201, schema: responseSchema(userCreatedSchema) })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(createUserSchema)) body: z.output<typeof createUserSchema>,
    @Req() request: FastifyRequest,
  ): Promise<UserCreated> {
    const { generatePassword: generate, password: given, ...rest } = body;
    const password = given ?? generatePassword();
    const user = await this.users.create({ ...rest, password });
    await this.audit.record('user.created', {
      actor: principal.user,
      subject: user,
      context: requestContext(request),
      details: { roles: user.roles, mustChange: body.mustChange, passwordGenerated: generate },
    });
    return { ...toUser(user), ...(generate ? { password } : {}) };
  }

  @Get(':id')
  @Roles('admin')
  @RequireScopes('users:read')
  @ApiOperation({ summary: 'Read a user (admin)' })
  @ApiResponse({ status: 200, schema: responseSchema(userSchema) })
  async get(@Param('id', UuidParamPipe) id: string): Promise<User> {
    return toUser(await this.users.get(id));
  }

  @Patch(':id')
  @Roles('admin')
  @RequireScopes('users:write')
  @ApiOperation({ summary: 'Change a user: email, display name, roles, disabled (admin)' })
  @ApiBody({ schema: requestSchema(updateUserSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(userSchema) })
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Body(new ZodValidationPipe(updateUserSchema)) body: UpdateUserInput,
    @Req() request: FastifyRequest,
  ): Promise<User> {
    const user = await this.users.update(id, body, principal.user.id);
    const type =
      body.disabled === true
        ? 'user.disabled'
        : body.disabled === false
          ? 'user.enabled'
          : 'user.updated';
    await this.audit.record(type, {
      actor: principal.user,
      subject: user,
      context: requestContext(request),
      details: { fields: Object.keys(body) },
    });
    return toUser(user);
  }

  @Post(':id/password')
  @HttpCode(204)
  @Roles('admin')
  @RequireScopes('users:write')
  @ApiOperation({
    summary:
      "Set a user's password (admin): every session of theirs ends; mustChange makes them replace it at next sign-in",
    description:
      'With revokeCredentials (default true) every PAT, account token, API key (with its exchanged tokens) and opaque token of the user stops too.',
  })
  @ApiBody({ schema: requestSchema(resetPasswordSchema) })
  @ApiResponse({ status: 204 })
  async resetPassword(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Body(new ZodValidationPipe(resetPasswordSchema)) body: ResetPasswordInput,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const user = await this.users.resetPassword(id, body, actingFor(principal, request));
    await this.audit.record('password.changed', {
      actor: principal.user,
      subject: user,
      context: requestContext(request),
      details: {
        reset: true,
        mustChange: body.mustChange ?? false,
        revokeCredentials: body.revokeCredentials ?? true,
      },
    });
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  @RequireScopes('users:write')
  @ApiOperation({ summary: 'Delete a user (admin)' })
  @ApiResponse({ status: 204 })
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const user = await this.users.remove(id, principal.user.id);
    await this.audit.record('user.deleted', {
      actor: principal.user,
      context: requestContext(request),
      details: { userId: user.id, login: user.login },
    });
  }
}
