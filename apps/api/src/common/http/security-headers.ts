import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { AppConfig } from '../../config/config.js';
import { DOCS_PATH } from '../openapi/openapi.js';

export type HeaderTable = Readonly<Record<string, string>>;

/** Security headers split by what they protect: every response, a document, an HTTPS one. */
export interface SecurityHeaders {
  /** Headers that matter for any response (nosniff on JSON, resource policy, framing). */
  always: HeaderTable;
  /** `always` plus the ones a browser applies to a document only (CSP and friends). */
  html: HeaderTable;
  /** Strict-Transport-Security: sent over HTTPS only (RFC 6797 §7.2). */
  https: HeaderTable;
}

const HSTS = 'strict-transport-security';

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
    const https: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (!isHelmetHeader(name) || typeof value !== 'string') continue;
      if (name === HSTS) {
        https[name] = value;
        continue;
      }
      html[name] = value;
      if (!DOCUMENT_ONLY.has(name)) always[name] = value;
    }
    return {
      always: Object.freeze(always),
      html: Object.freeze(html),
      https: Object.freeze(https),
    };
  } finally {
    await probe.close();
  }
}

/** What the probe's own reply carries besides helmet's headers. */
const NOT_HELMET = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive']);

function isHelmetHeader(name: string): boolean {
  return !NOT_HELMET.has(name);
}

/**
 * An onSend hook: the precomputed set on every response, the document-only ones on HTML, HSTS
 * on HTTPS. `headersOf` picks the set of a request (each page may have its own policy).
 */
export function sendSecurityHeaders(
  headersOf: (request: FastifyRequest) => SecurityHeaders,
  isHttps: (request: FastifyRequest) => boolean,
) {
  return function securityHeaders(
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    done: (error: Error | null, payload: unknown) => void,
  ): void {
    const headers = headersOf(request);
    const type = reply.getHeader('content-type');
    reply.headers(
      typeof type === 'string' && type.startsWith('text/html') ? headers.html : headers.always,
    );
    if (isHttps(request)) reply.headers(headers.https);
    done(null, payload);
  };
}

/** Helmet's options for a page whose scripts come from `scriptSrc`. */
function pagePolicy(scriptSrc: string[], publicUrl: string): FastifyHelmetOptions {
  return {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc,
        // Mantine sets styles inline (style elements and attributes); styles run no code.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        // No page sets a <base>: an injected one could not redirect relative script URLs.
        baseUri: ["'none'"],
        // Upgrading would break a plain-HTTP deployment such as http://localhost.
        upgradeInsecureRequests: publicUrl.startsWith('https:') ? [] : null,
      },
    },
  };
}

/**
 * The security headers of every response (an onSend hook). Pages get their own CSP: the admin
 * SPA runs scripts of this origin only (its build has no inline script; apps/admin's
 * finish-build checks it), Swagger UI at /api/docs also its inline initializer. HSTS goes on
 * HTTPS requests: the scheme a trusted proxy reports (TRUST_PROXY), or without one, PUBLIC_URL's.
 */
export async function pageSecurityHeaders(config: Pick<AppConfig, 'PUBLIC_URL' | 'TRUST_PROXY'>) {
  const [spa, docs] = await Promise.all([
    computeSecurityHeaders(pagePolicy(["'self'"], config.PUBLIC_URL)),
    computeSecurityHeaders(pagePolicy(["'self'", "'unsafe-inline'"], config.PUBLIC_URL)),
  ]);
  const docsPath = `/${DOCS_PATH}`;
  const publicHttps = config.PUBLIC_URL.startsWith('https:');
  return sendSecurityHeaders(
    (request) => (request.url === docsPath || request.url.startsWith(`${docsPath}/`) ? docs : spa),
    (request) => request.protocol === 'https' || (config.TRUST_PROXY === false && publicHttps),
  );
}
