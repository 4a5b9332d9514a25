import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { ForwardAuthController } from './forward-auth.controller.js';
import { LeakedCredentialsController } from './leaked-credentials.controller.js';
import { OAuthController } from './oauth.controller.js';
import { RevokedJwtEntity } from './revoked-jwt.entity.js';
import { RevokedJwtsRepository } from './revoked-jwts.repository.js';
import { TokenExchangeService } from './token-exchange.service.js';
import { TokenInspectorService } from './token-inspector.service.js';

/**
 * Token exchange (/sessions, /oauth/token), introspection, revocation, leak reports and
 * forward-auth.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([RevokedJwtEntity]),
    UsersModule,
    SessionsModule,
    CredentialsModule,
  ],
  controllers: [OAuthController, ForwardAuthController, LeakedCredentialsController],
  providers: [RevokedJwtsRepository, TokenExchangeService, TokenInspectorService],
  exports: [TokenInspectorService],
})
export class OAuthModule {}
