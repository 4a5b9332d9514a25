import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { MfaController } from './mfa.controller.js';
import { MfaRepository } from './mfa.repository.js';
import { MfaService } from './mfa.service.js';

@Module({
  imports: [UsersModule],
  controllers: [MfaController],
  providers: [MfaRepository, MfaService],
  exports: [MfaService],
})
export class MfaModule {}
