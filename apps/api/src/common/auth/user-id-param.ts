import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Problems } from '../problem/problem.exception.js';
import { UuidParamPipe } from '../validation/uuid-param.pipe.js';

const uuid = new UuidParamPipe();

/**
 * The `{id}` of a `/users/{id}/…` path: `me` stands for the caller. Only the user themself or an
 * admin gets past it (403 otherwise); an id that is not a UUID is a 404.
 */
export const SelfOrAdminUserId = createParamDecorator(
  (_: unknown, context: ExecutionContext): string => {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { id: string } }>>();
    const principal = request.principal;
    if (!principal) throw new Error('SelfOrAdminUserId used on a public route');
    const id = request.params.id === 'me' ? principal.user.id : uuid.transform(request.params.id);
    if (id !== principal.user.id && !principal.user.roles.includes('admin')) {
      throw Problems.forbidden('Only the user themself or an admin may do this.');
    }
    return id;
  },
);
