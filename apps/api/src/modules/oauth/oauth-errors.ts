import { ProblemException } from '../../common/problem/problem.exception.js';

/** RFC 6749 §5.2 error codes the token endpoint answers with. */
export type OAuthError =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'invalid_scope';

/**
 * An RFC 6749 §5.2 error. The OAuth endpoints answer it as `application/json`
 * `{error, error_description}` (401 for a client that authenticated through the Authorization
 * header); POST /sessions, which shares the exchange, answers it as a 400 problem+json whose
 * code is `invalid_grant` for a wrong key or secret.
 */
export function oauthError(error: OAuthError, description: string): ProblemException {
  return new ProblemException({
    status: 400,
    code:
      error === 'invalid_client' || error === 'invalid_grant' ? 'invalid_grant' : 'invalid_request',
    detail: description,
    headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
    extensions: { error, error_description: description },
  });
}

export const AMBIGUOUS_CLIENT =
  'Authenticate the client one way only: Basic or client_id/client_secret in the body.';

export const WRONG_CLIENT = 'The API key or secret is wrong, or the key is revoked.';
