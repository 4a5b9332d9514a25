import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';

/**
 * The Redis (REDIS_URL) that counters shared by every instance live in, or none. Commands fail
 * at once while it is down, so callers fall back to this instance's memory instead of waiting.
 */
@Injectable()
export class RedisConnection implements OnModuleDestroy {
  private readonly logger = new Logger('Redis');
  readonly client: Redis | null;
  private lost = false;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.client = config.REDIS_URL ? this.connect(config.REDIS_URL) : null;
  }

  onModuleDestroy(): void {
    this.client?.disconnect();
  }

  private connect(url: string): Redis {
    const client = new Redis(url, {
      // Fail at once while disconnected, and after 500 ms when Redis hangs: the counters then
      // go to memory instead of holding the request.
      enableOfflineQueue: false,
      commandTimeout: 500,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 200, 5000),
    });
    client.on('error', (error: Error) => {
      if (this.lost) return;
      this.lost = true;
      this.logger.warn(
        `Redis cannot be reached (${error.message}): failure and rate limits fall back to this instance's memory until it is back`,
      );
    });
    client.on('ready', () => {
      if (!this.lost) return;
      this.lost = false;
      this.logger.log('Redis is back: failure and rate limits are shared by every instance again');
    });
    return client;
  }
}
