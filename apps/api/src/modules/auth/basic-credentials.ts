import { isStorableText } from '../../common/validation/storable-text.js';

export interface BasicCredentials {
  login: string;
  password: string;
}

const BASIC = /^basic[ \t]+([A-Za-z0-9+/=_-]+)[ \t]*$/i;

/**
 * RFC 7617: the scheme is case-insensitive and the user-id ends at the first colon, so the
 * password may hold colons. Anything else (no colon, empty login, bad base64, a NUL) is no
 * credential. Decoding replaces bytes that are not UTF-8, so no lone surrogate comes out.
 */
export function parseBasicCredentials(header: string | undefined): BasicCredentials | null {
  const match = header ? BASIC.exec(header) : null;
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  if (!isStorableText(decoded)) return null;
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { login: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
