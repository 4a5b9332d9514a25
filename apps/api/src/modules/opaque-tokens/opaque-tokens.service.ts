import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { TOKEN_PREFIXES } from '@latchkey/contracts';
import type { Acting } from '../../common/auth/acting.js';
import { assertWithinCeiling, type Minter } from '../../common/auth/permission-ceiling.js';
import { principalFor, type Principal, type PrincipalUser } from '../../common/auth/principal.js';
import { generateToken, hashToken, isWellFormedToken } from '../../common/crypto/token-format.js';
import { ChangeFeed } from '../../common/events/change-feed.js';
import type { CredentialCache } from '../../common/events/credential-cache.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { LastUsedBuffer } from '../../common/usage/last-used-buffer.js';
import { Clock } from '../../common/clock/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { AuditService } from '../audit/audit.service.js';
import { UsersService } from '../users/users.service.js';
import { OpaqueTokensRepository } from './opaque-tokens.repository.js';

export const OPAQUE_TOKEN_TOPIC = 'opaque-token';

interface LiveOpaqueToken {
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
}

/** A live opaque token with its caller, as authentication and introspection see it. */
export interface ResolvedOpaqueToken {
  principal: Principal;
  issuedAt: Date;
  expiresAt: Date;
}

/**
 * Opaque lkt_ tokens (WaveMaker style): random, stored as SHA-256 in PostgreSQL (they survive
 * restarts), verified from an in-process cache that revocations clear on every instance.
 */
@Injectable()
export class OpaqueTokensService implements OnModuleDestroy {
  private readonly live: CredentialCache<LiveOpaqueToken>;
  private readonly usage: LastUsedBuffer;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OpaqueTokensRepository) private readonly tokens: OpaqueTokensRepository,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(ChangeFeed) private readonly feed: ChangeFeed,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    this.live = feed.cache(OPAQUE_TOKEN_TOPIC, { ttlMs: 60_000, maxEntries: 100_000 });
    this.usage = new LastUsedBuffer('opaque tokens', (uses) => this.tokens.writeLastUsed(uses));
  }

  onModuleDestroy(): Promise<void> {
    return this.usage.onModuleDestroy();
  }

  flushUsage(): Promise<void> {
    return this.usage.flush();
  }

  /** A token with every permission of the user: only the person themself mints one. */
  async issue(
    user: PrincipalUser,
    minter: Minter,
    acting: Acting,
  ): Promise<{ token: string; expiresIn: number }> {
    if (!this.config.AUTH_OPAQUE_TOKEN_ENABLED) {
      throw Problems.forbidden('Opaque tokens are switched off (AUTH_OPAQUE_TOKEN_ENABLED).');
    }
    assertWithinCeiling(minter, user, { everything: true });
    const token = generateToken(TOKEN_PREFIXES.opaque);
    const expiresIn = this.config.AUTH_OPAQUE_TOKEN_TTL;
    const id = await this.tokens.insert({
      userId: user.id,
      tokenHash: hashToken(token),
      expiresAt: new Date(this.clock.now() + expiresIn * 1000),
    });
    await this.audit.record('token.created', {
      ...acting,
      subject: { id: user.id, login: user.login },
      details: { kind: 'opaque', id, expiresIn },
    });
    return { token, expiresIn };
  }

  /**
   * The caller a live, unexpired token of an active user stands for, or null. A token with a
   * bad checksum is refused before any lookup. `ip` marks it used (null: just looking).
   */
  async resolve(token: string, ip: string | null): Promise<ResolvedOpaqueToken | null> {
    if (!isWellFormedToken(token, TOKEN_PREFIXES.opaque)) return null;
    const hash = hashToken(token);
    const live = await this.live.get(hash.toString('hex'), async () => {
      const found = await this.tokens.findLiveByHash(hash);
      return found
        ? {
            id: found.id,
            userId: found.userId,
            createdAt: found.createdAt.getTime(),
            expiresAt: found.expiresAt.getTime(),
          }
        : null;
    });
    if (!live || live.expiresAt <= this.clock.now()) return null;
    const user = await this.users.findActive(live.userId);
    if (!user) return null;
    if (ip !== null) this.usage.touch(live.id, ip);
    return {
      principal: principalFor(user, 'opaque', { credentialId: live.id }),
      issuedAt: new Date(live.createdAt),
      expiresAt: new Date(live.expiresAt),
    };
  }

  /** Revokes a live token by id or by value; false when there was none. */
  async revoke(criteria: { id: string } | { token: string }, acting: Acting): Promise<boolean> {
    if ('token' in criteria && !isWellFormedToken(criteria.token, TOKEN_PREFIXES.opaque)) {
      return false;
    }
    const revoked = await this.tokens.revoke(
      'id' in criteria ? criteria : { tokenHash: hashToken(criteria.token) },
    );
    if (!revoked) return false;
    await this.feed.publish(OPAQUE_TOKEN_TOPIC, revoked.tokenHash.toString('hex'));
    await this.audit.record('token.revoked', {
      ...acting,
      subject: await this.users.findById(revoked.userId),
      details: { kind: 'opaque', id: revoked.id },
    });
    return true;
  }
}
