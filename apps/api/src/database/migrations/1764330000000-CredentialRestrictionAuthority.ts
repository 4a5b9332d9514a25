import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who put a restriction on a credential, so that one an admin set (disabled, a rate limit) is
 * lifted only by an admin: 'owner' or 'admin', present exactly while the restriction is.
 * Restrictions set before this migration are taken as the owner's, as they were treated.
 */
export class CredentialRestrictionAuthority1764330000000 implements MigrationInterface {
  name = 'CredentialRestrictionAuthority1764330000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE credentials
        ADD COLUMN disabled_by text CHECK (disabled_by IN ('owner', 'admin')),
        ADD COLUMN rate_limit_set_by text CHECK (rate_limit_set_by IN ('owner', 'admin'))
    `);
    await queryRunner.query(`
      UPDATE credentials SET
        disabled_by = CASE WHEN disabled_at IS NOT NULL THEN 'owner' END,
        rate_limit_set_by = CASE WHEN rate_limit_requests IS NOT NULL THEN 'owner' END
    `);
    await queryRunner.query(`
      ALTER TABLE credentials
        ADD CONSTRAINT credentials_disabled_by_present
          CHECK ((disabled_at IS NULL) = (disabled_by IS NULL)),
        ADD CONSTRAINT credentials_rate_limit_set_by_present
          CHECK ((rate_limit_requests IS NULL) = (rate_limit_set_by IS NULL))
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE credentials DROP COLUMN rate_limit_set_by, DROP COLUMN disabled_by
    `);
  }
}
