import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, type DataSource, type Repository } from 'typeorm';
import { PasskeyEntity } from './passkey.entity.js';

/** What a challenge was issued for: a response is only checked against challenges of its kind. */
export type ChallengePurpose = 'registration' | 'login' | 'mfa' | 'reauthentication';

export type NewPasskey = Pick<
  PasskeyEntity,
  | 'userId'
  | 'credentialId'
  | 'publicKey'
  | 'counter'
  | 'transports'
  | 'deviceType'
  | 'backedUp'
  | 'name'
>;

export class DuplicateCredential extends Error {}

/** The passkeys table and the WebAuthn challenges: the passkeys feature's own data. */
@Injectable()
export class PasskeysRepository {
  constructor(
    @InjectRepository(PasskeyEntity) private readonly passkeys: Repository<PasskeyEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Stores a new challenge, forgetting the expired ones while at it and, past `keep` unused
   * ones, the oldest: anyone may ask for a challenge, so the table stays bounded.
   */
  async saveChallenge(
    challenge: string,
    purpose: ChallengePurpose,
    userId: string | null,
    ttlSeconds: number,
    keep: number,
  ): Promise<void> {
    await this.dataSource.query(`DELETE FROM webauthn_challenges WHERE expires_at < now()`);
    await this.dataSource.query(
      `INSERT INTO webauthn_challenges (challenge, purpose, user_id, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [challenge, purpose, userId, ttlSeconds],
    );
    await this.dataSource.query(
      `DELETE FROM webauthn_challenges WHERE challenge IN (
         SELECT challenge FROM webauthn_challenges ORDER BY expires_at DESC OFFSET $1)`,
      [keep],
    );
  }

  /**
   * Takes the live challenge of this purpose out of the table: the first request that presents it
   * gets its row (and the user it was issued to), every later one gets null.
   */
  async consumeChallenge(
    challenge: string,
    purpose: ChallengePurpose,
  ): Promise<{ userId: string | null } | null> {
    const [rows] = (await this.dataSource.query(
      `DELETE FROM webauthn_challenges WHERE challenge = $1 AND purpose = $2
       RETURNING user_id, expires_at > now() AS live`,
      [challenge, purpose],
    )) as [{ user_id: string | null; live: boolean }[], number];
    const row = rows[0];
    return row?.live ? { userId: row.user_id } : null;
  }

  async insert(passkey: NewPasskey): Promise<PasskeyEntity> {
    try {
      const [row] = (await this.dataSource.query(
        `INSERT INTO passkeys (user_id, credential_id, public_key, counter, transports, device_type, backed_up, name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [
          passkey.userId,
          passkey.credentialId,
          passkey.publicKey,
          passkey.counter,
          passkey.transports,
          passkey.deviceType,
          passkey.backedUp,
          passkey.name,
        ],
      )) as { id: string }[];
      return await this.passkeys.findOneByOrFail({ id: (row as { id: string }).id });
    } catch (error) {
      if (
        error instanceof QueryFailedError &&
        (error.driverError as { code?: string }).code === '23505'
      )
        throw new DuplicateCredential('This credential is already registered');
      throw error;
    }
  }

  findByCredentialId(credentialId: string): Promise<PasskeyEntity | null> {
    return this.passkeys.findOneBy({ credentialId });
  }

  findOfUser(userId: string, id: string): Promise<PasskeyEntity | null> {
    return this.passkeys.findOneBy({ id, userId });
  }

  listByUser(userId: string): Promise<PasskeyEntity[]> {
    return this.passkeys.find({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  countByUser(userId: string): Promise<number> {
    return this.passkeys.countBy({ userId });
  }

  async rename(userId: string, id: string, name: string): Promise<PasskeyEntity | null> {
    const result = await this.passkeys.update({ id, userId }, { name });
    return (result.affected ?? 0) > 0 ? this.findOfUser(userId, id) : null;
  }

  /** Deletes the user's passkey; returns it, or null when the user has none with this id. */
  async delete(userId: string, id: string): Promise<PasskeyEntity | null> {
    const passkey = await this.findOfUser(userId, id);
    if (!passkey) return null;
    const result = await this.passkeys.delete({ id, userId });
    return (result.affected ?? 0) > 0 ? passkey : null;
  }

  /**
   * Records a sign-in with the counter it reported, as a compare-and-swap on the counter read
   * before: of two assertions verified at once with the same counter, only one is recorded.
   */
  async recordUse(
    id: string,
    seenCounter: number,
    newCounter: number,
    backedUp: boolean,
  ): Promise<boolean> {
    const [, affected] = (await this.dataSource.query(
      `UPDATE passkeys SET counter = $3, backed_up = $4, last_used_at = now()
       WHERE id = $1 AND counter = $2`,
      [id, seenCounter, newCounter, backedUp],
    )) as [unknown, number];
    return affected > 0;
  }
}
