import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { TOKEN_PREFIXES, type SignInMethod } from '@latchkey/contracts';
import type { RequestContext } from '../../common/auth/request-context.js';
import { SecretBox } from '../../common/crypto/secret-box.js';
import { formatToken, hashToken, isWellFormedToken } from '../../common/crypto/token-format.js';
import { ChangeFeed } from '../../common/events/change-feed.js';
import { SESSION_TOPIC } from '../../common/events/topics.js';
import type { CredentialCache } from '../../common/events/credential-cache.js';
import { Clock } from '../../common/clock/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import type { SessionEntity } from './session.entity.js';
import { SessionsRepository, type RevokeReason } from './sessions.repository.js';

/** A session with the refresh token to set as its cookie. */
export interface IssuedSession {
  session: SessionEntity;
  refreshToken: string;
  refreshExpiresAt: Date;
}

export type RefreshOutcome =
  | ({ outcome: 'issued' } & IssuedSession)
  /** A spent token presented after the grace: the session is now revoked. */
  | { outcome: 'reused'; session: SessionEntity }
  | { outcome: 'invalid' };

interface LiveSession {
  userId: string;
  expiresAt: number;
}

/**
 * Browser sessions: an absolute lifetime, an idle timeout carried by the refresh token, and one
 * live refresh token at a time, rotated on every use.
 *
 * A refresh token's value is derived from its row id with a keyed MAC, so that a tab presenting
 * the token another tab has just spent (within AUTH_REFRESH_REUSE_GRACE) can be handed the same
 * live successor instead of a second one. Only the SHA-256 of the value is stored.
 */
@Injectable()
export class SessionsService {
  private readonly live: CredentialCache<LiveSession>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(ChangeFeed) private readonly feed: ChangeFeed,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    this.live = feed.cache(SESSION_TOPIC, { ttlMs: 60_000, maxEntries: 50_000 });
  }

  async start(
    userId: string,
    context: RequestContext,
    signInMethods: SignInMethod[],
  ): Promise<IssuedSession> {
    const refreshId = randomUUID();
    const refreshToken = this.refreshTokenFor(refreshId);
    const { session, refresh } = await this.sessions.create(
      {
        userId,
        ip: context.ip,
        userAgent: context.userAgent,
        lifetimeSeconds: this.config.AUTH_SESSION_MAX_LIFETIME,
        signInMethods,
      },
      {
        id: refreshId,
        hash: hashToken(refreshToken),
        idleSeconds: this.config.AUTH_REFRESH_TOKEN_TTL,
      },
    );
    return { session, refreshToken, refreshExpiresAt: refresh.expiresAt };
  }

  async refresh(token: string, context: RequestContext): Promise<RefreshOutcome> {
    if (!isWellFormedToken(token, TOKEN_PREFIXES.refresh)) return { outcome: 'invalid' };
    const hash = hashToken(token);
    const nextId = randomUUID();
    const nextToken = this.refreshTokenFor(nextId);
    const rotated = await this.sessions.rotate(
      hash,
      { id: nextId, hash: hashToken(nextToken), idleSeconds: this.config.AUTH_REFRESH_TOKEN_TTL },
      context,
    );
    if (rotated) {
      return {
        outcome: 'issued',
        session: rotated.session,
        refreshToken: nextToken,
        refreshExpiresAt: rotated.refresh.expiresAt,
      };
    }
    return this.presentedAgain(hash);
  }

  /** Ends the session this refresh token (spent or not) belongs to. */
  logout(token: string): Promise<SessionEntity | null> {
    return this.endByRefreshToken(token, 'logout');
  }

  /** Which of these strings are refresh tokens stored here (spent or not), in one query. */
  async refreshTokensAmong(presented: string[]): Promise<string[]> {
    const hashes = new Map<string, Buffer>();
    for (const token of presented) {
      if (isWellFormedToken(token, TOKEN_PREFIXES.refresh)) hashes.set(token, hashToken(token));
    }
    const stored = await this.sessions.storedRefreshHashes([...hashes.values()]);
    return [...hashes].filter(([, hash]) => stored.some((row) => row.equals(hash))).map(([t]) => t);
  }

  /** Ends the live session this refresh token (spent or not) belongs to; null when none. */
  async endByRefreshToken(token: string, reason: RevokeReason): Promise<SessionEntity | null> {
    if (!isWellFormedToken(token, TOKEN_PREFIXES.refresh)) return null;
    const row = await this.sessions.findRefreshByHash(hashToken(token));
    if (!row) return null;
    const session = await this.sessions.findById(row.sessionId);
    if (session && (await this.revoke(session.id, reason))) return session;
    return null;
  }

  /** True while the session is neither revoked nor past its absolute lifetime. */
  async isActive(sessionId: string, userId: string): Promise<boolean> {
    const live = await this.live.get(sessionId, async () => {
      const session = await this.sessions.findById(sessionId);
      if (!session || session.revokedAt !== null) return null;
      return { userId: session.userId, expiresAt: session.expiresAt.getTime() };
    });
    return live !== null && live.userId === userId && live.expiresAt > this.clock.now();
  }

  /** Stamps the session as re-authenticated now; false when it is no longer active. */
  markReauthenticated(sessionId: string, at: Date): Promise<boolean> {
    return this.sessions.markReauthenticated(sessionId, at);
  }

  /** When the session last proved its user again (never cached: it changes what it may do). */
  async reauthenticatedAt(sessionId: string): Promise<Date | null> {
    return (await this.sessions.findById(sessionId))?.reauthenticatedAt ?? null;
  }

  listActive(userId: string): Promise<SessionEntity[]> {
    return this.sessions.findActiveByUser(userId);
  }

  /** Revokes a session (the user's own, when userId is given); its access tokens stop too. */
  async revoke(id: string, reason: RevokeReason, userId?: string): Promise<boolean> {
    const revoked = await this.sessions.revoke(id, reason, userId);
    if (revoked) await this.feed.publish(SESSION_TOPIC, id);
    return revoked;
  }

  async revokeAllOfUser(
    userId: string,
    reason: RevokeReason,
    exceptId?: string,
  ): Promise<string[]> {
    const ids = await this.sessions.revokeAllOfUser(userId, reason, exceptId);
    for (const id of ids) await this.feed.publish(SESSION_TOPIC, id);
    return ids;
  }

  /**
   * A token that could not be rotated: unknown or expired (invalid); spent within the grace
   * (the session's live token is handed out again); spent before that (reuse: revoke).
   */
  private async presentedAgain(hash: Buffer): Promise<RefreshOutcome> {
    const row = await this.sessions.findRefreshByHash(hash);
    if (!row || row.spentAt === null || row.spentSecondsAgo === null) return { outcome: 'invalid' };
    if (row.spentSecondsAgo <= this.config.AUTH_REFRESH_REUSE_GRACE) {
      const live = await this.sessions.findLiveRefresh(row.sessionId);
      const session = live ? await this.sessions.findById(row.sessionId) : null;
      if (!live || !session) return { outcome: 'invalid' };
      return {
        outcome: 'issued',
        session,
        refreshToken: this.refreshTokenFor(live.id),
        refreshExpiresAt: live.expiresAt,
      };
    }
    const session = await this.sessions.findById(row.sessionId);
    if (!session || !(await this.revoke(session.id, 'refresh_reuse')))
      return { outcome: 'invalid' };
    return { outcome: 'reused', session };
  }

  private refreshTokenFor(refreshId: string): string {
    return formatToken(
      TOKEN_PREFIXES.refresh,
      Buffer.from(this.box.mac(refreshId, 'refresh-token'), 'hex'),
    );
  }
}
