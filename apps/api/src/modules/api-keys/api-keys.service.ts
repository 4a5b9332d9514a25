import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { TOKEN_PREFIXES, type Role, type Scope } from '@latchkey/contracts';
import type { Acting } from '../../common/auth/acting.js';
import { assertWithinCeiling, type Minter } from '../../common/auth/permission-ceiling.js';
import type { RequestContext } from '../../common/auth/request-context.js';
import { generateToken, hashToken, isWellFormedToken } from '../../common/crypto/token-format.js';
import { ChangeFeed } from '../../common/events/change-feed.js';
import { apiKeyKeys } from '../../common/limits/failure-keys.js';
import { FailureLimiter } from '../../common/limits/failure-limiter.js';
import type { CredentialCache } from '../../common/events/credential-cache.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { LastUsedBuffer } from '../../common/usage/last-used-buffer.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { AuditService } from '../audit/audit.service.js';
import { UsersService } from '../users/users.service.js';
import type { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeysRepository } from './api-keys.repository.js';

export const API_KEY_TOPIC = 'api-key';

/** Compared with the secret presented for an unknown key, so both paths do the same work. */
const NO_SECRET_HASH = hashToken('lks_ no key has this secret');

/** Where an API key + secret was presented, as failure audit events name it. */
export type ApiKeyChannel = 'header' | 'sessions' | 'oauth_token' | 'revoke';

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
    @Inject(FailureLimiter) private readonly limiter: FailureLimiter,
  ) {
    // Misses are kept too: an unknown key must cost what a known one does (key ids are random,
    // so none is presented before it exists).
    this.live = feed.cache(API_KEY_TOPIC, { ttlMs: 60_000, maxEntries: 50_000, cacheMisses: true });
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

  /**
   * `verify` behind the failure limits of `channel`'s caller (429 when they are reached); a
   * wrong secret for an existing key is audited for the key's owner.
   */
  async authenticate(
    apiKey: string,
    apiSecret: string,
    context: RequestContext,
    channel: ApiKeyChannel,
  ): Promise<LiveApiKey | null> {
    const checked = await this.limiter.attempt(
      { keys: apiKeyKeys(apiKey, context.ip), context, kind: 'api_key' },
      () => this.check(apiKey, apiSecret),
      ({ matches }) => !matches,
    );
    if (checked.matches) return checked.found;
    if (checked.found) await this.auditFailure(checked.found, context, channel);
    return null;
  }

  /**
   * The live key these are the key and secret of, or null; malformed ones cost no query. An
   * unknown key and a known key with a wrong secret take the same path: a cached lookup and one
   * hash comparison, so timing does not tell which keys exist.
   */
  async verify(apiKey: string, apiSecret: string): Promise<LiveApiKey | null> {
    const { found, matches } = await this.check(apiKey, apiSecret);
    return matches ? found : null;
  }

  /** The key looked up (none for a malformed secret) and whether the secret is its own. */
  private async check(
    apiKey: string,
    apiSecret: string,
  ): Promise<{ found: null; matches: false } | { found: LiveApiKey; matches: boolean }> {
    if (!isWellFormedToken(apiSecret, TOKEN_PREFIXES.apiSecret)) {
      return { found: null, matches: false };
    }
    const found = await this.findLive(apiKey);
    const matches = timingSafeEqual(hashToken(apiSecret), found?.secretHash ?? NO_SECRET_HASH);
    return found ? { found, matches } : { found: null, matches: false };
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

  private async auditFailure(
    key: LiveApiKey,
    context: RequestContext,
    channel: ApiKeyChannel,
  ): Promise<void> {
    await this.audit.record('credential.failed', {
      subject: await this.users.findById(key.userId),
      context,
      details: { kind: 'api_key', id: key.id, apiKey: key.apiKey, channel },
    });
  }

  /** The key was used from this address (written later, in a batch). */
  touch(id: string, ip: string | null): void {
    this.usage.touch(id, ip);
  }
}
