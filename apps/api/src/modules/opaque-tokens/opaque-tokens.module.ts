import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { StepUpModule } from '../step-up/step-up.module.js';
import { OpaqueTokensController } from './opaque-tokens.controller.js';

/** Opaque lkt_ tokens issued by /auth/token and stored (hashed) in PostgreSQL. */
@Module({
  imports: [CredentialsModule, StepUpModule],
  controllers: [OpaqueTokensController],
})
export class OpaqueTokensModule {}
