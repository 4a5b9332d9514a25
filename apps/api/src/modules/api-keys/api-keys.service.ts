import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { TOKEN_PREFIXES, type Role, type Scope } from '@latchkey/contracts';
import type { Acting } from '../../common/auth/acting.js';
import { assertWithinCeiling, type Minter } from '../../common/auth/permission-ceiling.js';
import { generateToken, hashToken, isWellFormedToken } from '../../common/crypto/token-format.js';
import { ChangeFeed } from '../../common/events/change-feed.js';
import type { CredentialCache } from '../../common/events/credential-cache.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { LastUsedBuffer } from '../../common/usage/last-used-buffer.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { AuditService } from '../audit/audit.service.js';
import { UsersService } from '../users/users.service.js';
import type { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeysRepository } from './api-keys.repository.js';

export const API_KEY_TOPIC = 'api-key';

/** What verifying a key needs, cached by its public half. */
export interface LiveApiKey {
  id: string;
  userId: string;
  apiKey: string;
  scopes: Scope[];
  secretHash: Buffer;
  secretVersion: number;
}

export interface KeyOwner {
  id: string;
  login: string;
  roles: Role[];
}

/**
 * API key + secret pairs (Frappe style): the key (lk_…) is an identifier that never changes, the
 * secret (lks_…) is shown once, stored as SHA-256 and can be rotated. Both carry a checksum, so
 * a mistyped pair is refused before any lookup.
 */
@Injectable()
export class ApiKeysService implements OnModuleDestroy {
  private readonly live: CredentialCache<LiveApiKey>;
  private readonly usage: LastUsedBuffer;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ApiKeysRepository) private readonly keys: ApiKeysRepository,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(ChangeFeed) private readonly feed: ChangeFeed,
  ) {
    this.live = feed.cache(API_KEY_TOPIC, { ttlMs: 60_000, maxEntries: 50_000 });
    this.usage = new LastUsedBuffer('API keys', (uses) => this.keys.writeLastUsed(uses));
  }

  onModuleDestroy(): Promise<void> {
    return this.usage.onModuleDestroy();
  }

  flushUsage(): Promise<void> {
    return this.usage.flush();
  }

  /**
   * A new key for `owner`. Its scopes stay within the permission ceiling: what the owner's
   * roles allow and what the minting credential holds, both.
   */
  async create(
    owner: KeyOwner,
    input: { name: string; scopes: Scope[] },
    minter: Minter,
    acting: Acting,
  ): Promise<{ entity: ApiKeyEntity; apiSecret: string }> {
    if (!this.config.AUTH_API_KEY_ENABLED) {
      throw Problems.forbidden('API keys are switched off (AUTH_API_KEY_ENABLED).');
    }
    assertWithinCeiling(minter, owner, { requested: input.scopes });
    const apiSecret = generateToken(TOKEN_PREFIXES.apiSecret);
    const entity = await this.keys.insert({
      userId: owner.id,
      name: input.name,
      apiKey: generateToken(TOKEN_PREFIXES.apiKey),
      secretHash: hashToken(apiSecret),
      scopes: input.scopes,
    });
    await this.audit.record('api_key.created', {
      ...acting,
      subject: owner,
      details: { id: entity.id, apiKey: entity.apiKey, name: entity.name, scopes: entity.scopes },
    });
    return { entity, apiSecret };
  }

  list(userId: string): Promise<ApiKeyEntity[]> {
    return this.keys.listOfUser(userId);
  }

  async get(id: string): Promise<ApiKeyEntity> {
    const key = await this.keys.findLiveById(id);
    if (!key) throw Problems.notFound('No API key has this id.');
    return key;
  }

  /**
   * A new secret for the key; the old one stops working at once, with its exchanged tokens.
   * Whoever renews it must hold every permission the key has (the permission ceiling).
   */
  async rotateSecret(
    id: string,
    minter: Minter,
    acting: Acting,
  ): Promise<{ apiKey: string; apiSecret: string }> {
    const key = await this.get(id);
    const owner = await this.users.findById(key.userId);
    if (!owner) throw Problems.notFound('No API key has this id.');
    assertWithinCeiling(minter, owner, { kept: key.scopes });
    const apiSecret = generateToken(TOKEN_PREFIXES.apiSecret);
    if (!(await this.keys.rotateSecret(id, hashToken(apiSecret)))) {
      throw Problems.notFound('No API key has this id.');
    }
    await this.feed.publish(API_KEY_TOPIC, key.apiKey);
    await this.audit.record('api_key.secret_rotated', {
      ...acting,
      subject: owner,
      details: { id: key.id, apiKey: key.apiKey, name: key.name },
    });
    return { apiKey: key.apiKey, apiSecret };
  }

  /** Revokes the key and every token exchanged for it; false when it was not live. */
  async revoke(id: string, acting: Acting): Promise<boolean> {
    const key = await this.keys.findLiveById(id);
    if (!key || !(await this.keys.revoke(key.id))) return false;
    await this.feed.publish(API_KEY_TOPIC, key.apiKey);
    await this.audit.record('api_key.revoked', {
      ...acting,
      subject: await this.users.findById(key.userId),
      details: { id: key.id, apiKey: key.apiKey, name: key.name },
    });
    return true;
  }

  /** The live key these are the key and secret of, or null; malformed ones cost no query. */
  async verify(apiKey: string, apiSecret: string): Promise<LiveApiKey | null> {
    if (!isWellFormedToken(apiSecret, TOKEN_PREFIXES.apiSecret)) return null;
    const key = await this.findLive(apiKey);
    if (!key) return null;
    return timingSafeEqual(hashToken(apiSecret), key.secretHash) ? key : null;
  }

  /** A live key by its public half (from memory on the hot path). */
  findLive(apiKey: string): Promise<LiveApiKey | null> {
    if (!isWellFormedToken(apiKey, TOKEN_PREFIXES.apiKey)) return Promise.resolve(null);
    return this.live.get(apiKey, async () => {
      const found = await this.keys.findLiveByKey(apiKey);
      return found
        ? {
            id: found.id,
            userId: found.userId,
            apiKey: found.apiKey,
            scopes: found.scopes,
            secretHash: found.secretHash,
            secretVersion: found.secretVersion,
          }
        : null;
    });
  }

  /** The key was used from this address (written later, in a batch). */
  touch(id: string, ip: string | null): void {
    this.usage.touch(id, ip);
  }
}
