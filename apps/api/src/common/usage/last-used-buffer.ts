import { Logger, type OnModuleDestroy } from '@nestjs/common';

export interface LastUse {
  id: string;
  at: Date;
  ip: string | null;
}

/** Verifications of one credential within one hour. */
export interface CredentialHour {
  id: string;
  hour: Date;
  count: number;
}

/** How often `metric` (of `kind`, '' when it has none) happened within one hour. */
export interface CounterHour {
  hour: Date;
  metric: UsageMetric;
  kind: string;
  count: number;
}

/** What the usage counters count; the overview reads them back by these names. */
export type UsageMetric = 'verification' | 'sign_in' | 'sign_in_failed' | 'rate_limited';

/** Everything gathered since the last flush, written together. */
export interface UsageBatch {
  lastUses: LastUse[];
  credentialHours: CredentialHour[];
  counters: CounterHour[];
}

export interface UsageWriter {
  writeUsage(batch: UsageBatch): Promise<void>;
}

const FLUSH_INTERVAL_MS = 5000;
const HOUR_MS = 3_600_000;

function hourOf(at: number): number {
  return at - (at % HOUR_MS);
}

/**
 * When credentials were last used and how often things happened per hour, gathered in memory
 * and written in one batch every few seconds (and on shutdown), so that authenticating a request
 * never waits for a write.
 */
export class UsageBuffer implements OnModuleDestroy {
  private readonly logger = new Logger(UsageBuffer.name);
  private lastUses = new Map<string, LastUse>();
  /** Keyed by `hour|id` and `hour|metric|kind`. */
  private credentialHours = new Map<string, CredentialHour>();
  private counters = new Map<string, CounterHour>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly writer: UsageWriter,
    intervalMs = FLUSH_INTERVAL_MS,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  /** A verification of a stored credential: its last use, and one more in this hour. */
  touch(id: string, ip: string | null): void {
    const at = Date.now();
    this.lastUses.set(id, { id, at: new Date(at), ip });
    const hour = hourOf(at);
    addTo(this.credentialHours, `${hour}|${id}`, { id, hour: new Date(hour), count: 1 });
  }

  count(metric: UsageMetric, kind = ''): void {
    const hour = hourOf(Date.now());
    addTo(this.counters, `${hour}|${metric}|${kind}`, {
      hour: new Date(hour),
      metric,
      kind,
      count: 1,
    });
  }

  /** Writes what was gathered; on failure keeps it for the next round (newer last uses win). */
  async flush(): Promise<void> {
    if (this.lastUses.size + this.credentialHours.size + this.counters.size === 0) return;
    const batch = { lastUses: this.lastUses, hours: this.credentialHours, counters: this.counters };
    this.lastUses = new Map();
    this.credentialHours = new Map();
    this.counters = new Map();
    try {
      await this.writer.writeUsage({
        lastUses: [...batch.lastUses.values()],
        credentialHours: [...batch.hours.values()],
        counters: [...batch.counters.values()],
      });
    } catch (error) {
      this.logger.warn(`usage not written: ${(error as Error).message}`);
      for (const [id, use] of batch.lastUses)
        if (!this.lastUses.has(id)) this.lastUses.set(id, use);
      for (const [key, hour] of batch.hours) addTo(this.credentialHours, key, hour);
      for (const [key, counter] of batch.counters) addTo(this.counters, key, counter);
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

function addTo<T extends { count: number }>(map: Map<string, T>, key: string, entry: T): void {
  const existing = map.get(key);
  if (existing) existing.count += entry.count;
  else map.set(key, { ...entry });
}
