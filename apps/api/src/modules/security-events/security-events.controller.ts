import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  pollRequestSchema,
  pollResponseSchema,
  type PollRequest,
  type PollResponse,
} from '@latchkey/contracts';
import { RequireScopes } from '../../common/auth/auth.decorators.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { Principal } from '../../common/auth/principal.js';
import { requestSchema, responseSchema } from '../../common/openapi/json-schema.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { SecurityEventsService } from './security-events.service.js';

/** An SSE event id as the stream wrote it: a decimal integer. */
function eventId(header: string | undefined): bigint | null {
  if (header === undefined) return null;
  if (!/^\d{1,18}$/.test(header.trim())) {
    throw Problems.invalidRequest('Last-Event-ID must be the id of an event of this stream.');
  }
  return BigInt(header.trim());
}

@ApiTags('Security events')
@Controller('events')
export class SecurityEventsController {
  constructor(@Inject(SecurityEventsService) private readonly events: SecurityEventsService) {}

  @Get()
  @RequireScopes('events:read')
  @ApiOperation({
    summary: 'Security events as Server-Sent Events, each data a SET payload (RFC 8417)',
    description:
      'Every revocation, disable, leak, rotation, ended session, user change and signing key change, in order, from every instance. `id:` per event; reconnect with Last-Event-ID to receive what was missed. An id older than what is kept gets a `resync` event (drop cached state). A comment line is sent as a heartbeat (SECURITY_EVENTS_HEARTBEAT) while this instance hears the change feed. A reader far behind (SECURITY_EVENTS_MAX_BACKLOG) is cut off and resumes by reconnecting.',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event' })
  @ApiResponse({ status: 200, content: { 'text/event-stream': {} } })
  async stream(
    @CurrentPrincipal() principal: Principal,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const from = eventId(lastEventId);
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    });
    response.write(':\n\n');
    await this.events.stream(principal, from, response);
  }

  @Post('poll')
  @HttpCode(200)
  @RequireScopes('events:read')
  @ApiOperation({
    summary: 'Security events by poll-based delivery (RFC 8936), each a signed SET',
    description:
      'Acknowledges `ack` (and `setErrs`), then answers `{sets: {jti: SET}, moreAvailable}` with the events this caller has not acknowledged, oldest first. Each SET is a JWT (typ secevent+jwt) signed with the current signing key, verifiable with /.well-known/jwks.json. A caller polls from its first poll on. With nothing pending and returnImmediately false, the answer waits up to SECURITY_EVENTS_POLL_WAIT for an event.',
  })
  @ApiBody({ schema: requestSchema(pollRequestSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(pollResponseSchema) })
  poll(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(pollRequestSchema)) body: PollRequest,
  ): Promise<PollResponse> {
    return this.events.poll(principal, body);
  }
}
