import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from '@latchkey/contracts';
import { problem } from '../problem/problem-details.js';

/** What @fastify/cors answers, as text/plain, to an OPTIONS without Origin or a method. */
const CORS_INVALID_PREFLIGHT = 'Invalid Preflight Request';

/**
 * An OPTIONS request that is no CORS preflight (no `Origin` or no
 * `Access-Control-Request-Method`) gets a problem+json 400 like every other error.
 */
export async function problemForInvalidPreflight(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<unknown> {
  if (request.method !== 'OPTIONS' || reply.statusCode !== 400) return payload;
  if (payload !== CORS_INVALID_PREFLIGHT) return payload;
  reply.type(PROBLEM_CONTENT_TYPE);
  return JSON.stringify(
    problem(
      400,
      'invalid_request',
      'An OPTIONS request is a CORS preflight: it needs Origin and Access-Control-Request-Method.',
    ),
  );
}
