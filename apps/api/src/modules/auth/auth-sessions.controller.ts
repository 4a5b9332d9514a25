import { Controller, Delete, Get, HttpCode, Inject, Param, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { sessionListSchema, type SessionList } from '@latchkey/contracts';
import { RequireScopes } from '../../common/auth/auth.decorators.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { Principal } from '../../common/auth/principal.js';
import { requestContext } from '../../common/auth/request-context.js';
import { responseSchema } from '../../common/openapi/json-schema.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { UuidParamPipe } from '../../common/validation/uuid-param.pipe.js';
import { AuditService } from '../audit/audit.service.js';
import { toSession } from '../sessions/sessions.mapper.js';
import { SessionsService } from '../sessions/sessions.service.js';

@ApiTags('Sessions')
@Controller('auth/sessions')
export class AuthSessionsController {
  constructor(
    @Inject(SessionsService) private readonly sessions: SessionsService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  @Get()
  @RequireScopes('sessions:read')
  @ApiOperation({ summary: 'Your active sessions, the current one marked' })
  @ApiResponse({ status: 200, schema: responseSchema(sessionListSchema) })
  async list(@CurrentPrincipal() principal: Principal): Promise<SessionList> {
    const sessions = await this.sessions.listActive(principal.user.id);
    return { items: sessions.map((session) => toSession(session, principal.sessionId)) };
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('sessions:write')
  @ApiOperation({ summary: 'Revoke one of your sessions: its refresh and access tokens stop' })
  @ApiResponse({ status: 204 })
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    if (!(await this.sessions.revoke(id, 'revoked', principal.user.id))) {
      throw Problems.notFound('You have no active session with this id.');
    }
    await this.audit.record('session.revoked', {
      actor: principal.user,
      subject: principal.user,
      context: requestContext(request),
      details: { sessionId: id },
    });
  }
}
