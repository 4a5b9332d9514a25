import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, type Repository } from 'typeorm';
import type { SignInMethod } from '@latchkey/contracts';
import { SessionEntity } from './session.entity.js';

export interface NewSession {
  userId: string;
  ip: string | null;
  userAgent: string | null;
  lifetimeSeconds: number;
  signInMethods: SignInMethod[];
}

/** A refresh token row as rotation reads it. */
export interface RefreshTokenRow {
  id: string;
  sessionId: string;
  spentAt: Date | null;
  expiresAt: Date;
  /** Seconds since it was spent (null while live), measured by the database clock. */
  spentSecondsAgo: number | null;
}

export interface IssuedRefresh {
  id: string;
  expiresAt: Date;
}

export type RevokeReason =
  | 'logout'
  | 'revoked'
  | 'leaked'
  | 'refresh_reuse'
  | 'password_changed'
  | 'password_reset'
  | 'user_disabled';

/**
 * Sessions and their refresh tokens. Rotation is a compare-and-swap on the token hash, so one
 * refresh token is spent exactly once however many requests present it at the same moment.
 */
@Injectable()
export class SessionsRepository {
  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** A new session with its first refresh token (id chosen by the caller, hash of its value). */
  async create(
    session: NewSession,
    refresh: { id: string; hash: Buffer; idleSeconds: number },
  ): Promise<{ session: SessionEntity; refresh: IssuedRefresh }> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = (await manager.query(
        `INSERT INTO sessions (user_id, ip, user_agent, expires_at, sign_in_methods)
         VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5)
         RETURNING id`,
        [
          session.userId,
          session.ip,
          session.userAgent,
          session.lifetimeSeconds,
          session.signInMethods,
        ],
      )) as { id: string }[];
      const sessionId = (row as { id: string }).id;
      const issued = await this.insertRefresh(manager, sessionId, refresh);
      const created = await manager.findOneByOrFail(SessionEntity, { id: sessionId });
      return { session: created, refresh: issued };
    });
  }

  /**
   * Spends the live refresh token with this hash and issues its successor, in one transaction.
   * Null when no live, unexpired token has this hash or its session is no longer valid: a
   * concurrent request spent it first, or it is unknown, expired or revoked.
   */
  async rotate(
    hash: Buffer,
    next: { id: string; hash: Buffer; idleSeconds: number },
    context: { ip: string | null; userAgent: string | null },
  ): Promise<{ session: SessionEntity; refresh: IssuedRefresh } | null> {
    return this.dataSource.transaction(async (manager) => {
      const spent = (await manager.query(
        `UPDATE refresh_tokens t SET spent_at = now()
         FROM sessions s
         WHERE t.token_hash = $1 AND t.spent_at IS NULL AND t.expires_at > now()
           AND s.id = t.session_id AND s.revoked_at IS NULL AND s.expires_at > now()
         RETURNING t.session_id`,
        [hash],
      )) as [{ session_id: string }[], number];
      const sessionId = spent[0][0]?.session_id;
      if (!sessionId) return null;
      const issued = await this.insertRefresh(manager, sessionId, next);
      await manager.query(
        `UPDATE sessions SET last_used_at = now(), ip = $2, user_agent = $3 WHERE id = $1`,
        [sessionId, context.ip, context.userAgent],
      );
      const session = await manager.findOneByOrFail(SessionEntity, { id: sessionId });
      return { session, refresh: issued };
    });
  }

  /** Which of these refresh token hashes are stored, in one query whatever their number. */
  async storedRefreshHashes(hashes: Buffer[]): Promise<Buffer[]> {
    if (hashes.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT token_hash FROM refresh_tokens WHERE token_hash = ANY($1)`,
      [hashes],
    )) as { token_hash: Buffer }[];
    return rows.map((row) => row.token_hash);
  }

  async findRefreshByHash(hash: Buffer): Promise<RefreshTokenRow | null> {
    const [row] = (await this.dataSource.query(
      `SELECT id, session_id, spent_at, expires_at,
              extract(epoch FROM now() - spent_at)::float AS spent_seconds_ago
       FROM refresh_tokens WHERE token_hash = $1`,
      [hash],
    )) as {
      id: string;
      session_id: string;
      spent_at: Date | null;
      expires_at: Date;
      spent_seconds_ago: number | null;
    }[];
    return row
      ? {
          id: row.id,
          sessionId: row.session_id,
          spentAt: row.spent_at,
          expiresAt: row.expires_at,
          spentSecondsAgo: row.spent_seconds_ago,
        }
      : null;
  }

  /** The session's one live refresh token, if the session is still valid. */
  async findLiveRefresh(sessionId: string): Promise<IssuedRefresh | null> {
    const [row] = (await this.dataSource.query(
      `SELECT t.id, t.expires_at FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
       WHERE t.session_id = $1 AND t.spent_at IS NULL AND t.expires_at > now()
         AND s.revoked_at IS NULL AND s.expires_at > now()`,
      [sessionId],
    )) as { id: string; expires_at: Date }[];
    return row ? { id: row.id, expiresAt: row.expires_at } : null;
  }

  findById(id: string): Promise<SessionEntity | null> {
    return this.sessions.findOneBy({ id });
  }

  /** Sessions that can still be refreshed: not revoked, not past either deadline. */
  findActiveByUser(userId: string): Promise<SessionEntity[]> {
    return this.sessions
      .createQueryBuilder('session')
      .where('session.user_id = :userId', { userId })
      .andWhere('session.revoked_at IS NULL')
      .andWhere('session.expires_at > now()')
      .andWhere(
        `EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.session_id = session.id
                 AND t.spent_at IS NULL AND t.expires_at > now())`,
      )
      .orderBy('session.last_used_at', 'DESC')
      .getMany();
  }

  /** Records a fresh proof of the session's user; false when the session is not active. */
  async markReauthenticated(id: string, at: Date): Promise<boolean> {
    const result = await this.sessions
      .createQueryBuilder()
      .update()
      .set({ reauthenticatedAt: at })
      .where('id = :id', { id })
      .andWhere('revoked_at IS NULL')
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Revokes one session; false when it was not active (or not the user's, when given). */
  async revoke(id: string, reason: RevokeReason, userId?: string): Promise<boolean> {
    const query = this.sessions
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()', revokedReason: reason })
      .where('id = :id', { id })
      .andWhere('revoked_at IS NULL');
    if (userId) query.andWhere('user_id = :userId', { userId });
    return ((await query.execute()).affected ?? 0) > 0;
  }

  /** Revokes every active session of a user, except one if given; returns the ids revoked. */
  async revokeAllOfUser(
    userId: string,
    reason: RevokeReason,
    exceptId?: string,
  ): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
       WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)
       RETURNING id`,
      [userId, reason, exceptId ?? null],
    )) as [{ id: string }[], number];
    return rows[0].map((row) => row.id);
  }

  private async insertRefresh(
    manager: EntityManager,
    sessionId: string,
    refresh: { id: string; hash: Buffer; idleSeconds: number },
  ): Promise<IssuedRefresh> {
    const [row] = (await manager.query(
      `INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at)
       SELECT $1, s.id, $3, least(s.expires_at, now() + make_interval(secs => $4))
       FROM sessions s WHERE s.id = $2
       RETURNING id, expires_at`,
      [refresh.id, sessionId, refresh.hash, refresh.idleSeconds],
    )) as { id: string; expires_at: Date }[];
    if (!row) throw new Error(`Session ${sessionId} vanished while issuing its refresh token`);
    return { id: row.id, expiresAt: row.expires_at };
  }
}
