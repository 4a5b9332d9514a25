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
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  changePasswordSchema,
  createUserSchema,
  listUsersQuerySchema,
  meSchema,
  updateMeSchema,
  updateUserSchema,
  userPageSchema,
  userSchema,
  type ChangePasswordInput,
  type ListUsersQuery,
  type Me,
  type UpdateMeInput,
  type UpdateUserInput,
  type User,
  type UserPage,
} from '@latchkey/contracts';
import type { z } from 'zod';
import { InteractiveOnly, RequireScopes, Roles } from '../../common/auth/auth.decorators.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { Principal } from '../../common/auth/principal.js';
import { requestSchema, responseSchema } from '../../common/openapi/json-schema.js';
import { UuidParamPipe } from '../../common/validation/uuid-param.pipe.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { toMe, toUser } from './users.mapper.js';
import { UsersService } from './users.service.js';

@ApiTags('Users')
@Controller('users')
export class UsersController {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  @Get('me')
  @RequireScopes('profile:read')
  @ApiOperation({ summary: 'The calling user, with the method it authenticated with' })
  @ApiResponse({ status: 200, schema: responseSchema(meSchema) })
  async me(@CurrentPrincipal() principal: Principal): Promise<Me> {
    return toMe(await this.users.get(principal.user.id), principal.method);
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
  @ApiOperation({ summary: 'Change your password' })
  @ApiBody({ schema: requestSchema(changePasswordSchema) })
  @ApiResponse({ status: 204 })
  async changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(changePasswordSchema)) body: ChangePasswordInput,
  ): Promise<void> {
    await this.users.changePassword(principal.user.id, body);
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
  @ApiOperation({ summary: 'Create a user (admin)' })
  @ApiBody({ schema: requestSchema(createUserSchema) })
  @ApiResponse({ status: 201, schema: responseSchema(userSchema) })
  async create(
    @Body(new ZodValidationPipe(createUserSchema)) body: z.output<typeof createUserSchema>,
  ): Promise<User> {
    return toUser(await this.users.create(body));
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
  ): Promise<User> {
    return toUser(await this.users.update(id, body, principal.user.id));
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
  ): Promise<void> {
    await this.users.remove(id, principal.user.id);
  }
}
