import { userInfo } from 'node:os';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal.js';
import { requestContext, type RequestContext } from './request-context.js';

/** Who does something and from where, as audit events record it. */
export interface Acting {
  /** No id for the CLI: an operator at the server's console, named `cli:<OS user>`. */
  actor: { id: string | null; login: string } | null;
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

/** The operating-system account running the CLI; the audit log names it as the actor. */
function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers): the uid still says who it was.
    return `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}

export const CLI_ACTING: Acting = {
  actor: { id: null, login: `cli:${operatorName()}` },
  context: null,
};
