import { Logger, type OnModuleDestroy } from '@nestjs/common';

export interface LastUse {
  id: string;
  at: Date;
  ip: string | null;
}

const FLUSH_INTERVAL_MS = 5000;

/**
 * When credentials were last used, gathered in memory and written in one statement every few
 * seconds (and on shutdown), so that authenticating a request never waits for a write.
 */
export class LastUsedBuffer implements OnModuleDestroy {
  private readonly logger = new Logger(LastUsedBuffer.name);
  private pending = new Map<string, LastUse>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly label: string,
    private readonly write: (uses: LastUse[]) => Promise<void>,
    intervalMs = FLUSH_INTERVAL_MS,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  touch(id: string, ip: string | null): void {
    this.pending.set(id, { id, at: new Date(), ip });
  }

  /** Writes what was gathered; on failure keeps it for the next round unless newer uses came. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const uses = [...this.pending.values()];
    this.pending = new Map();
    try {
      await this.write(uses);
    } catch (error) {
      this.logger.warn(`last-used times of ${this.label} not written: ${(error as Error).message}`);
      for (const use of uses) if (!this.pending.has(use.id)) this.pending.set(use.id, use);
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

/** One UPDATE for a batch: `table` must have id, last_used_at and last_used_ip columns. */
export function lastUsedUpdate(table: string): string {
  return `UPDATE ${table} AS t
    SET last_used_at = GREATEST(COALESCE(t.last_used_at, u.at), u.at), last_used_ip = u.ip
    FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) AS u(id, at, ip)
    WHERE t.id = u.id`;
}

export function lastUsedParameters(uses: LastUse[]): unknown[] {
  return [uses.map((use) => use.id), uses.map((use) => use.at), uses.map((use) => use.ip)];
}
