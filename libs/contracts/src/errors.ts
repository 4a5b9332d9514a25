import { z } from 'zod';

/** Machine-readable `code` of every problem+json body (RFC 9457) the API returns. */
export const ERROR_CODES = [
  'invalid_credentials',
  'invalid_token',
  'insufficient_scope',
  'forbidden',
  'validation_failed',
  'rate_limited',
  'invalid_grant',
  'invalid_request',
  'not_found',
  'conflict',
  'unavailable',
  'restricted_by_admin',
  'internal_error',
  'reauthentication_required',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const validationIssueSchema = z.object({
  field: z.string(),
  message: z.string(),
});

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.enum(ERROR_CODES),
  errors: z.array(validationIssueSchema).optional(),
  /** With `reauthentication_required`: the proofs that would do (POST /auth/reauthenticate). */
  methods: z.array(z.enum(['password', 'totp', 'passkey'])).optional(),
});

export type ValidationIssue = z.infer<typeof validationIssueSchema>;
export type Problem = z.infer<typeof problemSchema>;
