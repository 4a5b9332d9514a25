import type { FastifyRequest } from 'fastify';
import { TOKEN_PREFIXES } from '@latchkey/contracts';
import type { AppConfig } from '../../config/config.js';
import { isOAuthEndpoint } from '../../common/problem/oauth-error-response.js';
import { isApiKeyId, parseApiKeyCredentials } from '../api-keys/api-key-credentials.js';
import { clientAuthenticationOf } from '../oauth/client-credentials.js';
import { AMBIGUOUS_CLIENT, oauthError } from '../oauth/oauth-errors.js';
import { authTokenOfUri, pickOpaqueToken } from '../opaque-tokens/opaque-token-credentials.js';
import { parseBasicCredentials } from './basic-credentials.js';
import { parseBearerToken } from './bearer-credentials.js';

/** The passport strategy that checks a credential of this form. */
export type Scheme = 'bearer-jwt' | 'opaque-token' | 'api-key' | 'basic';

/**
 * What a request presents, told by its form alone, so one strategy checks it rather than a
 * chain of strategies failing in turn. `presented` is the credential as one string (the
 * verified-credential cache's key is its hash); null for login:password, never cached: a
 * password goes through argon2id and the login failure limits every time.
 */
export interface CredentialForm {
  scheme: Scheme;
  presented: string | null;
}

/** Forward-auth requests carry the original URI, whose ?auth_token= the proxy cannot pass on. */
const FORWARD_AUTH_PATH = '/api/v1/auth/verify';

/**
 * The credential of a request: `Authorization: Bearer <JWT>`; else an opaque token
 * (`?auth_token=`, then `X-Auth-Token`, then `Bearer lkt_…`); else an API key pair
 * (`token key:secret` or Basic `lk_…:secret`); else Basic login:password. Null for none.
 */
export function credentialForm(request: FastifyRequest, config: AppConfig): CredentialForm | null {
  const authorization = request.headers.authorization;
  if (isOAuthEndpoint(request.url)) {
    const client = oauthClientForm(authorization, request.body);
    if (client) return client;
  }
  const bearer = parseBearerToken(authorization);
  if (bearer && !bearer.startsWith(TOKEN_PREFIXES.opaque)) {
    return { scheme: 'bearer-jwt', presented: bearer };
  }
  const opaque = pickOpaqueToken(
    {
      query: queryToken(request),
      xAuthToken: request.headers['x-auth-token'],
      authorization,
    },
    config.AUTH_QUERY_TOKEN_ENABLED,
  );
  if (opaque) return { scheme: 'opaque-token', presented: opaque };
  const pair = parseApiKeyCredentials(authorization);
  if (pair) return { scheme: 'api-key', presented: `${pair.key}:${pair.secret}` };
  if (parseBasicCredentials(authorization)) return { scheme: 'basic', presented: null };
  return null;
}

/**
 * On the OAuth endpoints an API key is a client: it authenticates as RFC 6749 §2.3 says
 * (client_secret_basic, form-urlencoded, or client_secret_post), read by the same function as
 * the token endpoint's. Anything else (a Bearer token, Basic login:password) is read as usual.
 */
function oauthClientForm(authorization: string | undefined, body: unknown): CredentialForm | null {
  const client = clientAuthenticationOf(authorization, body);
  if ('error' in client) {
    if (client.error === 'ambiguous') throw oauthError('invalid_request', AMBIGUOUS_CLIENT);
    return null;
  }
  const { clientId, clientSecret } = client.credentials;
  if (!isApiKeyId(clientId)) return null;
  return { scheme: 'api-key', presented: `${clientId}:${clientSecret}` };
}

/** True when the request carries nothing that could be a credential (RFC 6750 §3.1). */
export function sentNoCredential(request: FastifyRequest): boolean {
  return (
    request.headers.authorization === undefined &&
    request.headers['x-auth-token'] === undefined &&
    queryToken(request) === undefined
  );
}

function queryToken(request: FastifyRequest): unknown {
  const own = (request.query as Record<string, unknown> | undefined)?.auth_token;
  if (own !== undefined || request.url.split('?')[0] !== FORWARD_AUTH_PATH) return own;
  return (
    authTokenOfUri(request.headers['x-forwarded-uri']) ??
    authTokenOfUri(request.headers['x-original-uri'])
  );
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication guard for the strategy it picked. */
    credentialForm?: CredentialForm;
    /** Why a credential could not be checked at all (an outage), if a strategy could not say. */
    verificationError?: unknown;
  }
}
