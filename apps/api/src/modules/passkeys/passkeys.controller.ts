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
  Req,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  passkeyListSchema,
  passkeyRegistrationOptionsSchema,
  passkeySchema,
  registerPasskeySchema,
  renamePasskeySchema,
  type Passkey,
  type PasskeyList,
  type PasskeyRegistrationOptions,
  type RegisterPasskeyInput,
  type RenamePasskeyInput,
} from '@latchkey/contracts';
import {
  InteractiveOnly,
  RequireRecentAuth,
  RequireScopes,
  Roles,
} from '../../common/auth/auth.decorators.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { Principal } from '../../common/auth/principal.js';
import { requestContext } from '../../common/auth/request-context.js';
import { requestSchema, responseSchema } from '../../common/openapi/json-schema.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { UuidParamPipe } from '../../common/validation/uuid-param.pipe.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { UsersService } from '../users/users.service.js';
import { toPasskey } from './passkeys.mapper.js';
import { PasskeysService } from './passkeys.service.js';

/** The caller's own passkeys, and an admin's view of a user's. */
@ApiTags('Passkeys')
@Controller()
export class PasskeysController {
  constructor(
    @Inject(PasskeysService) private readonly passkeys: PasskeysService,
    @Inject(UsersService) private readonly users: UsersService,
  ) {}

  @Post('auth/passkeys/registration-options')
  @HttpCode(200)
  @InteractiveOnly()
  @RequireRecentAuth()
  @ApiOperation({
    summary:
      'Start adding a passkey: options for navigator.credentials.create() (startRegistration)',
  })
  @ApiResponse({ status: 200, schema: responseSchema(passkeyRegistrationOptionsSchema) })
  async registrationOptions(
    @CurrentPrincipal() principal: Principal,
  ): Promise<PasskeyRegistrationOptions> {
    const user = await this.users.findById(principal.user.id);
    if (!user) throw Problems.notFound('No user has this id.');
    return this.passkeys.registrationOptions(user);
  }

  @Post('auth/passkeys')
  @HttpCode(201)
  @InteractiveOnly()
  @RequireRecentAuth()
  @ApiOperation({
    summary: "Add a passkey: the authenticator's RegistrationResponseJSON and a name",
  })
  @ApiBody({ schema: requestSchema(registerPasskeySchema) })
  @ApiResponse({ status: 201, schema: responseSchema(passkeySchema) })
  async register(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(registerPasskeySchema)) body: RegisterPasskeyInput,
    @Req() request: FastifyRequest,
  ): Promise<Passkey> {
    const passkey = await this.passkeys.register(
      principal.user,
      body.name,
      body.response,
      requestContext(request),
    );
    return toPasskey(passkey);
  }

  @Get('auth/passkeys')
  @RequireScopes('profile:read')
  @ApiOperation({ summary: 'Your passkeys' })
  @ApiResponse({ status: 200, schema: responseSchema(passkeyListSchema) })
  async list(@CurrentPrincipal() principal: Principal): Promise<PasskeyList> {
    return { items: (await this.passkeys.list(principal.user.id)).map(toPasskey) };
  }

  @Patch('auth/passkeys/:id')
  @InteractiveOnly()
  @ApiOperation({ summary: 'Rename one of your passkeys' })
  @ApiBody({ schema: requestSchema(renamePasskeySchema) })
  @ApiResponse({ status: 200, schema: responseSchema(passkeySchema) })
  async rename(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Body(new ZodValidationPipe(renamePasskeySchema)) body: RenamePasskeyInput,
  ): Promise<Passkey> {
    return toPasskey(await this.passkeys.rename(principal.user.id, id, body.name));
  }

  @Delete('auth/passkeys/:id')
  @HttpCode(204)
  @InteractiveOnly()
  @RequireRecentAuth()
  @ApiOperation({ summary: 'Remove one of your passkeys (a session or the password, not a token)' })
  @ApiResponse({ status: 204 })
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.passkeys.remove(principal.user, principal.user, id, requestContext(request));
  }

  @Get('users/:id/passkeys')
  @Roles('admin')
  @RequireScopes('users:read')
  @ApiOperation({ summary: "A user's passkeys (admin)" })
  @ApiResponse({ status: 200, schema: responseSchema(passkeyListSchema) })
  async listOfUser(@Param('id', UuidParamPipe) id: string): Promise<PasskeyList> {
    await this.users.get(id);
    return { items: (await this.passkeys.list(id)).map(toPasskey) };
  }

  @Delete('users/:id/passkeys/:pid')
  @HttpCode(204)
  @Roles('admin')
  @RequireScopes('users:write')
  @ApiOperation({ summary: "Remove a user's passkey (admin), e.g. of a lost device" })
  @ApiResponse({ status: 204 })
  async removeOfUser(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Param('pid', UuidParamPipe) pid: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const user = await this.users.get(id);
    await this.passkeys.remove(principal.user, user, pid, requestContext(request));
  }
}
