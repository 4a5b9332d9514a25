import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { UsersModule } from '../users/users.module.js';
import { AuthenticationGuard } from './authentication.guard.js';
import { BasicAuthStrategy } from './basic.strategy.js';
import { BearerJwtStrategy } from './bearer.strategy.js';
import { JwtResolvers } from './jwt-resolvers.js';
import { LoginThrottle } from './login-throttle.js';

@Module({
  imports: [PassportModule, UsersModule],
  providers: [
    BasicAuthStrategy,
    BearerJwtStrategy,
    JwtResolvers,
    LoginThrottle,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
  ],
  exports: [JwtResolvers, LoginThrottle],
})
export class AuthModule {}
