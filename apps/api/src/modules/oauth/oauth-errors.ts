import { ProblemException } from '../../common/problem/problem.exception.js';

/** RFC 6749 §5.2 error codes the token endpoint answers with. */
export type OAuthError =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'invalid_scope';

/**
 * A 400 problem+json that is also an RFC 6749 §5.2 error response: `error` and
 * `error_description` sit beside the problem members, so OAuth client libraries read it too.
 * A wrong key or secret is `invalid_client` for OAuth and `invalid_grant` as the problem code.
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

export const WRONG_CLIENT = 'The API key or secret is wrong, or the key is revoked.';
