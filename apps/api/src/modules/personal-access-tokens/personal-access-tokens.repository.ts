import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, IsNull, type Repository } from 'typeorm';
import {
  lastUsedParameters,
  lastUsedUpdate,
  type LastUse,
} from '../../common/usage/last-used-buffer.js';
import { PersonalAccessTokenEntity } from './personal-access-token.entity.js';

export type NewPersonalToken = Pick<
  PersonalAccessTokenEntity,
  'userId' | 'kind' | 'name' | 'scopes' | 'jti' | 'kid' | 'expiresAt'
>;

/** The only place that talks to the personal_access_tokens table (PATs and account tokens). */
@Injectable()
export class PersonalAccessTokensRepository {
  constructor(
    @InjectRepository(PersonalAccessTokenEntity)
    private readonly tokens: Repository<PersonalAccessTokenEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async insert(token: NewPersonalToken): Promise<PersonalAccessTokenEntity> {
    const { identifiers } = await this.tokens.insert(token);
    return this.tokens.findOneByOrFail({ id: identifiers[0]?.id as string });
  }

  findLiveByJti(jti: string): Promise<PersonalAccessTokenEntity | null> {
    return this.tokens.findOneBy({ jti, revokedAt: IsNull() });
  }

  findLiveById(id: string): Promise<PersonalAccessTokenEntity | null> {
    return this.tokens.findOneBy({ id, revokedAt: IsNull() });
  }

  /** A user's live PATs, newest first; expired ones stay listed until revoked. */
  listPersonal(userId: string): Promise<PersonalAccessTokenEntity[]> {
    return this.tokens.find({
      where: { userId, kind: 'personal', revokedAt: IsNull() },
      order: { createdAt: 'DESC' },
    });
  }

  findPersonal(userId: string, id: string): Promise<PersonalAccessTokenEntity | null> {
    return this.tokens.findOneBy({ id, userId, kind: 'personal', revokedAt: IsNull() });
  }

  findAccountToken(userId: string): Promise<PersonalAccessTokenEntity | null> {
    return this.tokens.findOneBy({ userId, kind: 'account', revokedAt: IsNull() });
  }

  /** Revokes a live token; the revoked row, or null when there was none. */
  async revoke(
    criteria: { id: string } | { jti: string },
  ): Promise<PersonalAccessTokenEntity | null> {
    const [column, value] = 'id' in criteria ? ['id', criteria.id] : ['jti', criteria.jti];
    const result = await this.tokens
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where(`${column} = :value`, { value })
      .andWhere('revoked_at IS NULL')
      .returning('*')
      .execute();
    const row = (result.raw as Record<string, unknown>[])[0];
    return row ? this.tokens.create(this.fromRaw(row)) : null;
  }

  /**
   * Revokes the user's account token, if any, and stores the next one, in one transaction: the
   * unique index on live account tokens settles two regenerations racing each other.
   */
  async replaceAccountToken(
    next: NewPersonalToken,
  ): Promise<{ created: PersonalAccessTokenEntity; revokedJti: string | null }> {
    return this.dataSource.transaction(async (manager) => {
      const revoked = await manager
        .createQueryBuilder()
        .update(PersonalAccessTokenEntity)
        .set({ revokedAt: () => 'now()' })
        .where("user_id = :userId AND kind = 'account' AND revoked_at IS NULL", {
          userId: next.userId,
        })
        .returning('jti')
        .execute();
      const { identifiers } = await manager.insert(PersonalAccessTokenEntity, next);
      const created = await manager.findOneByOrFail(PersonalAccessTokenEntity, {
        id: identifiers[0]?.id as string,
      });
      const [row] = revoked.raw as { jti: string }[];
      return { created, revokedJti: row?.jti ?? null };
    });
  }

  async writeLastUsed(uses: LastUse[]): Promise<void> {
    await this.dataSource.query(lastUsedUpdate('personal_access_tokens'), lastUsedParameters(uses));
  }

  private fromRaw(row: Record<string, unknown>): Partial<PersonalAccessTokenEntity> {
    return {
      id: row.id as string,
      userId: row.user_id as string,
      kind: row.kind as PersonalAccessTokenEntity['kind'],
      name: row.name as string,
      scopes: row.scopes as PersonalAccessTokenEntity['scopes'],
      jti: row.jti as string,
      kid: row.kid as string | null,
      createdAt: row.created_at as Date,
      expiresAt: row.expires_at as Date | null,
      lastUsedAt: row.last_used_at as Date | null,
      lastUsedIp: row.last_used_ip as string | null,
      revokedAt: row.revoked_at as Date | null,
    };
  }
}
