import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import type { Jwt } from 'jsonwebtoken';
import { Strategy, type SecretOrKeyProvider } from 'passport-jwt';
import { TOKEN_PREFIXES } from '@latchkey/contracts';
import type { Principal } from '../../common/auth/principal.js';
import { JWT_KINDS, type JwtKind } from '../signing-keys/jwt-kinds.js';
import { InvalidJwt, JSONWEBTOKEN_OPTIONS, JwtService } from '../signing-keys/jwt.service.js';
import { parseBearerToken } from './bearer-credentials.js';
import { JwtResolvers } from '../../common/auth/jwt-resolvers.js';

/** Every kind accepted as Bearer is addressed to the API (only the MFA step token is not). */
const BEARER_KIND: JwtKind = 'access';

/** The JWT in `Authorization: Bearer`, or null for no token, an opaque token or no JWT shape. */
function bearerJwt(request: FastifyRequest): string | null {
  const token = parseBearerToken(request.headers.authorization);
  if (!token || token.startsWith(TOKEN_PREFIXES.opaque)) return null;
  return token.split('.').length === 3 ? token : null;
}

/** The kind a verified header's typ names. */
function kindOf(typ: unknown): JwtKind | undefined {
  return (Object.keys(JWT_KINDS) as JwtKind[]).find((kind) => JWT_KINDS[kind] === typ);
}

/**
 * `Authorization: Bearer <JWT>` of every kind some module registered a resolver for, on
 * passport-jwt: the key by kid from Latchkey's own set (KeyObjects), the signing keys' one
 * algorithm, issuer and audience, then the typ of the kind whose resolver turns the token into
 * the caller. JwtService.verify runs the same rule for introspection, revocation and MFA.
 */
@Injectable()
export class BearerJwtStrategy extends PassportStrategy(Strategy, 'bearer-jwt') {
  constructor(
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(JwtResolvers) private readonly resolvers: JwtResolvers,
  ) {
    super({
      jwtFromRequest: bearerJwt,
      // passport-jwt's type names strings and Buffers; jsonwebtoken takes the KeyObject as it is.
      secretOrKeyProvider: jwt.keyProvider as SecretOrKeyProvider,
      ...jwt.verifyOptions(BEARER_KIND),
      jsonWebTokenOptions: JSONWEBTOKEN_OPTIONS,
      passReqToCallback: true,
    });
  }

  /** Runs once jsonwebtoken has verified the signature, algorithm, issuer and audience. */
  async validate(request: FastifyRequest, decoded: Jwt): Promise<Principal | false> {
    const kind = kindOf(decoded.header.typ);
    const resolver = kind ? this.resolvers.get(kind) : undefined;
    if (!kind || !resolver) return false;
    try {
      return (await resolver(this.jwt.accept(decoded, kind), request)) ?? false;
    } catch (error) {
      if (error instanceof InvalidJwt) return false;
      throw error;
    }
  }
}
