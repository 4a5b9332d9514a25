import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { CredentialState } from '@latchkey/contracts';
import { type DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';
import {
  lastUsedParameters,
  lastUsedUpdate,
  type LastUse,
} from '../../common/usage/last-used-buffer.js';
import type { LiveTokens } from '../signing-keys/signing-keys.service.js';
import {
  CredentialEntity,
  type CredentialKind,
  type StoredRevokedReason,
} from './credential.entity.js';

export type NewCredential = Pick<
  CredentialEntity,
  'userId' | 'kind' | 'name' | 'scopes' | 'lookup' | 'kid' | 'expiresAt'
> &
  Partial<Pick<CredentialEntity, 'secretHash' | 'rateLimitRequests' | 'rateLimitPerSeconds'>>;

export type CredentialChanges = Partial<
  Pick<CredentialEntity, 'name' | 'disabledAt' | 'rateLimitRequests' | 'rateLimitPerSeconds'>
>;

/** Works now, or until a rotation overlap ends. */
const LIVE = '(c.revoked_at IS NULL OR c.revoked_at > now())';
const UNEXPIRED = '(c.expires_at IS NULL OR c.expires_at > now())';

/** The only place that talks to the credentials table (every kind of stored credential). */
@Injectable()
export class CredentialsRepository {
  constructor(
    @InjectRepository(CredentialEntity) private readonly credentials: Repository<CredentialEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async insert(credential: NewCredential): Promise<CredentialEntity> {
    const { identifiers } = await this.credentials.insert(credential);
    return this.credentials.findOneByOrFail({ id: identifiers[0]?.id as string });
  }

  /** A live credential of `kind` by its lookup value, with its secret hashes for the check. */
  findLive(kind: CredentialKind, lookup: string): Promise<CredentialEntity | null> {
    return this.withSecrets()
      .where('c.kind = :kind AND c.lookup = :lookup', { kind, lookup })
      .andWhere(LIVE)
      .getOne();
  }

  /** The live API key whose current (or still overlapping previous) secret has this hash. */
  findLiveBySecretHash(hash: Buffer): Promise<CredentialEntity | null> {
    return this.withSecrets()
      .where(
        `c.secret_hash = :hash OR (c.previous_secret_hash = :hash AND c.previous_secret_expires_at > now())`,
        { hash },
      )
      .andWhere(LIVE)
      .getOne();
  }

  /** One of the user's credentials of these kinds, whatever its state. */
  findOfUser(
    userId: string,
    kinds: CredentialKind[],
    id: string,
  ): Promise<CredentialEntity | null> {
    return this.credentials
      .createQueryBuilder('c')
      .where('c.id = :id AND c.user_id = :userId AND c.kind IN (:...kinds)', { id, userId, kinds })
      .getOne();
  }

  /** A live credential by id, of any user. */
  findLiveById(kinds: CredentialKind[], id: string): Promise<CredentialEntity | null> {
    return this.credentials
      .createQueryBuilder('c')
      .where('c.id = :id AND c.kind IN (:...kinds)', { id, kinds })
      .andWhere(LIVE)
      .getOne();
  }

  /** The user's credentials of `kind` in `state`, newest first. */
  list(userId: string, kind: CredentialKind, state: CredentialState): Promise<CredentialEntity[]> {
    const query = this.credentials
      .createQueryBuilder('c')
      .where('c.user_id = :userId AND c.kind = :kind', { userId, kind })
      .orderBy('c.created_at', 'DESC');
    if (state === 'active') query.andWhere(`${LIVE} AND ${UNEXPIRED}`);
    if (state === 'inactive') query.andWhere(`NOT (${LIVE} AND ${UNEXPIRED})`);
    return query.getMany();
  }

  /**
   * Revokes live credentials: at once, or after `afterSeconds` (a rotation's overlap, which never
   * lengthens an earlier one). The rows changed, so their caches can be told.
   */
  async revoke(
    where:
      | { id: string }
      | { lookup: string }
      | { userId: string; kind: CredentialKind }
      | { userId: string },
    reason: StoredRevokedReason,
    afterSeconds = 0,
  ): Promise<CredentialEntity[]> {
    const [condition, parameters] =
      'id' in where
        ? ['id = :id', where]
        : 'lookup' in where
          ? ['lookup = :lookup', where]
          : 'kind' in where
            ? ['user_id = :userId AND kind = :kind', where]
            : ['user_id = :userId', where];
    const result = await this.credentials
      .createQueryBuilder()
      .update()
      .set({
        revokedAt: () =>
          `LEAST(COALESCE(revoked_at, 'infinity'), now() + make_interval(secs => ${Number(afterSeconds)}))`,
        revokedReason: reason,
      })
      .where(condition, parameters)
      .andWhere('(revoked_at IS NULL OR revoked_at > now())')
      .returning('*')
      .execute();
    return (result.raw as Record<string, unknown>[]).map((row) =>
      this.credentials.create(fromRaw(row)),
    );
  }

  /** Changes a live credential; the changed row, or null when it is not live. */
  async update(id: string, changes: CredentialChanges): Promise<CredentialEntity | null> {
    const result = await this.credentials
      .createQueryBuilder()
      .update()
      .set(changes)
      .where('id = :id AND (revoked_at IS NULL OR revoked_at > now())', { id })
      .returning('*')
      .execute();
    const row = (result.raw as Record<string, unknown>[])[0];
    return row ? this.credentials.create(fromRaw(row)) : null;
  }

  /**
   * A new secret for a live API key: the version goes up (its exchanged tokens end), and the old
   * secret keeps working for `overlapSeconds` (none when 0).
   */
  async rotateSecret(id: string, secretHash: Buffer, overlapSeconds: number): Promise<boolean> {
    const overlap = Number(overlapSeconds);
    const result = await this.credentials
      .createQueryBuilder()
      .update()
      .set({
        secretHash,
        secretVersion: () => 'secret_version + 1',
        secretRotatedAt: () => 'now()',
        previousSecretHash: () => (overlap > 0 ? 'secret_hash' : 'NULL'),
        previousSecretExpiresAt: () =>
          overlap > 0 ? `now() + make_interval(secs => ${overlap})` : 'NULL',
      })
      .where("id = :id AND kind = 'api_key' AND (revoked_at IS NULL OR revoked_at > now())", {
        id,
      })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Revokes the user's account token, if any, and stores the next one, in one transaction: the
   * unique index on live account tokens settles two regenerations racing each other.
   */
  async replaceAccountToken(
    next: NewCredential,
  ): Promise<{ created: CredentialEntity; revoked: CredentialEntity | null }> {
    return this.dataSource.transaction(async (manager) => {
      const revoked = await manager
        .createQueryBuilder()
        .update(CredentialEntity)
        .set({ revokedAt: () => 'now()', revokedReason: 'revoked' })
        .where("user_id = :userId AND kind = 'account_token' AND revoked_at IS NULL", {
          userId: next.userId,
        })
        .returning('*')
        .execute();
      const { identifiers } = await manager.insert(CredentialEntity, next);
      const created = await manager.findOneByOrFail(CredentialEntity, {
        id: identifiers[0]?.id as string,
      });
      const [row] = revoked.raw as Record<string, unknown>[];
      return { created, revoked: row ? this.credentials.create(fromRaw(row)) : null };
    });
  }

  /** Per signing key id: the live JWT credentials it signed, which keep it published. */
  async liveTokensByKid(): Promise<Map<string, LiveTokens>> {
    const rows = await this.dataSource.query<
      { kid: string; count: number; without_expiry: number; last_expires_at: Date | null }[]
    >(
      `SELECT kid, count(*)::int AS count,
              count(*) FILTER (WHERE expires_at IS NULL)::int AS without_expiry,
              max(expires_at) AS last_expires_at
       FROM credentials c
       WHERE kid IS NOT NULL AND ${LIVE} AND ${UNEXPIRED}
       GROUP BY kid`,
    );
    return new Map(
      rows.map((row) => [
        row.kid,
        { count: row.count, withoutExpiry: row.without_expiry, lastExpiresAt: row.last_expires_at },
      ]),
    );
  }

  /** Expired opaque tokens are kept a day (for the record), then deleted as new ones come. */
  async deleteExpiredOpaqueTokens(userId: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM credentials
       WHERE user_id = $1 AND kind = 'opaque_token' AND expires_at < now() - interval '1 day'`,
      [userId],
    );
  }

  async writeLastUsed(uses: LastUse[]): Promise<void> {
    await this.dataSource.query(lastUsedUpdate('credentials'), lastUsedParameters(uses));
  }

  private withSecrets(): SelectQueryBuilder<CredentialEntity> {
    return this.credentials
      .createQueryBuilder('c')
      .addSelect('c.secretHash')
      .addSelect('c.previousSecretHash');
  }
}

function fromRaw(row: Record<string, unknown>): Partial<CredentialEntity> {
  return {
    id: row.id as string,
    userId: row.user_id as string,
    kind: row.kind as CredentialKind,
    name: row.name as string,
    scopes: row.scopes as CredentialEntity['scopes'],
    lookup: row.lookup as string,
    secretVersion: row.secret_version as number,
    secretRotatedAt: row.secret_rotated_at as Date | null,
    previousSecretExpiresAt: row.previous_secret_expires_at as Date | null,
    kid: row.kid as string | null,
    rateLimitRequests: row.rate_limit_requests as number | null,
    rateLimitPerSeconds: row.rate_limit_per_seconds as number | null,
    createdAt: row.created_at as Date,
    expiresAt: row.expires_at as Date | null,
    disabledAt: row.disabled_at as Date | null,
    lastUsedAt: row.last_used_at as Date | null,
    lastUsedIp: row.last_used_ip as string | null,
    revokedAt: row.revoked_at as Date | null,
    revokedReason: row.revoked_reason as StoredRevokedReason | null,
  };
}
