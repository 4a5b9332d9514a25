import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  REFRESH_COOKIE,
  REFRESH_COOKIE_PATH,
  scopesForRoles,
  type AccessTokenResponse,
} from '@latchkey/contracts';
import { Clock } from '../../common/clock/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import type { IssuedSession } from '../sessions/sessions.service.js';
import { JwtService } from '../signing-keys/jwt.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { toUser } from '../users/users.mapper.js';

/** Turns a session into what the browser gets: an access JWT in the body, the refresh cookie. */
@Injectable()
export class SessionIssuer {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async respond(
    reply: FastifyReply,
    user: UserEntity,
    { session, refreshToken, refreshExpiresAt }: IssuedSession,
  ): Promise<AccessTokenResponse> {
    const { token } = await this.jwt.sign('access', {
      subject: user.id,
      expiresIn: this.config.AUTH_ACCESS_TOKEN_TTL,
      claims: {
        sid: session.id,
        client_id: 'latchkey',
        scope: scopesForRoles(user.roles).join(' '),
      },
    });
    const maxAge = Math.max(0, Math.ceil((refreshExpiresAt.getTime() - this.clock.now()) / 1000));
    reply.setCookie(REFRESH_COOKIE, refreshToken, {
      path: REFRESH_COOKIE_PATH,
      httpOnly: true,
      secure: this.config.COOKIE_SECURE,
      sameSite: 'strict',
      maxAge,
    });
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: this.config.AUTH_ACCESS_TOKEN_TTL,
      user: toUser(user),
      ...(user.passwordMustChange ? { password_change_required: true as const } : {}),
    };
  }

  clearCookie(reply: FastifyReply): void {
    reply.clearCookie(REFRESH_COOKIE, {
      path: REFRESH_COOKIE_PATH,
      httpOnly: true,
      secure: this.config.COOKIE_SECURE,
      sameSite: 'strict',
    });
  }
}
