import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { countCacheLookup } from '../metrics/metrics.js';
import { Clock } from '../clock/clock.js';
import { ChangeFeed } from '../events/change-feed.js';
import { CredentialCache } from '../events/credential-cache.js';
import {
  CREDENTIAL_TOPIC,
  REVOKED_JWT_TOPIC,
  SESSION_TOPIC,
  SIGNING_KEYS_LOADED_TOPIC,
  USER_TOPIC,
} from '../events/topics.js';
import type { Principal } from './principal.js';

const TTL_MS = 60_000;
const MAX_ENTRIES = 100_000;

/**
 * The verified-credential cache in front of every credential method: the key is a hash of the
 * presented string (never the string), the value the caller it stands for, kept until the
 * credential expires (at most a minute). A hit skips the signature check and the database.
 * A change to the user, the stored credential, the session or the token (LISTEN/NOTIFY, every
 * instance) evicts what depended on it, and reloaded signing keys clear it all; while the feed is
 * down the cache is bypassed.
 */
@Injectable()
export class VerifiedCredentials {
  private readonly cache: CredentialCache<Principal>;
  /** Cache keys by what they depend on (user, credential, session or token id). */
  private readonly dependents = new Map<string, Set<string>>();

  constructor(@Inject(ChangeFeed) feed: ChangeFeed, @Inject(Clock) clock: Clock) {
    this.cache = new CredentialCache<Principal>(() => feed.healthy, {
      ttlMs: TTL_MS,
      maxEntries: MAX_ENTRIES,
      ttlOf: (principal) => (principal.credential?.expiresAt ?? Infinity) - clock.now(),
      onStore: (key, principal) => {
        for (const id of dependenciesOf(principal)) {
          const keys = this.dependents.get(id) ?? new Set();
          keys.add(key);
          this.dependents.set(id, keys);
        }
      },
      onDrop: (key, principal) => {
        for (const id of dependenciesOf(principal)) {
          const keys = this.dependents.get(id);
          keys?.delete(key);
          if (keys?.size === 0) this.dependents.delete(id);
        }
      },
    });
    for (const topic of [USER_TOPIC, CREDENTIAL_TOPIC, SESSION_TOPIC, REVOKED_JWT_TOPIC]) {
      feed.subscribe(topic, { changed: (id) => this.evict(id), reset: () => this.cache.clear() });
    }
    const clear = () => this.cache.clear();
    feed.subscribe(SIGNING_KEYS_LOADED_TOPIC, { changed: clear, reset: clear });
  }

  /** The caller `presented` (in `scheme`) stands for: from memory, or `verify` once. */
  async get(
    scheme: string,
    presented: string,
    verify: () => Promise<Principal | null>,
  ): Promise<Principal | null> {
    let missed = false;
    const principal = await this.cache.get(cacheKey(scheme, presented), () => {
      missed = true;
      return verify();
    });
    countCacheLookup(missed ? 'miss' : 'hit');
    return principal;
  }

  private evict(id: string): void {
    if (id === '*') this.cache.clear();
    else this.cache.invalidateMany([...(this.dependents.get(id) ?? [])]);
  }
}

function cacheKey(scheme: string, presented: string): string {
  return createHash('sha256').update(`${scheme}\0${presented}`, 'utf8').digest('base64url');
}

function dependenciesOf(principal: Principal): string[] {
  return [
    principal.user.id,
    // A change to the admin acting through it (a role taken away) is a change to it.
    principal.actor?.id,
    principal.credentialId,
    principal.sessionId,
    principal.credential?.tokenId,
  ].filter((id): id is string => id !== undefined);
}
