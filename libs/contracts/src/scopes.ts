/**
 * `verifier` is for service accounts of services that verify Latchkey credentials: introspection
 * and the security events, nothing of an admin's.
 */
export const ROLES = ['admin', 'user', 'verifier'] as const;
export type Role = (typeof ROLES)[number];

/** Every scope a credential may carry, with the description shown to people who pick them. */
export const SCOPE_DESCRIPTIONS = {
  'profile:read': 'Read your own profile',
  'users:read': 'List and read users (admins only)',
  'users:write': 'Create, change and disable users (admins only)',
  'tokens:read': 'List tokens and API keys',
  'tokens:write': 'Create, change and revoke your own tokens and API keys',
  'sessions:read': 'List sessions',
  'sessions:write': 'Revoke sessions',
  'audit:read': 'Read the audit log (admins only)',
  'tokens:introspect': 'Introspect tokens for other services',
  'events:read': 'Read the security events stream (revocations, for verifying services)',
  'admin:credentials':
    "List, disable, rotate, revoke and rate-limit other users' tokens, API keys and sessions (admins only)",
  'admin:keys': 'List and rotate the signing keys (admins only)',
  'metrics:read': 'Scrape the Prometheus metrics at /metrics (admins only)',
} as const;

export type Scope = keyof typeof SCOPE_DESCRIPTIONS;
export const SCOPES = Object.keys(SCOPE_DESCRIPTIONS) as Scope[];

const USER_SCOPES: readonly Scope[] = [
  'profile:read',
  'tokens:read',
  'tokens:write',
  'sessions:read',
  'sessions:write',
];

const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  user: USER_SCOPES,
  admin: SCOPES,
  verifier: ['profile:read', 'tokens:introspect', 'events:read'],
};

export function isScope(value: string): value is Scope {
  return Object.hasOwn(SCOPE_DESCRIPTIONS, value);
}

/** The scopes a user's roles allow: the ceiling for every credential acting for that user. */
export function scopesForRoles(roles: readonly Role[]): Scope[] {
  const allowed = new Set(roles.flatMap((role) => ROLE_SCOPES[role] ?? []));
  return SCOPES.filter((scope) => allowed.has(scope));
}

/** What a credential may do: its own scopes, never more than its holder's roles allow. */
export function effectiveScopes(roles: readonly Role[], granted: readonly Scope[]): Scope[] {
  const ceiling = new Set(scopesForRoles(roles));
  return SCOPES.filter((scope) => granted.includes(scope) && ceiling.has(scope));
}

/** The required scopes the held ones do not cover. */
export function missingScopes(held: readonly Scope[], required: readonly Scope[]): Scope[] {
  return required.filter((scope) => !held.includes(scope));
}
