import { Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  signingKeyListSchema,
  signingKeySchema,
  type SigningKey,
  type SigningKeyList,
} from '@latchkey/contracts';
import { actingFor } from '../../common/auth/acting.js';
import { RequireScopes, Roles } from '../../common/auth/auth.decorators.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { Principal } from '../../common/auth/principal.js';
import { responseSchema } from '../../common/openapi/json-schema.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { SigningKeysService } from './signing-keys.service.js';

@ApiTags('Signing keys')
@Controller('signing-keys')
export class SigningKeysController {
  constructor(@Inject(SigningKeysService) private readonly keys: SigningKeysService) {}

  @Get()
  @Roles('admin')
  @RequireScopes('admin:keys')
  @ApiOperation({ summary: 'Signing keys, newest first (empty with JWT_SECRET)' })
  @ApiResponse({ status: 200, schema: responseSchema(signingKeyListSchema) })
  async list(): Promise<SigningKeyList> {
    return { items: await this.keys.list() };
  }

  @Post('rotate')
  @HttpCode(201)
  @Roles('admin')
  @RequireScopes('admin:keys')
  @ApiOperation({
    summary: 'Start signing with a new key; the old one stays in the JWKS until its tokens expire',
  })
  @ApiResponse({ status: 201, schema: responseSchema(signingKeySchema) })
  rotate(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<SigningKey> {
    if (this.keys.symmetric) {
      throw Problems.conflict('JWT_SECRET is set: HS256 has no keys to rotate; change the secret.');
    }
    return this.keys.rotate(actingFor(principal, request));
  }
}
