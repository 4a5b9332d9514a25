import { HttpException } from '@nestjs/common';
import type { ErrorCode, Scope, ValidationIssue } from '@latchkey/contracts';

export interface ProblemInit {
  status: number;
  code: ErrorCode;
  detail: string;
  errors?: ValidationIssue[];
  headers?: Record<string, string | string[]>;
  /** Extra members of the body, such as RFC 6749's `error` and `error_description`. */
  extensions?: Record<string, string | string[]>;
  /** False on a 401 from an endpoint that never takes Basic: its challenge names Bearer only. */
  basicChallenge?: false;
  /** False on a 401 to a request that sent no credential: its Bearer challenge has no error. */
  credentialSent?: false;
}

/** An error that becomes an RFC 9457 problem+json response as it is. */
export class ProblemException extends HttpException {
  constructor(readonly problem: ProblemInit) {
    super(problem.detail, problem.status);
  }
}

/** Constructors for the problems the API answers with, one per situation. */
export const Problems = {
  invalidCredentials: (detail = 'The credentials are missing, wrong, expired or revoked.') =>
    new ProblemException({ status: 401, code: 'invalid_credentials', detail }),
  /**
   * A wrong password, MFA code or refresh cookie on the browser endpoints. Its challenge names
   * Bearer only: they never take Basic, and a Basic challenge would make a browser open its own
   * login dialog over the SPA's fetch.
   */
  /** A protected route called with no credential at all. */
  noCredential: () =>
    new ProblemException({
      status: 401,
      code: 'invalid_credentials',
      detail: 'The credentials are missing, wrong, expired or revoked.',
      credentialSent: false,
    }),
  sessionRefused: (detail: string) =>
    new ProblemException({
      status: 401,
      code: 'invalid_credentials',
      detail,
      basicChallenge: false,
    }),
  forbidden: (detail = 'You are not allowed to do this.') =>
    new ProblemException({ status: 403, code: 'forbidden', detail }),
  /** The owner tried to lift what an admin put on their credential (disabled, a rate limit). */
  restrictedByAdmin: (detail: string) =>
    new ProblemException({ status: 403, code: 'restricted_by_admin', detail }),
  insufficientScope: (missing: Scope[]) =>
    new ProblemException({
      status: 403,
      code: 'insufficient_scope',
      detail: `This credential lacks the scope ${missing.join(' ')}.`,
      headers: {
        'WWW-Authenticate': `Bearer realm="latchkey", error="insufficient_scope", scope="${missing.join(' ')}"`,
      },
    }),
  validation: (errors: ValidationIssue[], detail = 'The request is not valid.') =>
    new ProblemException({ status: 400, code: 'validation_failed', detail, errors }),
  invalidRequest: (detail: string) =>
    new ProblemException({ status: 400, code: 'invalid_request', detail }),
  unsupportedMediaType: (detail: string) =>
    new ProblemException({ status: 415, code: 'invalid_request', detail }),
  notFound: (detail = 'There is nothing here.') =>
    new ProblemException({ status: 404, code: 'not_found', detail }),
  /**
   * A sensitive action asked of a session that has not proved its user recently: prove it again
   * with one of `methods` (POST /api/v1/auth/reauthenticate), then retry. The challenge is RFC
   * 9470's step-up error, Bearer only so that a browser opens no Basic dialog.
   */
  reauthenticationRequired: (methods: string[], maxAgeSeconds: number, detail?: string) =>
    new ProblemException({
      status: 401,
      code: 'reauthentication_required',
      detail:
        detail ??
        'This needs you to prove it is you again: your password, an authenticator code or a passkey.',
      extensions: { methods },
      headers: {
        'WWW-Authenticate': `Bearer realm="latchkey", error="insufficient_user_authentication", error_description="Recent authentication required", max_age="${maxAgeSeconds}"`,
      },
    }),
  conflict: (detail: string) => new ProblemException({ status: 409, code: 'conflict', detail }),
  rateLimited: (
    retryAfterSeconds: number,
    { detail, headers }: { detail?: string; headers?: Record<string, string> } = {},
  ) =>
    new ProblemException({
      status: 429,
      code: 'rate_limited',
      detail: detail ?? `Too many attempts. Try again in ${retryAfterSeconds} seconds.`,
      headers: { ...headers, 'Retry-After': String(retryAfterSeconds) },
    }),
  unavailable: (
    detail = 'The database cannot be reached. Try again shortly.',
    retryAfterSeconds = 5,
  ) =>
    new ProblemException({
      status: 503,
      code: 'unavailable',
      detail,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
};
