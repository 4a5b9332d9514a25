import type { AppConfig } from '../../config/config.js';

/**
 * RFC 6750 §3 and RFC 7617 challenges of a 401: Bearer always, Basic while it is enabled and
 * the refusing endpoint would take it. A request that sent no credential at all gets no error
 * code (RFC 6750 §3.1).
 */
export function challengesFor(
  config: Pick<AppConfig, 'AUTH_BASIC_PASSWORD_ENABLED'>,
  offerBasic = true,
  credentialSent = true,
): string[] {
  const challenges = [
    credentialSent ? 'Bearer realm="latchkey", error="invalid_token"' : 'Bearer realm="latchkey"',
  ];
  if (offerBasic && config.AUTH_BASIC_PASSWORD_ENABLED)
    challenges.push('Basic realm="latchkey", charset="UTF-8"');
  return challenges;
}
