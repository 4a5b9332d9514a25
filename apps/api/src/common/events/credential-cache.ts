export interface CacheOptions {
  /** Longest time an entry is trusted, even without a change notification. */
  ttlMs: number;
  /** Entries kept at most; the oldest go first. */
  maxEntries: number;
  /**
   * Keep "not found" too, so an unknown identifier costs what a known one does (no database
   * round trip that timing would reveal). Only for identifiers nobody can present before they
   * exist (random ones); a change notification clears a miss as it clears a hit.
   */
  cacheMisses?: boolean;
}

interface Entry<V> {
  value: V | null;
  expiresAt: number;
}

/**
 * Verified credentials and user states kept in process, so the hot path skips the database.
 * Only found values are kept unless `cacheMisses` is set, and a value loaded while a change
 * arrived is not kept, since it may predate the change.
 */
export class CredentialCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private generation = 0;

  constructor(
    private readonly usable: () => boolean,
    private readonly options: CacheOptions,
  ) {}

  async get(key: string, load: () => Promise<V | null>): Promise<V | null> {
    if (!this.usable()) return load();
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > Date.now()) return entry.value;
    if (entry) this.entries.delete(key);
    const generation = this.generation;
    const value = await load();
    const keep = value !== null || this.options.cacheMisses === true;
    if (keep && generation === this.generation && this.usable()) this.set(key, value);
    return value;
  }

  invalidate(key: string): void {
    this.generation += 1;
    if (key === '*') this.entries.clear();
    else this.entries.delete(key);
  }

  clear(): void {
    this.invalidate('*');
  }

  get size(): number {
    return this.entries.size;
  }

  private set(key: string, value: V | null): void {
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: Date.now() + this.options.ttlMs });
  }
}
