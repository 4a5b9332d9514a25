import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { principalFor, type Principal } from '../../common/auth/principal.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { SessionsService } from '../sessions/sessions.service.js';
import type { VerifiedJwt } from '../signing-keys/jwt.service.js';
import { UsersService } from '../users/users.service.js';
import { JwtResolvers } from '../../common/auth/jwt-resolvers.js';
import { isUuid } from '../../common/validation/uuid-param.pipe.js';

/**
 * Accepts session access tokens (typ at+jwt) while their session is live: revoking a session
 * stops its access tokens too, on every instance, through the session cache.
 */
@Injectable()
export class SessionTokenResolver implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JwtResolvers) private readonly resolvers: JwtResolvers,
    @Inject(SessionsService) private readonly sessions: SessionsService,
    @Inject(UsersService) private readonly users: UsersService,
  ) {}

  onModuleInit(): void {
    this.resolvers.register('access', (jwt) => this.resolve(jwt));
  }

  private async resolve(jwt: VerifiedJwt): Promise<Principal | null> {
    const sid = jwt.claims.sid;
    if (!this.config.AUTH_BEARER_ENABLED || typeof sid !== 'string' || !isUuid(sid)) return null;
    if (!(await this.sessions.isActive(sid, jwt.sub))) return null;
    const user = await this.users.findActive(jwt.sub);
    return user
      ? principalFor(user, 'session', {
          sessionId: sid,
          passwordChangeRequired: user.passwordMustChange,
        })
      : null;
  }
}
