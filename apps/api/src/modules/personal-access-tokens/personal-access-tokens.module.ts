import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountTokenController } from './account-token.controller.js';
import { PersonalAccessTokenEntity } from './personal-access-token.entity.js';
import { PersonalAccessTokensController } from './personal-access-tokens.controller.js';
import { PersonalAccessTokensRepository } from './personal-access-tokens.repository.js';
import { PersonalAccessTokensService } from './personal-access-tokens.service.js';

/** Personal access tokens and the account API token: user-bound, revocable JWTs. */
@Module({
  imports: [TypeOrmModule.forFeature([PersonalAccessTokenEntity]), AuthModule, UsersModule],
  controllers: [PersonalAccessTokensController, AccountTokenController],
  providers: [PersonalAccessTokensRepository, PersonalAccessTokensService],
  exports: [PersonalAccessTokensService],
})
export class PersonalAccessTokensModule {}
