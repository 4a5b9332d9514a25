import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DiscoveryController } from './discovery.controller.js';
import { JwtService } from './jwt.service.js';
import { SigningKeyEntity } from './signing-key.entity.js';
import { SigningKeysController } from './signing-keys.controller.js';
import { SigningKeysRepository } from './signing-keys.repository.js';
import { SigningKeysService } from './signing-keys.service.js';

/** Global: every module that issues or checks JWTs uses JwtService. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([SigningKeyEntity])],
  controllers: [SigningKeysController, DiscoveryController],
  providers: [SigningKeysRepository, SigningKeysService, JwtService],
  exports: [SigningKeysService, JwtService],
})
export class SigningKeysModule {}
