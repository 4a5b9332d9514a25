import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';

export type HeaderTable = Readonly<Record<string, string>>;

/** Security headers split by what they protect: every response, or a document only. */
export interface SecurityHeaders {
  /** Headers that matter for any response (nosniff on JSON, HSTS, resource policy, framing). */
  always: HeaderTable;
  /** `always` plus the ones a browser applies to a document only (CSP and friends). */
  html: HeaderTable;
}

/**
 * Headers a browser applies only when it renders the response as a page: a policy for scripts,
 * window opening, process isolation, legacy XSS and download behaviour. An API's JSON is never
 * rendered, so they stay off it.
 */
const DOCUMENT_ONLY = new Set([
  'content-security-policy',
  'cross-origin-opener-policy',
  'origin-agent-cluster',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-xss-protection',
]);

/**
 * Asks @fastify/helmet once, at start-up, which headers its options produce: a throwaway
 * Fastify answers one request and the headers helmet set are kept. Helmet stays the one source
 * of the values, while a response costs one `reply.headers()` instead of helmet's per-request
 * rebuild of every header (19% of the CPU of /healthz).
 */
export async function computeSecurityHeaders(
  options: FastifyHelmetOptions,
): Promise<SecurityHeaders> {
  const probe = Fastify();
  try {
    await probe.register(helmet, options);
    probe.get('/', (_request, reply) => reply.type('text/html').send(''));
    const response = await probe.inject({ method: 'GET', url: '/' });
    const always: Record<string, string> = {};
    const html: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (!isHelmetHeader(name) || typeof value !== 'string') continue;
      html[name] = value;
      if (!DOCUMENT_ONLY.has(name)) always[name] = value;
    }
    return { always: Object.freeze(always), html: Object.freeze(html) };
  } finally {
    await probe.close();
  }
}

/** What the probe's own reply carries besides helmet's headers. */
const NOT_HELMET = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive']);

function isHelmetHeader(name: string): boolean {
  return !NOT_HELMET.has(name);
}

/** An onSend hook: the precomputed set on every response, the document-only ones on HTML. */
export function sendSecurityHeaders(headers: SecurityHeaders) {
  return function securityHeaders(
    _request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    done: (error: Error | null, payload: unknown) => void,
  ): void {
    const type = reply.getHeader('content-type');
    reply.headers(
      typeof type === 'string' && type.startsWith('text/html') ? headers.html : headers.always,
    );
    done(null, payload);
  };
}
