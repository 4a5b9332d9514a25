/**
 * Every kind of JWT Latchkey issues, told apart by the `typ` header (RFC 8725 §3.11) and, for the
 * MFA step, by its audience too, so that one kind is never accepted where another is expected.
 */
export const JWT_KINDS = {
  /** Session access token (RFC 9068). */
  access: 'at+jwt',
  /** Between the password and the TOTP step of a login; good for nothing else. */
  mfa: 'lk-mfa+jwt',
  personalAccessToken: 'lk-pat+jwt',
  accountToken: 'lk-account+jwt',
  /** Issued by POST /sessions and /oauth/token for an API key. */
  exchanged: 'lk-exchange+jwt',
} as const;

export type JwtKind = keyof typeof JWT_KINDS;
