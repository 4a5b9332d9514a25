import { z } from 'zod';

/**
 * Security events as Latchkey publishes them (GET /api/v1/events, POST /api/v1/events/poll):
 * each one a Security Event Token (RFC 8417). Where the OpenID Continuous Access Evaluation
 * Profile has a type it is used (CAEP `session-revoked`, `credential-change`); the rest are
 * Latchkey's own URNs. The server and `@latchkey/verify` both read these shapes from here.
 */
export const CAEP_SESSION_REVOKED =
  'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
export const CAEP_CREDENTIAL_CHANGE =
  'https://schemas.openid.net/secevent/caep/event-type/credential-change';

export const LATCHKEY_EVENT_TYPES = {
  userDisabled: 'urn:latchkey:secevent:user-disabled',
  userEnabled: 'urn:latchkey:secevent:user-enabled',
  userDeleted: 'urn:latchkey:secevent:user-deleted',
  userRolesChanged: 'urn:latchkey:secevent:user-roles-changed',
  signingKeyPublished: 'urn:latchkey:secevent:signing-key-published',
  signingKeyRetired: 'urn:latchkey:secevent:signing-key-retired',
  /** Events were missed (pruned before the reader came back): drop what is cached. */
  resync: 'urn:latchkey:secevent:resync',
} as const;

/** The JWT `typ` of a signed SET (RFC 8417 §2.3). */
export const SECURITY_EVENT_TOKEN_TYP = 'secevent+jwt';

/** What every event names, so a verifier can evict exactly what it cached. */
export interface SecurityEventSubject {
  /** Latchkey's own short name: `credential.revoked`, `session.revoked`, `user.disabled` … */
  latchkey_type: string;
  user_id?: string;
  credential_id?: string;
  /** PAT, account token or exchanged token: the `jti` of the JWT. */
  jti?: string;
  /** personal_access_token, account_token, api_key, opaque_token or exchanged. */
  credential_kind?: string;
  session_id?: string;
  kid?: string;
  /** When the change takes effect (a rotation overlap ends, an old API secret stops). */
  effective_at?: number;
  roles?: string[];
  login?: string;
  reason?: string;
  event_timestamp: number;
  /** CAEP credential-change fields. */
  credential_type?: string;
  change_type?: 'create' | 'revoke' | 'update' | 'delete';
}

/** A SET payload (RFC 8417 §2.2): one event per token, keyed by its type URI. */
export interface SecurityEventToken {
  iss: string;
  iat: number;
  /** The event's id in the feed, as a string: the SSE `id` and the RFC 8936 acknowledgement. */
  jti: string;
  sub_id?: { format: 'opaque'; id: string };
  events: Record<string, SecurityEventSubject>;
}

/** RFC 8936 §2.2 poll request. */
export const pollRequestSchema = z.strictObject({
  ack: z
    .array(z.string().regex(/^\d{1,18}$/, 'ack holds event ids'))
    .max(1000)
    .default([]),
  setErrs: z
    .record(
      z.string().regex(/^\d{1,18}$/, 'setErrs is keyed by event ids'),
      z.object({ err: z.string().max(200), description: z.string().max(1000).optional() }),
    )
    .default({}),
  maxEvents: z.number().int().min(0).max(1000).default(100),
  returnImmediately: z.boolean().default(false),
});
export type PollRequest = z.infer<typeof pollRequestSchema>;

/** RFC 8936 §2.3 poll response: each SET signed as a JWT (typ secevent+jwt). */
export const pollResponseSchema = z.object({
  sets: z.record(z.string(), z.string()),
  moreAvailable: z.boolean(),
});
export type PollResponse = z.infer<typeof pollResponseSchema>;
