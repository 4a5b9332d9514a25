import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Service accounts are users of kind `service`: no password anyone knows, no browser sign-in, no
 * second factor; they hold API keys and PATs like a user. The `verifier` role gives what a
 * service that verifies Latchkey credentials needs (introspection, security events).
 */
export class ServiceAccounts1764360000001 implements MigrationInterface {
  name = 'ServiceAccounts1764360000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE users ADD COLUMN kind text NOT NULL DEFAULT 'user'
        CONSTRAINT users_kind CHECK (kind IN ('user', 'service'))
    `);
    await queryRunner.query(`ALTER TABLE users DROP CONSTRAINT users_roles_known`);
    await queryRunner.query(`
      ALTER TABLE users ADD CONSTRAINT users_roles_known
        CHECK (roles <@ ARRAY['admin', 'user', 'verifier']::text[] AND cardinality(roles) > 0)
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM users WHERE kind = 'service'`);
    await queryRunner.query(`UPDATE users SET roles = array_remove(roles, 'verifier')`);
    await queryRunner.query(`UPDATE users SET roles = '{user}' WHERE cardinality(roles) = 0`);
    await queryRunner.query(`ALTER TABLE users DROP CONSTRAINT users_roles_known`);
    await queryRunner.query(`
      ALTER TABLE users ADD CONSTRAINT users_roles_known
        CHECK (roles <@ ARRAY['admin', 'user']::text[] AND cardinality(roles) > 0)
    `);
    await queryRunner.query(`ALTER TABLE users DROP COLUMN kind`);
  }
}
