import { Global, Module } from '@nestjs/common';
import { FailureLimiter } from './failure-limiter.js';

/** Global: every surface that checks a secret counts its failures through FailureLimiter. */
@Global()
@Module({ providers: [FailureLimiter], exports: [FailureLimiter] })
export class LimitsModule {}
