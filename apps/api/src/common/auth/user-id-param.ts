import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Scope } from '@latchkey/contracts';
import { Problems } from '../problem/problem.exception.js';
import { UuidParamPipe } from '../validation/uuid-param.pipe.js';

const uuid = new UuidParamPipe();

/** What an admin's credential needs to act on another user's credentials or sessions. */
export const OTHERS_CREDENTIALS_SCOPE: Scope = 'admin:credentials';

/**
 * Refuses the caller acting on the credentials of `userId` unless they are its own (and the
 * route's own scopes are held), or it is an admin whose credential holds admin:credentials
 * (`tokens:write` covers one's own credentials only).
 */
export function assertMayActOnCredentialsOf(request: FastifyRequest, userId: string): void {
  const principal = request.principal;
  if (!principal) throw new Error('assertMayActOnCredentialsOf used on a public route');
  if (userId === principal.user.id) {
    const missing = request.selfScopesMissing ?? [];
    if (missing.length > 0) throw Problems.insufficientScope(missing);
    return;
  }
  if (!principal.user.roles.includes('admin')) {
    throw Problems.forbidden('Only the user themself or an admin may do this.');
  }
  if (!principal.scopes.includes(OTHERS_CREDENTIALS_SCOPE)) {
    throw Problems.insufficientScope([OTHERS_CREDENTIALS_SCOPE]);
  }
}

/**
 * The `{id}` of a `/users/{id}/…` credential path: `me` stands for the caller. Only the user
 * themself, or an admin whose credential holds admin:credentials, gets past it (403 otherwise);
 * an id that is not a UUID is a 404.
 */
export const SelfOrAdminUserId = createParamDecorator(
  (_: unknown, context: ExecutionContext): string => {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { id: string } }>>();
    const principal = request.principal;
    if (!principal) throw new Error('SelfOrAdminUserId used on a public route');
    const id = request.params.id === 'me' ? principal.user.id : uuid.transform(request.params.id);
    assertMayActOnCredentialsOf(request, id);
    return id;
  },
);
