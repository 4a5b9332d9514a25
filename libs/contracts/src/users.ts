import { z } from 'zod';
import { ROLES } from './scopes.js';

export const PASSWORD_MAX_LENGTH = 256;
export const DEFAULT_PASSWORD_MIN_LENGTH = 12;
/** API keys start with this prefix; user logins may not, so the two never collide. */
export const RESERVED_LOGIN_PREFIX = 'lk_';

export const loginSchema = z
  .string()
  .trim()
  .min(1, 'Login is required')
  .max(64, 'Login is at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, 'Login may hold letters, digits, and . _ @ -')
  .refine((login) => !login.toLowerCase().startsWith(RESERVED_LOGIN_PREFIX), {
    message: `Login may not start with ${RESERVED_LOGIN_PREFIX}`,
  });

export const emailSchema = z
  .string()
  .trim()
  .min(1, 'Email is required')
  .pipe(z.email('Email is not a valid address').max(254, 'Email is at most 254 characters'));
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'Name is required')
  .max(128, 'Name is at most 128 characters');
/** An optional name: left empty (or blank) it is absent, and the server uses the login. */
export const optionalDisplayNameSchema = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  displayNameSchema.optional(),
);
export const roleSchema = z.enum(ROLES);

export function passwordSchema(minLength = DEFAULT_PASSWORD_MIN_LENGTH) {
  return z
    .string()
    .min(minLength, `Password must be at least ${minLength} characters`)
    .max(PASSWORD_MAX_LENGTH, `Password must be at most ${PASSWORD_MAX_LENGTH} characters`);
}

export const createUserSchema = z.object({
  login: loginSchema,
  email: emailSchema,
  displayName: optionalDisplayNameSchema,
  password: z.string().max(PASSWORD_MAX_LENGTH),
  roles: z.array(roleSchema).min(1).default(['user']),
});

export const updateUserSchema = z
  .object({
    email: emailSchema,
    displayName: displayNameSchema,
    roles: z.array(roleSchema).min(1),
    disabled: z.boolean(),
  })
  .partial()
  .strict();

export const updateMeSchema = z
  .object({ email: emailSchema, displayName: displayNameSchema })
  .partial()
  .strict();

/**
 * Whether a password change ends every credential of the user too (PATs, the account token, API
 * keys and their exchanged tokens, opaque tokens), not only the sessions (ASVS 5.0 7.4.3).
 */
const revokeCredentials = z.boolean().default(true);

export const changePasswordSchema = z.object({
  currentPassword: z.string().max(PASSWORD_MAX_LENGTH),
  newPassword: z.string().max(PASSWORD_MAX_LENGTH),
  revokeCredentials,
});

/** An admin sets a user's password; with mustChange the user has to replace it at next sign-in. */
export const resetPasswordSchema = z.object({
  newPassword: z.string().max(PASSWORD_MAX_LENGTH),
  mustChange: z.boolean().default(false),
  revokeCredentials,
});

/** Sort keys of the user list; a leading '-' sorts newest / last first. */
export const USER_SORTS = [
  'login',
  '-login',
  'createdAt',
  '-createdAt',
  'lastLoginAt',
  '-lastLoginAt',
] as const;
export type UserSort = (typeof USER_SORTS)[number];

export const listUsersQuerySchema = z.object({
  q: z.string().trim().max(128).optional(),
  role: roleSchema.optional(),
  disabled: z
    .enum(['true', 'false'], { error: 'disabled must be true or false' })
    .transform((value) => value === 'true')
    .optional(),
  sort: z.enum(USER_SORTS).default('login'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const AUTH_METHODS = [
  'session',
  'basic',
  'personal_access_token',
  'api_token',
  'api_key',
  'exchanged',
  'opaque',
] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export const userSchema = z.object({
  id: z.uuid(),
  login: z.string(),
  email: z.string(),
  displayName: z.string(),
  roles: z.array(roleSchema),
  mfaEnabled: z.boolean(),
  disabled: z.boolean(),
  /** Set by an admin's password reset until the user picks a new password. */
  passwordChangeRequired: z.boolean(),
  lastLoginAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const meSchema = userSchema.extend({ authMethod: z.enum(AUTH_METHODS) });

export const userPageSchema = z.object({
  items: z.array(userSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});

export type CreateUserInput = z.input<typeof createUserSchema>;
export type UpdateUserInput = z.infer<typeof updateUserSchema>;
export type UpdateMeInput = z.infer<typeof updateMeSchema>;
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;
export type ResetPasswordInput = z.input<typeof resetPasswordSchema>;
export type ListUsersQuery = z.infer<typeof listUsersQuerySchema>;
export type User = z.infer<typeof userSchema>;
export type Me = z.infer<typeof meSchema>;
export type UserPage = z.infer<typeof userPageSchema>;
