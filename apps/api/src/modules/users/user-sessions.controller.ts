import { Controller, Delete, Get, HttpCode, Inject, Param, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { sessionListSchema, type SessionList } from '@latchkey/contracts';
import { RequireScopes, Roles } from '../../common/auth/auth.decorators.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { Principal } from '../../common/auth/principal.js';
import { requestContext } from '../../common/auth/request-context.js';
import { responseSchema } from '../../common/openapi/json-schema.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { UuidParamPipe } from '../../common/validation/uuid-param.pipe.js';
import { AuditService } from '../audit/audit.service.js';
import { toSession } from '../sessions/sessions.mapper.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { UsersService } from './users.service.js';

/** An admin's view of another user's browser sessions. */
@ApiTags('Sessions')
@Controller('users/:id/sessions')
export class UserSessionsController {
  constructor(
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(SessionsService) private readonly sessions: SessionsService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  @Get()
  @Roles('admin')
  @RequireScopes('admin:credentials')
  @ApiOperation({ summary: "A user's active sessions (admin)" })
  @ApiResponse({ status: 200, schema: responseSchema(sessionListSchema) })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<SessionList> {
    await this.users.get(id);
    const sessions = await this.sessions.listActive(id);
    return { items: sessions.map((session) => toSession(session, principal.sessionId)) };
  }

  @Delete()
  @HttpCode(204)
  @Roles('admin')
  @RequireScopes('admin:credentials')
  @ApiOperation({ summary: 'Revoke every session of a user (admin)' })
  @ApiResponse({ status: 204 })
  async revokeAll(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const user = await this.users.get(id);
    const revoked = await this.sessions.revokeAllOfUser(id, 'revoked');
    await this.audit.record('session.revoked', {
      actor: principal.user,
      subject: user,
      context: requestContext(request),
      details: { sessionIds: revoked },
    });
  }

  @Delete(':sid')
  @HttpCode(204)
  @Roles('admin')
  @RequireScopes('admin:credentials')
  @ApiOperation({ summary: 'Revoke one session of a user (admin)' })
  @ApiResponse({ status: 204 })
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Param('sid', UuidParamPipe) sid: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const user = await this.users.get(id);
    if (!(await this.sessions.revoke(sid, 'revoked', id))) {
      throw Problems.notFound('This user has no active session with this id.');
    }
    await this.audit.record('session.revoked', {
      actor: principal.user,
      subject: user,
      context: requestContext(request),
      details: { sessionId: sid },
    });
  }
}
