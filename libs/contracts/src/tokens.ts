import { z } from 'zod';
import { ROLES, SCOPES } from './scopes.js';
import { AUTH_METHODS } from './users.js';

/** Prefixes that tell a secret scanner (and the server) what a token is before any lookup. */
export const TOKEN_PREFIXES = {
  apiKey: 'lk_',
  apiSecret: 'lks_',
  opaque: 'lkt_',
  refresh: 'lkr_',
} as const;

export const scopeSchema = z.enum(SCOPES);
const scopeListSchema = z
  .array(scopeSchema)
  .min(1, 'Pick at least one scope')
  .transform((scopes) => [...new Set(scopes)]);
export const tokenNameSchema = z.string().trim().min(1, 'Name is required').max(100);

/** Which credentials a list shows: live ones (the default), revoked or expired ones, or both. */
export const CREDENTIAL_STATES = ['active', 'inactive', 'all'] as const;
export type CredentialState = (typeof CREDENTIAL_STATES)[number];
/** The most items one page of a credential list holds (and its default). */
export const CREDENTIAL_PAGE_SIZE_MAX = 100;
export const credentialListQuerySchema = z.object({
  state: z
    .enum(CREDENTIAL_STATES, { error: 'state must be active, inactive or all' })
    .default('active'),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(CREDENTIAL_PAGE_SIZE_MAX)
    .default(CREDENTIAL_PAGE_SIZE_MAX),
});

/** Where a page of a credential list stands: its number, its size, and how many there are. */
const pageFields = {
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
};

/** Why a credential stopped working. */
export const REVOKED_REASONS = [
  'revoked',
  'rotated',
  'leaked',
  'expired',
  'user_disabled',
] as const;
export type RevokedReason = (typeof REVOKED_REASONS)[number];

/** At most `requests` requests in any `perSeconds` window (per credential). */
export const rateLimitSchema = z.object({
  requests: z.number().int().min(1).max(1_000_000),
  perSeconds: z.number().int().min(1).max(86_400),
});

/** The longest a rotated credential may keep working beside its successor: 7 days. */
export const MAX_OVERLAP_SECONDS = 604_800;
const overlapSecondsSchema = z
  .number()
  .int()
  .min(0)
  .max(MAX_OVERLAP_SECONDS, `overlapSeconds may be at most ${MAX_OVERLAP_SECONDS} (7 days)`)
  .default(0);

/** What every credential list item says about its state. */
const lifecycleFields = {
  disabled: z.boolean(),
  /** When it stopped, or (a rotated credential in its overlap) when it will stop. */
  revokedAt: z.iso.datetime().nullable(),
  revokedReason: z.enum(REVOKED_REASONS).nullable(),
};

/** PATCH of a PAT or an API key: at least one of these. */
export const updateCredentialSchema = z
  .object({
    name: tokenNameSchema.optional(),
    disabled: z.boolean().optional(),
    rateLimit: rateLimitSchema.nullable().optional(),
  })
  .refine((input) => Object.keys(input).length > 0, 'Send name, disabled or rateLimit');

export const rotatePersonalAccessTokenSchema = z.object({
  expiresAt: z.iso
    .datetime({ offset: true, error: 'expiresAt must be an ISO 8601 date-time or null' })
    .nullable()
    .optional(),
  overlapSeconds: overlapSecondsSchema,
});

export const rotateApiKeySecretSchema = z.object({ overlapSeconds: overlapSecondsSchema });

/** POST /credentials/revoke: anything found, of any kind; the answer never says what was. */
export const revokeCredentialsSchema = z.object({
  credentials: z
    .array(z.string().min(1).max(8192))
    .min(1, 'Send at least one credential')
    .max(1000, 'Send at most 1000 credentials at once'),
});

export const createPersonalAccessTokenSchema = z.object({
  name: tokenNameSchema,
  scopes: scopeListSchema,
  expiresAt: z.iso
    .datetime({ offset: true, error: 'expiresAt must be an ISO 8601 date-time or null' })
    .nullable(),
  rateLimit: rateLimitSchema.nullable().default(null),
});

export const personalAccessTokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  scopes: z.array(scopeSchema),
  expiresAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  lastUsedIp: z.string().nullable(),
  rateLimit: rateLimitSchema.nullable(),
  ...lifecycleFields,
});

export const personalAccessTokenCreatedSchema = personalAccessTokenSchema
  .pick({ id: true, name: true, scopes: true, expiresAt: true, createdAt: true, rateLimit: true })
  .extend({ token: z.string() });

export const personalAccessTokenListSchema = z.object({
  items: z.array(personalAccessTokenSchema),
  ...pageFields,
});

export const apiTokenStateSchema = z.object({
  enabled: z.boolean(),
  createdAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
});

export const apiTokenCreatedSchema = z.object({ token: z.string(), createdAt: z.iso.datetime() });

export const createApiKeySchema = z.object({
  name: tokenNameSchema,
  scopes: scopeListSchema,
  rateLimit: rateLimitSchema.nullable().default(null),
});

export const apiKeySchema = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  name: z.string(),
  apiKey: z.string(),
  scopes: z.array(scopeSchema),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  secretRotatedAt: z.iso.datetime().nullable(),
  /** Until then the secret before the last rotation keeps working too (null: it stopped). */
  previousSecretExpiresAt: z.iso.datetime().nullable(),
  rateLimit: rateLimitSchema.nullable(),
  ...lifecycleFields,
});

export const apiKeyCreatedSchema = apiKeySchema
  .pick({ id: true, name: true, apiKey: true, scopes: true, createdAt: true, rateLimit: true })
  .extend({ apiSecret: z.string() });

export const apiKeySecretSchema = z.object({ apiKey: z.string(), apiSecret: z.string() });
export const apiKeyListSchema = z.object({ items: z.array(apiKeySchema), ...pageFields });

export const sessionExchangeSchema = z.object({
  type: z.literal('api-key', { error: 'type must be "api-key"' }),
  key: z.string().min(1).max(256),
  secret: z.string().min(1).max(256),
});

/** RFC 6749 §5.1 token response of the machine token endpoints and the opaque-token endpoint. */
export const tokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  scope: z.string().optional(),
});

/** RFC 7662 §2.2. */
export const introspectionResponseSchema = z.object({
  active: z.boolean(),
  sub: z.string().optional(),
  username: z.string().optional(),
  scope: z.string().optional(),
  exp: z.number().int().optional(),
  iat: z.number().int().optional(),
  token_type: z.string().optional(),
  client_id: z.string().optional(),
  /** RFC 8693 §4.1: the admin acting through the token, when it is not its subject. */
  act: z.object({ sub: z.string() }).optional(),
  /** Latchkey's own member: which kind of credential the token is. */
  auth_method: z.enum(AUTH_METHODS).optional(),
});

/**
 * RFC 6749 §4.4.2 client_credentials request, as form fields or JSON; the client authenticates
 * with Basic client_id:client_secret or with these fields (the API key and its secret).
 */
export const clientCredentialsRequestSchema = z.object({
  grant_type: z.string().max(64).optional(),
  client_id: z.string().max(256).optional(),
  client_secret: z.string().max(256).optional(),
  /** Space-separated scopes to narrow the token to. */
  scope: z.string().max(1024).optional(),
});

/** RFC 7662 §2.1 and RFC 7009 §2.1: the token to introspect or revoke. */
export const tokenRequestSchema = z.object({
  token: z.string().min(1, 'token is required').max(8192),
  token_type_hint: z.string().max(64).optional(),
  /** client_secret_post (RFC 6749 §2.3.1), as on the token endpoint. */
  client_id: z.string().max(256).optional(),
  client_secret: z.string().max(256).optional(),
});

/** GET /auth/verify: the caller, also sent as X-Auth-* headers for a reverse proxy. */
export const forwardAuthSchema = z.object({
  id: z.uuid(),
  login: z.string(),
  roles: z.array(z.enum(ROLES)),
  scopes: z.array(scopeSchema),
  authMethod: z.enum(AUTH_METHODS),
});

export type RateLimit = z.infer<typeof rateLimitSchema>;
export type CredentialListQuery = z.infer<typeof credentialListQuerySchema>;
export type UpdateCredentialInput = z.infer<typeof updateCredentialSchema>;
export type RotatePersonalAccessTokenInput = z.input<typeof rotatePersonalAccessTokenSchema>;
export type RotateApiKeySecretInput = z.input<typeof rotateApiKeySecretSchema>;
export type RevokeCredentialsInput = z.infer<typeof revokeCredentialsSchema>;
export type CreatePersonalAccessTokenInput = z.input<typeof createPersonalAccessTokenSchema>;
export type PersonalAccessToken = z.infer<typeof personalAccessTokenSchema>;
export type PersonalAccessTokenCreated = z.infer<typeof personalAccessTokenCreatedSchema>;
export type PersonalAccessTokenList = z.infer<typeof personalAccessTokenListSchema>;
export type ApiTokenState = z.infer<typeof apiTokenStateSchema>;
export type ApiTokenCreated = z.infer<typeof apiTokenCreatedSchema>;
export type CreateApiKeyInput = z.input<typeof createApiKeySchema>;
export type ApiKey = z.infer<typeof apiKeySchema>;
export type ApiKeyCreated = z.infer<typeof apiKeyCreatedSchema>;
export type ApiKeySecret = z.infer<typeof apiKeySecretSchema>;
export type ApiKeyList = z.infer<typeof apiKeyListSchema>;
export type SessionExchangeInput = z.infer<typeof sessionExchangeSchema>;
export type TokenResponse = z.infer<typeof tokenResponseSchema>;
export type IntrospectionResponse = z.infer<typeof introspectionResponseSchema>;
export type ClientCredentialsRequest = z.infer<typeof clientCredentialsRequestSchema>;
export type TokenRequest = z.infer<typeof tokenRequestSchema>;
export type ForwardAuth = z.infer<typeof forwardAuthSchema>;
