import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  revokedSessionsSchema,
  sessionListSchema,
  type RevokedSessions,
  type SessionList,
} from '@latchkey/contracts';
import { RequireScopes } from '../../common/auth/auth.decorators.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { Principal } from '../../common/auth/principal.js';
import { actingFor } from '../../common/auth/acting.js';
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

  @Post('revoke-others')
  @HttpCode(200)
  @RequireScopes('sessions:write')
  @ApiOperation({
    summary:
      'Sign out everywhere else: every session of yours but the calling one ends (all of them when called with a token)',
  })
  @ApiResponse({ status: 200, schema: responseSchema(revokedSessionsSchema) })
  async revokeOthers(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<RevokedSessions> {
    const ids = await this.sessions.revokeAllOfUser(
      principal.user.id,
      'revoked',
      principal.sessionId,
    );
    if (ids.length > 0) {
      await this.audit.record('session.revoked', {
        ...actingFor(principal, request),
        subject: principal.user,
        details: { sessionIds: ids, reason: 'signed_out_others' },
      });
    }
    return { revoked: ids.length };
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
      ...actingFor(principal, request),
      subject: principal.user,
      details: { sessionId: id },
    });
  }
}
