import { TOKEN_PREFIXES } from '@latchkey/contracts';
import { parseBearerToken } from '../auth/bearer-credentials.js';

export interface OpaqueTokenSources {
  /** The auth_token query parameter of the request (or of the URI a proxy forwarded). */
  query: unknown;
  xAuthToken: string | string[] | undefined;
  authorization: string | undefined;
}

/**
 * The opaque token a request presents: `?auth_token=` wins over `X-Auth-Token`, which wins over
 * `Authorization: Bearer lkt_…`. Only the place that wins is looked at; null when none holds one.
 */
export function pickOpaqueToken(
  { query, xAuthToken, authorization }: OpaqueTokenSources,
  queryEnabled: boolean,
): string | null {
  if (queryEnabled && typeof query === 'string' && query !== '') return query;
  if (typeof xAuthToken === 'string' && xAuthToken !== '') return xAuthToken.trim();
  const bearer = parseBearerToken(authorization);
  return bearer?.startsWith(TOKEN_PREFIXES.opaque) ? bearer : null;
}

/** The auth_token parameter of a URI such as a proxy's X-Forwarded-Uri, or undefined. */
export function authTokenOfUri(uri: string | string[] | undefined): string | undefined {
  if (typeof uri !== 'string') return undefined;
  const query = uri.indexOf('?');
  if (query < 0) return undefined;
  return new URLSearchParams(uri.slice(query + 1)).get('auth_token') ?? undefined;
}
