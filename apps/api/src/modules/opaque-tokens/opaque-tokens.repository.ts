import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, IsNull, type Repository } from 'typeorm';
import {
  lastUsedParameters,
  lastUsedUpdate,
  type LastUse,
} from '../../common/usage/last-used-buffer.js';
import { OpaqueTokenEntity } from './opaque-token.entity.js';

/** Expired tokens are kept this long (for the record), then deleted as new ones are issued. */
const KEEP_EXPIRED = '1 day';

/** The only place that talks to the opaque_tokens table. */
@Injectable()
export class OpaqueTokensRepository {
  constructor(
    @InjectRepository(OpaqueTokenEntity) private readonly tokens: Repository<OpaqueTokenEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async insert(
    token: Pick<OpaqueTokenEntity, 'userId' | 'tokenHash' | 'expiresAt'>,
  ): Promise<string> {
    await this.dataSource.query(
      `DELETE FROM opaque_tokens WHERE user_id = $1 AND expires_at < now() - interval '${KEEP_EXPIRED}'`,
      [token.userId],
    );
    const { identifiers } = await this.tokens.insert(token);
    return identifiers[0]?.id as string;
  }

  findLiveByHash(tokenHash: Buffer): Promise<OpaqueTokenEntity | null> {
    return this.tokens.findOneBy({ tokenHash, revokedAt: IsNull() });
  }

  findLiveById(id: string): Promise<OpaqueTokenEntity | null> {
    return this.tokens.findOneBy({ id, revokedAt: IsNull() });
  }

  /** Revokes a live token; the revoked row's hash and user, or null when there was none. */
  async revoke(
    criteria: { id: string } | { tokenHash: Buffer },
  ): Promise<{ tokenHash: Buffer; userId: string; id: string } | null> {
    const [column, value] =
      'id' in criteria ? ['id', criteria.id] : ['token_hash', criteria.tokenHash];
    const result = await this.tokens
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where(`${column} = :value AND revoked_at IS NULL`, { value })
      .returning('*')
      .execute();
    const [row] = result.raw as { id: string; token_hash: Buffer; user_id: string }[];
    return row ? { id: row.id, tokenHash: row.token_hash, userId: row.user_id } : null;
  }

  async writeLastUsed(uses: LastUse[]): Promise<void> {
    await this.dataSource.query(lastUsedUpdate('opaque_tokens'), lastUsedParameters(uses));
  }
}
