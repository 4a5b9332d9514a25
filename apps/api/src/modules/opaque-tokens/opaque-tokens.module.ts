import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module.js';
import { OpaqueTokenEntity } from './opaque-token.entity.js';
import { OpaqueTokenStrategy } from './opaque-token.strategy.js';
import { OpaqueTokensController } from './opaque-tokens.controller.js';
import { OpaqueTokensRepository } from './opaque-tokens.repository.js';
import { OpaqueTokensService } from './opaque-tokens.service.js';

/** Opaque lkt_ tokens issued by /auth/token and stored (hashed) in PostgreSQL. */
@Module({
  imports: [TypeOrmModule.forFeature([OpaqueTokenEntity]), UsersModule],
  controllers: [OpaqueTokensController],
  providers: [OpaqueTokensRepository, OpaqueTokensService, OpaqueTokenStrategy],
  exports: [OpaqueTokensService],
})
export class OpaqueTokensModule {}
