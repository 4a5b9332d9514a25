import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { MfaModule } from '../mfa/mfa.module.js';
import { PasskeysModule } from '../passkeys/passkeys.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { StepUpModule } from '../step-up/step-up.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthSessionsController } from './auth-sessions.controller.js';
import { AuthController } from './auth.controller.js';
import { CrossSiteGuard } from '../../common/auth/cross-site.guard.js';
import { AuthenticationGuard } from './authentication.guard.js';
import { BasicAuthStrategy } from './basic.strategy.js';
import { BearerJwtStrategy } from './bearer.strategy.js';
import { DeviceTrust } from './device-trust.js';
import { LoginFailures } from './login-failures.js';
import { SessionIssuer } from './session-issuer.js';
import { SessionTokenResolver } from './session-token.resolver.js';

@Module({
  imports: [
    PassportModule,
    UsersModule,
    SessionsModule,
    MfaModule,
    PasskeysModule,
    CredentialsModule,
    StepUpModule,
  ],
  controllers: [AuthController, AuthSessionsController],
  providers: [
    SessionIssuer,
    SessionTokenResolver,
    BasicAuthStrategy,
    BearerJwtStrategy,
    DeviceTrust,
    LoginFailures,
    // In this order: a forged cross-site request is refused before it is authenticated.
    { provide: APP_GUARD, useClass: CrossSiteGuard },
    { provide: APP_GUARD, useClass: AuthenticationGuard },
  ],
})
export class AuthModule {}
