/**
 * The change-feed topics; every key is the id of what changed (`*`: everything of the topic).
 * A verified credential depends on its user, its stored credential, its session and its jti.
 */
export const USER_TOPIC = 'user';
export const CREDENTIAL_TOPIC = 'credential';
export const SESSION_TOPIC = 'session';
export const REVOKED_JWT_TOPIC = 'revoked-jwt';
/** Signing keys changed (rotated, unpublished): every instance reloads them. */
export const SIGNING_KEYS_TOPIC = 'signing-keys';
/**
 * This instance has loaded its signing keys again (announced locally, after the reload): what
 * was verified with a key no longer published must be verified again.
 */
export const SIGNING_KEYS_LOADED_TOPIC = 'signing-keys-loaded';
/** A security event was committed (key: its id); written by the outbox triggers. */
export const SECURITY_EVENT_TOPIC = 'security-event';
