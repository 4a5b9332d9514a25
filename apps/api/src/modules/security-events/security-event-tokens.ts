import {
  CAEP_CREDENTIAL_CHANGE,
  CAEP_SESSION_REVOKED,
  LATCHKEY_EVENT_TYPES,
  type SecurityEventSubject,
  type SecurityEventToken,
} from '@latchkey/contracts';

/** One row of the security events outbox. */
export interface StoredSecurityEvent {
  id: string;
  type: string;
  userId: string | null;
  details: Record<string, unknown>;
  occurredAt: Date;
}

const CREDENTIAL_CHANGE_TYPES: Record<string, SecurityEventSubject['change_type']> = {
  'credential.revoked': 'revoke',
  'credential.leaked': 'revoke',
  'credential.rotated': 'revoke',
  'credential.overlap_ended': 'revoke',
  'credential.disabled': 'update',
  'credential.enabled': 'update',
  'credential.secret_rotated': 'update',
};

const LATCHKEY_TYPES: Record<string, string> = {
  'user.disabled': LATCHKEY_EVENT_TYPES.userDisabled,
  'user.enabled': LATCHKEY_EVENT_TYPES.userEnabled,
  'user.deleted': LATCHKEY_EVENT_TYPES.userDeleted,
  'user.roles_changed': LATCHKEY_EVENT_TYPES.userRolesChanged,
  'signing_key.published': LATCHKEY_EVENT_TYPES.signingKeyPublished,
  'signing_key.retired': LATCHKEY_EVENT_TYPES.signingKeyRetired,
};

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

function text(details: Record<string, unknown>, name: string): string | undefined {
  const value = details[name];
  return typeof value === 'string' ? value : undefined;
}

function epochSeconds(details: Record<string, unknown>, name: string): number | undefined {
  const value = text(details, name);
  return value === undefined ? undefined : seconds(new Date(value));
}

/** The event's type URI: CAEP's where it has one, Latchkey's own otherwise. */
export function eventTypeUri(type: string): string {
  if (type in CREDENTIAL_CHANGE_TYPES) return CAEP_CREDENTIAL_CHANGE;
  if (type === 'session.revoked') return CAEP_SESSION_REVOKED;
  return LATCHKEY_TYPES[type] ?? `urn:latchkey:secevent:${type.replace(/[._]/g, '-')}`;
}

/** The Security Event Token payload (RFC 8417) of a stored event. */
export function securityEventToken(event: StoredSecurityEvent, issuer: string): SecurityEventToken {
  const { details } = event;
  const subject: SecurityEventSubject = {
    latchkey_type: event.type,
    event_timestamp: seconds(event.occurredAt),
  };
  const set = (name: keyof SecurityEventSubject, value: unknown) => {
    if (value !== undefined && value !== null) Object.assign(subject, { [name]: value });
  };
  set('user_id', event.userId);
  set('credential_id', text(details, 'credentialId'));
  set('jti', text(details, 'jti'));
  set('credential_kind', text(details, 'kind'));
  set('session_id', text(details, 'sessionId'));
  set('kid', text(details, 'kid'));
  set('login', text(details, 'login'));
  set('reason', text(details, 'reason'));
  set(
    'effective_at',
    epochSeconds(details, 'effectiveAt') ?? epochSeconds(details, 'publishedUntil'),
  );
  if (Array.isArray(details.roles)) set('roles', details.roles);
  const changeType = CREDENTIAL_CHANGE_TYPES[event.type];
  if (changeType) {
    set('credential_type', text(details, 'kind'));
    set('change_type', changeType);
  }
  return {
    iss: issuer,
    iat: seconds(event.occurredAt),
    jti: event.id,
    ...(event.userId ? { sub_id: { format: 'opaque' as const, id: event.userId } } : {}),
    events: { [eventTypeUri(event.type)]: subject },
  };
}

/** Sent instead of what was pruned: the reader must drop what it cached and start again. */
export function resyncToken(lastId: string, issuer: string, now: Date): SecurityEventToken {
  return {
    iss: issuer,
    iat: seconds(now),
    jti: lastId,
    events: {
      [LATCHKEY_EVENT_TYPES.resync]: {
        latchkey_type: 'resync',
        event_timestamp: seconds(now),
      },
    },
  };
}
