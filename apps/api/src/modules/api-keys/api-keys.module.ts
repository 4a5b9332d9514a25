import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { StepUpModule } from '../step-up/step-up.module.js';
import { UsersModule } from '../users/users.module.js';
import { ApiKeysController } from './api-keys.controller.js';

/** API key + secret pairs, accepted as `token key:secret` and Basic key:secret. */
@Module({
  imports: [CredentialsModule, UsersModule, StepUpModule],
  controllers: [ApiKeysController],
})
export class ApiKeysModule {}
