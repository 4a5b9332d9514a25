import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module.js';
import { CredentialEntity } from './credential.entity.js';
import { CredentialVerifier } from './credential-verifier.js';
import { CredentialsRepository } from './credentials.repository.js';
import { CredentialsService } from './credentials.service.js';
import { ApiKeyStrategy, OpaqueTokenStrategy } from './secret-strategies.js';

/**
 * Every stored credential kind (PATs, the account token, API keys, opaque tokens): one table,
 * one repository, one lifecycle service, one verifier, and a descriptor per kind. The kinds'
 * controllers live in their own modules and call these.
 */
@Module({
  imports: [TypeOrmModule.forFeature([CredentialEntity]), UsersModule],
  providers: [
    CredentialsRepository,
    CredentialsService,
    CredentialVerifier,
    ApiKeyStrategy,
    OpaqueTokenStrategy,
  ],
  exports: [CredentialsService, CredentialVerifier],
})
export class CredentialsModule {}
