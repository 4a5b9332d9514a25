import { Global, Module } from '@nestjs/common';
import { FailureLimiter } from './failure-limiter.js';
import { RateLimits } from './rate-limits.js';
import { RedisConnection } from './redis-connection.js';

/**
 * Global: every surface that checks a secret counts its failures through FailureLimiter, and
 * request quotas go through RateLimits; both share one Redis when REDIS_URL is set.
 */
@Global()
@Module({
  providers: [RedisConnection, FailureLimiter, RateLimits],
  exports: [FailureLimiter, RateLimits],
})
export class LimitsModule {}
