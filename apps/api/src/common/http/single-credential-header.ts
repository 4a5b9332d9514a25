import type { FastifyRequest } from 'fastify';
import { Problems } from '../problem/problem.exception.js';

/** Headers that carry a credential: Node keeps only the first of each, so a second is ambiguous. */
const CREDENTIAL_HEADERS = ['authorization', 'x-auth-token'];

/**
 * Refuses a request that repeats a credential header (400): which of two credentials a proxy or
 * a library acts on differs, and the server must not silently pick one.
 */
export async function refuseRepeatedCredentialHeaders(request: FastifyRequest): Promise<void> {
  const raw = request.raw.rawHeaders;
  for (const name of CREDENTIAL_HEADERS) {
    let seen = 0;
    // rawHeaders alternates names and values.
    for (let index = 0; index < raw.length; index += 2) {
      const header = raw[index] ?? '';
      if (header.length === name.length && header.toLowerCase() === name) seen++;
    }
    if (seen > 1)
      throw Problems.invalidRequest(`The ${name} header is sent more than once; send one.`);
  }
}
