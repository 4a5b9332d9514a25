import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, IsNull, type Repository } from 'typeorm';
import {
  lastUsedParameters,
  lastUsedUpdate,
  type LastUse,
} from '../../common/usage/last-used-buffer.js';
import { ApiKeyEntity } from './api-key.entity.js';

export type NewApiKey = Pick<ApiKeyEntity, 'userId' | 'name' | 'apiKey' | 'secretHash' | 'scopes'>;

/** The only place that talks to the api_keys table. */
@Injectable()
export class ApiKeysRepository {
  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async insert(key: NewApiKey): Promise<ApiKeyEntity> {
    const { identifiers } = await this.keys.insert(key);
    return this.keys.findOneByOrFail({ id: identifiers[0]?.id as string });
  }

  /** A live key by its public half, with its secret hash for the comparison. */
  findLiveByKey(apiKey: string): Promise<ApiKeyEntity | null> {
    return this.keys
      .createQueryBuilder('key')
      .addSelect('key.secretHash')
      .where('key.api_key = :apiKey', { apiKey })
      .andWhere('key.revoked_at IS NULL')
      .getOne();
  }

  findLiveById(id: string): Promise<ApiKeyEntity | null> {
    return this.keys.findOneBy({ id, revokedAt: IsNull() });
  }

  listOfUser(userId: string): Promise<ApiKeyEntity[]> {
    return this.keys.find({
      where: { userId, revokedAt: IsNull() },
      order: { createdAt: 'DESC' },
    });
  }

  /** Swaps in a new secret hash and raises the version; false when the key is not live. */
  async rotateSecret(id: string, secretHash: Buffer): Promise<boolean> {
    const result = await this.keys
      .createQueryBuilder()
      .update()
      .set({
        secretHash,
        secretVersion: () => 'secret_version + 1',
        secretRotatedAt: () => 'now()',
      })
      .where('id = :id', { id })
      .andWhere('revoked_at IS NULL')
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.keys
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('id = :id', { id })
      .andWhere('revoked_at IS NULL')
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async writeLastUsed(uses: LastUse[]): Promise<void> {
    await this.dataSource.query(lastUsedUpdate('api_keys'), lastUsedParameters(uses));
  }
}
