import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

/**
 * Every response is `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 §5.1) unless its
 * route states its own caching (JWKS, metadata, the SPA's assets). An API answer belongs to its
 * caller and many carry a secret, so a new route cannot forget it.
 */
export function noStoreByDefault(
  _request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: HookHandlerDoneFunction & ((error: Error | null, payload: unknown) => void),
): void {
  const stated = reply.getHeader('cache-control');
  if (stated === undefined) reply.header('Cache-Control', 'no-store');
  if (stated === undefined || stated === 'no-store') reply.header('Pragma', 'no-cache');
  done(null, payload);
}
