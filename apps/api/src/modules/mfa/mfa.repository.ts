import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface TotpState {
  secretSealed: string | null;
  pendingSecretSealed: string | null;
  enabledAt: Date | null;
}

/** The TOTP columns of users and the recovery codes: the MFA feature's own data. */
@Injectable()
export class MfaRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findState(userId: string): Promise<TotpState | null> {
    const [row] = (await this.dataSource.query(
      `SELECT totp_secret_sealed, totp_pending_secret_sealed, totp_enabled_at FROM users WHERE id = $1`,
      [userId],
    )) as {
      totp_secret_sealed: string | null;
      totp_pending_secret_sealed: string | null;
      totp_enabled_at: Date | null;
    }[];
    return row
      ? {
          secretSealed: row.totp_secret_sealed,
          pendingSecretSealed: row.totp_pending_secret_sealed,
          enabledAt: row.totp_enabled_at,
        }
      : null;
  }

  async savePending(userId: string, sealed: string): Promise<void> {
    await this.dataSource.query(`UPDATE users SET totp_pending_secret_sealed = $2 WHERE id = $1`, [
      userId,
      sealed,
    ]);
  }

  /** Makes the pending secret the enrolled one, with fresh recovery codes, in one transaction. */
  async enable(
    userId: string,
    pendingSealed: string,
    step: number,
    codeMacs: string[],
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [, affected] = (await manager.query(
        `UPDATE users SET totp_secret_sealed = totp_pending_secret_sealed,
                          totp_pending_secret_sealed = NULL, totp_enabled_at = now(), totp_last_step = $3
         WHERE id = $1 AND totp_pending_secret_sealed = $2 AND totp_enabled_at IS NULL`,
        [userId, pendingSealed, step],
      )) as [unknown, number];
      if (affected === 0) return false;
      await manager.query(`DELETE FROM mfa_recovery_codes WHERE user_id = $1`, [userId]);
      for (const mac of codeMacs) {
        await manager.query(`INSERT INTO mfa_recovery_codes (user_id, code_mac) VALUES ($1, $2)`, [
          userId,
          mac,
        ]);
      }
      return true;
    });
  }

  /** Removes the enrolment and its recovery codes; false when there was none. */
  async disable(userId: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [, affected] = (await manager.query(
        `UPDATE users SET totp_secret_sealed = NULL, totp_pending_secret_sealed = NULL,
                          totp_enabled_at = NULL, totp_last_step = NULL
         WHERE id = $1 AND (totp_enabled_at IS NOT NULL OR totp_pending_secret_sealed IS NOT NULL)`,
        [userId],
      )) as [unknown, number];
      await manager.query(`DELETE FROM mfa_recovery_codes WHERE user_id = $1`, [userId]);
      return affected > 0;
    });
  }

  /**
   * Records `step` as the last TOTP time step used, only if it is later than the one recorded:
   * a compare-and-swap, so one code signs in once even when sent twice at the same moment.
   */
  async claimStep(userId: string, step: number): Promise<boolean> {
    const [, affected] = (await this.dataSource.query(
      `UPDATE users SET totp_last_step = $2
       WHERE id = $1 AND totp_enabled_at IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $2)`,
      [userId, step],
    )) as [unknown, number];
    return affected > 0;
  }

  /** Spends an unused recovery code; false when it is unknown or already used. */
  async useRecoveryCode(userId: string, codeMac: string): Promise<boolean> {
    const [, affected] = (await this.dataSource.query(
      `UPDATE mfa_recovery_codes SET used_at = now()
       WHERE user_id = $1 AND code_mac = $2 AND used_at IS NULL`,
      [userId, codeMac],
    )) as [unknown, number];
    return affected > 0;
  }

  /**
   * Marks the jti of an mfa_token as spent, once: false when it was already. Rows are kept until
   * the token expires, on every instance's shared database, and expired ones are dropped here.
   */
  async spendToken(jti: string, expiresAt: Date): Promise<boolean> {
    await this.dataSource.query(`DELETE FROM spent_mfa_tokens WHERE expires_at < now()`);
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO spent_mfa_tokens (jti, expires_at) VALUES ($1, $2)
       ON CONFLICT (jti) DO NOTHING RETURNING jti`,
      [jti, expiresAt],
    );
    return rows.length > 0;
  }

  async isTokenSpent(jti: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM spent_mfa_tokens WHERE jti = $1`,
      [jti],
    );
    return rows.length > 0;
  }
}
