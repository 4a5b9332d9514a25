import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { TOKEN_PREFIXES } from '@latchkey/contracts';
import type { Principal } from '../../common/auth/principal.js';
import { RequestStrategy } from '../../common/auth/request-strategy.js';
import { InvalidJwt, JwtService } from '../signing-keys/jwt.service.js';
import { parseBearerToken } from './bearer-credentials.js';
import { JwtResolvers } from '../../common/auth/jwt-resolvers.js';

/** `Authorization: Bearer <JWT>` of every kind some module registered a resolver for. */
@Injectable()
export class BearerJwtStrategy extends PassportStrategy(RequestStrategy, 'bearer-jwt') {
  constructor(
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(JwtResolvers) private readonly resolvers: JwtResolvers,
  ) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Principal | false> {
    const token = parseBearerToken(request.headers.authorization);
    if (!token || token.startsWith(TOKEN_PREFIXES.opaque)) return false;
    const kind = this.jwt.peekKind(token);
    const resolver = kind ? this.resolvers.get(kind) : undefined;
    if (!kind || !resolver) return false;
    try {
      return (await resolver(await this.jwt.verify(token, kind), request)) ?? false;
    } catch (error) {
      if (error instanceof InvalidJwt) return false;
      throw error;
    }
  }
}
