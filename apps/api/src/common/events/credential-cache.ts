import { LRUCache } from 'lru-cache';

export interface CacheOptions<V> {
  /** Longest time an entry is trusted, even without a change notification. */
  ttlMs: number;
  /** Entries kept at most; the least recently used go first. */
  maxEntries: number;
  /**
   * Keep "not found" too, so an unknown identifier costs what a known one does (no database
   * round trip that timing would reveal). Only for identifiers nobody can present before they
   * exist (random ones); a change notification clears a miss as it clears a hit.
   */
  cacheMisses?: boolean;
  /** A shorter life for one value (ms), e.g. until the credential it holds expires. */
  ttlOf?: (value: V) => number;
  /** Told when a value is stored and when it leaves, to index it. */
  onStore?: (key: string, value: V) => void;
  onDrop?: (key: string, value: V) => void;
}

type Load<V> = () => Promise<V | null>;
interface Box<V> {
  value: V | null;
}

/** A load that ended after a change it may predate: its value is used once, never kept. */
class LoadedDuringChange<V> {
  constructor(readonly value: V | null) {}
}
class LoadFailed {
  constructor(readonly error: unknown) {}
}

/**
 * Verified credentials and user states kept in process, so the hot path skips the database.
 * On lru-cache: bounded, with a TTL, and `fetch` so that concurrent misses of one key make one
 * load. Only found values are kept unless `cacheMisses` is set, and a value loaded while any
 * change arrived is not kept, since it may predate the change.
 */
export class CredentialCache<V extends object> {
  private readonly lru: LRUCache<string, Box<V>, Load<V>>;
  private generation = 0;

  constructor(
    private readonly usable: () => boolean,
    private readonly options: CacheOptions<V>,
  ) {
    this.lru = new LRUCache<string, Box<V>, Load<V>>({
      max: options.maxEntries,
      ttl: options.ttlMs,
      // A change aborts nothing under way: the load finishes, and the generation check below
      // refuses to keep what it found.
      ignoreFetchAbort: true,
      fetchMethod: (_key, _stale, fetch) => this.load(fetch.context, fetch.options),
      onInsert: (box, key) => {
        if (box.value) options.onStore?.(key, box.value);
      },
      dispose: (box, key) => {
        if (box.value) options.onDrop?.(key, box.value);
      },
    });
  }

  async get(key: string, load: Load<V>): Promise<V | null> {
    if (!this.usable()) return load();
    try {
      const box = await this.lru.fetch(key, { context: load });
      return box?.value ?? null;
    } catch (outcome) {
      if (outcome instanceof LoadedDuringChange) return outcome.value as V | null;
      throw outcome instanceof LoadFailed ? outcome.error : outcome;
    }
  }

  /** Forgets these keys (every key for '*'); loads under way are not kept either way. */
  invalidate(key: string): void {
    this.invalidateMany(key === '*' ? null : [key]);
  }

  /** Forgets the keys, or everything for null. */
  invalidateMany(keys: Iterable<string> | null): void {
    this.generation += 1;
    if (keys === null) this.lru.clear();
    else for (const key of keys) this.lru.delete(key);
  }

  clear(): void {
    this.invalidateMany(null);
  }

  get size(): number {
    return this.lru.size;
  }

  private async load(
    load: Load<V>,
    options: LRUCache.FetcherFetchOptions<string, Box<V>, Load<V>>,
  ): Promise<Box<V> | undefined> {
    const generation = this.generation;
    let value: V | null;
    try {
      value = await load();
    } catch (error) {
      throw new LoadFailed(error);
    }
    if (generation !== this.generation || !this.usable()) throw new LoadedDuringChange(value);
    if (value === null && this.options.cacheMisses !== true) throw new LoadedDuringChange(null);
    if (value !== null && this.options.ttlOf) {
      const ttl = Math.min(this.options.ttlMs, this.options.ttlOf(value));
      if (ttl <= 0) throw new LoadedDuringChange(value);
      options.ttl = ttl;
    }
    return { value };
  }
}
