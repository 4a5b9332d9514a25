import type { AuthMethod, Role, Scope } from '@latchkey/contracts';

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
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
