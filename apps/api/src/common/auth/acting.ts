import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal.js';
import { requestContext, type RequestContext } from './request-context.js';

/** Who does something and from where, as audit events record it; the CLI acts with no one. */
export interface Acting {
  actor: { id: string; login: string } | null;
  context: RequestContext | null;
  /** The user whose credential an admin acts through (RFC 8693 `act`): the actor is the admin. */
  onBehalfOf?: { id: string; login: string };
}

/** The caller, or the admin acting through the caller's credential, on the user's behalf. */
export function actingFor(principal: Principal, request: FastifyRequest): Acting {
  const context = requestContext(request);
  if (!principal.actor) return { actor: principal.user, context };
  return { actor: principal.actor, context, onBehalfOf: principal.user };
}

export const CLI_ACTING: Acting = { actor: null, context: null };
