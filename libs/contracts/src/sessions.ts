import { z } from 'zod';
import { authenticationResponseSchema } from './passkeys.js';
import { PASSWORD_MAX_LENGTH, userSchema } from './users.js';

/** Name of the refresh-token cookie, scoped to the auth endpoints. */
export const REFRESH_COOKIE = 'lk_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/auth';

export const passwordLoginSchema = z.object({
  login: z.string().trim().min(1, 'Login is required').max(254),
  password: z.string().min(1, 'Password is required').max(PASSWORD_MAX_LENGTH),
});

/** A TOTP code (6 digits) or a recovery code (xxxxx-xxxxx). */
export const mfaCodeSchema = z
  .string()
  .trim()
  .min(6, 'Enter the 6-digit code or a recovery code')
  .max(32, 'Enter the 6-digit code or a recovery code');

/** The second login step: a TOTP or recovery code, or a passkey assertion (exactly one). */
export const mfaLoginSchema = z
  .object({
    mfa_token: z.string().min(1).max(2048),
    code: mfaCodeSchema.optional(),
    passkey: authenticationResponseSchema.optional(),
  })
  .refine((body) => (body.code === undefined) !== (body.passkey === undefined), {
    message: 'Send either a code or a passkey',
    path: ['code'],
  });

/** The second factors a user can complete the MFA step with. */
export const MFA_METHODS = ['totp', 'passkey', 'recovery_code'] as const;
export type MfaMethod = (typeof MFA_METHODS)[number];

/** How a session was signed in, in order: `password` then its second factor, or `passkey`. */
export const SIGN_IN_METHODS = ['password', 'totp', 'recovery_code', 'passkey'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

export const accessTokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  user: userSchema,
  /** Present after an admin's reset: this session may only change the password until it is. */
  password_change_required: z.literal(true).optional(),
});

export const mfaChallengeSchema = z.object({
  mfa_required: z.literal(true),
  mfa_token: z.string(),
  expires_in: z.number().int(),
  methods: z.array(z.enum(MFA_METHODS)),
});

export const loginResponseSchema = z.union([accessTokenResponseSchema, mfaChallengeSchema]);

export const sessionSchema = z.object({
  id: z.uuid(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  /** How it was signed in; empty for sessions from before this was recorded. */
  signInMethods: z.array(z.enum(SIGN_IN_METHODS)),
  current: z.boolean(),
});

export const sessionListSchema = z.object({ items: z.array(sessionSchema) });

export const revokedSessionsSchema = z.object({ revoked: z.number().int() });

export const totpSetupSchema = z.object({ secret: z.string(), otpauthUri: z.string() });
export const totpEnableSchema = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app'),
});
export const recoveryCodesSchema = z.object({ recoveryCodes: z.array(z.string()) });
export const totpDisableSchema = z.object({
  password: z.string().min(1, 'Password is required').max(PASSWORD_MAX_LENGTH),
});

/** The proofs of recent authentication (step-up): the password or an existing factor. */
export const REAUTH_METHODS = ['password', 'totp', 'passkey'] as const;
export type ReauthMethod = (typeof REAUTH_METHODS)[number];

/** POST /auth/reauthenticate: exactly one proof, the password, a TOTP code or a passkey assertion. */
export const reauthenticateSchema = z
  .object({
    password: z.string().min(1, 'Password is required').max(PASSWORD_MAX_LENGTH).optional(),
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app')
      .optional(),
    passkey: authenticationResponseSchema.optional(),
  })
  .refine(
    (body) =>
      [body.password, body.code, body.passkey].filter((proof) => proof !== undefined).length === 1,
    { message: 'Send one of password, code or passkey', path: ['password'] },
  );

export const reauthenticatedSchema = z.object({
  /** Until when sensitive actions are open to this session without another proof. */
  reauthenticatedUntil: z.iso.datetime(),
});

export type PasswordLoginInput = z.infer<typeof passwordLoginSchema>;
export type MfaLoginInput = z.infer<typeof mfaLoginSchema>;
export type AccessTokenResponse = z.infer<typeof accessTokenResponseSchema>;
export type MfaChallenge = z.infer<typeof mfaChallengeSchema>;
export type LoginResponse = z.infer<typeof loginResponseSchema>;
export type Session = z.infer<typeof sessionSchema>;
export type SessionList = z.infer<typeof sessionListSchema>;
export type RevokedSessions = z.infer<typeof revokedSessionsSchema>;
export type TotpSetup = z.infer<typeof totpSetupSchema>;
export type TotpEnableInput = z.infer<typeof totpEnableSchema>;
export type RecoveryCodes = z.infer<typeof recoveryCodesSchema>;
export type TotpDisableInput = z.infer<typeof totpDisableSchema>;
export type ReauthenticateInput = z.infer<typeof reauthenticateSchema>;
export type Reauthenticated = z.infer<typeof reauthenticatedSchema>;
