import type { ProblemResponse } from './problem-details.js';

/**
 * The endpoints that answer errors as RFC 6749 §5.2 says (RFC 7662 §2.3 and RFC 7009 §2.2.1
 * refer to it): OAuth client libraries read `application/json` `{error, error_description}`.
 */
const OAUTH_ENDPOINTS = new Set([
  '/api/v1/oauth/token',
  '/api/v1/oauth/introspect',
  '/api/v1/oauth/revoke',
]);

export function isOAuthEndpoint(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return OAUTH_ENDPOINTS.has(path.length > 1 ? path.replace(/\/+$/, '') : path);
}

export interface OAuthErrorResponse {
  status: number;
  body: { error: string; error_description: string };
  headers: Record<string, string | string[]>;
}

/** The OAuth error a problem stands for when the endpoint did not name one itself. */
function errorCodeOf(body: ProblemResponse['body']): string {
  switch (body.status) {
    case 401:
      return 'invalid_client';
    case 403:
      return body.code === 'insufficient_scope' ? 'insufficient_scope' : 'unauthorized_client';
    case 429:
      return 'slow_down';
    case 503:
      return 'temporarily_unavailable';
    default:
      return body.status >= 500 ? 'server_error' : 'invalid_request';
  }
}

/**
 * A problem turned into an RFC 6749 §5.2 error. A client that failed to authenticate through
 * the Authorization header gets 401 and a challenge of the scheme it used: Bearer callers of the
 * introspection endpoint get RFC 6750's `invalid_token`, clients (Basic or `token key:secret`)
 * `invalid_client`. A client that authenticated in the body gets 400 `invalid_client`.
 */
export function toOAuthError(
  problem: ProblemResponse,
  authorization: string | undefined,
): OAuthErrorResponse {
  const { body } = problem;
  const named = (body as { error?: unknown }).error;
  let error = typeof named === 'string' ? named : errorCodeOf(body);
  let status = body.status;
  const headers = { ...problem.headers };
  if (error === 'invalid_client') {
    const scheme = /^\s*(\S+)/.exec(authorization ?? '')?.[1]?.toLowerCase();
    if (scheme === undefined) {
      status = 400;
    } else if (scheme === 'bearer') {
      status = 401;
      error = 'invalid_token';
      headers['WWW-Authenticate'] = 'Bearer realm="latchkey", error="invalid_token"';
    } else {
      status = 401;
      headers['WWW-Authenticate'] = 'Basic realm="latchkey", charset="UTF-8"';
    }
  }
  return { status, body: { error, error_description: body.detail }, headers };
}
