import { Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { originsOf } from '../net/loopback.js';
import { Problems } from '../problem/problem.exception.js';

/** The page's origin: Origin, else the origin of Referer (never its path or query). */
function originOf(request: FastifyRequest): string | null {
  const origin = request.headers.origin;
  const candidate = origin && origin !== 'null' ? origin : request.headers.referer;
  if (!candidate) return null;
  try {
    const { origin: parsed } = new URL(candidate);
    return parsed === 'null' ? null : parsed;
  } catch {
    return null;
  }
}

/** Distinct refused origins remembered so that each is logged once, not once per request. */
const REMEMBERED_ORIGINS = 1000;

/**
 * Cookie-authenticated endpoints answer only pages of Latchkey's own origins (Origin, else
 * Referer): a cross-site form or script cannot ride the cookie. PUBLIC_URL's origin, CORS_ORIGINS,
 * and when PUBLIC_URL is a loopback name, the same scheme and port under localhost, 127.0.0.1
 * and [::1]. Anything else is 403, named once in a warning and in the problem's detail, so that
 * "opened at the wrong address" is visible instead of a silent sign-out.
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

  assert(request: FastifyRequest): void {
    const origin = originOf(request);
    if (!origin) {
      throw Problems.forbidden(
        'This endpoint answers only pages of this site (Origin or Referer).',
      );
    }
    if (this.trusted.has(origin)) return;
    if (!this.warned.has(origin)) {
      this.warned.set(origin, true);
      this.logger.warn(
        `Refused a browser session request from ${origin}: PUBLIC_URL is ${this.publicOrigin}. ` +
          'Open the SPA at PUBLIC_URL, or add that origin to CORS_ORIGINS.',
      );
    }
    throw Problems.forbidden(
      `This page was opened at ${origin}, but PUBLIC_URL is ${this.publicOrigin}: ` +
        `open it at ${this.publicOrigin}, or add ${origin} to CORS_ORIGINS.`,
    );
  }
}
