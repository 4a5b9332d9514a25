import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { StartupError } from '../startup/startup-error.js';
import { CredentialCache, type CacheOptions } from './credential-cache.js';
import { observeChangeFeedLag } from '../metrics/metrics.js';

/** The PostgreSQL channel every instance listens on. */
export const CHANGE_CHANNEL = 'latchkey_changes';
const RECONNECT_DELAY_MS = 1000;
/**
 * A database that freezes or drops off the network sends no error and no FIN: the channel is
 * pinged this often, and counts as lost when an answer takes longer than the timeout.
 */
const HEARTBEAT_INTERVAL_MS = 1000;
const HEARTBEAT_TIMEOUT_MS = 2000;
/** How long the start-up NOTIFY may take to come back; no subscriber has this topic. */
const PROBE_TIMEOUT_MS = 3000;
const PROBE_TOPIC = 'feed.probe';

/** A change that makes cached state stale: `key` '*' means every key of the topic. */
export interface Change {
  topic: string;
  key: string;
  /** When it was published (epoch ms): the change-feed lag metric measures from it. */
  at?: number;
}

interface Subscriber {
  changed(key: string): void;
  /** The channel was lost or regained: anything cached may have missed a change. */
  reset(): void;
}

/**
 * Tells every running instance (this one included) that something changed, through PostgreSQL
 * LISTEN/NOTIFY. Caches built on it are bypassed while the channel is down and emptied when it
 * drops and when it returns, so a missed notification never leaves a revoked credential alive.
 * A heartbeat notices a channel that went silent without closing.
 */
@Injectable()
export class ChangeFeed implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ChangeFeed.name);
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private client: pg.Client | null = null;
  private listening = false;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** True while notifications arrive: only then may a cache answer without the database. */
  get healthy(): boolean {
    return this.listening;
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
    if (this.client) await this.proveListening(this.client);
  }

  /**
   * A NOTIFY sent through the application's own connections must come back on the listening
   * one. Through a transaction-mode pooler LISTEN is accepted and then never delivers: refuse to
   * start rather than serve revoked credentials from the cache.
   */
  private async proveListening(client: pg.Client): Promise<void> {
    const key = randomUUID();
    let heard: (message: pg.Notification) => void = () => undefined;
    const arrived = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
      heard = (message) => {
        if (!message.payload?.includes(key)) return;
        clearTimeout(timer);
        resolve(true);
      };
      client.on('notification', heard);
    });
    await this.dataSource.query('SELECT pg_notify($1, $2)', [
      CHANGE_CHANNEL,
      JSON.stringify({ topic: PROBE_TOPIC, key } satisfies Change),
    ]);
    const delivered = await arrived;
    client.off('notification', heard);
    if (delivered) return;
    await this.onModuleDestroy();
    throw new StartupError(
      `The revocation feed cannot LISTEN: a NOTIFY sent through the database connection did not arrive within ${PROBE_TIMEOUT_MS} ms on ${
        this.config.DATABASE_LISTEN_URL ? 'DATABASE_LISTEN_URL' : 'DATABASE_URL'
      }. Behind a transaction-mode pooler such as PgBouncer, set DATABASE_LISTEN_URL to a direct connection to PostgreSQL.`,
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.stopHeartbeat();
    const client = this.client;
    // Forgotten first, so its 'end' event is a shutdown, not a lost channel to recover from.
    this.client = null;
    this.listening = false;
    await client?.end().catch(() => undefined);
  }

  /** A cache of verified credentials that this feed keeps fresh for `topic`. */
  cache<V extends object>(topic: string, options: CacheOptions<V>): CredentialCache<V> {
    const cache = new CredentialCache<V>(() => this.healthy, options);
    this.subscribe(topic, { changed: (key) => cache.invalidate(key), reset: () => cache.clear() });
    return cache;
  }

  subscribe(topic: string, subscriber: Subscriber): void {
    const set = this.subscribers.get(topic) ?? new Set();
    set.add(subscriber);
    this.subscribers.set(topic, set);
  }

  /** Announces a change to every instance; this instance applies it before returning. */
  async publish(topic: string, key: string): Promise<void> {
    this.dispatch({ topic, key });
    await this.dataSource.query('SELECT pg_notify($1, $2)', [
      CHANGE_CHANNEL,
      JSON.stringify({ topic, key, at: Date.now() } satisfies Change),
    ]);
  }

  /** Tells this instance's subscribers only (a change that happened here alone). */
  announceLocally(topic: string, key: string): void {
    this.dispatch({ topic, key });
  }

  private dispatch({ topic, key }: Change): void {
    for (const subscriber of this.subscribers.get(topic) ?? []) subscriber.changed(key);
  }

  private resetAll(): void {
    for (const set of this.subscribers.values()) for (const subscriber of set) subscriber.reset();
  }

  private async connect(): Promise<void> {
    const url = this.config.DATABASE_LISTEN_URL ?? (this.dataSource.options as { url: string }).url;
    const client = new pg.Client({ connectionString: url, application_name: 'latchkey-changes' });
    client.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL || !message.payload) return;
      try {
        const change = JSON.parse(message.payload) as Change;
        this.dispatch(change);
        if (typeof change.at === 'number') observeChangeFeedLag(change.at);
      } catch {
        this.resetAll();
      }
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      this.client = client;
      this.resetAll();
      this.listening = true;
      this.startHeartbeat(client);
    } catch (error) {
      this.logger.warn(`change feed unavailable, caches bypassed: ${(error as Error).message}`);
      await client.end().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.listening = false;
    this.stopHeartbeat();
    this.resetAll();
    if (this.closed) return;
    this.logger.warn('change feed lost, caches bypassed until it is back');
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private startHeartbeat(client: pg.Client): void {
    this.stopHeartbeat();
    let waiting = false;
    this.heartbeat = setInterval(() => {
      if (waiting || this.client !== client) return;
      waiting = true;
      const silent = setTimeout(() => this.lost(client), HEARTBEAT_TIMEOUT_MS);
      client
        .query('SELECT 1')
        .catch(() => this.lost(client))
        .finally(() => {
          clearTimeout(silent);
          waiting = false;
        });
    }, HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, RECONNECT_DELAY_MS);
    this.retry.unref();
  }
}
