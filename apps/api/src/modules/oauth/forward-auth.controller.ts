import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { forwardAuthSchema, isScope, missingScopes, type ForwardAuth } from '@latchkey/contracts';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { Principal } from '../../common/auth/principal.js';
import { responseSchema } from '../../common/openapi/json-schema.js';
import { Problems } from '../../common/problem/problem.exception.js';

@ApiTags('Token exchange and verification')
@Controller('auth')
export class ForwardAuthController {
  @Get('verify')
  @ApiOperation({
    summary: 'Forward-auth for nginx auth_request, Traefik forwardAuth and Caddy forward_auth',
    description:
      'Accepts every credential. 200 with X-Auth-User-Id, X-Auth-Login, X-Auth-Roles, X-Auth-Scopes and X-Auth-Method; 401 without a valid credential; 403 when `scope` names a scope the credential lacks. ?auth_token= of the original request is read from X-Forwarded-Uri or X-Original-URI.',
  })
  @ApiQuery({
    name: 'scope',
    required: false,
    description: 'Space- or comma-separated scopes the credential must hold',
  })
  @ApiResponse({ status: 200, schema: responseSchema(forwardAuthSchema) })
  verify(
    @CurrentPrincipal() principal: Principal,
    @Query('scope') scope: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): ForwardAuth {
    const required = typeof scope === 'string' ? scope.split(/[\s,]+/).filter(Boolean) : [];
    const unknown = required.filter((name) => !isScope(name));
    if (unknown.length > 0) throw Problems.invalidRequest(`Unknown scope ${unknown.join(' ')}.`);
    const missing = missingScopes(principal.scopes, required.filter(isScope));
    if (missing.length > 0) throw Problems.insufficientScope(missing);
    reply.headers({
      'X-Auth-User-Id': principal.user.id,
      'X-Auth-Login': principal.user.login,
      'X-Auth-Roles': principal.user.roles.join(','),
      'X-Auth-Scopes': principal.scopes.join(' '),
      'X-Auth-Method': principal.method,
    });
    return {
      id: principal.user.id,
      login: principal.user.login,
      roles: principal.user.roles,
      scopes: principal.scopes,
      authMethod: principal.method,
    };
  }
}
