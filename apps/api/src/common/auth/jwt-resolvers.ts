import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { JwtKind } from '../../modules/signing-keys/jwt-kinds.js';
import type { VerifiedJwt } from '../../modules/signing-keys/jwt.service.js';
import type { Principal } from './principal.js';

/** Turns a verified JWT of one kind into the caller, or null when it is revoked or switched off. */
export type JwtResolver = (jwt: VerifiedJwt, request: FastifyRequest) => Promise<Principal | null>;

/**
 * The JWT kinds accepted as `Authorization: Bearer`, each registered by the module that issues
 * it. A kind nobody registered (the MFA step token) is never accepted as a bearer token. The
 * caller a resolver finds carries the token's own facts (issued, expiry, jti, client_id), which
 * the verified-credential cache and introspection read.
 */
@Injectable()
export class JwtResolvers {
  private readonly resolvers = new Map<JwtKind, JwtResolver>();

  register(kind: JwtKind, resolver: JwtResolver): void {
    this.resolvers.set(kind, async (jwt, request) => {
      const principal = await resolver(jwt, request);
      return principal && withTokenFacts(principal, jwt);
    });
  }

  get(kind: JwtKind): JwtResolver | undefined {
    return this.resolvers.get(kind);
  }
}

function withTokenFacts(principal: Principal, jwt: VerifiedJwt): Principal {
  const clientId = jwt.claims.client_id;
  const expiresAt = Math.min(jwt.exp * 1000, principal.credential?.expiresAt ?? Infinity);
  return {
    ...principal,
    credential: {
      ...principal.credential,
      issuedAt: jwt.iat * 1000,
      expiresAt,
      tokenId: jwt.jti,
      ...(typeof clientId === 'string' ? { clientId } : {}),
    },
  };
}
