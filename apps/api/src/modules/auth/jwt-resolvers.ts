import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../common/auth/principal.js';
import type { JwtKind } from '../signing-keys/jwt-kinds.js';
import type { VerifiedJwt } from '../signing-keys/jwt.service.js';

/** Turns a verified JWT of one kind into the caller, or null when it is revoked or switched off. */
export type JwtResolver = (jwt: VerifiedJwt, request: FastifyRequest) => Promise<Principal | null>;

/**
 * The JWT kinds accepted as `Authorization: Bearer`, each registered by the module that issues
 * it. A kind nobody registered (the MFA step token) is never accepted as a bearer token.
 */
@Injectable()
export class JwtResolvers {
  private readonly resolvers = new Map<JwtKind, JwtResolver>();

  register(kind: JwtKind, resolver: JwtResolver): void {
    this.resolvers.set(kind, resolver);
  }

  get(kind: JwtKind): JwtResolver | undefined {
    return this.resolvers.get(kind);
  }
}
