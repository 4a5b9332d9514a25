import { normaliseLogin } from '@latchkey/contracts';
import { clientKeyOf } from './client-key.js';
import type { FailureKey } from './failure-limiter.js';

/**
 * Which counters each secret-guessing surface counts its failures in (the README's table).
 * A trusted device (see DeviceTrust) replaces the login and IP counters of a password attempt.
 * Client addresses are counted by clientKeyOf: IPv6 clients by their /64.
 */

/** A password from a client without a device cookie for the login, or Basic login:password. */
export function untrustedLoginKeys(login: string, ip: string): FailureKey[] {
  return [
    { bucket: 'login', id: normaliseLogin(login) },
    { bucket: 'login-ip', id: clientKeyOf(ip) },
  ];
}

/** A TOTP or recovery code, or a password asked again, for a user already identified. */
export function secondFactorKeys(userId: string, ip: string): FailureKey[] {
  return [
    { bucket: 'second-factor', id: userId },
    { bucket: 'login-ip', id: clientKeyOf(ip) },
  ];
}

/**
 * An API secret, in any scheme or endpoint. The key id is no secret, so the key's counter is
 * per client IP: failures lock the key for the failing client only, never for every client.
 */
export function apiKeyKeys(apiKey: string, ip: string): FailureKey[] {
  return [
    { bucket: 'credential', id: `api-key:${apiKey}@${clientKeyOf(ip)}` },
    { bucket: 'credential-ip', id: clientKeyOf(ip) },
  ];
}

/** A token with no public identifier (opaque lkt_, refresh lkr_): counted per client IP. */
export function tokenKeys(ip: string): FailureKey[] {
  return [{ bucket: 'credential-ip', id: clientKeyOf(ip) }];
}

/** A caller of /oauth/introspect, whose inactive answers for guessable tokens are counted. */
export function introspectionKeys(callerId: string, ip: string): FailureKey[] {
  return [
    { bucket: 'credential', id: `introspection:${callerId}` },
    { bucket: 'credential-ip', id: clientKeyOf(ip) },
  ];
}
