import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  passkeyAuthenticationOptionsSchema,
  reauthenticatedSchema,
  reauthenticateSchema,
  type PasskeyAuthenticationOptions,
  type Reauthenticated,
  type ReauthenticateInput,
} from '@latchkey/contracts';
import { InteractiveOnly } from '../../common/auth/auth.decorators.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { Principal } from '../../common/auth/principal.js';
import { requestContext } from '../../common/auth/request-context.js';
import { requestSchema, responseSchema } from '../../common/openapi/json-schema.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { StepUpService } from './step-up.service.js';

/** A signed-in session proves its user again before a sensitive action (step-up). */
@ApiTags('Sessions')
@Controller('auth/reauthenticate')
export class ReauthenticationController {
  constructor(@Inject(StepUpService) private readonly stepUp: StepUpService) {}

  @Post()
  @HttpCode(200)
  @InteractiveOnly()
  @ApiOperation({
    summary:
      'Prove it is you again (password, TOTP code or passkey): sensitive actions are open to this session for AUTH_REAUTH_MAX_AGE',
  })
  @ApiBody({ schema: requestSchema(reauthenticateSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(reauthenticatedSchema) })
  async reauthenticate(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(reauthenticateSchema)) body: ReauthenticateInput,
    @Req() request: FastifyRequest,
  ): Promise<Reauthenticated> {
    const until = await this.stepUp.reauthenticate(principal, body, requestContext(request));
    return { reauthenticatedUntil: until.toISOString() };
  }

  @Post('passkey-options')
  @HttpCode(200)
  @InteractiveOnly()
  @ApiOperation({ summary: 'Options for re-authenticating with one of your passkeys' })
  @ApiResponse({ status: 200, schema: responseSchema(passkeyAuthenticationOptionsSchema) })
  passkeyOptions(@CurrentPrincipal() principal: Principal): Promise<PasskeyAuthenticationOptions> {
    return this.stepUp.passkeyOptions(principal);
  }
}
