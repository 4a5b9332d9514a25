import { HttpException } from '@nestjs/common';
import type { ErrorCode, Problem } from '@latchkey/contracts';
import { ProblemException } from './problem.exception.js';

const TITLES: Record<ErrorCode, string> = {
  invalid_credentials: 'Unauthorized',
  invalid_token: 'Unauthorized',
  insufficient_scope: 'Insufficient scope',
  forbidden: 'Forbidden',
  validation_failed: 'Validation failed',
  rate_limited: 'Too many requests',
  invalid_grant: 'Invalid grant',
  invalid_request: 'Invalid request',
  not_found: 'Not found',
  conflict: 'Conflict',
  unavailable: 'Service unavailable',
  internal_error: 'Internal server error',
  restricted_by_admin: 'Restricted by an admin',
  reauthentication_required: 'Reauthentication required',
};

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  401: 'invalid_credentials',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  429: 'rate_limited',
  503: 'unavailable',
};

/** PostgreSQL error classes and driver messages that mean "the database is not reachable". */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P)/;
const UNAVAILABLE_MESSAGE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed|Cannot use a pool after calling end|Query read timeout/i;

export interface ProblemResponse {
  body: Problem;
  headers: Record<string, string | string[]>;
  /** The error was not expected: log it with its stack. */
  unexpected: boolean;
  /** False when a 401's challenges must leave Basic out. */
  basicChallenge?: false;
  /** False when the 401 answers a request with no credential at all. */
  credentialSent?: false;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const candidate = error as Error & { code?: unknown; severity?: unknown; driverError?: unknown };
  const code = typeof candidate.code === 'string' ? candidate.code : '';
  if (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_MESSAGE.test(code)) return true;
  // FATAL and PANIC end the session: the server would not, or could no longer, serve us.
  if (candidate.severity === 'FATAL' || candidate.severity === 'PANIC') return true;
  if (UNAVAILABLE_MESSAGE.test(error.message)) return true;
  return candidate.driverError !== undefined && isDatabaseUnavailable(candidate.driverError);
}

export function problem(status: number, code: ErrorCode, detail: string): Problem {
  return { type: `urn:latchkey:problem:${code}`, title: TITLES[code], status, detail, code };
}

/** Turns anything thrown while serving a request into a problem+json body. */
export function toProblem(error: unknown): ProblemResponse {
  if (error instanceof ProblemException) {
    const { status, code, detail, errors, headers, extensions, basicChallenge, credentialSent } =
      error.problem;
    return {
      body: { ...extensions, ...problem(status, code, detail), ...(errors ? { errors } : {}) },
      headers: headers ?? {},
      unexpected: false,
      ...(basicChallenge === false ? { basicChallenge } : {}),
      ...(credentialSent === false ? { credentialSent } : {}),
    };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      body: problem(503, 'unavailable', 'The database cannot be reached. Try again shortly.'),
      headers: { 'Retry-After': '5' },
      unexpected: false,
    };
  }
  const status = httpStatusOf(error);
  if (status !== undefined && status < 500) {
    const code = CODE_BY_STATUS[status] ?? 'invalid_request';
    return {
      body: problem(status, code, clientMessage(error, status)),
      headers: {},
      unexpected: false,
    };
  }
  return {
    body: problem(500, 'internal_error', 'Something went wrong on our side. It has been logged.'),
    headers: {},
    unexpected: true,
  };
}

function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof HttpException) return error.getStatus();
  const candidate = error as { statusCode?: unknown } | null;
  return typeof candidate?.statusCode === 'number' ? candidate.statusCode : undefined;
}

/**
 * What Fastify and Node refuse by themselves, in words of our own: their messages quote the URL
 * or the body (a JSON syntax error shows the text around it), which can hold a secret.
 */
const FRAMEWORK_MESSAGES: Record<number, string> = {
  400: 'The request is not valid: check its URL, headers and body.',
  404: 'There is nothing here.',
  408: 'The request took too long to arrive.',
  413: 'The request body is too large.',
  414: 'The URL is too long.',
  415: 'This content type is not accepted: send application/json (form-encoded on the OAuth endpoints).',
  431: 'The request headers are too large.',
};

const FRAMEWORK_CODE_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The body is not valid JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The body is empty although its content type is JSON.',
  FST_ERR_BAD_URL: 'The URL is not valid: it holds a malformed percent-encoding.',
  FST_ERR_MAX_PARAM_LENGTH: 'A path segment of the URL is too long.',
};

function clientMessage(error: unknown, status: number): string {
  // Our own exceptions say what they mean; nothing else is quoted.
  if (error instanceof HttpException && status !== 404) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && FRAMEWORK_CODE_MESSAGES[code])
    return FRAMEWORK_CODE_MESSAGES[code];
  if (error instanceof SyntaxError) return 'The body is not valid JSON.';
  return FRAMEWORK_MESSAGES[status] ?? 'The request is not valid.';
}
