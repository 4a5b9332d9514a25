import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionsModule } from '../sessions/sessions.module.js';
import { BootstrapAdmin } from './bootstrap-admin.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordPolicy } from './password-policy.js';
import { ServiceAccountsController } from './service-accounts.controller.js';
import { UserEntity } from './user.entity.js';
import { UserSessionsController } from './user-sessions.controller.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity]), SessionsModule],
  controllers: [UsersController, UserSessionsController, ServiceAccountsController],
  providers: [UsersRepository, UsersService, PasswordHasher, PasswordPolicy, BootstrapAdmin],
  exports: [UsersService],
})
export class UsersModule {}
