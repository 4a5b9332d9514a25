import { z } from 'zod';
import { REVOKED_REASONS, CREDENTIAL_STATES, rateLimitSchema, scopeSchema } from './tokens.js';

/** Every kind of stored credential. */
export const CREDENTIAL_KINDS = [
  'personal_access_token',
  'account_token',
  'api_key',
  'opaque_token',
] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

const isoDateTime = (name: string) =>
  z.iso.datetime({ offset: true, error: `${name} must be an ISO 8601 date-time` });

export const USAGE_BUCKETS = ['hour', 'day'] as const;
export type UsageBucket = (typeof USAGE_BUCKETS)[number];
/** The longest range a usage series may span, in days (usage is kept about as long). */
export const MAX_USAGE_RANGE_DAYS = 90;

/** GET …/usage: default the last 7 days, hourly for at most 2 days, else daily. */
export const usageQuerySchema = z.object({
  from: isoDateTime('from').optional(),
  to: isoDateTime('to').optional(),
  bucket: z.enum(USAGE_BUCKETS, { error: 'bucket must be hour or day' }).optional(),
});

export const usagePointSchema = z.object({ at: z.iso.datetime(), count: z.number().int() });

/** Verifications per bucket, every bucket of the range present (zero when unused). */
export const usageSeriesSchema = z.object({
  bucket: z.enum(USAGE_BUCKETS),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  points: z.array(usagePointSchema),
});

export const OVERVIEW_RANGES = ['24h', '7d', '30d'] as const;
export type OverviewRange = (typeof OVERVIEW_RANGES)[number];
export const overviewQuerySchema = z.object({
  range: z.enum(OVERVIEW_RANGES, { error: 'range must be 24h, 7d or 30d' }).default('24h'),
});

export const overviewPointSchema = z.object({
  at: z.iso.datetime(),
  signIns: z.number().int(),
  failedSignIns: z.number().int(),
  rateLimited: z.number().int(),
  /** Verified requests by credential kind (and `session`, `basic`, `exchanged`). */
  verifications: z.record(z.string(), z.number().int()),
});

export const overviewSchema = z.object({
  range: z.enum(OVERVIEW_RANGES),
  bucket: z.enum(USAGE_BUCKETS),
  series: z.array(overviewPointSchema),
  counts: z.object({
    liveByKind: z.record(z.string(), z.number().int()),
    expiringWithin7Days: z.number().int(),
    neverExpiring: z.number().int(),
    unusedFor90Days: z.number().int(),
    securityEvents24h: z.number().int(),
  }),
});

const booleanParam = (name: string) =>
  z
    .enum(['true', 'false'], { error: `${name} must be true or false` })
    .transform((v) => v === 'true');
const daysParam = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number of days` })
    .int(`${name} must be a whole number of days`)
    .min(0, `${name} must be 0 or more`)
    .max(36_500, `${name} must be at most 36500`);

/** Filters of the credential inventory and its export. */
export const credentialInventoryFilterSchema = z.object({
  kind: z
    .enum(CREDENTIAL_KINDS, { error: `kind must be one of ${CREDENTIAL_KINDS.join(', ')}` })
    .optional(),
  ownerId: z.uuid('ownerId must be a UUID').optional(),
  /** Credentials granted this scope (account and opaque tokens carry all their user's). */
  scope: scopeSchema.optional(),
  state: z
    .enum(CREDENTIAL_STATES, { error: 'state must be active, inactive or all' })
    .default('active'),
  neverExpires: booleanParam('neverExpires').optional(),
  expiresWithinDays: daysParam('expiresWithinDays').optional(),
  unusedForDays: daysParam('unusedForDays').optional(),
  disabled: booleanParam('disabled').optional(),
});

export const credentialInventoryQuerySchema = credentialInventoryFilterSchema.extend({
  page: z.coerce.number().int().min(1, 'page starts at 1').default(1),
  pageSize: z.coerce.number().int().min(1).max(200, 'pageSize may be at most 200').default(50),
});

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const exportFormatSchema = z.enum(EXPORT_FORMATS, { error: 'format must be csv or ndjson' });

export const credentialInventoryExportQuerySchema = credentialInventoryFilterSchema.extend({
  format: exportFormatSchema.default('csv'),
});

export const credentialInventoryItemSchema = z.object({
  id: z.uuid(),
  kind: z.enum(CREDENTIAL_KINDS),
  name: z.string(),
  ownerId: z.uuid(),
  ownerLogin: z.string(),
  /** Empty for account and opaque tokens: they carry every permission of their user. */
  scopes: z.array(scopeSchema),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  disabled: z.boolean(),
  revokedAt: z.iso.datetime().nullable(),
  revokedReason: z.enum(REVOKED_REASONS).nullable(),
  rateLimit: rateLimitSchema.nullable(),
});

export const credentialInventoryPageSchema = z.object({
  items: z.array(credentialInventoryItemSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const BULK_ACTIONS = ['disable', 'revoke'] as const;
export const MAX_BULK_IDS = 500;
export const credentialBulkSchema = z.object({
  action: z.enum(BULK_ACTIONS, { error: 'action must be disable or revoke' }),
  ids: z
    .array(z.uuid('every id must be a UUID'))
    .min(1, 'Send at least one id')
    .max(MAX_BULK_IDS, `Send at most ${MAX_BULK_IDS} ids at once`)
    .transform((ids) => [...new Set(ids)]),
});

export const BULK_STATUSES = ['disabled', 'revoked', 'not_found', 'unchanged'] as const;
export const credentialBulkResultSchema = z.object({
  results: z.array(z.object({ id: z.uuid(), status: z.enum(BULK_STATUSES) })),
});

export type UsageQuery = z.infer<typeof usageQuerySchema>;
export type UsageSeries = z.infer<typeof usageSeriesSchema>;
export type OverviewQuery = z.infer<typeof overviewQuerySchema>;
export type Overview = z.infer<typeof overviewSchema>;
export type CredentialInventoryFilter = z.infer<typeof credentialInventoryFilterSchema>;
export type CredentialInventoryQuery = z.infer<typeof credentialInventoryQuerySchema>;
export type CredentialInventoryExportQuery = z.infer<typeof credentialInventoryExportQuerySchema>;
export type CredentialInventoryItem = z.infer<typeof credentialInventoryItemSchema>;
export type CredentialInventoryPage = z.infer<typeof credentialInventoryPageSchema>;
export type CredentialBulkInput = z.infer<typeof credentialBulkSchema>;
export type CredentialBulkResult = z.infer<typeof credentialBulkResultSchema>;
export type BulkStatus = (typeof BULK_STATUSES)[number];
