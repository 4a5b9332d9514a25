import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, IsNull, type Repository } from 'typeorm';
import { SigningKeyEntity } from './signing-key.entity.js';

export type NewSigningKey = Pick<
  SigningKeyEntity,
  'kid' | 'alg' | 'publicJwk' | 'privateKeySealed'
>;

export interface LiveTokens {
  count: number;
  withoutExpiry: number;
  lastExpiresAt: Date | null;
}

@Injectable()
export class SigningKeysRepository {
  constructor(
    @InjectRepository(SigningKeyEntity) private readonly keys: Repository<SigningKeyEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * The active key and every retired key whose tokens may still be valid: short-lived ones until
   * published_until, and any key that signed a live personal access or account token.
   */
  findPublished(): Promise<SigningKeyEntity[]> {
    return this.keys
      .createQueryBuilder('key')
      .where(
        `key.retired_at IS NULL OR key.published_until > now() OR EXISTS (
          SELECT 1 FROM personal_access_tokens token
          WHERE token.kid = key.kid AND token.revoked_at IS NULL
            AND (token.expires_at IS NULL OR token.expires_at > now()))`,
      )
      .orderBy('key.created_at', 'DESC')
      .getMany();
  }

  /** Per key id: the live personal access and account tokens it signed, which keep it published. */
  async liveTokensByKid(): Promise<Map<string, LiveTokens>> {
    const rows = await this.dataSource.query<
      { kid: string; count: number; without_expiry: number; last_expires_at: Date | null }[]
    >(
      `SELECT kid, count(*)::int AS count,
              count(*) FILTER (WHERE expires_at IS NULL)::int AS without_expiry,
              max(expires_at) AS last_expires_at
       FROM personal_access_tokens
       WHERE kid IS NOT NULL AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
       GROUP BY kid`,
    );
    return new Map(
      rows.map((row) => [
        row.kid,
        {
          count: row.count,
          withoutExpiry: row.without_expiry,
          lastExpiresAt: row.last_expires_at,
        },
      ]),
    );
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
