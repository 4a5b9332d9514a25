import { Body, Controller, Delete, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  recoveryCodesSchema,
  totpDisableSchema,
  totpEnableSchema,
  totpSetupSchema,
  type RecoveryCodes,
  type TotpDisableInput,
  type TotpEnableInput,
  type TotpSetup,
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
import { secondFactorKeys } from '../../common/limits/failure-keys.js';
import { FailureLimiter } from '../../common/limits/failure-limiter.js';
import { requestSchema, responseSchema } from '../../common/openapi/json-schema.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { UuidParamPipe } from '../../common/validation/uuid-param.pipe.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { AuditService } from '../audit/audit.service.js';
import { UsersService } from '../users/users.service.js';
import { MfaService } from './mfa.service.js';

@ApiTags('MFA')
@Controller()
export class MfaController {
  constructor(
    @Inject(MfaService) private readonly mfa: MfaService,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(FailureLimiter) private readonly limiter: FailureLimiter,
  ) {}

  @Post('auth/mfa/totp/setup')
  @HttpCode(200)
  @InteractiveOnly()
  @RequireRecentAuth()
  @ApiOperation({
    summary: 'Start TOTP enrolment: a secret and its otpauth:// URI (not active yet)',
  })
  @ApiResponse({ status: 200, schema: responseSchema(totpSetupSchema) })
  setup(@CurrentPrincipal() principal: Principal): Promise<TotpSetup> {
    return this.mfa.setup(principal.user.id, principal.user.login);
  }

  @Post('auth/mfa/totp/enable')
  @HttpCode(200)
  @InteractiveOnly()
  @RequireRecentAuth()
  @ApiOperation({ summary: 'Confirm enrolment with a code; returns 10 recovery codes, shown once' })
  @ApiBody({ schema: requestSchema(totpEnableSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(recoveryCodesSchema) })
  async enable(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(totpEnableSchema)) body: TotpEnableInput,
    @Req() request: FastifyRequest,
  ): Promise<RecoveryCodes> {
    const context = requestContext(request);
    const recoveryCodes = await this.limiter.attempt(
      {
        keys: secondFactorKeys(principal.user.id, context.ip),
        context,
        kind: 'totp_code',
        subject: principal.user,
      },
      () => this.mfa.enable(principal.user.id, body.code),
    );
    if (!recoveryCodes) {
      throw Problems.validation(
        [{ field: 'code', message: 'The code is not valid' }],
        'The code is not valid.',
      );
    }
    await this.audit.record('mfa.enabled', {
      actor: principal.user,
      subject: principal.user,
      context,
    });
    return { recoveryCodes };
  }

  @Delete('auth/mfa/totp')
  @HttpCode(204)
  @InteractiveOnly()
  @RequireRecentAuth({ passwordField: 'password' })
  @ApiOperation({ summary: 'Turn TOTP off, confirmed with the password' })
  @ApiBody({ schema: requestSchema(totpDisableSchema) })
  @ApiResponse({ status: 204 })
  async disable(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(totpDisableSchema)) body: TotpDisableInput,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const context = requestContext(request);
    const disabled = await this.limiter.attempt(
      {
        keys: secondFactorKeys(principal.user.id, context.ip),
        context,
        kind: 'password',
        subject: principal.user,
      },
      () => this.mfa.disableWithPassword(principal.user.id, body.password),
    );
    if (!disabled) {
      throw Problems.validation(
        [{ field: 'password', message: 'Password is not correct' }],
        'The password is not correct.',
      );
    }
    await this.audit.record('mfa.disabled', {
      actor: principal.user,
      subject: principal.user,
      context,
    });
  }

  @Delete('users/:id/mfa')
  @HttpCode(204)
  @Roles('admin')
  @RequireScopes('users:write')
  @ApiOperation({ summary: "Reset a user's MFA (admin), e.g. after a lost phone" })
  @ApiResponse({ status: 204 })
  async reset(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const user = await this.users.get(id);
    if (!(await this.mfa.disable(id))) throw Problems.conflict('This user has no MFA enrolled.');
    await this.audit.record('mfa.reset', {
      actor: principal.user,
      subject: { id: user.id, login: user.login },
      context: requestContext(request),
    });
  }
}
