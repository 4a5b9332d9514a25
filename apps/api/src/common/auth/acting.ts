import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal.js';
import { requestContext, type RequestContext } from './request-context.js';

/** Who does something and from where, as audit events record it; the CLI acts with no one. */
export interface Acting {
  actor: { id: string; login: string } | null;
  context: RequestContext | null;
}

export function actingFor(principal: Principal, request: FastifyRequest): Acting {
  return { actor: principal.user, context: requestContext(request) };
}

export const CLI_ACTING: Acting = { actor: null, context: null };
