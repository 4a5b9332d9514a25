import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a session last proved its user again (password, TOTP code or passkey): sensitive actions
 * are open to it for AUTH_REAUTH_MAX_AGE after that (the README's "Recent authentication").
 */
export class SessionReauthenticatedAt1764300000000 implements MigrationInterface {
  name = 'SessionReauthenticatedAt1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sessions ADD COLUMN reauthenticated_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sessions DROP COLUMN reauthenticated_at`);
  }
}
