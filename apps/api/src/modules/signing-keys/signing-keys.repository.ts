import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, IsNull, type Repository } from 'typeorm';
import { SigningKeyEntity } from './signing-key.entity.js';

export type NewSigningKey = Pick<
  SigningKeyEntity,
  'kid' | 'alg' | 'publicJwk' | 'privateKeySealed'
>;

@Injectable()
export class SigningKeysRepository {
  constructor(
    @InjectRepository(SigningKeyEntity) private readonly keys: Repository<SigningKeyEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * The active key and every retired key whose tokens may still be valid: short-lived ones until
   * published_until, and the keys in `held` (those that signed a live stored credential).
   */
  findPublished(held: string[]): Promise<SigningKeyEntity[]> {
    return this.keys
      .createQueryBuilder('key')
      .where('key.retired_at IS NULL OR key.published_until > now() OR key.kid = ANY(:held)', {
        held,
      })
      .orderBy('key.created_at', 'DESC')
      .getMany();
  }

  findAll(): Promise<SigningKeyEntity[]> {
    return this.keys.find({ order: { createdAt: 'DESC' } });
  }

  /**
   * Makes `next` the active key and retires the current one, publishing it for `publishSeconds`
   * more. Under an advisory lock, so instances starting together create one key, not two.
   */
  async activate(
    next: NewSigningKey,
    publishSeconds: number,
    onlyIfNone: boolean,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['latchkey:signing-keys']);
      if (onlyIfNone) {
        if ((await manager.countBy(SigningKeyEntity, { retiredAt: IsNull() })) > 0) return false;
      }
      await manager.query(
        `UPDATE signing_keys SET retired_at = now(), published_until = now() + make_interval(secs => $1)
         WHERE retired_at IS NULL`,
        [publishSeconds],
      );
      await manager.insert(SigningKeyEntity, next);
      return true;
    });
  }
}
