import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

/** Query parameters whose name (never their value) a log line may show. */
export const NAMED_QUERY_PARAMETERS: ReadonlySet<string> = new Set([
  'q',
  'page',
  'pageSize',
  'role',
  'disabled',
  'sort',
  'state',
  'userId',
  'type',
  'before',
  'limit',
  'scope',
  'auth_token',
]);

const WORD = /^[a-z][a-z_.:-]{0,63}$/;
const NUMBER = /^\d{1,9}$/;
const ISO_TIME = /^\d{4}-\d\d-\d\d(T[\d:.]+(Z|[+-]\d\d:?\d\d)?)?$/;
const BOOLEAN = /^(true|false)$/;

/**
 * Parameters whose value a log line may show, each with the only shape it is shown in: lower-case
 * words, numbers, times, booleans. Anything else (a token pasted into the wrong field, an encoded
 * value) is redacted like every other value.
 */
export const SHOWN_QUERY_VALUES: ReadonlyMap<string, RegExp> = new Map([
  ['limit', NUMBER],
  ['page', NUMBER],
  ['pageSize', NUMBER],
  ['state', WORD],
  ['type', WORD],
  ['sort', WORD],
  ['bucket', WORD],
  ['range', /^\d{1,3}[hd]$/],
  ['kind', WORD],
  ['format', WORD],
  ['from', ISO_TIME],
  ['to', ISO_TIME],
  ['before', ISO_TIME],
  ['disabled', BOOLEAN],
  ['neverExpires', BOOLEAN],
  ['expiresWithinDays', NUMBER],
  ['unusedForDays', NUMBER],
]);

/** Token prefixes a shown value may never start with, however harmless its shape. */
const TOKEN_LIKE = /^(lk[a-z]?_|eyJ)/;

const PATH_MAX = 512;
const USER_AGENT_MAX = 256;
const REDACTED = '[redacted]';

/** What a request log line holds: this allow-list and nothing else (SPEC "Conventions"). */
export interface RequestLogLine {
  reqId: string;
  method: string;
  route: string | undefined;
  path: string;
  status: number;
  durationMs: number;
  userId: string | undefined;
  credential: string | undefined;
  ip: string;
  userAgent: string | undefined;
}

function decodedName(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * The URL as logged: the path, then every query value replaced but the harmless ones
 * (SHOWN_QUERY_VALUES). A parameter's name is shown only when it decodes to one of the API's own
 * names, so a token sent as a name is not written either, however it is percent-encoded.
 */
export function loggedPath(url: string): string {
  const mark = url.indexOf('?');
  const path = mark < 0 ? url : url.slice(0, mark);
  const shown = path.length > PATH_MAX ? `${path.slice(0, PATH_MAX)}…` : path;
  if (mark < 0) return shown;
  const pairs = url
    .slice(mark + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = decodedName(equals < 0 ? pair : pair.slice(0, equals));
      const value = equals < 0 ? '' : pair.slice(equals + 1);
      if (name === undefined) return REDACTED;
      if (SHOWN_QUERY_VALUES.get(name)?.test(value) && !TOKEN_LIKE.test(value)) {
        return `${name}=${value}`;
      }
      return NAMED_QUERY_PARAMETERS.has(name) || SHOWN_QUERY_VALUES.has(name)
        ? `${name}=${REDACTED}`
        : REDACTED;
    });
  return `${shown}?${pairs.join('&')}`;
}

export function requestLogLine(request: FastifyRequest, reply: FastifyReply): RequestLogLine {
  const userAgent = request.headers['user-agent'];
  return {
    reqId: request.id,
    method: request.method,
    route: request.routeOptions?.url,
    path: loggedPath(request.url),
    status: reply.statusCode,
    durationMs: Math.round(reply.elapsedTime * 10) / 10,
    userId: request.principal?.user.id,
    credential: request.principal?.method,
    ip: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, USER_AGENT_MAX) : undefined,
  };
}

/** One line per request, written when the response is sent; never a copy of the headers. */
export function logRequest(logger: Logger, request: FastifyRequest, reply: FastifyReply): void {
  const status = reply.statusCode;
  const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  logger[level](requestLogLine(request, reply), 'request completed');
}
