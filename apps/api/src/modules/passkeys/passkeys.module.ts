import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module.js';
import { PasskeyEntity } from './passkey.entity.js';
import { PasskeysController } from './passkeys.controller.js';
import { PasskeysRepository } from './passkeys.repository.js';
import { PasskeysService } from './passkeys.service.js';

/** Passkeys (WebAuthn): their management here; the sign-in endpoints live with auth. */
@Module({
  imports: [TypeOrmModule.forFeature([PasskeyEntity]), UsersModule],
  controllers: [PasskeysController],
  providers: [PasskeysRepository, PasskeysService],
  exports: [PasskeysService],
})
export class PasskeysModule {}
