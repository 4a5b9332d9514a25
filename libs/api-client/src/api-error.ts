import { ERROR_CODES, type ErrorCode, type Problem, problemSchema } from '@latchkey/contracts';

/** A non-2xx answer of the API, carrying its problem+json body (RFC 9457). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly headers: Headers = new Headers(),
  ) {
    super(problem.detail);
  }

  get code(): ErrorCode {
    return this.problem.code;
  }

  /** Validation messages by field name (`validation_failed` answers list them in `errors`). */
  fieldErrors(): Record<string, string> {
    const errors: Record<string, string> = {};
    for (const issue of this.problem.errors ?? []) errors[issue.field] ??= issue.message;
    return errors;
  }
}

/** The API answered 2xx with a body that does not match the contract. */
export class ApiContractError extends Error {
  override readonly name = 'ApiContractError';

  constructor(
    readonly method: string,
    readonly path: string,
    readonly issues: string,
  ) {
    super(`${method} ${path} answered a body that does not match the contract: ${issues}`);
  }
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'invalid_request',
  401: 'invalid_credentials',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  429: 'rate_limited',
  503: 'unavailable',
};

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * The problem a failed response describes. Bodies that are not problem+json (a proxy's HTML
 * error page, an empty 502) still become a problem, so callers handle one shape.
 */
export function problemFrom(status: number, statusText: string, body: unknown): Problem {
  const parsed = problemSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const partial = (typeof body === 'object' && body !== null ? body : {}) as Partial<
    Record<keyof Problem, unknown>
  >;
  const title = typeof partial.title === 'string' ? partial.title : statusText || 'Request failed';
  return {
    type: typeof partial.type === 'string' ? partial.type : 'about:blank',
    title,
    status,
    detail:
      typeof partial.detail === 'string'
        ? partial.detail
        : `The server answered ${status}${statusText ? ` ${statusText}` : ''}.`,
    code: isErrorCode(partial.code) ? partial.code : (CODE_BY_STATUS[status] ?? 'internal_error'),
  };
}

/** The request never got an answer (server down, network gone). */
export function networkProblem(error: unknown): Problem {
  return {
    type: 'about:blank',
    title: 'Network error',
    status: 0,
    detail: `Latchkey could not be reached${error instanceof Error ? `: ${error.message}` : '.'}`,
    code: 'unavailable',
  };
}
