import {
  effectiveScopes,
  scopesForRoles,
  type AuthMethod,
  type RateLimit,
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
  /** The stored credential (PAT, account token, API key, opaque token) it was, or acts for. */
  credentialId?: string;
  /** A password sign-in after an admin's reset with mustChange: it may only change the password. */
  passwordChangeRequired?: true;
  /** The credential's own facts, as verification found them (and the cache keeps them). */
  credential?: CredentialFacts;
  /**
   * The admin acting through this credential of `user` (RFC 8693 `act`): an account token an
   * admin minted for the user, and what was minted with it. Audit events name the admin.
   */
  actor?: PrincipalUser;
}

export interface CredentialFacts {
  /** Epoch ms when it was issued and when it stops working by itself (expiry, overlap end). */
  issuedAt?: number;
  expiresAt?: number;
  /** A JWT's jti: revoking that one token ends what was verified with it. */
  tokenId?: string;
  /** RFC 7662 client_id: the API key an exchanged token or a key pair stands for. */
  clientId?: string;
  rateLimit?: RateLimit;
}

export interface PrincipalOptions {
  /** The credential's own scopes; absent for a password or a session (all the roles allow). */
  granted?: readonly Scope[];
  sessionId?: string;
  credentialId?: string;
  passwordChangeRequired?: boolean;
  credential?: CredentialFacts;
  actor?: PrincipalUser;
}

/** The caller, with scopes never beyond what the user's roles allow. */
export function principalFor(
  user: PrincipalUser,
  method: AuthMethod,
  {
    granted,
    sessionId,
    credentialId,
    passwordChangeRequired,
    credential,
    actor,
  }: PrincipalOptions = {},
): Principal {
  const principal: Principal = {
    method,
    user: { id: user.id, login: user.login, roles: user.roles },
    scopes: granted ? effectiveScopes(user.roles, granted) : scopesForRoles(user.roles),
  };
  if (sessionId) principal.sessionId = sessionId;
  if (credentialId) principal.credentialId = credentialId;
  if (passwordChangeRequired) principal.passwordChangeRequired = true;
  if (credential) principal.credential = credential;
  if (actor) principal.actor = { id: actor.id, login: actor.login, roles: actor.roles };
  return principal;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** Scopes of the route the principal lacks, let in to act on other users' credentials only. */
    selfScopesMissing?: Scope[];
  }
}
