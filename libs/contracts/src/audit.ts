import { z } from 'zod';

export const AUDIT_EVENT_TYPES = [
  'login.succeeded',
  'login.failed',
  'credential.failed',
  'rate_limit.exceeded',
  'refresh.reuse_detected',
  'session.revoked',
  'mfa.enabled',
  'mfa.disabled',
  'mfa.reset',
  'passkey.registered',
  'passkey.removed',
  'passkey.counter_regressed',
  'token.created',
  'token.revoked',
  'token.rotated',
  'token.updated',
  'credential.leaked',
  'api_key.created',
  'api_key.secret_rotated',
  'api_key.revoked',
  'api_key.updated',
  'user.created',
  'user.updated',
  'user.disabled',
  'user.enabled',
  'user.deleted',
  'password.changed',
  'signing_key.rotated',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export const auditEventSchema = z.object({
  id: z.uuid(),
  type: z.enum(AUDIT_EVENT_TYPES),
  actorId: z.uuid().nullable(),
  actorLogin: z.string().nullable(),
  subjectId: z.uuid().nullable(),
  subjectLogin: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.iso.datetime(),
});

const isoDateTime = (name: string) =>
  z.iso.datetime({ offset: true, error: `${name} must be an ISO 8601 date-time` });

/** Filters of the audit log and its export. */
export const auditFilterSchema = z.object({
  userId: z.uuid('userId must be a UUID').optional(),
  type: z.enum(AUDIT_EVENT_TYPES).optional(),
  /** Events at or after this time. */
  from: isoDateTime('from').optional(),
  /** Events before this time. */
  to: isoDateTime('to').optional(),
  /** Events this user did (not those done to them: see userId). */
  actorId: z.uuid('actorId must be a UUID').optional(),
  ip: z.string().min(1).max(64, 'ip must be an IP address').optional(),
});

export const auditQuerySchema = auditFilterSchema.extend({
  before: isoDateTime('before').optional(),
  limit: z.coerce.number().int().min(1).max(200, 'limit may be at most 200').default(50),
});

export const auditExportQuerySchema = auditFilterSchema.extend({
  format: z.enum(['csv', 'ndjson'], { error: 'format must be csv or ndjson' }).default('csv'),
});

export const auditPageSchema = z.object({
  items: z.array(auditEventSchema),
  /** Pass as `before` to read the next (older) page; null on the last page. */
  nextBefore: z.iso.datetime().nullable(),
});

export const SIGNING_KEY_STATES = ['active', 'retired'] as const;
export const signingKeySchema = z.object({
  kid: z.string(),
  alg: z.string(),
  state: z.enum(SIGNING_KEY_STATES),
  createdAt: z.iso.datetime(),
  retiredAt: z.iso.datetime().nullable(),
  /** The end of the grace for the short-lived tokens it signed (access, exchanged): retiring + their TTL. */
  publishedUntil: z.iso.datetime().nullable(),
  /**
   * Live personal access and account tokens it signed: a retired key stays published while any
   * of them lives, so `lastExpiresAt` (null when none expires) can be far beyond `publishedUntil`.
   */
  liveTokens: z.object({
    count: z.number().int(),
    withoutExpiry: z.number().int(),
    lastExpiresAt: z.iso.datetime().nullable(),
  }),
});
export const signingKeyListSchema = z.object({ items: z.array(signingKeySchema) });

export type AuditEvent = z.infer<typeof auditEventSchema>;
export type AuditFilter = z.infer<typeof auditFilterSchema>;
export type AuditQuery = z.infer<typeof auditQuerySchema>;
export type AuditExportQuery = z.infer<typeof auditExportQuerySchema>;
export type AuditPage = z.infer<typeof auditPageSchema>;
export type SigningKey = z.infer<typeof signingKeySchema>;
export type SigningKeyList = z.infer<typeof signingKeyListSchema>;
