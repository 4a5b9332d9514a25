import type { FastifyRequest } from 'fastify';
import { Problems } from '../problem/problem.exception.js';

function originOf(request: FastifyRequest): string | null {
  const origin = request.headers.origin;
  if (origin && origin !== 'null') return origin;
  const referer = request.headers.referer;
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return null;
  }
}

/**
 * Cookie-authenticated endpoints answer only pages of Latchkey's own origins (Origin, else
 * Referer): a cross-site form or script cannot ride the cookie. 403 otherwise.
 */
export function assertTrustedOrigin(request: FastifyRequest, trusted: readonly string[]): void {
  const origin = originOf(request);
  if (!origin || !trusted.includes(origin)) {
    throw Problems.forbidden('This endpoint answers only pages of this site (Origin or Referer).');
  }
}
