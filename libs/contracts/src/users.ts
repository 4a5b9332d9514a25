import { z } from 'zod';
import { ROLES } from './scopes.js';

export const PASSWORD_MAX_LENGTH = 256;
export const DEFAULT_PASSWORD_MIN_LENGTH = 12;
/** API keys start with this prefix; user logins may not, so the two never collide. */
export const RESERVED_LOGIN_PREFIX = 'lk_';

/** Full-width and half-width forms (U+3000, U+FF01..U+FFEE), which RFC 8265 maps to their decomposition. */
const WIDTH_FORMS = /[\u3000\uff01-\uffee]/gu;

/**
 * The one form logins are compared in, for lookup, uniqueness and failure counters alike: RFC 8265
 * §3.3.2 UsernameCaseMapped, that is width mapping (full-width and half-width forms to their
 * compatibility decomposition), case mapping (Unicode toLowerCase) and NFC. Two spellings that
 * find the same user always give the same string, so they share one failure counter.
 */
export function normaliseLogin(login: string): string {
  return login
    .replace(WIDTH_FORMS, (char) => char.normalize('NFKC'))
    .toLowerCase()
    .normalize('NFC');
}

export const loginSchema = z
  .string()
  .trim()
  .min(1, 'Login is required')
  .max(64, 'Login is at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, 'Login may hold letters, digits, and . _ @ -')
  .refine((login) => !normaliseLogin(login).startsWith(RESERVED_LOGIN_PREFIX), {
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

/**
 * A new user: with a password, or `generatePassword: true` for one made by the server and shown
 * once in the answer; `mustChange` makes them replace it at their first sign-in.
 */
/** The fields of a new user, before the password rule (forms extend these). */
export const createUserFieldsSchema = z.object({
  login: loginSchema,
  email: emailSchema,
  displayName: optionalDisplayNameSchema,
  password: z.string().max(PASSWORD_MAX_LENGTH).optional(),
  generatePassword: z.boolean().default(false),
  mustChange: z.boolean().default(false),
  roles: z.array(roleSchema).min(1).default(['user']),
});

export const createUserSchema = createUserFieldsSchema.refine(
  (input) => (input.password === undefined) === input.generatePassword,
  {
    path: ['password'],
    message: 'Send a password, or generatePassword: true (not both)',
  },
);

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

/** A person, or a service account (no password, no browser sign-in, no second factor). */
export const USER_KINDS = ['user', 'service'] as const;
export type UserKind = (typeof USER_KINDS)[number];

export const listUsersQuerySchema = z.object({
  q: z.string().trim().max(128).optional(),
  /** People only unless asked: service accounts have their own list. */
  kind: z
    .enum([...USER_KINDS, 'all'], { error: 'kind must be user, service or all' })
    .default('user'),
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
  kind: z.enum(USER_KINDS),
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

/** POST /users: the user, and the generated password once when one was asked for. */
export const userCreatedSchema = userSchema.extend({ password: z.string().optional() });

export const meSchema = userSchema.extend({ authMethod: z.enum(AUTH_METHODS) });

export const userPageSchema = z.object({
  items: z.array(userSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});

export const createServiceAccountSchema = z.strictObject({
  login: loginSchema,
  displayName: optionalDisplayNameSchema,
  roles: z.array(roleSchema).min(1).default(['verifier']),
});

export const updateServiceAccountSchema = z
  .object({
    displayName: displayNameSchema,
    roles: z.array(roleSchema).min(1),
    disabled: z.boolean(),
  })
  .partial()
  .strict();

export type CreateServiceAccountInput = z.input<typeof createServiceAccountSchema>;
export type UpdateServiceAccountInput = z.infer<typeof updateServiceAccountSchema>;
export type CreateUserInput = z.input<typeof createUserSchema>;
export type UpdateUserInput = z.infer<typeof updateUserSchema>;
export type UpdateMeInput = z.infer<typeof updateMeSchema>;
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;
export type ResetPasswordInput = z.input<typeof resetPasswordSchema>;
export type ListUsersQuery = z.infer<typeof listUsersQuerySchema>;
export type User = z.infer<typeof userSchema>;
export type UserCreated = z.infer<typeof userCreatedSchema>;
export type Me = z.infer<typeof meSchema>;
export type UserPage = z.infer<typeof userPageSchema>;
