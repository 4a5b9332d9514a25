import { TOKEN_PREFIXES } from '@latchkey/contracts';
import { parseBasicCredentials } from '../auth/basic-credentials.js';

export interface ApiKeyCredentials {
  key: string;
  secret: string;
}

const TOKEN_SCHEME = /^token[ \t]+([^\s:]+):(\S+)[ \t]*$/i;

/**
 * An API key and secret as Frappe clients send them (`Authorization: token <key>:<secret>`) or
 * as HTTP Basic with the key as user-id: logins never start with lk_, so the two cannot collide.
 */
export function parseApiKeyCredentials(header: string | undefined): ApiKeyCredentials | null {
  if (!header) return null;
  const token = TOKEN_SCHEME.exec(header);
  if (token?.[1] && token[2]) return { key: token[1], secret: token[2] };
  const basic = parseBasicCredentials(header);
  if (basic && isApiKeyId(basic.login)) return { key: basic.login, secret: basic.password };
  return null;
}

/** True for a user-id that names an API key rather than a login. */
export function isApiKeyId(userId: string): boolean {
  return userId.toLowerCase().startsWith(TOKEN_PREFIXES.apiKey);
}

/** `key:secret` written as one string, as /oauth/introspect and /oauth/revoke accept it. */
export function splitKeyAndSecret(value: string): ApiKeyCredentials | null {
  const colon = value.indexOf(':');
  if (colon <= 0 || !isApiKeyId(value)) return null;
  return { key: value.slice(0, colon), secret: value.slice(colon + 1) };
}
