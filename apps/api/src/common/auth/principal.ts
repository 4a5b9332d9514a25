import {
  effectiveScopes,
  scopesForRoles,
  type AuthMethod,
  type Role,
  type Scope,
} from '@latchkey/contracts';

export interface PrincipalUser {
  id: string;
  login: string;
  roles: Role[];
}

/** The authenticated caller of a request, whatever credential it presented. */
export interface Principal {
  method: AuthMethod;
  user: PrincipalUser;
  /** What this credential may do: its scopes narrowed to what the user's roles allow. */
  scopes: Scope[];
  sessionId?: string;
  credentialId?: string;
  /** A password sign-in after an admin's reset with mustChange: it may only change the password. */
  passwordChangeRequired?: true;
}

export interface PrincipalOptions {
  /** The credential's own scopes; absent for a password or a session (all the roles allow). */
  granted?: readonly Scope[];
  sessionId?: string;
  credentialId?: string;
  passwordChangeRequired?: boolean;
}

/** The caller, with scopes never beyond what the user's roles allow. */
export function principalFor(
  user: PrincipalUser,
  method: AuthMethod,
  { granted, sessionId, credentialId, passwordChangeRequired }: PrincipalOptions = {},
): Principal {
  const principal: Principal = {
    method,
    user: { id: user.id, login: user.login, roles: user.roles },
    scopes: granted ? effectiveScopes(user.roles, granted) : scopesForRoles(user.roles),
  };
  if (sessionId) principal.sessionId = sessionId;
  if (credentialId) principal.credentialId = credentialId;
  if (passwordChangeRequired) principal.passwordChangeRequired = true;
  return principal;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
