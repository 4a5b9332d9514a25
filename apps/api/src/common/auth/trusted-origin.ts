import { Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { originsOf } from '../net/loopback.js';
import { Problems } from '../problem/problem.exception.js';

/** What a request says about the page that sent it. */
type PageOrigin =
  /** Neither Origin nor Referer that is a URL: a script, curl, or a browser withholding both. */
  | { kind: 'none' }
  /** `Origin: null`: a sandboxed frame, a data: or file: page, a redirect across sites. */
  | { kind: 'opaque' }
  | { kind: 'origin'; origin: string };

/**
 * The page's origin: Origin when sent, else the origin of Referer (never its path or query).
 * `Origin: null` is an answer, not an absence: it never falls back to Referer.
 */
function pageOriginOf(request: FastifyRequest): PageOrigin {
  const { origin, referer } = request.headers;
  if (origin === 'null') return { kind: 'opaque' };
  const candidate = origin ?? referer;
  if (candidate === undefined) return { kind: 'none' };
  try {
    const { origin: parsed } = new URL(candidate);
    return parsed === 'null' ? { kind: 'opaque' } : { kind: 'origin', origin: parsed };
  } catch {
    return { kind: 'none' };
  }
}

/** Fetch Metadata (W3C): the browser's own word that another site made the request. */
function isCrossSite(request: FastifyRequest): boolean {
  return request.headers['sec-fetch-site'] === 'cross-site';
}

/** Distinct refused origins remembered so that each is logged once, not once per request. */
const REMEMBERED_ORIGINS = 1000;

/**
 * The pages that are Latchkey's own: PUBLIC_URL's origin, CORS_ORIGINS, and when PUBLIC_URL is a
 * loopback name, the same scheme and port under localhost, 127.0.0.1 and [::1]. Two rules use
 * them (README "Security choices", OWASP ASVS 5.0 3.5.1 and 3.5.2):
 *
 * - `assertOwnPage`: the endpoints that set the session cookies answer only a page of these
 *   origins (Origin, else Referer), so a cross-site form can neither ride nor plant a cookie.
 * - `assertNotForeign`: any other request is refused only when it is known to come from a
 *   foreign page (a foreign or `null` Origin, or `Sec-Fetch-Site: cross-site`); the caller
 *   decides when that matters (an unsafe method with an ambient credential).
 *
 * A foreign origin is 403, named once in a warning and in the problem's detail, so that "opened
 * at the wrong address" is visible instead of a silent sign-out.
 */
export class TrustedOrigins {
  private readonly logger = new Logger(TrustedOrigins.name);
  private readonly trusted: ReadonlySet<string>;
  private readonly publicOrigin: string;
  private readonly warned = new LRUCache<string, true>({ max: REMEMBERED_ORIGINS });

  constructor(publicUrl: string, corsOrigins: readonly string[]) {
    this.publicOrigin = new URL(publicUrl).origin;
    this.trusted = new Set([...originsOf(publicUrl), ...corsOrigins]);
  }

  get origins(): string[] {
    return [...this.trusted];
  }

  /** Requires a page of this site: no Origin or Referer, `Origin: null` or a foreign one is 403. */
  assertOwnPage(request: FastifyRequest): void {
    const page = pageOriginOf(request);
    if (page.kind === 'none') {
      throw Problems.forbidden(
        'This endpoint answers only pages of this site (Origin or Referer).',
      );
    }
    this.refuseForeign(request, page);
  }

  /** Refuses a request known to come from a foreign page; one that names no page passes. */
  assertNotForeign(request: FastifyRequest): void {
    this.refuseForeign(request, pageOriginOf(request));
  }

  private refuseForeign(request: FastifyRequest, page: PageOrigin): void {
    if (page.kind === 'opaque') {
      throw Problems.forbidden(
        'This request comes from a page without an origin (Origin: null), which this site does not answer.',
      );
    }
    if (page.kind === 'origin' && !this.trusted.has(page.origin)) throw this.foreign(page.origin);
    if (isCrossSite(request)) {
      throw Problems.forbidden(
        'This request comes from another site (Sec-Fetch-Site: cross-site).',
      );
    }
  }

  private foreign(origin: string) {
    if (!this.warned.has(origin)) {
      this.warned.set(origin, true);
      this.logger.warn(
        `Refused a browser request from ${origin}: PUBLIC_URL is ${this.publicOrigin}. ` +
          'Open the SPA at PUBLIC_URL, or add that origin to CORS_ORIGINS.',
      );
    }
    return Problems.forbidden(
      `This page was opened at ${origin}, but PUBLIC_URL is ${this.publicOrigin}: ` +
        `open it at ${this.publicOrigin}, or add ${origin} to CORS_ORIGINS.`,
    );
  }
}
