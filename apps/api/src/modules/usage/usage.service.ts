import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { OverviewRange, UsageQuery, UsageSeries } from '@latchkey/contracts';
import { Clock } from '../../common/clock/clock.js';
import { UsageBuffer } from '../../common/usage/last-used-buffer.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import {
  bucketOf,
  bucketStarts,
  overviewRange,
  usageRange,
  type UsageRange,
} from './usage-range.js';
import { UsageRepository, type CounterRow } from './usage.repository.js';

const PRUNE_INTERVAL_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Counters of one bucket of the overview. */
export interface CounterBucket {
  at: string;
  counters: CounterRow[];
}

/**
 * Usage read back as series (every bucket present, zero when nothing happened), and the
 * aggregates' retention: rows older than USAGE_RETENTION_DAYS are pruned every hour.
 */
@Injectable()
export class UsageService implements OnModuleInit, OnModuleDestroy {
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(UsageRepository) private readonly usage: UsageRepository,
    @Inject(UsageBuffer) private readonly buffer: UsageBuffer,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.pruneTimer = setInterval(
      () => void this.prune().catch(() => undefined),
      PRUNE_INTERVAL_MS,
    );
    this.pruneTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.buffer.onModuleDestroy();
  }

  /** Deletes aggregates older than the retention. */
  prune(): Promise<void> {
    return this.usage.prune(new Date(this.clock.now() - this.config.USAGE_RETENTION_DAYS * DAY_MS));
  }

  /** Verifications of these credentials together, per bucket (400 for a bad range). */
  async credentialSeries(credentialIds: string[], query: UsageQuery): Promise<UsageSeries> {
    const range = usageRange(query, this.clock.now());
    const hours = await this.usage.credentialHours(
      credentialIds,
      new Date(range.from),
      new Date(range.to),
    );
    const sums = new Map<number, number>();
    for (const { hour, count } of hours) {
      const at = bucketOf(hour, range);
      sums.set(at, (sums.get(at) ?? 0) + count);
    }
    return {
      bucket: range.bucket,
      from: new Date(range.from).toISOString(),
      to: new Date(range.to).toISOString(),
      points: bucketStarts(range).map((at) => ({
        at: new Date(at).toISOString(),
        count: sums.get(at) ?? 0,
      })),
    };
  }

  /** The counters of every bucket of an overview range, oldest first. */
  async counterBuckets(
    name: OverviewRange,
  ): Promise<{ range: UsageRange; buckets: CounterBucket[] }> {
    const range = overviewRange(name, this.clock.now());
    const rows = await this.usage.counterHours(new Date(range.from), new Date(range.to));
    const byBucket = new Map<number, CounterRow[]>();
    for (const row of rows) {
      const at = bucketOf(row.hour, range);
      byBucket.set(at, [...(byBucket.get(at) ?? []), row]);
    }
    return {
      range,
      buckets: bucketStarts(range).map((at) => ({
        at: new Date(at).toISOString(),
        counters: byBucket.get(at) ?? [],
      })),
    };
  }
}
