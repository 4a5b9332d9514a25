import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { StepUpModule } from '../step-up/step-up.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountTokenController } from './account-token.controller.js';
import { PersonalAccessTokensController } from './personal-access-tokens.controller.js';

/** Personal access tokens and the account API token: user-bound, revocable JWTs. */
@Module({
  imports: [CredentialsModule, UsersModule, StepUpModule],
  controllers: [PersonalAccessTokensController, AccountTokenController],
})
export class PersonalAccessTokensModule {}
