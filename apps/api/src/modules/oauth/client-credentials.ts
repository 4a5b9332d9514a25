import { parseBasicCredentials } from '../auth/basic-credentials.js';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export type ClientAuthentication =
  { credentials: ClientCredentials } | { error: 'none' | 'ambiguous' };

const TOKEN_SCHEME = /^token[ \t]+([^\s:]+):(\S+)[ \t]*$/i;

/** RFC 6749 §2.3.1: Basic client_id and client_secret are form-urlencoded before base64. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** A body field as one string; a repeated field (an array) or an object is malformed. */
function field(body: unknown, name: string): string | undefined | null {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : null;
}

/**
 * The client of a request to an OAuth endpoint, the one reading of client authentication that
 * /oauth/token, /oauth/introspect and /oauth/revoke share: `client_secret_basic` (Basic
 * client_id:client_secret, form-urlencoded before base64 as RFC 6749 §2.3.1 says; Frappe's
 * `token key:secret` too) or `client_secret_post` (client_id and client_secret in the body).
 * Both at once, or a repeated field, is refused (RFC 6749 §2.3).
 */
export function clientAuthenticationOf(
  authorization: string | undefined,
  body: unknown,
): ClientAuthentication {
  const basic = parseBasicCredentials(authorization);
  const token = authorization ? TOKEN_SCHEME.exec(authorization) : null;
  const fromHeader: ClientCredentials | null = basic
    ? { clientId: formDecode(basic.login), clientSecret: formDecode(basic.password) }
    : token?.[1] && token[2]
      ? { clientId: token[1], clientSecret: token[2] }
      : null;
  const clientId = field(body, 'client_id');
  const clientSecret = field(body, 'client_secret');
  if (clientId === null || clientSecret === null) return { error: 'ambiguous' };
  const inBody = clientId !== undefined || clientSecret !== undefined;
  if (fromHeader && inBody) return { error: 'ambiguous' };
  if (fromHeader) return { credentials: fromHeader };
  if (clientId && clientSecret) return { credentials: { clientId, clientSecret } };
  return { error: 'none' };
}
