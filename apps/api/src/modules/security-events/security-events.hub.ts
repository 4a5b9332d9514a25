import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { ChangeFeed } from '../../common/events/change-feed.js';
import { SECURITY_EVENT_TOPIC } from '../../common/events/topics.js';
import { setEventStreamSubscribers } from '../../common/metrics/metrics.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import type { StoredSecurityEvent } from './security-event-tokens.js';
import { SecurityEventsRepository } from './security-events.repository.js';

const PAGE = 500;
const PRUNE_INTERVAL_MS = 3_600_000;
const OVERLAP_SWEEP_INTERVAL_MS = 1000;

/** One reader of the live feed (a GET /events stream). */
export interface EventSink {
  deliver(event: StoredSecurityEvent): void;
  heartbeat(): void;
  close(): void;
}

/**
 * Every instance's fan-out of the security events outbox: the triggers that write an event
 * notify the change feed at commit, and the hub reads what is new once and hands it to each
 * local reader. When the feed is lost and regained it reads again from the last id it saw, so
 * nothing committed meanwhile is skipped; while the feed is down no heartbeat goes out, so
 * readers see the stream as stale.
 */
@Injectable()
export class SecurityEventsHub implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SecurityEventsHub.name);
  private readonly sinks = new Set<EventSink>();
  private readonly waiters = new Set<() => void>();
  private last = 0n;
  private pulling: Promise<void> | null = null;
  private pullAgain = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SecurityEventsRepository) private readonly events: SecurityEventsRepository,
    @Inject(ChangeFeed) private readonly feed: ChangeFeed,
  ) {}

  async onModuleInit(): Promise<void> {
    this.last = (await this.events.positions()).last;
    this.feed.subscribe(SECURITY_EVENT_TOPIC, {
      changed: () => this.pull(),
      reset: () => this.pull(),
    });
    const heartbeat = setInterval(() => {
      if (this.feed.healthy) for (const sink of this.sinks) sink.heartbeat();
    }, this.config.SECURITY_EVENTS_HEARTBEAT * 1000);
    const prune = setInterval(() => void this.prune().catch(() => undefined), PRUNE_INTERVAL_MS);
    // A rotation overlap ends without a write; the sweep turns its end into an event. One sweep
    // at a time, so a locked table or a slow database does not take a connection every second.
    let sweeping = false;
    const sweep = setInterval(() => {
      if (sweeping) return;
      sweeping = true;
      void this.events
        .sweepOverlaps()
        .catch(() => undefined)
        .finally(() => (sweeping = false));
    }, OVERLAP_SWEEP_INTERVAL_MS);
    this.timers = [heartbeat, prune, sweep];
    for (const timer of this.timers) timer.unref();
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearInterval(timer);
    for (const sink of this.sinks) sink.close();
    this.sinks.clear();
    for (const wake of this.waiters) wake();
  }

  /** The newest event this instance has read. */
  get lastId(): bigint {
    return this.last;
  }

  /** Adds a live reader; `deliver` gets every event read from now on. */
  add(sink: EventSink): void {
    this.sinks.add(sink);
    setEventStreamSubscribers(this.sinks.size);
  }

  remove(sink: EventSink): void {
    this.sinks.delete(sink);
    setEventStreamSubscribers(this.sinks.size);
  }

  /** Resolves when an event after `id` has been read, or after `timeoutMs`. */
  waitBeyond(id: bigint, timeoutMs: number): Promise<void> {
    if (this.last > id) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  /** Deletes what retention allows (SECURITY_EVENTS_RETENTION); every instance may run it. */
  prune(): Promise<number> {
    return this.events.prune(this.config.SECURITY_EVENTS_RETENTION);
  }

  /** Reads what is new; a call while reading makes the read go round once more. */
  private pull(): void {
    if (this.pulling) {
      this.pullAgain = true;
      return;
    }
    this.pulling = this.readNew()
      .catch((error: unknown) => {
        this.logger.warn(`security events not read: ${(error as Error).message}`);
      })
      .finally(() => {
        this.pulling = null;
        if (this.pullAgain) this.pull();
      });
  }

  private async readNew(): Promise<void> {
    this.pullAgain = false;
    for (;;) {
      const events = await this.events.after(this.last, PAGE);
      for (const event of events) {
        this.last = BigInt(event.id);
        for (const sink of this.sinks) sink.deliver(event);
      }
      if (events.length < PAGE) break;
    }
    for (const wake of this.waiters) wake();
  }
}
