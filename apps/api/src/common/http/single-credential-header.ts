import type { FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { Problems } from '../problem/problem.exception.js';

/** Headers that carry a credential: Node keeps only the first of each, so a second is ambiguous. */
const CREDENTIAL_HEADERS = ['authorization', 'x-auth-token'] as const;

/** How many times a header name occurs in the raw request (rawHeaders alternates names and values). */
function occurrences(rawHeaders: string[], name: string): number {
  let seen = 0;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const header = rawHeaders[index] ?? '';
    if (header.length === name.length && header.toLowerCase() === name) seen++;
  }
  return seen;
}

/**
 * Refuses a request that repeats a credential header (400): which of two credentials a proxy or
 * a library acts on differs, and the server must not silently pick one. A request without
 * either header (health checks, the SPA, public routes) costs two property reads.
 */
export function refuseRepeatedCredentialHeaders(
  request: FastifyRequest,
  _reply: unknown,
  done: HookHandlerDoneFunction,
): void {
  for (const name of CREDENTIAL_HEADERS) {
    // Node parses a repeated one into this field too: absent here means absent from the request.
    if (request.headers[name] === undefined) continue;
    if (occurrences(request.raw.rawHeaders, name) > 1)
      return done(Problems.invalidRequest(`The ${name} header is sent more than once; send one.`));
  }
  done();
}
