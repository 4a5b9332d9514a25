import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { AuditService, type AuditParty } from '../../modules/audit/audit.service.js';
import type { RequestContext } from '../auth/request-context.js';
import { countFailureLimitRefusal } from '../metrics/metrics.js';
import { ProblemException, Problems } from '../problem/problem.exception.js';
import { RedisConnection } from './redis-connection.js';

/**
 * The counters failures are kept in. Logins and second factors are low-entropy secrets; the
 * `credential` buckets count machine credentials (API secrets, opaque and refresh tokens,
 * introspection callers).
 */
export type FailureBucket =
  'login' | 'device' | 'login-ip' | 'second-factor' | 'credential' | 'credential-ip';

export interface FailureKey {
  bucket: FailureBucket;
  /** What is counted: a login, a device, a user, an API key, a caller, an IP. Never stored raw. */
  id: string;
}

/** One guess at a secret: where it came from and which counters it goes to. */
export interface Attempt {
  keys: FailureKey[];
  context: RequestContext;
  /** What was guessed, as the audit event of a tripped limit names it. */
  kind: string;
  subject?: AuditParty | null;
}

interface BucketSpec {
  points: number;
  windowSeconds: number;
  /**
   * Counted before the check rather than after a failure, and refunded on success: parallel
   * guesses at a password or a 6-digit code cannot overrun the limit while they are checked, and
   * a full counter refuses the attempt unchecked. Machine credentials (238 bits) cannot be
   * guessed and are used concurrently: they are always checked, one that verifies is let in
   * whatever its counters hold, and only a failure is counted and, over the limit, refused.
   */
  reserve: boolean;
}

function bucketSpecs(config: AppConfig): Record<FailureBucket, BucketSpec> {
  const login = { windowSeconds: config.AUTH_LOGIN_FAILURE_WINDOW, reserve: true };
  const credential = { windowSeconds: config.AUTH_CREDENTIAL_FAILURE_WINDOW, reserve: false };
  return {
    login: { ...login, points: config.AUTH_LOGIN_MAX_FAILURES },
    device: { ...login, points: config.AUTH_LOGIN_MAX_FAILURES },
    'second-factor': { ...login, points: config.AUTH_LOGIN_MAX_FAILURES },
    'login-ip': { ...login, points: config.AUTH_LOGIN_IP_MAX_FAILURES },
    credential: { ...credential, points: config.AUTH_CREDENTIAL_MAX_FAILURES },
    'credential-ip': { ...credential, points: config.AUTH_CREDENTIAL_IP_MAX_FAILURES },
  };
}

/** Counter keys are hashes: a login (maybe a password typed in the wrong field) never lands in Redis. */
function counterKey(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('base64url').slice(0, 32);
}

function retryAfterSeconds(refusals: RateLimiterRes[]): number {
  const ms = Math.max(...refusals.map((refusal) => refusal.msBeforeNext));
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * Failure limits on every secret-guessing surface, with rate-limiter-flexible: in memory, or in
 * Redis (REDIS_URL) so that every instance sees the same counters. When Redis cannot be reached,
 * each counter falls back to this instance's memory (insuranceLimiter) with a warning: a lost
 * Redis never lets guesses through uncounted.
 */
@Injectable()
export class FailureLimiter {
  private readonly specs: Record<FailureBucket, BucketSpec>;
  private readonly limiters: Record<FailureBucket, RateLimiterAbstract>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(RedisConnection) redis: RedisConnection,
  ) {
    this.specs = bucketSpecs(config);
    const prefix = `${config.REDIS_KEY_PREFIX}failures:`;
    const limiter = (bucket: FailureBucket): RateLimiterAbstract => {
      const spec = this.specs[bucket];
      const options = {
        keyPrefix: `${prefix}${bucket}`,
        points: spec.points,
        duration: spec.windowSeconds,
      };
      const memory = new RateLimiterMemory(options);
      if (!redis.client) return memory;
      return new RateLimiterRedis({
        ...options,
        storeClient: redis.client,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      });
    };
    this.limiters = {
      login: limiter('login'),
      device: limiter('device'),
      'login-ip': limiter('login-ip'),
      'second-factor': limiter('second-factor'),
      credential: limiter('credential'),
      'credential-ip': limiter('credential-ip'),
    };
  }

  /**
   * Runs `verify` unless one of the attempt's reserved counters (guessable secrets) is at its
   * limit, and counts it as a failure when `failed` says so. A failure that takes a counted
   * (machine credential) counter over its limit is refused too; a success on those counters never
   * is. Refusals are 429 with Retry-After; a counter that reaches its limit is audited.
   */
  async attempt<T>(
    attempt: Attempt,
    verify: () => Promise<T>,
    failed: (result: T) => boolean = (result) => !result,
  ): Promise<T> {
    const reserved = attempt.keys.filter((key) => this.specs[key.bucket].reserve);
    const counted = attempt.keys.filter((key) => !this.specs[key.bucket].reserve);
    let reservations: RateLimiterRes[];
    try {
      reservations = await this.reserve(reserved);
    } catch (error) {
      if (error instanceof ProblemException && error.problem.status === 429) {
        countFailureLimitRefusal(attempt.kind);
      }
      throw error;
    }
    let result: T;
    try {
      result = await verify();
    } catch (error) {
      await this.refund(reserved);
      throw error;
    }
    if (!failed(result)) {
      await this.refund(reserved);
      return result;
    }
    const penalties = await Promise.all(
      counted.map((key) => this.limiters[key.bucket].penalty(counterKey(key.id))),
    );
    await this.auditTripped(attempt, [...reserved, ...counted], [...reservations, ...penalties]);
    const points = counted.map((key) => this.specs[key.bucket].points);
    const over = penalties.filter((state, index) => state.consumedPoints > (points[index] ?? 0));
    if (over.length > 0) {
      countFailureLimitRefusal(attempt.kind);
      throw Problems.rateLimited(retryAfterSeconds(over));
    }
    return result;
  }

  /** Counts one attempt on each reserved counter; all refunded and 429 if any is over. */
  private async reserve(keys: FailureKey[]): Promise<RateLimiterRes[]> {
    const outcomes = await Promise.allSettled(
      keys.map((key) => this.limiters[key.bucket].consume(counterKey(key.id))),
    );
    const refusals: RateLimiterRes[] = [];
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') continue;
      if (!(outcome.reason instanceof RateLimiterRes)) {
        await this.refund(keys);
        throw outcome.reason;
      }
      refusals.push(outcome.reason);
    }
    if (refusals.length === 0) {
      return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<RateLimiterRes>).value);
    }
    // Nothing was tried: the refused attempt does not count, and neither does its reservation.
    await this.refund(keys);
    throw Problems.rateLimited(retryAfterSeconds(refusals));
  }

  private async refund(keys: FailureKey[]): Promise<void> {
    await Promise.all(keys.map((key) => this.limiters[key.bucket].reward(counterKey(key.id))));
  }

  /** An audit event the first time a failure fills a counter in its window. */
  private async auditTripped(
    attempt: Attempt,
    keys: FailureKey[],
    states: RateLimiterRes[],
  ): Promise<void> {
    const tripped = keys.filter(
      (key, index) => states[index]?.consumedPoints === this.specs[key.bucket].points,
    );
    if (tripped.length === 0) return;
    await this.audit.record('rate_limit.exceeded', {
      subject: attempt.subject ?? null,
      context: attempt.context,
      details: {
        kind: attempt.kind,
        counters: tripped.map((key) => key.bucket),
        retryAfter: Math.max(...tripped.map((key) => this.specs[key.bucket].windowSeconds)),
      },
    });
  }
}
