import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An admin's password reset can require a new password at next sign-in, and the user list shows
 * when each user last signed in (set on every interactive sign-in; null for none yet).
 */
export class UserPasswordResetLastLogin1764151200000 implements MigrationInterface {
  name = 'UserPasswordResetLastLogin1764151200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE users
        ADD COLUMN password_must_change boolean NOT NULL DEFAULT false,
        ADD COLUMN last_login_at timestamptz
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE users DROP COLUMN last_login_at, DROP COLUMN password_must_change
    `);
  }
}
