export interface CacheOptions {
  /** Longest time an entry is trusted, even without a change notification. */
  ttlMs: number;
  /** Entries kept at most; the oldest go first. */
  maxEntries: number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/**
 * Verified credentials and user states kept in process, so the hot path skips the database.
 * Only found values are kept (an unknown token always goes to the database), and a value loaded
 * while a change arrived is not kept, since it may predate the change.
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
    if (value !== null && generation === this.generation && this.usable()) this.set(key, value);
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

  private set(key: string, value: V): void {
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: Date.now() + this.options.ttlMs });
  }
}
