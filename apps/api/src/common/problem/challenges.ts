import type { FastifyRequest } from 'fastify';
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

/** The media types of an Accept header, best first (a stable sort keeps the order of ties). */
function preferredTypes(accept: string): string[] {
  return accept
    .split(',')
    .map((entry) => {
      const [type = '', ...parameters] = entry.split(';').map((part) => part.trim());
      const q = parameters.find((parameter) => /^q=/i.test(parameter));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { type: type.toLowerCase(), weight: Number.isFinite(weight) ? weight : 0 };
    })
    .filter(({ type, weight }) => type && weight > 0)
    .sort((a, b) => b.weight - a.weight)
    .map(({ type }) => type);
}

const PAGE_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const PAGE_DESTINATIONS = new Set(['document', 'iframe', 'frame']);

/**
 * A browser loading a page (Fetch Metadata, or an Accept that prefers HTML), not an API client.
 * A Basic challenge there makes the browser ask for a password in its own dialog, and then
 * attach that password to every later request to the API, a cross-site form's included: such
 * a 401 offers Bearer only.
 */
export function isPageLoad(request: FastifyRequest): boolean {
  const headers = request.headers;
  if (headers['sec-fetch-mode'] === 'navigate') return true;
  if (PAGE_DESTINATIONS.has(headers['sec-fetch-dest'] ?? '')) return true;
  const [preferred] = preferredTypes(headers.accept ?? '');
  return preferred !== undefined && PAGE_TYPES.has(preferred);
}
