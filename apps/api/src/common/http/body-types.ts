import type { FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { API_PREFIX } from '../auth/route-catalog.js';
import { Problems } from '../problem/problem.exception.js';

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
/** RFC 6749 §4.4.2, RFC 7009 §2.1 and RFC 7662 §2.1 send their requests form-encoded. */
const FORM_ROUTES = `/${API_PREFIX}/oauth/`;
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The media type of a Content-Type header, lower-cased and without its parameters. */
function mediaTypeOf(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * JSON bodies everywhere, form bodies only on the OAuth endpoints: anything else is 415 before
 * it is parsed. A form is what an HTML page on any site can post without asking (no CORS
 * preflight); refusing it where no RFC needs it takes that route away from cross-site forgery.
 * An unmatched route is left to its 404.
 */
export function refuseOtherBodyTypes(
  request: FastifyRequest,
  _reply: unknown,
  done: HookHandlerDoneFunction,
): void {
  const contentType = request.headers['content-type'];
  if (contentType === undefined || BODYLESS_METHODS.has(request.method) || request.is404)
    return done();
  const type = mediaTypeOf(contentType);
  if (type === JSON_TYPE) return done();
  const formAccepted = request.routeOptions.url?.startsWith(FORM_ROUTES) ?? false;
  if (type === FORM_TYPE && formAccepted) return done();
  done(
    Problems.unsupportedMediaType(
      formAccepted
        ? `This endpoint takes ${JSON_TYPE} or ${FORM_TYPE}, not ${type || 'an empty type'}.`
        : `This endpoint takes ${JSON_TYPE}, not ${type || 'an empty type'}.`,
    ),
  );
}
