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

/**
 * The client of a token request: Basic client_id:client_secret (or Frappe's `token key:secret`),
 * or client_id and client_secret in the body. Using both at once is refused (RFC 6749 §2.3).
 */
export function clientAuthenticationOf(
  authorization: string | undefined,
  body: { client_id?: string | undefined; client_secret?: string | undefined },
): ClientAuthentication {
  const basic = parseBasicCredentials(authorization);
  const token = authorization ? TOKEN_SCHEME.exec(authorization) : null;
  const fromHeader: ClientCredentials | null = basic
    ? { clientId: formDecode(basic.login), clientSecret: formDecode(basic.password) }
    : token?.[1] && token[2]
      ? { clientId: token[1], clientSecret: token[2] }
      : null;
  const inBody = body.client_id !== undefined || body.client_secret !== undefined;
  if (fromHeader && inBody) return { error: 'ambiguous' };
  if (fromHeader) return { credentials: fromHeader };
  if (body.client_id && body.client_secret) {
    return { credentials: { clientId: body.client_id, clientSecret: body.client_secret } };
  }
  return { error: 'none' };
}
