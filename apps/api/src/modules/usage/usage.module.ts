import { Global, Module } from '@nestjs/common';
import { UsageBuffer } from '../../common/usage/last-used-buffer.js';
import { UsageRepository } from './usage.repository.js';
import { UsageService } from './usage.service.js';

/**
 * Global: verification records last use and counts through UsageBuffer, sign-ins and refusals
 * count through it too, and the usage endpoints read the aggregates back through UsageService.
 */
@Global()
@Module({
  providers: [
    UsageRepository,
    {
      provide: UsageBuffer,
      useFactory: (repository: UsageRepository) => new UsageBuffer(repository),
      inject: [UsageRepository],
    },
    UsageService,
  ],
  exports: [UsageBuffer, UsageService],
})
export class UsageModule {}
