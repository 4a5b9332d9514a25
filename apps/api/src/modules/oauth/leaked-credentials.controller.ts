import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { revokeCredentialsSchema, type RevokeCredentialsInput } from '@latchkey/contracts';
import { Public } from '../../common/auth/auth.decorators.js';
import { requestContext } from '../../common/auth/request-context.js';
import { RateLimits } from '../../common/limits/rate-limits.js';
import { requestSchema } from '../../common/openapi/json-schema.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { TokenInspectorService } from './token-inspector.service.js';

/** Leak reports one client IP may send; each holds up to 1000 credentials. */
export const LEAK_REPORTS_PER_IP = { requests: 20, perSeconds: 60 };

/** GitHub's credential revocation API, for every kind of Latchkey credential. */
@ApiTags('Credential lifecycle')
@Controller('credentials')
export class LeakedCredentialsController {
  constructor(
    @Inject(TokenInspectorService) private readonly inspector: TokenInspectorService,
    @Inject(RateLimits) private readonly rateLimits: RateLimits,
  ) {}

  @Post('revoke')
  @Public()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Report leaked credentials: every live one sent stops at once (202 whatever was sent)',
    description:
      'For secret scanners and anyone who finds a Latchkey credential where it should not be: PATs, account tokens, API secrets (alone or as key:secret), opaque, refresh, session access and exchanged tokens. Each live one is revoked with revokedReason "leaked" and audited as credential.leaked for its owner. The answer never tells what was found. Limited per client IP (429).',
  })
  @ApiBody({ schema: requestSchema(revokeCredentialsSchema) })
  @ApiResponse({ status: 202, description: 'Always `{}`' })
  async revoke(
    @Body(new ZodValidationPipe(revokeCredentialsSchema)) body: RevokeCredentialsInput,
    @Req() request: FastifyRequest,
  ): Promise<Record<string, never>> {
    const context = requestContext(request);
    await this.rateLimits.consume('leak-reports', context.ip, LEAK_REPORTS_PER_IP);
    const credentials = [...new Set(body.credentials.map((credential) => credential.trim()))];
    await this.inspector.revokeLeaked(credentials, { actor: null, context });
    return {};
  }
}
