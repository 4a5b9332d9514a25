import type { FastifyRequest } from 'fastify';

/** Where a request came from, as recorded with sessions and audit events. */
export interface RequestContext {
  ip: string;
  userAgent: string | null;
}

const USER_AGENT_MAX = 512;

export function requestContext(request: FastifyRequest): RequestContext {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: userAgent ? userAgent.slice(0, USER_AGENT_MAX) : null };
}
