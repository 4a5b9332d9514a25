import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterAbstract,
  type RateLimiterRes,
} from 'rate-limiter-flexible';
import type { RateLimit } from '@latchkey/contracts';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { Problems } from '../problem/problem.exception.js';
import { RedisConnection } from './redis-connection.js';

/** The RateLimit-Policy and RateLimit headers (draft-ietf-httpapi-ratelimit-headers). */
export type RateLimitHeaders = Record<'RateLimit-Policy' | 'RateLimit', string>;

/**
 * Request quotas (a credential's `rateLimit`, the leak reports of one IP) with
 * rate-limiter-flexible: in Redis when REDIS_URL is set, so the quota holds across instances,
 * and in this instance's memory otherwise (or while Redis is down).
 */
@Injectable()
export class RateLimits {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private readonly prefix: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(RedisConnection) private readonly redis: RedisConnection,
  ) {
    this.prefix = `${config.REDIS_KEY_PREFIX}rate:`;
  }

  /**
   * Counts one request of `id` against `limit`: the headers to send, or 429 (with them and
   * Retry-After) when the quota is spent. The count of `id` is kept whatever the limit: changing
   * a credential's limit applies the new quota to the requests already counted in the current
   * window (a new window length applies from the next window), so it never resets the counter.
   */
  async consume(policy: string, id: string, limit: RateLimit): Promise<RateLimitHeaders> {
    const key = createHash('sha256').update(id, 'utf8').digest('base64url').slice(0, 32);
    const state = await this.limiter(policy).consume(key, 1, { customDuration: limit.perSeconds });
    const headers = headersOf(policy, limit, state);
    if (state.consumedPoints <= limit.requests) return headers;
    const retryAfter = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    throw Problems.rateLimited(retryAfter, {
      detail: `This is limited to ${limit.requests} requests per ${limit.perSeconds} seconds. Try again in ${retryAfter} seconds.`,
      headers,
    });
  }

  /** One counter store per policy; the quota is checked here, so the store never refuses. */
  private limiter(policy: string): RateLimiterAbstract {
    let limiter = this.limiters.get(policy);
    if (!limiter) {
      const options = {
        keyPrefix: `${this.prefix}${policy}`,
        points: Number.MAX_SAFE_INTEGER,
        duration: 1,
      };
      const memory = new RateLimiterMemory(options);
      limiter = this.redis.client
        ? new RateLimiterRedis({
            ...options,
            storeClient: this.redis.client,
            rejectIfRedisNotReady: true,
            insuranceLimiter: memory,
          })
        : memory;
      this.limiters.set(policy, limiter);
    }
    return limiter;
  }
}

function headersOf(policy: string, limit: RateLimit, state: RateLimiterRes): RateLimitHeaders {
  const reset = Math.max(0, Math.ceil(state.msBeforeNext / 1000));
  return {
    'RateLimit-Policy': `"${policy}";q=${limit.requests};w=${limit.perSeconds}`,
    RateLimit: `"${policy}";r=${Math.max(0, limit.requests - state.consumedPoints)};t=${reset}`,
  };
}
