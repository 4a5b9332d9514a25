import { Module } from '@nestjs/common';
import { MfaModule } from '../mfa/mfa.module.js';
import { PasskeysModule } from '../passkeys/passkeys.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { ReauthenticationController } from './reauthentication.controller.js';
import { StepUpService } from './step-up.service.js';

/** Recent authentication (step-up): the rule, and the endpoint that proves the user again. */
@Module({
  imports: [UsersModule, SessionsModule, MfaModule, PasskeysModule],
  controllers: [ReauthenticationController],
  providers: [StepUpService],
  exports: [StepUpService],
})
export class StepUpModule {}
