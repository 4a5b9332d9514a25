import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { OpaqueTokensModule } from '../opaque-tokens/opaque-tokens.module.js';
import { PersonalAccessTokensModule } from '../personal-access-tokens/personal-access-tokens.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { ForwardAuthController } from './forward-auth.controller.js';
import { OAuthController } from './oauth.controller.js';
import { RevokedJwtEntity } from './revoked-jwt.entity.js';
import { RevokedJwtsRepository } from './revoked-jwts.repository.js';
import { TokenExchangeService } from './token-exchange.service.js';
import { TokenInspectorService } from './token-inspector.service.js';

/** Token exchange (/sessions, /oauth/token), introspection, revocation and forward-auth. */
@Module({
  imports: [
    TypeOrmModule.forFeature([RevokedJwtEntity]),
    AuthModule,
    UsersModule,
    SessionsModule,
    ApiKeysModule,
    OpaqueTokensModule,
    PersonalAccessTokensModule,
  ],
  controllers: [OAuthController, ForwardAuthController],
  providers: [RevokedJwtsRepository, TokenExchangeService, TokenInspectorService],
  exports: [TokenInspectorService],
})
export class OAuthModule {}
